"""Pure page parsing: text in, Article out. Never imports Textual, never touches the store."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from reader.errors import PageError
from reader.models import Article
from reader.parsing import generic, japannews, japantoday
from reader.parsing.common import page_lines
from reader.parsing.detect import detect_layout
from reader.sanitize import DecodeError, clean_line, clean_text, decode_page
from reader.text import MAX_PAGE_BYTES, size_error

__all__ = ["PageError", "detect_layout", "parse_bytes", "parse_file", "parse_text"]

_PARSERS = {"japantoday": japantoday.parse, "japannews": japannews.parse, "generic": generic.parse}


def parse_text(text: str, file: str | None = None) -> Article:
    """Parse a page's text. Never raises on odd text: the worst case is a generic article."""
    lines = page_lines(clean_text(text))
    if not lines:
        raise PageError("no text on the page")
    layout = detect_layout(lines)
    return _PARSERS[layout](lines, file)


def parse_bytes(data: bytes, file: str | None = None) -> Article:
    try:
        text, note = decode_page(data)
    except DecodeError as exc:
        raise PageError(str(exc)) from None
    article = parse_text(text, file)
    if note:
        article.notes.insert(0, note)
    return article


def parse_file(path: str | Path) -> Article:
    path = Path(path)
    return parse_bytes(read_page(path), clean_line(path.name))


_NOT_REGULAR = ((stat.S_ISDIR, "is a directory"), (stat.S_ISFIFO, "is a named pipe (FIFO), not a file"),
                (stat.S_ISCHR, "is a device, not a file"), (stat.S_ISBLK, "is a device, not a file"),
                (stat.S_ISSOCK, "is a socket, not a file"))


def read_page(path: Path) -> bytes:
    """A page's bytes: regular files only (a FIFO would block, /dev/zero never ends), and never
    more than MAX_PAGE_BYTES read, whatever the file's size claims to be."""
    try:
        mode = os.stat(path).st_mode
        for test, why in _NOT_REGULAR:
            if test(mode):
                raise PageError(why)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between the two looks
                raise PageError("not a regular file")
            with os.fdopen(fd, "rb", closefd=False) as fh:
                data = fh.read(MAX_PAGE_BYTES + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise PageError("no such file") from None
    except OSError as exc:
        raise PageError(exc.strerror or str(exc)) from None
    if len(data) > MAX_PAGE_BYTES:
        raise PageError(size_error(max(len(data), path.stat().st_size)))
    return data

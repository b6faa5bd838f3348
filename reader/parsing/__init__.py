"""Pure page parsing: text in, Article out. Never imports Textual, never touches the store."""

from __future__ import annotations

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
    try:
        if path.stat().st_size > MAX_PAGE_BYTES:
            raise PageError(size_error(path.stat().st_size))
        data = path.read_bytes()
    except FileNotFoundError:
        raise PageError("no such file") from None
    except IsADirectoryError:
        raise PageError("is a directory") from None
    except OSError as exc:
        raise PageError(exc.strerror or str(exc)) from None
    return parse_bytes(data, clean_line(path.name))

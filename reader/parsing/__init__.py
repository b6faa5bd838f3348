"""Pure page parsing: text in, Article out. Never imports Textual, never touches the store."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

from reader.errors import PageError
from reader.models import Article
from reader.parsing import discussion, generic, japannews, japantoday, social
from reader.parsing.common import page_lines
from reader.parsing.detect import detect_layout
from reader.parsing.evidence import resolve_relative
from reader.parsing.refuse import looks_like_html, not_news
from reader.sanitize import DecodeError, clean_line, clean_text_checked, decode_page
from reader.text import MAX_PAGE_BYTES, size_error

__all__ = ["PageError", "detect_layout", "parse_bytes", "parse_file", "parse_text", "read_page"]

def _generic(lines: list[str], file: str | None) -> Article:
    return generic.parse(lines, file)


_PARSERS = {"japantoday": japantoday.parse, "japannews": japannews.parse, "discussion": discussion.parse,
            "social": social.parse, "generic": _generic}


_URL_LINE = re.compile(r"^(?:(?:url|source|link|original(?: article)?|read (?:it|more) at)\s*:\s*)?(https?://\S{4,2000})$",
                       re.IGNORECASE)
FORCE_HINT = " (`--force` imports it anyway)"
# The head of reader's own HTML export (reader.export.to_html): its generator tag, and the
# content policy every export has carried (exports made before the tag have only that).
EXPORTED = "an HTML export made by reader (`reader export`)"  # (a folder's are skipped, not errors)
_EXPORT_MARKS = (b'<meta name="generator" content="reader">',
                 b"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")

# Where a page that lost its line breaks (pasted as one line) broke: before and after each vote
# line, comment count, login prompt and copyright line.
_BREAKS = re.compile(
    r"\s*(-?\d{1,6}\s*\(\s*\+\d{1,6}\s*/\s*[-−]\d{1,6}\s*\)|(?<![\d,])\d[\d,]*\s+Comments?\b|Login to (?:leave a )?comment"
    r"|©\s*\d{4}\s*GPlusMedia Inc\.?|©\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3}(?=\s+©|\s*$|\s+\d))\s*")
_JT_HEAD = re.compile(r"^(Japan Today)\s+(national|politics|business|crime|tech|sports|world|lifestyle|entertainment"
                      r"|features|opinions|travel|food|health|environment|education|picture of the day)\s+(.+)$",
                      re.IGNORECASE)


def unflatten(lines: list[str]) -> list[str]:
    """A page pasted as one line (a copy that lost its line breaks): broken again where its vote
    lines, comment counts, login prompts and copyright lines were, when it has at least two vote
    lines (what is between them is one paragraph each: nothing else says where they ended)."""
    out: list[str] = []
    for line in lines:
        if len(line) <= 400 or len(_BREAKS.findall(line)) < 3:
            out.append(line)
            continue
        parts = [p.strip() for p in _BREAKS.split(line) if p and p.strip()]
        if parts and (m := _JT_HEAD.match(parts[0])):
            parts[:1] = [m.group(1), m.group(2), m.group(3)]
        out += parts
    return out


def parse_text(text: str, file: str | None = None, *, force: bool = False, saved: datetime | None = None) -> Article:
    """Parse a page's text. Never raises on odd text when `force`d: the worst case is a generic
    article. Otherwise a file that is plainly not a news page (a configuration file, source code,
    a CSV table, ...) or has no article text is refused with the reason."""
    cleaned, printable = clean_text_checked(text)
    lines = page_lines(cleaned, printable=printable)
    if not lines:
        raise PageError("no text on the page")
    if len(lines) <= 3 and max(map(len, lines)) > 400:
        lines = unflatten(lines)
    if not force and (why := not_news(lines)):
        raise PageError(why + FORCE_HINT)
    url = next((m.group(1) for x in lines[:8] + lines[-8:] if (m := _URL_LINE.match(x))), None)
    if url:
        lines = [x for x in lines if not _URL_LINE.match(x)] or lines
    layout = detect_layout(lines)
    article = _PARSERS[layout](lines, file)
    article.url = article.url or url
    if not force and not [b for b in article.body if b != article.title] and not article.comments and not article.notes:
        raise PageError("no article text found: a title alone is not a news page" + FORCE_HINT)
    if saved is not None:
        _resolve_relative_times(article, saved)
    return article


def _resolve_relative_times(article: Article, saved: datetime) -> None:
    """`Today 07:12 am JST` means the day the page was saved: written as a time, and noted."""
    resolved = 0
    for c in article.comments:
        if c.posted and (when := resolve_relative(c.posted, saved)):
            c.posted_at, resolved = when, resolved + 1
    if resolved:
        article.notes.append(f"{resolved} relative times (\"Today …\") resolved against when the page was saved; "
                             "approximate")


def parse_bytes(data: bytes, file: str | None = None, *, force: bool = False, saved: datetime | None = None,
                url: str | None = None) -> Article:
    """Parse a page's bytes: HTML (by its content, whatever the file is called) or text."""
    if looks_like_html(data):
        if not force and any(mark in data[:4096] for mark in _EXPORT_MARKS):
            raise PageError(EXPORTED + ", not a page as saved from the web" + FORCE_HINT)
        from reader.parsing.html import parse_html

        article = parse_html(data, file, url=url)
        if not force and not article.body and not article.comments:
            raise PageError("no article text found in the HTML" + FORCE_HINT)
        return article
    try:
        text, note = decode_page(data)
    except DecodeError as exc:
        raise PageError(str(exc)) from None
    article = parse_text(text, file, force=force, saved=saved)
    article.url = url or article.url
    if note:
        article.notes.insert(0, note)
    return article


def parse_file(path: str | Path, *, force: bool = False) -> Article:
    path = Path(path)
    data = read_page(path)
    saved = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return parse_bytes(data, clean_line(path.name), force=force, saved=saved)


_NOT_REGULAR = ((stat.S_ISDIR, "is a directory"), (stat.S_ISFIFO, "is a named pipe (FIFO), not a file"),
                (stat.S_ISCHR, "is a device, not a file"), (stat.S_ISBLK, "is a device, not a file"),
                (stat.S_ISSOCK, "is a socket, not a file"))


def _read_at_most(fd: int, limit: int, size: int) -> bytes:
    """At most `limit` bytes of an open file, read in steps of the size it claims (one read and
    the one that finds its end, for most pages; a buffered read of `limit` bytes allocated all
    16 MiB first, ~60 us a page)."""
    chunks: list[bytes] = []
    got = 0
    step = max(size + 1, 1 << 12)
    while got < limit and (chunk := os.read(fd, min(step, limit - got))):
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_page(path: str | os.PathLike[str]) -> bytes:
    """A page's bytes: regular files only (a FIFO would block, /dev/zero never ends), and never
    more than MAX_PAGE_BYTES read, whatever the file's size claims to be."""
    try:
        mode = os.stat(path).st_mode
        for test, why in _NOT_REGULAR:
            if test(mode):
                raise PageError(why)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):  # replaced between the two looks
                raise PageError("not a regular file")
            data = _read_at_most(fd, MAX_PAGE_BYTES + 1, st.st_size)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise PageError("no such file") from None
    except OSError as exc:
        raise PageError(exc.strerror or str(exc)) from None
    if len(data) > MAX_PAGE_BYTES:
        raise PageError(size_error(max(len(data), os.stat(path).st_size)))
    return data

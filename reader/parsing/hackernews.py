"""A Hacker News item page saved as HTML: the post (title, link or text, writer, points) and its
comments in the site's table layout.

Each comment is a `tr.athing.comtr` row: its writer in `.hnuser`, its time in `span.age` (the
ISO time in the `title`), its depth in `td.ind[indent]` (or the spacer image's width, 40 px a
level, on older copies), its words in `.commtext` (the first paragraph is bare text, the others
`<p>`s). The depth is the truth about replies: a comment hangs under the latest comment one level
up. Quotes (`> …`) are still found as on text pages.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from reader.models import Article
from reader.parsing.evidence import parse_date
from reader.parsing.threads import RawComment, build_threads
from reader.sanitize import clean_line, clean_text

_POINTS = re.compile(r"(-?\d+)\s+points?")
_BLOCK_TAGS = {"p", "pre", "blockquote", "ul", "ol"}


def is_hn(tree: HTMLParser) -> bool:
    return tree.css_first("tr.athing.comtr, table.fatitem tr.athing") is not None


def _paragraphs(node: Node | None) -> list[str]:
    """A `.commtext`'s paragraphs: the bare text before the first `<p>`, then each block."""
    if node is None:
        return []
    out: list[str] = []
    run: list[str] = []
    for child in node.iter(include_text=True):
        if child.tag in _BLOCK_TAGS:
            out.append("".join(run))
            run = []
            out.append(child.text(deep=True, separator=""))
        else:
            run.append(child.text(deep=True, separator=""))  # (text and inline markup: their own spaces)
    out.append("".join(run))
    return [t for p in out if (t := clean_text(p).strip())]


def _depth(row: Node) -> int:
    ind = row.css_first("td.ind")
    if ind is None:
        return 0
    if (level := ind.attributes.get("indent")) is not None and level.isascii() and level.isdecimal():
        return int(level)
    img = ind.css_first("img")
    width = (img.attributes.get("width") or "0") if img is not None else "0"
    return int(width) // 40 if width.isascii() and width.isdecimal() else 0


def _when(row: Node) -> tuple[str | None, str | None]:
    """(as shown, `5 hours ago`; ISO time from the title attribute)."""
    age = row.css_first("span.age")
    if age is None:
        return None, None
    stamp = (age.attributes.get("title") or "").split(" ")[0]
    return clean_line(age.text()) or None, parse_date(stamp) if stamp else None


def parse_hn(tree: HTMLParser, file: str | None, url: str | None) -> Article:
    rows = tree.css("tr.athing.comtr")
    raw: list[RawComment] = []
    depths: list[int] = []
    times: list[str | None] = []
    for row in rows:
        user = row.css_first(".hnuser")
        author = clean_line(user.text()) if user is not None else ""
        shown, at = _when(row)
        paras = _paragraphs(row.css_first(".commtext"))
        raw.append(RawComment(paras or ["(no text)"], None, author or None, shown))
        depths.append(_depth(row))
        times.append(at)
    item = tree.css_first("table.fatitem") or tree.root
    link = item.css_first(".titleline a") if item is not None else None
    head = link or tree.css_first("title")
    title = clean_line(head.text()) if head is not None else ""
    title = title.removesuffix(" | Hacker News") or "(untitled)"
    writer = item.css_first(".subtext .hnuser, .subline .hnuser") if item is not None else None
    posted = item.css_first(".subtext .age, .subline .age") if item is not None else None
    stamp = (posted.attributes.get("title") or "").split(" ")[0] if posted is not None else ""
    body = _paragraphs(item.css_first(".toptext")) if item is not None else []
    href = link.attributes.get("href") if link is not None else None
    if not body and href and href.startswith("http"):
        body = [href]  # a link post: what it links to
    canonical = tree.css_first('link[rel="canonical"]')
    comments = build_threads(raw, [title, *body])
    latest: dict[int, int] = {}  # depth -> the latest comment at it
    for c, depth, at in zip(comments, depths, times, strict=True):
        c.parent = latest.get(depth - 1) if depth > 0 else None
        c.posted_at = at
        latest[depth] = c.id
        for deeper in [d for d in latest if d > depth]:
            del latest[deeper]
    return Article(
        file=file,
        layout="discussion",
        title=title,
        source="Hacker News",
        byline=clean_line(writer.text()) or None if writer is not None else None,
        published=parse_date(stamp) if stamp else None,
        body=body,
        comments=comments,
        url=(canonical.attributes.get("href") if canonical is not None else None) or url,
    )

"""A story as a document to keep or share: Markdown or one self-contained HTML file. Pure.

Both carry the article with its metadata and address, and the whole comment tree (authors,
vote triples, quotes as blockquotes, nesting). Page text is untrusted: HTML escapes every
character of it and allows no script, style or link of the page's own (a Content-Security-Policy
forbids loading anything at all); Markdown escapes only what would change the document's
structure, so "Ishiba-Trump meeting in U.S." stays as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from reader.models import Article, Comment
from reader.threads_view import Thread

FORMATS = ("md", "html")


def safe_url(url: str | None) -> str | None:
    """An address fit to link: http(s) only (no `javascript:`, no `data:`)."""
    if url and re.match(r"(?i)^https?://[^\s<>\"']+$", url):
        return url
    return None


def _meta_bits(a: Article) -> list[str]:
    year = f"© {a.copyright_year}" if a.copyright_year and not a.published else None
    return [x for x in (a.source, a.category, (a.published or "")[:10] or None, year) if x]


def votes_label(c: Comment) -> str:
    if c.score is None and c.up is None and c.down is None:
        return "no votes"
    net = "?" if c.score is None else f"{c.score:+d}" if c.score else "0"
    if c.up is None and c.down is None:
        return net  # a site that shows only a score
    return f"{net} (▲{'?' if c.up is None else c.up} ▼{'?' if c.down is None else c.down})"


def _quote_label(of: object) -> str:
    return "quoting the article" if of == "article" else f"quoting #{of}" if of is not None else "quoting"


# ---- Markdown

_MD_INLINE = re.compile(r"([\\`*\[\]<>]|(?<!\w)_|_(?!\w))")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=|]|-(?=\s)|\d+(?=[.)]\s))")


def md_escape(text: str) -> str:
    """Escape what Markdown would read as markup: emphasis, code, links, HTML, and block
    markers at the start of a line. Everything else stays as written."""
    text = _MD_INLINE.sub(r"\\\1", text)
    return "\n".join(_MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line) for line in text.split("\n"))


def _comment_md(c: Comment, depth: int) -> list[str]:
    pad = "  " * depth
    head = f"**{md_escape(c.author or 'anonymous')}** · {votes_label(c)} · #{c.id}"
    if c.posted:
        head += f" · {md_escape(c.posted)}"
    if c.removed is not None:
        head += " · *gone from the page*"
    out = [f"{pad}- {head}"]
    inner = pad + "  "
    for q in c.quotes:
        out += ["", f"{inner}> *{_quote_label(q['of'])}*", f"{inner}>"]
        out += [f"{inner}> {line}" if line else f"{inner}>" for line in md_escape(q["text"]).split("\n")]
    for para in c.text.split("\n\n"):
        if para.strip():
            out += ["", *(f"{inner}{line}" for line in md_escape(para).split("\n"))]
    return [*out, ""]


def to_markdown(a: Article, sort: str = "score") -> str:
    lines = [f"# {md_escape(a.title)}", ""]
    if bits := _meta_bits(a):
        lines += [md_escape(" · ".join(bits)), ""]
    if a.byline:
        lines += [f"*{md_escape(a.byline)}*", ""]
    if url := safe_url(a.url):
        lines += [f"<{url}>", ""]
    for para in a.body:
        lines += [md_escape(para), ""]
    live = len(a.live)
    lines += [f"## Comments ({live})", ""]
    for row in Thread(a.comments, sort).rows():
        lines += _comment_md(row.comment, row.depth)
    return "\n".join(lines).rstrip() + "\n"


# ---- HTML

_CSS = """
body { font: 17px/1.55 Georgia, 'Times New Roman', serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; background: #fdfdfb; }
h1 { font-size: 1.7rem; line-height: 1.25; margin-bottom: .3rem; }
.meta, .byline, .head { font: 14px/1.4 system-ui, sans-serif; color: #666; }
.comments { margin-top: 2.5rem; border-top: 1px solid #ddd; }
.comment { margin: 1rem 0 0 0; padding-left: .9rem; border-left: 2px solid #d8dee9; }
.comment .comment { margin-left: .3rem; }
.head b { color: #222; }
.gone { opacity: .6; text-decoration: line-through; }
blockquote { margin: .5rem 0; padding: .2rem .8rem; border-left: 3px solid #9bb; color: #555; font-style: italic; }
blockquote .of { font: 12px system-ui, sans-serif; color: #688; font-style: normal; display: block; }
.pos { color: #2a7a2a; } .neg { color: #b03030; }
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _comment_html(c: Comment) -> Iterator[str]:
    score_class = "pos" if (c.score or 0) > 0 else "neg" if (c.score or 0) < 0 else ""
    yield (f'<div class="comment{" gone" if c.removed is not None else ""}" id="c{c.id}">'
           f'<div class="head"><b>{_h(c.author or "anonymous")}</b> · '
           f'<span class="{score_class}">{_h(votes_label(c))}</span> · #{c.id}'
           + (f" · {_h(c.posted)}" if c.posted else "") + "</div>")
    for q in c.quotes:
        yield (f'<blockquote><span class="of">{_h(_quote_label(q["of"]))}</span>'
               + "".join(f"<p>{_h(p)}</p>" for p in q["text"].split("\n\n")) + "</blockquote>")
    for para in c.text.split("\n\n"):
        if para.strip():
            yield f"<p>{_h(para)}</p>"


# What marks a file as one of these exports (reader.parsing refuses to import it as a page).
GENERATOR = '<meta name="generator" content="reader">'


def to_html(a: Article, sort: str = "score") -> str:
    """One self-contained, inert HTML file: no scripts, nothing fetched, every page string escaped."""
    out = ["<!DOCTYPE html>", f'<html lang="en"><head><meta charset="utf-8">{GENERATOR}',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_h(a.title)}</title><style>{_CSS}</style></head><body><article>",
           f"<h1>{_h(a.title)}</h1>"]
    if bits := _meta_bits(a):
        out.append(f'<div class="meta">{_h(" · ".join(bits))}</div>')
    if a.byline:
        out.append(f'<div class="byline">{_h(a.byline)}</div>')
    if url := safe_url(a.url):
        out.append(f'<div class="meta"><a href="{_h(url)}" rel="noreferrer noopener">{_h(url)}</a></div>')
    out += [f"<p>{_h(p)}</p>" for p in a.body]
    out.append(f'</article><section class="comments"><h2>Comments ({len(a.live)})</h2>')
    depth = -1
    for row in Thread(a.comments, sort).rows():
        while depth >= row.depth:  # close this comment and the ones it does not reply to
            out.append("</div>")
            depth -= 1
        out += _comment_html(row.comment)
        depth = row.depth
    out += ["</div>"] * (depth + 1)
    out.append("</section></body></html>")
    return "\n".join(out) + "\n"


def export(a: Article, fmt: str, sort: str = "score") -> str:
    if fmt == "md":
        return to_markdown(a, sort)
    if fmt == "html":
        return to_html(a, sort)
    raise ValueError(f"unknown export format {fmt!r} (use md or html)")


def comment_markdown(c: Comment, story_title: str | None = None) -> str:
    """One comment as a Markdown quote, for the clipboard."""
    body = [line for para in c.text.split("\n\n") for line in (*md_escape(para).split("\n"), "")]
    quoted = "\n".join(f"> {line}" if line else ">" for line in body[:-1])
    source = f"{c.author or 'anonymous'}, {votes_label(c)}" + (f", on “{story_title}”" if story_title else "")
    return f"{quoted}\n>\n> — {md_escape(source)}\n"

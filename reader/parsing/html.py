"""HTML pages (as a browser saves them, or fetched): the document's own metadata, its main text
without navigation, ads and footers, and its comments, with replies from nesting or quotes.

selectolax (the Lexbor engine) parses and queries a 97 KB page in 1.6 ms; the standard library's
html.parser takes 21 ms only to emit its events, before any tree is built.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from reader.models import Article, Comment
from reader.parsing.common import Votes, parse_vote
from reader.parsing.evidence import (
    BY,
    furniture_kind,
    is_byline,
    is_caption,
    parse_date,
    photo,
    strip_site_suffix,
    title_score,
)
from reader.parsing.hackernews import is_hn, parse_hn
from reader.parsing.threads import RawComment, build_threads, no_reuse, norm_words
from reader.sanitize import clean_line, clean_text, decode_html

# Elements that are never the story: page furniture.
_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select", "nav", "header",
         "footer", "aside", "menu", "dialog", "object", "canvas")
_FURNITURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|share|sharing|social|related|relatedposts?|sharedaddy|recommend\w*|newsletter|subscribe|"
    r"subscription|paywall|promo|advert\w*|ads?|sponsor\w*|cookie\w*|consent|banner|popup|modal|footer|header|"
    r"sidebar|widget|toolbar|skip|outbrain|taboola|most-read|trending|signup|login|byline-share)(?:$|[\s_-])",
    re.IGNORECASE)
_COMMENT_CLASS = re.compile(r"(?:^|\s)(?:comment|c-comment|comment-item|commentlist-item|reply|post-comment)(?:$|\s)",
                            re.IGNORECASE)
_COMMENTS_AREA = re.compile(r"(?:^|[\s_-])(?:comments?|discussion|disqus|responses)(?:$|[\s_-])", re.IGNORECASE)
_AUTHOR_SEL = (".comment-author, .author, .fn, .username, .user-name, .user, [itemprop=author], .c-comment__author,"
               " [class*='__author'], [class*='comment-author'], [class*='comment_author']")
_BLOCKS = "p, h2, h3, h4, li, blockquote, pre, figcaption"


@dataclass
class Meta:
    """What the document says about itself."""

    title: str | None = None
    headline: str | None = None  # og:title / JSON-LD headline: the best hint for the title
    url: str | None = None
    site: str | None = None
    section: str | None = None
    published: str | None = None
    author: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _attr(tree: HTMLParser, selector: str, name: str = "content") -> str | None:
    node = tree.css_first(selector)
    value = node.attributes.get(name) if node is not None else None
    return clean_line(value) if value else None


def read_meta(tree: HTMLParser) -> Meta:
    m = Meta()
    title = tree.css_first("title")
    m.title = clean_line(title.text()) if title is not None and title.text().strip() else None
    m.headline = _attr(tree, 'meta[property="og:title"]') or _attr(tree, 'meta[name="twitter:title"]')
    m.url = _attr(tree, 'link[rel="canonical"]', "href") or _attr(tree, 'meta[property="og:url"]')
    m.site = _attr(tree, 'meta[property="og:site_name"]') or _attr(tree, 'meta[name="application-name"]')
    m.section = _attr(tree, 'meta[property="article:section"]')
    when = (_attr(tree, 'meta[property="article:published_time"]') or _attr(tree, 'meta[name="pubdate"]')
            or _attr(tree, 'meta[name="date"]') or _attr(tree, 'meta[itemprop="datePublished"]'))
    m.author = _attr(tree, 'meta[name="author"]') or _attr(tree, 'meta[property="article:author"]')
    for node in tree.css('script[type="application/ld+json"]'):
        _json_ld(node.text(), m)
    if when:
        m.published = parse_date(when) or m.published
    if m.site is None and m.title and (bare := strip_site_suffix(m.title)) != m.title:
        m.site = m.title[len(bare):].strip(" |–—-:·")
    if m.published is None and (t := tree.css_first("time[datetime]")) is not None:
        m.published = parse_date(t.attributes.get("datetime") or "")
    return m


def _json_ld(raw: str, m: Meta) -> None:
    try:
        data = json.loads(raw)
    except ValueError:
        return
    items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
    if not isinstance(items, list):
        items = [data]
    for item in items:
        if not isinstance(item, dict) or not re.search(r"Article|Posting|Report", str(item.get("@type", ""))):
            continue
        if isinstance(item.get("headline"), str):
            m.headline = m.headline or clean_line(item["headline"])
        if isinstance(item.get("datePublished"), str) and m.published is None:
            m.published = parse_date(item["datePublished"])
        if isinstance(item.get("articleSection"), str):
            m.section = m.section or clean_line(item["articleSection"])
        author = item.get("author")
        names = [a["name"] for a in (author if isinstance(author, list) else [author])
                 if isinstance(a, dict) and isinstance(a.get("name"), str)]
        if names:
            m.author = m.author or ", ".join(clean_line(n) for n in names)
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            m.site = m.site or clean_line(publisher["name"])
        if isinstance(item.get("url"), str):
            m.url = m.url or clean_line(item["url"])


def _classes(node: Node) -> str:
    return f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"


def _is_comment_item(node: Node) -> bool:
    cls = node.attributes.get("class") or ""
    ident = node.attributes.get("id") or ""
    itemtype = node.attributes.get("itemtype") or ""
    return (bool(_COMMENT_CLASS.search(cls)) or bool(re.match(r"comment-\d+$", ident))
            or (node.tag == "li" and re.match(r"post-\d+$", ident) is not None)  # (Disqus' `li#post-N`; not WordPress's article)
            or itemtype.endswith("/Comment")) and node.tag in ("li", "article", "div", "section")


def _text_of(node: Node) -> str:
    return clean_text(node.text(separator=" ", strip=True))


# ---- comments


@dataclass
class _HtmlComment:
    node: Node
    parent_node: Node | None
    author: str | None = None
    posted: str | None = None
    posted_at: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    quoted: list[bool] = field(default_factory=list)


def _comment_items(tree: HTMLParser) -> list[_HtmlComment]:
    items = [n for n in tree.css("li, article, div, section") if _is_comment_item(n)]
    ids = {n.mem_id for n in items}
    # An element marked "comment" that holds other such elements but no text of its own is a list.
    out: list[_HtmlComment] = []
    for n in items:
        parent = n.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        out.append(_HtmlComment(n, parent))
    return [c for c in out if not _is_reply_link(c.node) and _own_paragraphs(c.node, ids)
            and not _PINGBACK.search(c.node.attributes.get("class") or "")]


# `9 thoughts on “Headline”`, `12 Comments`, `3 Responses to …` over the comments
_STATED = re.compile(r"^(\d{1,6})\s+(?:thoughts?|comments?|responses?|replies|reactions?)\b", re.IGNORECASE)
_PINGBACK = re.compile(r"(?:^|\s)(?:pingback|trackback)(?:\s|$)")  # another site's link to the story: no reader's comment


_SAYS = re.compile(r"\s*(?:says|said|wrote)\s*:?\s*$", re.IGNORECASE)  # `Tom Brennan says:`
_REPLY_WORDS = {"reply", "reply ↓", "reply↓", "返信", "antworten", "répondre", "responder"}


def _is_reply_link(node: Node) -> bool:
    """WordPress's `<div class="reply"><a class="comment-reply-link">Reply</a></div>`: a button."""
    return _text_of(node).casefold() in _REPLY_WORDS or (
        node.css_first(".comment-reply-link") is not None and len(_text_of(node)) <= 20)


def _own_paragraphs(node: Node, comment_ids: set[int]) -> list[tuple[str, bool]]:
    """The comment's paragraphs (not those of replies nested inside it, nor its author/time
    header), each with whether it is a quote (inside a <blockquote>)."""
    out: list[tuple[str, bool]] = []
    for b in node.css(_BLOCKS):
        if _nested_in_reply(b, node, comment_ids) or _in_author(b, node) or _inside(b, "footer", node):
            continue
        if b.tag == "blockquote" and b.css_first("p, li") is not None:
            continue  # its paragraphs are taken one by one
        if b.tag == "li" and b.css_first("p") is not None:
            continue
        if b.tag == "p" and _inside(b, "p", node):
            continue
        text = _text_of(b)
        if text:
            out.append((text, b.tag == "blockquote" or _inside(b, "blockquote", node)))
    if not out and (text := _leaf_text(node)):
        out.append((text, False))
    return out


def _nested_in_reply(b: Node, node: Node, comment_ids: set[int]) -> bool:
    p = b.parent if b.mem_id != node.mem_id else None
    while p is not None and p.mem_id != node.mem_id:
        if p.mem_id in comment_ids:
            return True
        p = p.parent
    return b.mem_id in comment_ids and b.mem_id != node.mem_id


def _inside(node: Node, tag: str, stop: Node) -> bool:
    p = node.parent
    while p is not None and p.mem_id != stop.mem_id:
        if p.tag == tag:
            return True
        p = p.parent
    return False


_AUTHOR_CLASSES = frozenset({"comment-author", "author", "fn", "username", "user-name", "user", "c-comment__author"})


def _in_author(node: Node, stop: Node) -> bool:
    """Is `node` (or an element around it, below `stop`) a comment's author element? (Tested on
    the element's own attributes: selectolax's css_matches is also true for an element that only
    holds a match, such as a WordPress `article.comment-body` holding the author and the words.)"""
    p: Node | None = node
    while p is not None and p.mem_id != stop.mem_id:
        attrs = p.attributes
        if attrs.get("itemprop") == "author" or not _AUTHOR_CLASSES.isdisjoint((attrs.get("class") or "").split()):
            return True
        p = p.parent
    return False


def _leaf_text(node: Node) -> str:
    """A comment with no paragraph elements: its own text, without nested replies or its header."""
    clone = HTMLParser(node.html or "").body
    if clone is None:
        return ""
    for sel in (_AUTHOR_SEL, "time", ".comment-meta", ".meta", "footer", "ul", "ol"):
        for n in clone.css(sel):
            n.decompose()
    return _text_of(clone)


def _shown_time(iso: str) -> str:
    """`2025-07-28T10:02:00+09:00` as a reader reads it: `2025-07-28 10:02`."""
    return f"{iso[:10]} {iso[11:16]}" if len(iso) >= 16 and iso[10] == "T" else iso[:10]


# Up and down counts in a votes element: `+14 -3`, `▲14 ▼3`, `+14 / -3`.
_UP_DOWN = re.compile(r"^[+▲↑]\s*(\d{1,7})\s*[/|·]?\s*[-−–▼↓]\s*(\d{1,7})$")
_VOTES_CLASS = re.compile(r"vote|voting|score|rating|karma|likes", re.IGNORECASE)


def _marked_votes(node: Node, comment_ids: set[int]) -> Votes | None:
    """A vote line in its own element outside the paragraphs (`<div class="votes">5 ( +6 / -1 )</div>`,
    a span, or up and down counts such as `<span class="up">+14</span> <span class="down">-3</span>`
    in an element whose class says votes), not in a reply nested inside the comment."""
    for el in node.css("div, span, small, footer, aside, li"):  # (Disqus: `<li class="voting">`)
        if el.mem_id == node.mem_id or _nested_in_reply(el, node, comment_ids):
            continue
        text = _text_of(el)
        if not 0 < len(text) <= 60:
            continue
        if (v := parse_vote(text)) is not None:
            return v
        if _VOTES_CLASS.search(_classes(el)):
            if m := _UP_DOWN.match(text):
                up, down = int(m.group(1)), int(m.group(2))
                return Votes(up - down, up, down)
            if (counts := _counted(el)) is not None:
                return counts
    return None


_UP_CLASS = re.compile(r"(?:^|[\s_-])(?:up|upvotes?|likes?|plus|positive|thumbs-up|agree)(?:$|[\s_-])", re.IGNORECASE)
_DOWN_CLASS = re.compile(r"(?:^|[\s_-])(?:down|downvotes?|dislikes?|minus|negative|thumbs-down|disagree)(?:$|[\s_-])",
                         re.IGNORECASE)
_COUNT = re.compile(r"^(?:[^\w\s]{1,3}\s*)?[+-]?\s*(\d{1,7})$")  # (`👍 34`)


def _counted(el: Node) -> Votes | None:
    """Up and down counts in elements of their own: `<span class="vote-up">12</span>
    <span class="vote-down">1</span>`."""
    up = down = None
    for child in el.css("span, b, strong, em, a, button, div"):
        cls = (child.attributes.get("class") or "").replace("vote-", "").replace("votes-", "")
        if (m := _COUNT.match(_text_of(child).strip())) is None:
            continue
        if up is None and _UP_CLASS.search(cls):
            up = int(m.group(1))
        elif down is None and _DOWN_CLASS.search(cls):
            down = int(m.group(1))
    if up is None or down is None:
        return None
    return Votes(up - down, up, down)


def read_comments(tree: HTMLParser) -> tuple[list[Comment], list[str]]:
    """Comments with authors, times and votes where marked up; replies from nesting, or from
    quotes of earlier comments' words (as on text pages)."""
    notes: list[str] = []
    items = _comment_items(tree)
    if not items:
        return [], notes
    ids = {c.node.mem_id for c in items}
    index = {c.node.mem_id: i for i, c in enumerate(items, start=1)}
    raw: list[RawComment] = []
    for c in items:
        a = c.node.css_first(".fn") or next((x for x in c.node.css(_AUTHOR_SEL) if x.text().strip()
                                               and not _nested_in_reply(x, c.node, ids)), None)  # (not an avatar's link)
        c.author = _SAYS.sub("", clean_line(a.text())) or None if a is not None and a.text().strip() else None
        t = c.node.css_first("time") or c.node.css_first("[data-role=relative-time], .time-ago")
        if t is not None and not _nested_in_reply(t, c.node, ids):
            c.posted_at = parse_date(t.attributes.get("datetime") or t.attributes.get("title") or "")
            c.posted = _shown_time(c.posted_at) if c.posted_at else clean_line(t.text()) or None
        paras = _own_paragraphs(c.node, ids)
        votes = None
        for p, _quote in paras:
            if votes is None and (v := parse_vote(p)) is not None:
                votes = v
        if votes is None:
            votes = _marked_votes(c.node, ids)
        c.paragraphs = [p for p, _ in paras if parse_vote(p) is None]
        c.quoted = [q for p, q in paras if parse_vote(p) is None]
        raw.append(RawComment(c.paragraphs or ["(empty)"], votes))
    with no_reuse():  # (the markup changes the threaded comments below: they are not build_threads's to reuse)
        comments = build_threads(raw, [])
    for c, com in zip(items, comments, strict=True):
        com.author = c.author or com.author
        com.posted = c.posted or com.posted
        com.posted_at = c.posted_at or com.posted_at
        if c.parent_node is not None and c.parent_node.mem_id in index:
            com.parent = index[c.parent_node.mem_id]  # the markup's nesting is the truth
        for b, quoted in zip(com.blocks, c.quoted, strict=False):
            if quoted and not b.quote:
                b.quote, b.of = True, com.parent
    return comments, notes


# ---- the article


def _drop_furniture(root: Node) -> None:
    for tag in _DROP:
        for n in root.css(tag):
            n.decompose()
    for n in root.css("[class], [id], [role], [aria-hidden]"):
        if n.attributes.get("role") in ("navigation", "banner", "contentinfo", "complementary", "search") or \
                n.attributes.get("aria-hidden") == "true" or \
                (_FURNITURE_CLASS.search(_classes(n)) and n.tag not in ("body", "html", "main", "article")):
            n.decompose()


def _main_node(root: Node) -> Node:
    """The element holding the story: <article> or [itemprop=articleBody] or <main>, else the
    element whose own paragraphs hold the most text."""
    for sel in ('[itemprop="articleBody"]', "article", "main", '[role="main"]', ".article-body", ".entry-content",
                ".post-content", ".story-body"):
        cands = [n for n in root.css(sel) if len(_text_of(n)) > 200]
        if cands:
            return max(cands, key=lambda n: len(_text_of(n)))
    best, best_len = root, 0
    for p in root.css("p"):
        parent = p.parent
        if parent is None:
            continue
        size = sum(len(_text_of(q)) for q in parent.css("p"))
        if size > best_len:
            best, best_len = parent, size
    return best


_BYLINE_SEL = ".byline, .entry-meta, .post-meta, .article-meta, .posted-on"


def _byline(main: Node) -> tuple[str | None, str | None]:
    """The writer and time from the story's byline element (`<p class="byline">By <span
    class="author">…</span> <time datetime=…>`), which is then dropped from the body."""
    el = main.css_first(_BYLINE_SEL)
    if el is None or len(_text_of(el)) > 200:
        return None, None
    a = el.css_first(".author, .fn, [rel=author], [itemprop=author], .post-author, .byline-author, a[href*='/author/']")
    author = BY.sub("", clean_line(a.text())) if a is not None else None
    t = el.css_first("time")
    published = parse_date(t.attributes.get("datetime") or t.text()) if t is not None else None
    if author is None and is_byline(text := _text_of(el)):
        author = text.split(None, 1)[1].strip() if text.lower().startswith("by ") else None
    if author or published:
        el.decompose()
    return author or None, published


def _paragraphs(node: Node) -> list[str]:
    out: list[str] = []
    for b in node.css("h1, " + _BLOCKS):
        if b.tag in ("li", "p") and _inside(b, "blockquote", node):
            continue
        if b.tag == "li" and b.css_first("p") is not None:
            continue
        text = " ".join(_text_of(b).split())
        if text and (not out or out[-1] != text):
            out.append(text)
    if not out:
        out = [" ".join(x.split()) for x in _text_of(node).split("\n") if x.strip()]
    return out


def parse_html(data: bytes | str, file: str | None = None, *, url: str | None = None) -> Article:
    tree = HTMLParser(decode_html(data) if isinstance(data, bytes) else data)
    if is_hn(tree):  # a Hacker News item page: its own table layout
        return parse_hn(tree, file, url)
    meta = read_meta(tree)
    comment_area = None
    comments, notes = read_comments(tree)
    stated = next((int(m.group(1)) for h in tree.css(".comments-title, #comments-title, .comment-count, h2, h3, h4")
                   if len(h.text()) < 400 and (m := _STATED.match(_text_of(h)))), None)
    for n in tree.css("[class], [id]"):
        if _COMMENTS_AREA.search(_classes(n)) and n.tag in ("section", "div", "ol", "ul", "aside"):
            comment_area = n
            break
    for c in tree.css("li, article, div, section"):
        if _is_comment_item(c):
            c.decompose()
    if comment_area is not None and comment_area.parent is not None:
        comment_area.decompose()
    body_root = tree.body or tree.root
    if body_root is None:
        return Article(file=file, layout="html", title=meta.headline or meta.title or "(untitled)", url=url or meta.url)
    h1 = body_root.css_first("h1")
    h1_text = clean_line(h1.text()) if h1 is not None else None
    # (the byline first: a story's own <header>, where it often is, goes with the site's furniture)
    author, published = _byline(body_root.css_first("article") or body_root)
    _drop_furniture(body_root)
    main = _main_node(body_root)
    paras = [p for p in _paragraphs(main) if not furniture_kind(p)]
    hint = meta.headline or (strip_site_suffix(meta.title, meta.site) if meta.title else None)
    title = _choose_title(h1_text, hint, paras)
    body = [p for p in paras if p != title and p != hint and not (meta.author and p.lower() == f"by {meta.author}".lower())]
    image = None
    figure = main.css_first("figcaption")
    caption = clean_line(figure.text()) if figure is not None else None
    if body and (is_caption(body[0]) or body[0] == caption):
        caption = body.pop(0)
    if caption:
        image = photo(caption)
        body = [p for p in body if p != caption]
    section = meta.section
    if body and len(body[0].split()) <= 3 and not body[0].endswith((".", "!", "?")) and len(body) > 1:
        section = section or body[0]
        body = body[1:]
    _article_quotes(comments, [title, *body])
    return Article(
        file=file,
        layout="html",
        title=title,
        source=meta.site,
        category=section,
        byline=meta.author or author,
        published=meta.published or published,
        image=image,
        body=body,
        comments=comments,
        stated_comment_count=stated,
        notes=notes,
        url=meta.url or url,  # the canonical address when the page gives one, else where it was fetched
    )


def _article_quotes(comments: list[Comment], article: list[str]) -> None:
    """A `<blockquote>` that quotes no comment but the story's own words quotes the article."""
    text = None
    for c in comments:
        for b in c.blocks:
            if b.quote and b.of is None:
                text = text if text is not None else " " + " ".join(" ".join(norm_words(p)) for p in article) + " "
                words = " ".join(norm_words(b.text))
                if words and f" {words} " in text:
                    b.of = "article"


def _choose_title(h1: str | None, hint: str | None, paras: list[str]) -> str:
    candidates = [c for c in (h1, hint) if c]
    if h1 and hint and title_score(h1, 0, hint=hint) > 0:
        return h1
    if candidates:
        return candidates[-1] if hint else candidates[0]
    scored = [(title_score(p, j), p) for j, p in enumerate(paras[:10])]
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] > 0 else (paras[0][:140] if paras else "(untitled)")

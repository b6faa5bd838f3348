"""Japan Today pages: site line, image caption, category, title, `N Comments`, byline, body,
wire credit, `©YEAR GPlusMedia Inc.`, then voted comments and footer boilerplate."""

from __future__ import annotations

import re

from reader.models import Article
from reader.parsing.comments import first_vote_index, split_comments
from reader.parsing.common import (
    COMMENT_COUNT,
    EXPIRED,
    GPLUS,
    LOGIN_TO_COMMENT,
    credit_name,
    is_boilerplate,
    parse_vote,
    split_glued_copyright,
)
from reader.parsing.threads import build_threads

SITE = re.compile(r"^Japan\s?Today\b", re.IGNORECASE)
CAPTION = re.compile(r"^(.*?)\s*\bImage:\s*(.*)$")
BYLINE = re.compile(r"^By\s+(.{2,150})$")
HEADER_SPAN = 12  # the header (site .. byline) sits within the first lines


def _stated(line: str) -> int | None:
    m = COMMENT_COUNT.match(line)
    if not m:
        return None
    n = m.group(1)
    return 0 if n.lower() == "no" else int(n.replace(",", ""))


def _looks_like_category(line: str) -> bool:
    return len(line) <= 30 and len(line.split()) <= 3 and line[-1] not in ".!?:\"”" and not line[0].isdigit()


def parse(lines: list[str], file: str | None) -> Article:
    notes: list[str] = []
    lines = split_glued_copyright(lines)
    if any(EXPIRED.match(x) for x in lines[:HEADER_SPAN]):
        notes.append("the article has expired; only its comments remain")
    lines = [x for x in lines if not EXPIRED.match(x)]

    # Site line (may carry a banner, may be missing, may follow banners).
    i = 0
    for j, line in enumerate(lines[:5]):
        if SITE.match(line):
            i = j + 1
            break
    header_end = min(len(lines), i + HEADER_SPAN)
    image = None
    for j in range(i, min(i + 3, header_end)):
        m = CAPTION.match(lines[j])
        if m and len(lines[j]) < 600:
            image = {"caption": m.group(1).strip() or None, "credit": m.group(2).strip() or None}
            i = j + 1
            break

    # Title is the line above `N Comments`; category the short line above the title.
    stated = None
    title = None
    category = None
    count_at = next((j for j in range(i, header_end) if _stated(lines[j]) is not None), None)
    vote_at = first_vote_index(lines, i)
    if count_at is not None and (vote_at is None or count_at < vote_at):
        stated = _stated(lines[count_at])
        head = [x for x in lines[i:count_at] if not is_boilerplate(x)]
        if head:
            title = head[-1]
            if len(head) >= 2 and _looks_like_category(head[-2]):
                category = head[-2]
        body_start = count_at + 1
    else:
        stop = header_end if vote_at is None else min(header_end, vote_at - 1)
        login = next((j for j in range(i, stop) if LOGIN_TO_COMMENT.match(lines[j]) or lines[j].startswith("©")), None)
        stop = stop if login is None else login
        head = [j for j in range(i, stop) if not is_boilerplate(lines[j])]
        if len(head) >= 2 and _looks_like_category(lines[head[0]]):
            category, title, body_start = lines[head[0]], lines[head[1]], head[1] + 1
        elif head:
            title, body_start = lines[head[0]], head[0] + 1
        else:
            body_start = stop
    byline = None
    if body_start < len(lines):
        m = BYLINE.match(lines[body_start])
        if m:
            byline, body_start = m.group(1).strip(), body_start + 1

    # Body runs until the wire credit, the copyright, `N Comments` or `Login to comment`.
    credit = None
    year = None
    end = len(lines)
    for j in range(body_start, len(lines)):
        x = lines[j]
        if x.startswith("©") or _stated(x) is not None or LOGIN_TO_COMMENT.match(x) or parse_vote(x):
            end = j
            break
    comment_start = end
    if end < len(lines) and parse_vote(lines[end]) is not None:
        # Comments follow the body with no marker: the paragraph above the first vote is a comment.
        end = comment_start = max(body_start, end - 1)
    else:
        j = end
        while j < len(lines):
            x = lines[j]
            g = GPLUS.match(x)
            if g:
                year = int(g.group(1))
            elif x.startswith("©"):
                credit = credit or credit_name(x)
            elif _stated(x) is not None:
                stated = stated if stated is not None else _stated(x)
            elif not (LOGIN_TO_COMMENT.match(x) or is_boilerplate(x)):
                break
            j += 1
        comment_start = j
    body = [x for x in lines[body_start:end] if not is_boilerplate(x)]

    raw = split_comments(lines[comment_start:], notes)
    if title is None:
        title = "(expired article)" if notes and "expired" in notes[0] else (body.pop(0) if body else "(untitled)")
    comments = build_threads(raw, [title, *body])
    if stated is not None and stated > len(comments):
        notes.append(f"the page says {stated} comments but shows {len(comments)}")
    return Article(
        file=file,
        layout="japantoday",
        source="Japan Today",
        title=title,
        category=category,
        byline=byline,
        credit=credit,
        copyright_year=year,
        image=image,
        body=body,
        stated_comment_count=stated,
        comments=comments,
        notes=notes,
    )

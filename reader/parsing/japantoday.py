"""Japan Today pages: site line, image caption, category, title, `N Comments`, byline, body,
wire credit, `©YEAR GPlusMedia Inc.`, then voted comments and footer boilerplate."""

from __future__ import annotations

import re

from reader.models import Article
from reader.parsing.comments import first_vote_index, over_vote, split_comments
from reader.parsing.common import (
    COMMENT_COUNT,
    GPLUS,
    LOGIN_TO_COMMENT,
    credit_name,
    is_boilerplate,
    is_expired,
    parse_vote,
    split_glued_copyright,
)
from reader.parsing.evidence import (
    MIN_TITLE_SCORE,
    first_sentence,
    is_banner,
    is_date_line,
    is_navigation,
    is_section_label,
    title_score,
)
from reader.parsing.generic import menu_lines
from reader.parsing.threads import build_threads, is_time_line

SITE = re.compile(r"^Japan\s?Today\b", re.IGNORECASE)
CAPTION = re.compile(r"^(.*?)\s*\bImage:\s*(.*)$")
BYLINE = re.compile(r"^By\s+(.{2,150})$")
HEADER_SPAN = 12  # the header (site .. byline) sits within the first lines


def _stated(line: str) -> int | None:
    m = COMMENT_COUNT.match(line)
    if not m:
        return None
    n = m.group(1) or m.group(2)  # (`23 Comments`, or `コメント23件`)
    return 0 if n.lower() == "no" else int(n.replace(",", ""))


def _looks_like_category(line: str) -> bool:
    return is_section_label(line) or (len(line) <= 30 and len(line.split()) <= 3 and line[-1] not in ".!?:\"”"
                                      and not line[0].isdigit())


def _header_line(line: str) -> bool:
    """A line of the header that is neither title nor category: furniture, a copyright, a banner,
    the date (`Mar. 12  10:20 am JST`, on the mobile site)."""
    return (is_boilerplate(line) or is_banner(line) or is_navigation(line) or line.startswith("©")
            or is_time_line(line) or is_date_line(line))


def _site_and_photo(lines: list[str]) -> tuple[int, dict[str, str | None] | None]:
    """Skip the site line (it may carry a banner, be missing, or follow banners) and take the
    photo caption under it; returns where the title block starts, and the photo."""
    i = next((j + 1 for j, line in enumerate(lines[:5]) if SITE.match(line)), 0)
    header_end = min(len(lines), i + HEADER_SPAN)
    for j in range(i, min(i + 3, header_end)):
        m = CAPTION.match(lines[j])
        if m and len(lines[j]) < 600:
            return j + 1, {"caption": m.group(1).strip() or None, "credit": m.group(2).strip() or None}
    return i, None


def _title_block(lines: list[str], i: int) -> tuple[str | None, str | None, int | None, int]:
    """(title, category, stated comment count, where the body starts).

    The title is the line above `N Comments`, the category the short line above the title;
    with no count line, the first lines of the header that are not boilerplate."""
    header_end = min(len(lines), i + HEADER_SPAN)
    count_at = next((j for j in range(i, header_end) if _stated(lines[j]) is not None), None)
    vote_at = first_vote_index(lines, i)
    if count_at is not None and (vote_at is None or count_at < vote_at):
        head = [x for x in lines[i:count_at] if not _header_line(x)]
        category = head[-2] if len(head) >= 2 and _looks_like_category(head[-2]) else None
        return (head[-1] if head else None), category, _stated(lines[count_at]), count_at + 1
    stop = header_end if vote_at is None else min(header_end, vote_at - 1)
    login = next((j for j in range(i, stop) if LOGIN_TO_COMMENT.match(lines[j]) or lines[j].startswith("©")), None)
    stop = stop if login is None else login
    head_at = [j for j in range(i, stop) if not _header_line(lines[j])]
    if len(head_at) >= 2 and _looks_like_category(lines[head_at[0]]):
        return lines[head_at[1]], lines[head_at[0]], None, head_at[1] + 1
    if head_at and title_score(lines[head_at[0]], 0) >= MIN_TITLE_SCORE:
        return lines[head_at[0]], None, None, head_at[0] + 1
    if head_at:  # the first line is a sentence of the body: the page shows no headline
        return None, None, None, head_at[0]
    return None, None, None, stop


def _body_end(lines: list[str], body_start: int) -> int:
    """The body runs until the wire credit, the copyright, `N Comments`, `Login to comment` or a vote."""
    for j in range(body_start, len(lines)):
        x = lines[j]
        if x.startswith("©") or _stated(x) is not None or LOGIN_TO_COMMENT.match(x) or parse_vote(x):
            return j
    return len(lines)


def _trailer(lines: list[str], end: int) -> tuple[str | None, int | None, int | None, int]:
    """The lines between the body and the comments: (wire credit, copyright year, stated count,
    where the comments start)."""
    credit: str | None = None
    year = stated = None
    j = end
    while j < len(lines):
        x = lines[j]
        if g := GPLUS.match(x):
            year = int(g.group(1))
        elif x.startswith("©"):
            credit = credit or credit_name(x)
        elif _stated(x) is not None:
            stated = stated if stated is not None else _stated(x)
        elif not (LOGIN_TO_COMMENT.match(x) or is_boilerplate(x) or is_banner(x)) or over_vote(lines, j):
            break
        j += 1
    return credit, year, stated, j


def parse(lines: list[str], file: str | None) -> Article:
    notes: list[str] = []
    lines = split_glued_copyright(lines)
    if any(is_expired(x) for x in lines[:HEADER_SPAN]):
        notes.append("the article has expired; only its comments remain")
    lines = [x for x in lines if not is_expired(x)]
    if len(menu := menu_lines(lines)) >= 8:  # the mobile site's menu and weather (`Menu`, `Tokyo`, `14°C`, `National`, …)
        lines = [x for j, x in enumerate(lines) if j not in menu]
    i, image = _site_and_photo(lines)
    title, category, stated, body_start = _title_block(lines, i)
    byline = None
    if body_start < len(lines) and (m := BYLINE.match(lines[body_start])):
        byline, body_start = m.group(1).strip(), body_start + 1
    end = _body_end(lines, body_start)
    credit: str | None = None
    year: int | None = None
    if end < len(lines) and parse_vote(lines[end]) is not None:
        # Comments follow the body with no marker: the paragraph above the first vote is a comment.
        end = comment_start = max(body_start, end - 1)
    else:
        credit, year, later_stated, comment_start = _trailer(lines, end)
        stated = stated if stated is not None else later_stated
    body = [x for x in lines[body_start:end] if not is_boilerplate(x) and not is_banner(x)]
    # (the literal first: the pattern alone took ~13 us a paragraph without it)
    if image is None and (cap := next((x for x in body if "Image:" in x and CAPTION.match(x)), None)):
        m = CAPTION.match(cap)
        image = {"caption": m.group(1).strip() or None, "credit": m.group(2).strip() or None} if m else None
        body.remove(cap)
    if credit is None:
        credit = next((c for x in lines[: body_start] if x.startswith("©") and (c := credit_name(x))), None)

    # Related stories and share buttons between the body and the comments: the comments start
    # after `Login to comment` (or the count) when one stands before the first vote line.
    first_vote = first_vote_index(lines, comment_start)
    marker = next((j for j in range(comment_start, first_vote if first_vote is not None else len(lines))
                   if LOGIN_TO_COMMENT.match(lines[j]) or (_stated(lines[j]) or 0) > 0), None)  # (not "No comment")
    if marker is not None and first_vote is not None and marker < first_vote - 1:
        comment_start = marker + 1
    raw = split_comments(lines[comment_start:], notes)
    if title is None:
        title = "(expired article)" if notes and "expired" in notes[0] else (first_sentence(body[0]) if body else "(untitled)")
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

"""The Japan News (Yomiuri): title, `HH:MM JST, Month D, YYYY`, body, then
`"Category" POPULAR ARTICLE` and `JN ACCESS RANKING` lists of related headlines."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from reader.models import Article
from reader.parsing.comments import first_vote_index, split_comments
from reader.parsing.common import is_boilerplate
from reader.parsing.threads import build_threads

DATELINE = re.compile(r"^(\d{1,2}):(\d{2})\s*JST,\s*([A-Z][a-z]+)\.?\s+(\d{1,2}),\s*(\d{4})$")
SECTION = re.compile(r"^(?:\"([^\"]{1,40})\"\s+)?(POPULAR ARTICLE|JN ACCESS RANKING|LATEST ARTICLES?|RELATED ARTICLES?)$")
SITE = re.compile(r"^(The Japan News|Japan News|The Yomiuri Shimbun)$", re.IGNORECASE)
BYLINE = re.compile(r"^By\s+(.{2,150})$")
JST = timezone(timedelta(hours=9))
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}


def published(line: str) -> str | None:
    m = DATELINE.match(line)
    if not m:
        return None
    hh, mm, month, day, year = m.groups()
    mon = _MONTHS.get(month.lower()) or next((v for k, v in _MONTHS.items() if k.startswith(month.lower()[:3])), None)
    try:
        return datetime(int(year), mon or 0, int(day), int(hh), int(mm), tzinfo=JST).isoformat()
    except (TypeError, ValueError):
        return None


def parse(lines: list[str], file: str | None) -> Article:
    notes: list[str] = []
    date_at = next((j for j, x in enumerate(lines[:15]) if DATELINE.match(x)), None)
    content = [j for j in range(len(lines)) if not is_boilerplate(lines[j]) and not SITE.match(lines[j])]
    if date_at is not None:
        before = [j for j in content if j < date_at]
        title = lines[before[-1]] if before else "(untitled)"
        start = date_at + 1
        when = published(lines[date_at])
    else:
        title = lines[content[0]] if content else "(untitled)"
        start = (content[0] + 1) if content else len(lines)
        when = None
    byline = None
    if start < len(lines) and (m := BYLINE.match(lines[start])):
        byline, start = m.group(1).strip(), start + 1

    end = next((j for j in range(start, len(lines)) if SECTION.match(lines[j])), len(lines))
    vote_at = first_vote_index(lines, start)
    if vote_at is not None and vote_at < end:
        end = max(start, vote_at - 1)
    body = [x for x in lines[start:end] if not is_boilerplate(x)]

    category = None
    related: list[dict[str, str]] = []
    section = None
    j = end
    comment_lines: list[str] = []
    while j < len(lines):
        x = lines[j]
        m = SECTION.match(x)
        if m:
            section = m.group(2)
            if m.group(1) and category is None:
                category = m.group(1)
        elif vote_at is not None and j >= end and section is None:
            comment_lines = lines[j:]
            break
        elif x.strip("-–— ") and not is_boilerplate(x):
            related.append({"section": section or "RELATED", "title": x.lstrip("-–— ").strip()})
        j += 1
    raw = split_comments(comment_lines, notes) if comment_lines else []
    return Article(
        file=file,
        layout="japannews",
        source="The Japan News",
        title=title,
        category=category,
        byline=byline,
        published=when,
        body=body,
        related=related,
        comments=build_threads(raw, [title, *body]),
        notes=notes,
    )

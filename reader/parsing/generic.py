"""Any other page: the first line that is not boilerplate is the title, the rest is body.
Voted comments, if the page has them, are split off as on Japan Today."""

from __future__ import annotations

import re

from reader.models import Article
from reader.parsing.comments import first_vote_index, split_comments
from reader.parsing.common import COMMENT_COUNT, LOGIN_TO_COMMENT, is_boilerplate
from reader.parsing.threads import build_threads

COMMENTS_HEADING = re.compile(r"^(?:comments?|reader comments|\d+ comments?)$", re.IGNORECASE)


def parse(lines: list[str], file: str | None) -> Article:
    notes: list[str] = []
    content = [x for x in lines if not is_boilerplate(x) or LOGIN_TO_COMMENT.match(x)]
    title = next((x for x in content if not LOGIN_TO_COMMENT.match(x)), "(untitled)")
    rest = content[content.index(title) + 1 :] if title in content else []
    stated = None
    comment_lines: list[str] = []
    vote_at = first_vote_index(rest)
    if vote_at is not None:
        marker = next((j for j in range(vote_at) if COMMENTS_HEADING.match(rest[j]) or LOGIN_TO_COMMENT.match(rest[j])), None)
        if marker is not None:
            m = COMMENT_COUNT.match(rest[marker])
            if m and m.group(1).lower() != "no":
                stated = int(m.group(1).replace(",", ""))
            body, comment_lines = rest[:marker], rest[marker + 1 :]
        else:
            split = max(0, vote_at - 1)
            body, comment_lines = rest[:split], rest[split:]
    else:
        body = rest
    body = [x for x in body if not LOGIN_TO_COMMENT.match(x) and not COMMENT_COUNT.match(x)]
    raw = split_comments(comment_lines, notes)
    return Article(
        file=file,
        layout="generic",
        title=title,
        body=body,
        stated_comment_count=stated,
        comments=build_threads(raw, [title, *body]),
        notes=notes,
    )

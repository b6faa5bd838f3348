"""Which layout a page is in, from cheap, robust cues."""

from __future__ import annotations

from reader.parsing import discussion, social
from reader.parsing.common import COMMENT_COUNT, GPLUS, LOGIN_TO_COMMENT, parse_vote
from reader.parsing.japannews import DATELINE, SECTION
from reader.parsing.japannews import SITE as JN_SITE
from reader.parsing.japantoday import SITE as JT_SITE


def detect_layout(lines: list[str]) -> str:
    head = lines[:15]
    if social.looks_like(lines):  # (a post shared from a news site names the site: first)
        return "social"
    if any(JT_SITE.match(x) for x in lines[:5]):
        return "japantoday"
    if any(DATELINE.match(x) for x in head) or any(JN_SITE.match(x) for x in lines[:3]):
        return "japannews"
    if any(GPLUS.match(x) for x in lines) or any("JapanToday" in x for x in lines[-40:]):
        return "japantoday"
    if any(SECTION.match(x) for x in lines):
        return "japannews"
    has_votes = any(parse_vote(x) for x in lines)
    if has_votes and any(COMMENT_COUNT.match(x) or LOGIN_TO_COMMENT.match(x) for x in lines[:400]):
        return "japantoday"
    if not has_votes and discussion.looks_like(lines):
        return "discussion"
    return "generic"

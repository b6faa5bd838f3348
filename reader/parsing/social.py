"""A social network post's comments copied as text (Facebook's layout).

Each comment is its writer's name, the words, then the time (`10h`), the buttons `Like`, `Reply`
(`Share`, `Edited`) and the count of reactions. A badge (`Top fan`, `Author`) may stand over
the name; `View all 24 replies` and `Most relevant` stand between comments. A reply starts with
the name of the writer it answers (`Michael Brennan and daycare.`). What is above the first
comment is the post: the page's name, its words and the link it shares (`JAPANTODAY.COM` over
the linked story's headline, which is the title).
"""

from __future__ import annotations

import re

from reader.models import Article, Comment
from reader.parsing import generic
from reader.parsing.common import Votes
from reader.parsing.discussion import count_of
from reader.parsing.threads import RawComment, build_threads

_TIME = re.compile(r"^(?:\d{1,3}\s?(?:[smhdwy]|mins?|hrs?)|just now|yesterday)$", re.IGNORECASE)
_AFTER = {"like", "reply", "share", "edited", "hide", "report"}
_BETWEEN = re.compile(r"^(?:top fan|rising fan|valued commenter|top contributor|conversation starter|new contributor"
                      r"|visual storyteller|author|admin|moderator|most relevant|newest|all comments|view (?:all )?\d+ "
                      r"(?:more )?repl(?:y|ies)|view more (?:comments|replies)|\d+ of \d+|write a (?:comment|reply)…?"
                      r"|write a (?:comment|reply)\.\.\.|see more|\d+ repl(?:y|ies))$", re.IGNORECASE)
_COUNT = re.compile(r"^\d{1,7}(?:[.,]\d)?[kKmM]?$")
_LINK_SITE = re.compile(r"^[A-Z0-9][A-Z0-9.-]{1,60}\.[A-Z]{2,6}$")  # `JAPANTODAY.COM`
_POST_CHROME = re.compile(r"^(?:facebook|search facebook|home|video|watch|marketplace|groups|gaming|notifications|menu"
                          r"|all reactions:?|like|comment|share|send|most relevant|\d{1,3}\s?[smhdwy]\s*·?"
                          r"|\d[\d.,]*[kKmM]?(?: (?:comments?|shares?))?|.{1,80} and [\d.,]+[kKmM]? others)$",
                          re.IGNORECASE)


def _buttons_at(lines: list[str]) -> list[int]:
    """Where each comment's `Like` `Reply` buttons are (under a time line)."""
    return [k for k in range(1, len(lines) - 1)
            if lines[k] == "Like" and lines[k + 1] == "Reply" and _TIME.match(lines[k - 1])]


_SIGNS = {"most relevant", "all reactions:", "all reactions", "top fan", "write a comment…", "write a comment...",
          "view more comments", "newest", "all comments"}


def looks_like(lines: list[str]) -> bool:
    """Comments under `Like` `Reply` buttons, and a sign of the network's own page around them
    (a news site's comment plug-in under an article is the article's)."""
    return len(_buttons_at(lines)) >= 2 and any(x.casefold() in _SIGNS for x in lines)


def parse(lines: list[str], file: str | None) -> Article:
    at = _buttons_at(lines)
    raw: list[RawComment] = []
    start = _post_end(lines, at[0])
    post = lines[:start]
    for n, k in enumerate(at):
        stop = at[n + 1] - 1 if n + 1 < len(at) else len(lines)
        words = [x for x in lines[start : k - 1] if not _BETWEEN.match(x)]
        end = k + 2
        while end < stop and lines[end].casefold() in _AFTER:
            end += 1
        votes = None
        if end < stop and _COUNT.match(lines[end]):
            votes, end = Votes(count_of(lines[end]), None, None), end + 1
        if len(words) >= 2:
            raw.append(RawComment(words[1:], votes, words[0], lines[k - 1]))
        start = end
    headline = next((post[i + 1] for i, x in enumerate(post[:-1]) if _LINK_SITE.match(x)), None)
    kept = [x for x in post if not _POST_CHROME.match(x) and not _LINK_SITE.match(x) and not _BETWEEN.match(x)]
    article = generic.parse(kept or ["(untitled)"], file, hint=headline)
    if headline:
        article.title = headline
        article.body = [x for x in article.body if x != headline]
    article.source = article.source or next((x for x in post if not _POST_CHROME.match(x)), None)
    comments = build_threads(raw, [article.title, *article.body])
    _named_replies(comments)
    article.layout = "discussion"
    article.comments = comments
    return article


def _post_end(lines: list[str], first_buttons: int) -> int:
    """Where the first comment starts: its name, two lines (or more) above its time line, after the
    post's last furniture line (`Most relevant`)."""
    k = max(0, first_buttons - 2)  # the comment's last line of words
    stop = max(0, k - 8)  # (a comment of a few paragraphs: never the whole page above it)
    while k > stop and not _BETWEEN.match(lines[k - 1]) and not _POST_CHROME.match(lines[k - 1]):
        k -= 1
    return k


def _named_replies(comments: list[Comment]) -> None:
    """A comment that starts with an earlier writer's full name answers that writer's latest comment."""
    latest: dict[str, int] = {}
    for c in comments:
        words = (c.blocks[0].text if c.blocks else "").split(" ", 4)
        if c.parent is None:  # (a name of two to four words, the longest first)
            c.parent = next((latest[n] for k in (4, 3, 2) if len(words) > k and (n := " ".join(words[:k])) in latest), None)
        if c.author and " " in c.author:
            latest[c.author] = c.id

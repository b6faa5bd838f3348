"""Line-level helpers shared by every layout: boilerplate, vote lines, copyright lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Whole lines that are site furniture, never title, body or comment text.
_BOILERPLATE = [
    r"login to comment",
    r"login to leave a comment",
    r"login with your japantoday account",
    r"user registration",
    r"facebook users",
    r"facebook connect",
    r"use your facebook account to login or register with japantoday\..*",
    r"articles, offers & useful resources",
    r"a mix of what's trending on our other sites",
    r"a mix of what’s trending on our other sites",
    r"advertisement",
    r"sponsored( content)?",
    r"ad",
    r"share( this)?( article)?",
    r"tweet",
    r"read more",
    r"related (articles|stories)",
    r"get your ticket to gaijinpot expo.*",
    r"the requested article has expired.*",
    r"this article has expired.*",
    r"subscribe( now)?( to our newsletter)?",
    r"(show|load|view|see|read) (\d+ )?more comments?( \(\d+\))?",  # a button in the middle of a long thread
    r"reply|jump to comments|(view|hide) replies",
    r"(sort|order) by:?( (newest|oldest|most votes|popular|top|best|recent)"
    r"( / (newest|oldest|most votes|popular|top|best|recent))*)?",
    r"(newest|oldest|most votes|most popular)( first)?",
    r"comments (for|on) this (article|story|post|page) (are|have been) (now )?closed",
    r"(comments|commenting) (are|is|have been|has been) (now )?(closed|disabled|turned off)( for this (article|story|post))?",
]
BOILERPLATE = re.compile(r"^(?:" + "|".join(_BOILERPLATE) + r")[.!]?$", re.IGNORECASE)
# Lines that start the page footer: once one appears after the comments, the rest is furniture.
FOOTER = re.compile(
    r"^(?:login to leave a comment|facebook users|facebook connect|login with your japantoday account"
    r"|articles, offers & useful resources|a mix of what['’]s trending on our other sites)$",
    re.IGNORECASE,
)
# A comment a moderator took down: its notice stands where its words were, with no vote line
# ("This comment has been removed by moderator.", "… by a moderator. Reason: off topic").
REMOVED = re.compile(r"^(?:this |the )?(?:comment|post) (?:has been|was) (?:removed|deleted)"
                     r"(?:\.?| by (?:a |the )?moderators?(?:[.:].{0,120})?)$", re.IGNORECASE)
# A site's notice between two comments (never a reader's words: whole lines, exactly these).
SITE_NOTICE = re.compile(
    r"^(?:sponsored(?: content)?|advertisement|subscribe to (?:japan today|our)(?:'s|’s)? newsletter"
    r"|get the day(?:'s|’s) top stories delivered to your inbox(?: every morning)?\.?"
    r"|find your next job in japan with gaijinpot jobs|get your ticket to gaijinpot expo.*)$", re.IGNORECASE)
EXPIRED = re.compile(r"^(?:the requested article has expired|this article has expired)", re.IGNORECASE)
# The first letters these patterns can match a line's first character to: a test against every
# character (re.IGNORECASE matches `t` only to `t` and `T`, unlike `s`, `k` and `i`). Looking
# at the first character before the pattern spares the call of the pattern for most lines: they
# are tried on every line of a page (~160 calls a page, ~4% of parsing one). See is_expired.
EXPIRED_FIRST = "tT"
REMOVED_FIRST = "tTcCpP"
FOOTER_FIRST = "lLfFaA"
COMMENT_COUNT = re.compile(r"^(?:(\d[\d,]*|no)\s+comments?"
                           r"|(?:コメント\s*)?(\d[\d,]*)\s*(?:件のコメント|コメント|件)(?:\d[\d,]*件)?)$", re.IGNORECASE)
LOGIN_TO_COMMENT = re.compile(r"^login to comment$", re.IGNORECASE)

# `NET ( +UP / -DOWN )`. Minus signs may be typographic. Garbage inside still marks a vote line.
_SIGN = "[-+−–]"
VOTE = re.compile(rf"^({_SIGN}?\s?\d+)\s*\(\s*\+\s*(\d+)\s*/\s*{_SIGN}\s*(\d+)\s*\)?$")  # (a copy may lose the `)`)
VOTE_LOOSE = re.compile(rf"^{_SIGN}?[\w.,]{{1,8}}\s*\(\s*\+[^()/]{{0,12}}/\s*{_SIGN}?[^()]{{0,12}}\)$")

GPLUS = re.compile(r"^©\s*(\d{4})\s*GPlusMedia\b.*$", re.IGNORECASE)
CREDIT = re.compile(r"^©\s*(?:(?:\d{4})\s+)?(.{1,60}?)(?:\s+\d{4})?\.?$")
# A copyright glued to the end of a paragraph: "... the right time.© Thomson Reuters 2024"
_GLUED = re.compile(r"^(.*\S)\s*(©\s*(?:\d{4}\s*GPlusMedia.*|[^©]{1,60}))$")


@dataclass(frozen=True, slots=True)
class Votes:
    score: int | None
    up: int | None
    down: int | None


def _int(s: str) -> int | None:
    s = s.replace("−", "-").replace("–", "-").replace(" ", "")
    try:
        return int(s)
    except ValueError:
        return None


def parse_vote(line: str) -> Votes | None:
    """Votes from a vote line, or None when the line is not one. Net is kept as stated."""
    if not line.endswith((")", ")\n")):  # both patterns end with `\)$`: most lines are ruled out at once
        # ...or with the down count, where a copy lost the `)` (`11 ( +12 / -1`)
        if not (line[-1:].isdigit() and "(" in line and (m := VOTE.match(line))):
            return None
        return Votes(_int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = VOTE.match(line)
    if m:
        return Votes(_int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if VOTE_LOOSE.match(line) and any(ch.isdigit() for ch in line):
        head, _, rest = line.partition("(")
        ups, _, downs = rest.rstrip(")").partition("/")
        up = _int(ups.strip().lstrip("+"))
        down = _int(downs.strip().lstrip("-−–"))
        return Votes(_int(head.strip()), up if up is None or up >= 0 else None, down if down is None or down >= 0 else None)
    return None


def is_expired(line: str) -> bool:
    """`The requested article has expired…` (EXPIRED)."""
    return line[:1] in EXPIRED_FIRST and EXPIRED.match(line) is not None


def is_removed_notice(line: str) -> bool:
    """`This comment has been removed by a moderator.` (REMOVED)."""
    return line[:1] in REMOVED_FIRST and REMOVED.match(line) is not None


def is_footer(line: str) -> bool:
    """`Login to leave a comment`, `Facebook users`, … (FOOTER)."""
    return line[:1] in FOOTER_FIRST and FOOTER.match(line) is not None


def is_boilerplate(line: str) -> bool:
    return len(line) < 200 and BOILERPLATE.match(line) is not None


def split_glued_copyright(lines: list[str]) -> list[str]:
    """Split `...paragraph end.© KYODO` into the paragraph and the copyright line."""
    if not any(line.find("©", 1) >= 0 for line in lines):  # (`"©" in line[1:]` copied every line to look)
        return list(lines)  # most pages: no line has a © after its start
    out: list[str] = []
    for line in lines:
        parts: list[str] = []
        while line.find("©", 1) >= 0:
            m = _GLUED.match(line)
            if not m:
                break
            line, tail = m.group(1), m.group(2)
            parts.append(tail)
        out.append(line)
        out.extend(reversed(parts))
    return out


def credit_name(line: str) -> str | None:
    """`© Thomson Reuters 2024` -> `Thomson Reuters`; None for GPlusMedia or non-credit lines."""
    if GPLUS.match(line):
        return None
    m = CREDIT.match(line)
    return m.group(1).strip() if m else None


def page_lines(text: str, *, printable: bool = False) -> list[str]:
    """Non-blank lines, each stripped and with runs of spaces folded: one paragraph each.
    `printable`: every character of the text but the newline is known to be printable
    (sanitize.clean_text_checked), so no line needs to be scanned for other whitespace."""
    # A stripped line with no double space that is all printable (so no whitespace but the
    # space: most lines) is already folded; only the others are split into words and joined.
    # (The scan is ~18 instructions a character: ~3% of parsing a page, done twice before.)
    return [x if "  " not in x and (printable or x.isprintable()) else " ".join(x.split())
            for line in text.split("\n") if (x := line.strip())]

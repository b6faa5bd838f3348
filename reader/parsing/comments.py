"""Cut a page's comment section into raw comments, one per vote line."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import pairwise

from reader.parsing.common import SITE_NOTICE, is_boilerplate, is_footer, is_removed_notice, parse_vote
from reader.parsing.evidence import parse_date, resolve_relative
from reader.parsing.threads import RawComment, is_time_line, is_writer_line, own_writer
from reader.parsing.threads import writer_header as writer_line


def first_vote_index(lines: list[str], start: int = 0) -> int | None:
    for i in range(start, len(lines)):
        if parse_vote(lines[i]) is not None:
            return i
    return None


def split_by_writer(lines: list[str]) -> list[RawComment] | None:
    """Pages with no vote lines but a `nameToday 07:12 am JST` line above each comment: one
    comment per such line, with its writer and time (None when the page is not like that)."""
    if any(parse_vote(x) for x in lines):  # (first: a page with votes has one in its first lines)
        return None
    starts = [i for i, x in enumerate(lines) if (h := writer_line(x)) is not None and h[1] is not None]
    if len(starts) < 2:
        return None
    out: list[RawComment] = []
    for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
        author, posted = writer_line(lines[a]) or (None, None)
        paras = [x for x in lines[a + 1 : b] if not is_footer(x) and not is_boilerplate(x)]
        if paras:
            out.append(RawComment(paras, None, author, posted))
    return out


def over_vote(lines: list[str], k: int) -> bool:
    """Is line `k` right above a vote line? Then it is a comment's words, whatever it says
    (a comment that is just "Reply", or one ending like a vote line: `… is at 2 ( +3 / -1 )`)."""
    return k + 1 < len(lines) and parse_vote(lines[k + 1]) is not None


def _moderator_notes(lines: list[str]) -> set[int]:
    """Japan Today's moderator notes: `Moderator` alone on a line where a comment starts (after a
    vote line), over one paragraph with no vote line under it. (Over a time line, it is an
    ordinary comment's writer; in a reader's words, or over a voted paragraph, it is theirs.)"""
    return {k + 1 for k, line in enumerate(lines[:-1])
            if line == "Moderator" and (k == 0 or parse_vote(lines[k - 1]) is not None) and not is_time_line(lines[k + 1])
            and not over_vote(lines, k + 1)}


# A vote line glued to the end of a comment's last paragraph (`…won't notice. 18 ( +20 / -2 )`,
# `…the buses.-3 ( +4 / -7 )`): the whole triple, so a sentence ending "(+5 / -3)" of its own
# is left alone unless it has the net in front too.
_GLUED_VOTE = re.compile(r"^(?P<text>.*?\S)\s*(?P<vote>[-−]?\d{1,7}\s*\(\s*\+\d{1,7}\s*/\s*[-−]\d{1,7}\s*\))$")


def unglue_votes(lines: list[str]) -> list[str]:
    """Lines with a vote line glued to their end, as two lines."""
    # (A vote line alone is short: `-12 ( +4 / -16 )`; only longer lines ending like one are looked at.)
    if not any(len(x) > 26 and x.endswith(")") and "/" in x for x in lines):  # (most pages: decided at once)
        return lines
    out: list[str] = []
    for k, x in enumerate(lines):
        m = (_GLUED_VOTE.match(x) if len(x) > 26 and x.endswith(")") and "/" in x and parse_vote(x) is None
             and not over_vote(lines, k) else None)
        out += _unglued(m) if m is not None else [x]
    return out


def _unglued(m: re.Match[str]) -> list[str]:
    """The words and the vote line; where the net's digits run into the words (`…Mine got 72 ( +2 / -0 )`),
    the split that makes the net up minus down (`…Mine got 7`, `2 ( +2 / -0 )`)."""
    text, vote = m.group("text"), m.group("vote")
    votes = parse_vote(vote)
    if votes is not None and votes.up is not None and votes.down is not None and votes.score != votes.up - votes.down:
        net = str(votes.up - votes.down)
        head = vote.split("(")[0].strip()
        if head.endswith(net) and len(head) > len(net):
            cut = len(head) - len(net)
            return [f"{text} {head[:cut]}".rstrip(), vote[cut:].lstrip()]
    return [text, vote]


_NEWEST = re.compile(r"^(?:sort(?:ed)? by:?\s*(?:newest|latest)|(?:newest|latest) first)$", re.IGNORECASE)
_EPOCH = datetime(2000, 1, 2, tzinfo=UTC)  # any day: relative times ("Today 07:12 am") only need an order


def _newest_first(lines: list[str], raw: list[RawComment]) -> bool:
    """Are the comments listed newest first (`Sort by: Newest` over them, or times that fall)?"""
    keys = [k for rc in raw[:40] if rc.posted and (k := resolve_relative(rc.posted, _EPOCH) or parse_date(rc.posted))]
    falls = sum(a > b for a, b in pairwise(keys))
    rises = sum(a < b for a, b in pairwise(keys))
    if len(keys) >= 3:  # the times decide (`Sort by: Newest` may be one option of a list)
        return falls >= 2 and falls >= 3 * rises
    head = lines[: next((i for i, x in enumerate(lines) if parse_vote(x)), len(lines))]
    return any(_NEWEST.match(x) for x in head[:12])


def in_written_order(lines: list[str], raw: list[RawComment], notes: list[str]) -> list[RawComment]:
    """The comments oldest first, as they were written (a reply quotes what came before it)."""
    if len(raw) < 2 or not _newest_first(lines, raw):
        return raw
    n = len(raw)
    notes[:] = [re.sub(r"\bcomment (\d+)\b", lambda m: f"comment {n + 1 - int(m.group(1))}", x) for x in notes]
    notes.append("the page listed its comments newest first: they are shown in the order they were written")
    return raw[::-1]


def split_comments(lines: list[str], notes: list[str]) -> list[RawComment]:
    """The page's comments, in the order they were written (see _split)."""
    lines = unglue_votes(lines)
    return in_written_order(lines, _split(lines, notes), notes)


def _split(lines: list[str], notes: list[str]) -> list[RawComment]:
    """Each comment is the paragraphs up to and including its vote line.

    Text after the last vote line that is not page footer is a comment cut off mid-way: it is
    kept (with no votes) and noted, so no reader's words are ever dropped.
    """
    if (by_writer := split_by_writer(lines)) is not None:
        return by_writer
    out: list[RawComment] = []
    paras: list[str] = []

    def unvoted(words: list[str], writer: str | None = None) -> None:
        """Words that end with no vote line (a removed comment, a garbled vote line, a moderator's
        note): their own comment."""
        author, posted, words = own_writer(words)
        out.append(RawComment(words, None, writer or author, posted))
        notes.append(f"comment {len(out)} has no vote line")

    moderated = _moderator_notes(lines)
    for k, line in enumerate(lines):
        if k + 1 in moderated:
            continue  # `Moderator` over its note
        if k in moderated or is_removed_notice(line):
            if paras:
                unvoted(paras)
            unvoted([line], "Moderator" if k in moderated else None)
            paras = []
            continue
        if len(paras) >= 2 and is_time_line(line) and is_writer_line(paras[-1]):
            unvoted(paras[:-1])  # a writer's name and time start the next comment
            paras = paras[-1:]
        votes = parse_vote(line)
        if votes is not None:
            if paras:
                author, posted, paras = own_writer(paras)
                out.append(RawComment(paras, votes, author, posted))
            else:
                notes.append(f"a vote line with no comment above it: {line!r}")
            paras = []
            if None in (votes.score, votes.up, votes.down):
                notes.append(f"comment {len(out)}: unreadable vote line {line!r}")
            continue
        if is_footer(line):
            break
        if (is_boilerplate(line) or (not paras and len(line) <= 90 and SITE_NOTICE.match(line))) and not (
                not paras and over_vote(lines, k)):
            continue  # (a site's notice between two comments)
        paras.append(line)
    if paras:
        author, posted, paras = own_writer(paras)
        out.append(RawComment(paras, None, author, posted))
        notes.append(f"page ends mid-comment (comment {len(out)} has no vote line)")
    return out

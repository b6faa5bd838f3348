"""Cut a page's comment section into raw comments, one per vote line."""

from __future__ import annotations

from reader.parsing.common import FOOTER, is_boilerplate, parse_vote
from reader.parsing.threads import RawComment


def first_vote_index(lines: list[str], start: int = 0) -> int | None:
    for i in range(start, len(lines)):
        if parse_vote(lines[i]) is not None:
            return i
    return None


def split_comments(lines: list[str], notes: list[str]) -> list[RawComment]:
    """Each comment is the paragraphs up to and including its vote line.

    Text after the last vote line that is not page footer is a comment cut off mid-way: it is
    kept (with no votes) and noted, so no reader's words are ever dropped.
    """
    out: list[RawComment] = []
    paras: list[str] = []
    for line in lines:
        votes = parse_vote(line)
        if votes is not None:
            if paras:
                out.append(RawComment(paras, votes))
            else:
                notes.append(f"a vote line with no comment above it: {line!r}")
            paras = []
            if None in (votes.score, votes.up, votes.down):
                notes.append(f"comment {len(out)}: unreadable vote line {line!r}")
            continue
        if FOOTER.match(line):
            break
        if is_boilerplate(line):
            continue
        paras.append(line)
    if paras:
        out.append(RawComment(paras, None))
        notes.append(f"page ends mid-comment (comment {len(out)} has no vote line)")
    return out

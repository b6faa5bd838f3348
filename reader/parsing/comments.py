"""Cut a page's comment section into raw comments, one per vote line."""

from __future__ import annotations

from reader.parsing.common import FOOTER, REMOVED, SITE_NOTICE, is_boilerplate, parse_vote
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
        paras = [x for x in lines[a + 1 : b] if not FOOTER.match(x) and not is_boilerplate(x)]
        if paras:
            out.append(RawComment(paras, None, author, posted))
    return out


def _moderator_notes(lines: list[str]) -> set[int]:
    """Japan Today's moderator notes: `Moderator` alone on a line where a comment starts (after a
    vote line), over one paragraph with no vote line under it. (Over a time line, it is an
    ordinary comment's writer; in a reader's words, or over a voted paragraph, it is theirs.)"""
    return {k + 1 for k, line in enumerate(lines[:-1])
            if line == "Moderator" and (k == 0 or parse_vote(lines[k - 1]) is not None) and not is_time_line(lines[k + 1])
            and not (k + 2 < len(lines) and parse_vote(lines[k + 2]) is not None)}


def split_comments(lines: list[str], notes: list[str]) -> list[RawComment]:
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
        if k in moderated or REMOVED.match(line):
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
        if FOOTER.match(line):
            break
        if is_boilerplate(line) or (not paras and len(line) <= 90 and SITE_NOTICE.match(line)):
            continue  # (a site's notice between two comments)
        paras.append(line)
    if paras:
        author, posted, paras = own_writer(paras)
        out.append(RawComment(paras, None, author, posted))
        notes.append(f"page ends mid-comment (comment {len(out)} has no vote line)")
    return out

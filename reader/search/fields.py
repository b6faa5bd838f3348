"""What of a story is searchable: its fields, terms and text blob, and finding words in it."""

from __future__ import annotations

import bisect
import functools
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable

from isal import isal_zlib

from reader.models import Article
from reader.text import words

try:  # the search terms in one pass in C (optional: see setup.py)
    from reader._native import unique_terms as _unique_terms

    NATIVE = True
except ImportError:  # pragma: no cover - a build without a C compiler
    NATIVE = False

FIELD_SEP, CODE_SEP = "\x1e", "\x1f"  # never in page text: sanitising removes all control chars


def article_fields(article: Article) -> list[tuple[str, str]]:
    """(code, text) per searchable field: T title, B body, n comment id."""
    out = [("T", article.title), ("B", "\n\n".join(article.body))]
    out += [(str(c.id), "\n\n".join(b.text for b in c.blocks)) for c in article.comments]
    return [(code, text) for code, text in out if text]


class SearchPayload:
    """What the index needs of one story; made where the page is parsed (a worker process).

    Its terms are two strings of words joined by NUL (a term is word characters only, never
    NUL): that is how they travel from a parsing worker to the importing process, and with the
    C tokeniser (`_native.unique_terms`) no str is ever made per word in the worker. The lists
    are split from them when the index asks."""

    __slots__ = ("_other", "_other_terms", "_title", "_title_terms", "blob")

    def __init__(self, title_terms: list[str], other_terms: list[str], blob: bytes) -> None:
        self._title_terms: list[str] | None = title_terms
        self._other_terms: list[str] | None = other_terms
        self._title = self._other = ""
        self.blob = blob  # the searchable fields, zlib-compressed (unpack() them): for locating hits and snippets

    @classmethod
    def joined(cls, title: str, other: str, blob: bytes) -> SearchPayload:
        """From the terms joined by NUL (`other`: the terms not in the title)."""
        p = cls([], [], blob)
        p._title, p._other, p._title_terms, p._other_terms = title, other, None, None
        return p

    @property
    def title_terms(self) -> list[str]:
        if self._title_terms is None:
            self._title_terms = self._title.split("\0") if self._title else []
        return self._title_terms

    @property
    def other_terms(self) -> list[str]:
        """Terms not in the title."""
        if self._other_terms is None:
            self._other_terms = self._other.split("\0") if self._other else []
        return self._other_terms

    def joined_terms(self) -> tuple[str, str]:
        """The title's terms and the others, each joined by NUL (as they travel)."""
        title = self._title if self._title_terms is None else "\0".join(self._title_terms)
        other = self._other if self._other_terms is None else "\0".join(self._other_terms)
        return title, other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SearchPayload):
            return NotImplemented
        return (set(self.title_terms), set(self.other_terms), self.blob) == (
            set(other.title_terms), set(other.other_terms), other.blob)

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def of(cls, article: Article) -> SearchPayload:
        fields = article_fields(article)
        blob = pack(FIELD_SEP.join(f"{code}{CODE_SEP}{text}" for code, text in fields).encode())
        rest = " ".join(t for c, t in fields if c != "T")
        if NATIVE:
            title = _unique_terms(article.title, "")
            return cls.joined(title, _unique_terms(rest, title), blob)
        title_terms = set(words(article.title))
        return cls(list(title_terms), list(set(words(rest)) - title_terms), blob)

    def __reduce__(self) -> tuple[object, tuple[str, str, bytes]]:
        """Pickled (from a parsing worker to the importing process) with each list of terms as
        one string: a list of ~370 words took ~0.07 ms of the worker's time a page to pickle."""
        return _payload, (*self.joined_terms(), self.blob)


def _payload(title: str, other: str, blob: bytes) -> SearchPayload:
    return SearchPayload.joined(title, other, blob)


def pack(raw: bytes) -> bytes:
    """A story's searchable text as the index stores it: zlib's format at ISA-L's fastest level
    (about 40% of the size on news text; 52 us an 11 KB story against 158 us with the standard
    library's zlib, in the parsing workers)."""
    return isal_zlib.compress(raw, 1)


def unpack(blob: bytes) -> bytes:
    """A story's text as packed by pack(); zlib.error when the bytes do not unpack."""
    try:
        return isal_zlib.decompress(blob)
    except Exception as exc:  # isal's IsalError (its stub does not say it is an exception)
        raise zlib.error(str(exc)) from None



class StoryText:
    """One story's searchable text (UTF-8), lower-cased, with where each field starts."""

    __slots__ = ("ends", "low", "raw", "starts", "text_at")

    def __init__(self, raw: bytes, *, lower: bool = True) -> None:
        self.raw = raw
        # ASCII lowering (fast): exact for every word already in lower case; the caller falls
        # back to a casefolded copy for a term this does not find.
        # (in one pass in C: 0.39 -> 0.11 ms for a 430 KB story of 500 comments)
        self.low, self.starts, self.ends, self.text_at = _story_fields(raw, lower)

    def fields_with_all(self, terms: list[str], within: list[int] | None = None) -> dict[str, list[int]]:
        """term -> indexes of the fields holding it as a whole word, for all `terms` in one scan
        (of the whole story, or of the fields `within` only)."""
        low, starts, ends, text_at = self.low, self.starts, self.ends, self.text_at
        out: dict[str, list[int]] = {t: [] for t in terms}
        patterns = terms_patterns(tuple(sorted(terms)))
        if within is None:
            matches: Iterable[re.Match[bytes]] = (m for p in patterns for m in p.finditer(low))
        else:
            matches = (m for p in patterns for k in within for m in p.finditer(low, text_at[k], ends[k]))
        for m in matches:
            pos, end = m.span()
            k = bisect.bisect_right(starts, pos) - 1
            if pos < text_at[k] or end > ends[k]:
                continue  # inside a field's code
            if _word_before(low, pos, text_at[k]) or _word_after(low, end, ends[k]):
                continue  # next to a non-ASCII letter (ASCII ones are ruled out by the pattern)
            fields = out[m.group().decode()]
            if not fields or fields[-1] != k:
                fields.append(k)
        return out


def _story_fields_py(raw: bytes, lower: bool) -> tuple[bytes, list[int], list[int], list[int]]:
    """_native.story_fields in Python: (the text lower-cased (ASCII), where each field starts,
    where each ends, where each one's text starts: after its code's CODE_SEP, if it has one)."""
    low = raw.lower() if lower else raw
    sep, code_sep = FIELD_SEP.encode(), CODE_SEP.encode()
    starts = [0]
    at = low.find(sep)
    while at >= 0:
        starts.append(at + 1)
        at = low.find(sep, at + 1)
    ends = [x - 1 for x in starts[1:]] + [len(low)]
    return low, starts, ends, [(low.find(code_sep, s, e) + 1) or s for s, e in zip(starts, ends, strict=True)]


try:  # a story's text split into fields in one pass in C (optional: see setup.py)
    from reader._native import story_fields as _story_fields
except ImportError:  # pragma: no cover - a build without a C compiler
    _story_fields = _story_fields_py


@functools.lru_cache(maxsize=256)
def terms_patterns(terms: tuple[str, ...]) -> list[re.Pattern[bytes]]:
    """Any of `terms` (UTF-8) with no ASCII word character on either side, checked in C: one
    pattern for each first byte, scanned one after another.

    A pattern whose words start with one byte and share a start (the completions of a word
    being typed: "lin") has `re` look for that literal, at ~1 ns a byte. One pattern over words
    with different first bytes ("rishi", "shi": a typo's) has it try every branch at each
    byte that starts one: ~12 ns a byte, so two passes are six times quicker than one. The
    check before a word comes right after its start, so `re` drops a match inside a longer
    word at once.
    """
    by_first: dict[bytes, list[bytes]] = defaultdict(list)
    for t in terms:
        b = t.encode()
        by_first[b[:1]].append(b[1:])
    out = []
    for first, rests in by_first.items():
        # The group's whole common start, checked first: a word being typed ("lin") has
        # completions that all share it, and `re` then looks for that literal, not each "l".
        common = _common_start(rests)
        f = re.escape(first + common)
        alts = b"|".join(re.escape(r[len(common):]) for r in sorted(rests, key=len, reverse=True))
        out.append(re.compile(f + rb"(?<![A-Za-z0-9_]" + f + rb")(?:" + alts + rb")(?![A-Za-z0-9_])"))
    return out


def _common_start(items: list[bytes]) -> bytes:
    """The longest start all of `items` share."""
    lo, hi = min(items), max(items)  # (the first and last in order differ first where any two do)
    n = 0
    while n < len(lo) and lo[n] == hi[n]:
        n += 1
    return lo[:n]


def _word_before(b: bytes, pos: int, floor: int) -> bool:
    """Is the character ending just before byte `pos` a word character?"""
    if pos <= floor:
        return False
    start = pos - 1
    while start > floor and 0x80 <= b[start] < 0xC0:  # UTF-8 continuation bytes
        start -= 1
    return _is_word(b[start:pos].decode(errors="replace"))


def _word_after(b: bytes, end: int, ceiling: int) -> bool:
    """Is the character starting at byte `end` a word character?"""
    if end >= ceiling:
        return False
    lead = b[end]
    size = 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    return _is_word(b[end : end + size].decode(errors="replace"))



def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


"""A search hit, and the one-line snippet that shows it (pure Python: no numpy)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reader.search.fields import terms_patterns
from reader.text import WORD, word_pattern


@dataclass(slots=True)
class Hit:
    key: str
    title: str
    where: str  # "title", "body" or "comment #n"
    comment: int | None
    score: float
    snippet: str
    spans: list[tuple[int, int]] = field(default_factory=list)  # matched words within the snippet
    terms: list[str] = field(default_factory=list)
    fields: int = 1  # how many fields of the story matched (title, body, each comment)
    comments: int = 0  # how many of them are comments

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "where": self.where, "comment": self.comment,
                "score": round(self.score, 1), "snippet": self.snippet, "fields": self.fields,
                "comments": self.comments}

    @property
    def more_comments(self) -> int:
        """Other comments of the story that matched too."""
        return self.comments - (1 if self.comment is not None else 0)


@dataclass(slots=True)
class StoryHits:
    """A search by story: the best hit of each of the first stories, and the true totals."""

    stories: int  # stories matching every word
    hits: list[Hit]  # one per story, best first

    @property
    def matches(self) -> int:
        """Matching fields in the stories shown (counting them in every story would scan them all)."""
        return sum(h.fields for h in self.hits)



def make_snippet(text: str, terms: list[str], width: int = 100, *,
                 query_terms: Iterable[str] | None = None) -> tuple[str, list[tuple[int, int]]]:
    """A one-line excerpt around the first matched word, with the spans of every matched word.
    `query_terms`: all the terms of the query `terms` come from; looking for all of them (and
    keeping `terms`' matches) makes one pattern serve every snippet of a search."""
    flat = " ".join(text.split())
    termset = set(terms)
    every = termset if query_terms is None else termset.union(query_terms)
    if flat.isascii() and not _may_match_ascii(every):
        matches = _ascii_matches(flat, termset, tuple(sorted(t for t in every if t.isascii())))
    else:
        # The matched words, found by one case-insensitive pattern (a long comment is not split
        # into words); confirmed by casefolding, and by splitting after all if that finds none
        # (a word such as "Straße" casefolds to a different length).
        pattern = word_pattern(sorted(every))
        matches = [(m.start(), m.end()) for m in pattern.finditer(flat)
                   if m.group().casefold() in termset] if pattern is not None else []
    if not matches:
        matches = [(m.start(), m.end()) for m in WORD.finditer(flat) if m.group().casefold() in termset]
    start = max(0, matches[0][0] - width // 3) if matches else 0
    if len(flat) <= width:
        start = 0  # a short field (a title) is shown whole
    if start:
        sp = flat.rfind(" ", 0, start)
        # At a word boundary, never inside the first word; text without spaces (Japanese) is
        # cut where it must be, or the match would fall past the end.
        start = sp + 1 if sp >= start - width // 3 else start if sp >= 0 or start > width // 3 else 0
    end = min(len(flat), start + width)
    if end < len(flat) and (sp := flat.rfind(" ", start, end)) > max(start + width // 2, matches[0][1] if matches else 0):
        end = sp  # and end at one
    prefix = "…" if start else ""
    suffix = "…" if end < len(flat) else ""
    snippet = prefix + flat[start:end] + suffix
    off = len(prefix) - start
    spans = [(s + off, e + off) for s, e in matches if s >= start and e <= end]
    return snippet, spans


def _ascii_matches(flat: str, termset: set[str], terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the words of `termset` are in `flat`, an ASCII text, in any case: what the
    case-insensitive pattern finds there, found by the search's own scan patterns in the
    lower-cased text (each looks for its words' shared start, where the case-insensitive one
    tried each of its ~40 words at every character: ~60 ns a character). `terms`: the ASCII
    words of the search (its patterns are the same for each snippet)."""
    low = flat.lower().encode()
    found = [(m.start(), m.end()) for p in terms_patterns(terms) for m in p.finditer(low)
             if m.group().decode() in termset]
    found.sort()
    return found


@functools.lru_cache(maxsize=64)
def _may_match_ascii_one(term: str) -> bool:
    """Can a word that is not ASCII match ASCII text case-insensitively (`re` matches "ı" to
    "I", "K" (the Kelvin sign) to "k")? The ASCII path then does not stand in for the pattern."""
    return all(_ASCII_IGNORECASE.fullmatch(ch) for ch in term)


def _may_match_ascii(terms: Iterable[str]) -> bool:
    return any(_may_match_ascii_one(t) for t in terms if not t.isascii())


_ASCII_IGNORECASE = re.compile(r"[\x00-\x7f]", re.IGNORECASE)

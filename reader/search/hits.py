"""A search hit, and the one-line snippet that shows it (pure Python: no numpy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "where": self.where, "comment": self.comment,
                "score": round(self.score, 1), "snippet": self.snippet}



def make_snippet(text: str, terms: list[str], width: int = 100) -> tuple[str, list[tuple[int, int]]]:
    """A one-line excerpt around the first matched word, with the spans of every matched word."""
    flat = " ".join(text.split())
    termset = set(terms)
    # The matched words, found by one case-insensitive pattern (a long comment is not split
    # into words); confirmed by casefolding, and by splitting after all if that finds none
    # (a word such as "Straße" casefolds to a different length).
    pattern = word_pattern(sorted(termset))
    matches = [(m.start(), m.end()) for m in pattern.finditer(flat)
               if m.group().casefold() in termset] if pattern is not None else []
    if not matches:
        matches = [(m.start(), m.end()) for m in WORD.finditer(flat) if m.group().casefold() in termset]
    start = max(0, matches[0][0] - width // 3) if matches else 0
    if start:
        sp = flat.rfind(" ", 0, start)
        start = sp + 1 if sp >= 0 else start
    end = min(len(flat), start + width)
    prefix = "…" if start else ""
    suffix = "…" if end < len(flat) else ""
    snippet = prefix + flat[start:end] + suffix
    off = len(prefix) - start
    spans = [(s + off, e + off) for s, e in matches if s >= start and e <= end]
    return snippet, spans


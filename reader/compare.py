"""Two articles side by side (pure): which facts (sentences) each has that the other does not.

A sentence of one article is *shared* when some sentence of the other says the same thing in
other words: most of its telling words (reader.related's, without the commonest words) are in
that sentence, or the two read alike (rapidfuzz token-sort ratio). Otherwise it is *only here*:
what that outlet adds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reader.models import Article
from reader.related import stop_words

_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREV = re.compile(r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Sen|Gov|Rep|No"
                     r"|U\.S|Corp|Inc|Co)\.$")
_WORD = re.compile(r"[^\W_]+")
SHARED_COVER = 0.5  # share of a sentence's telling words found in one sentence of the other
SHARED_RATIO = 70  # or a token-sort ratio at least this


def sentences(paragraphs: list[str]) -> list[str]:
    """The body's sentences, in order (abbreviations such as "U.S." and "Jan." do not end one)."""
    out: list[str] = []
    for para in paragraphs:
        parts = _SPLIT.split(para.strip())
        buf = ""
        for part in parts:
            buf = f"{buf} {part}" if buf else part
            if _ABBREV.search(buf):
                continue
            out.append(buf)
            buf = ""
        if buf:
            out.append(buf)
    return [s for s in out if s.strip()]


def _telling(sentence: str) -> set[str]:
    """The sentence's telling words, crudely stemmed (the first five letters: "arrange" and
    "arrangements" are one)."""
    stop = stop_words()
    return {w[:5] for w in (m.casefold() for m in _WORD.findall(sentence)) if w not in stop and (len(w) > 2 or w.isdigit())}


def _topic(sides: list[list[set[str]]]) -> set[str]:
    """Words in a third or more of either article's sentences: what both are about ("Ishiba",
    "Trump"), which says nothing about whether two sentences state the same fact."""
    out: set[str] = set()
    for words in sides:
        if len(words) < 3:
            continue
        counts: dict[str, int] = {}
        for ws in words:
            for w in ws:
                counts[w] = counts.get(w, 0) + 1
        out |= {w for w, n in counts.items() if n * 3 >= len(words)}
    return out


@dataclass(slots=True)
class Sentence:
    text: str
    shared: bool
    match: int | None = None  # the index of the other article's closest sentence, when shared


@dataclass(slots=True)
class Comparison:
    left: list[Sentence] = field(default_factory=list)
    right: list[Sentence] = field(default_factory=list)

    @property
    def only_left(self) -> int:
        return sum(1 for s in self.left if not s.shared)

    @property
    def only_right(self) -> int:
        return sum(1 for s in self.right if not s.shared)

    @property
    def shared(self) -> int:
        return sum(1 for s in self.left if s.shared)

    def to_json(self) -> dict[str, Any]:
        def side(xs: list[Sentence]) -> list[dict[str, Any]]:
            return [{"text": s.text, "shared": s.shared, "match": s.match} for s in xs]

        return {"left": side(self.left), "right": side(self.right),
                "only_left": self.only_left, "only_right": self.only_right, "shared": self.shared}


def compare(a: Article, b: Article) -> Comparison:
    return compare_sentences(sentences(a.body), sentences(b.body))


def compare_sentences(left: list[str], right: list[str]) -> Comparison:
    from rapidfuzz import fuzz, process, utils

    lw = [_telling(s) for s in left]
    rw = [_telling(s) for s in right]
    topic = _topic([lw, rw])
    lw = [ws - topic or ws for ws in lw]
    rw = [ws - topic or ws for ws in rw]
    ratios = process.cdist(left, right, scorer=fuzz.token_sort_ratio, processor=utils.default_process) \
        if left and right else None

    def side(texts: list[str], words: list[set[str]], other: list[set[str]], flip: bool) -> list[Sentence]:
        out = []
        for i, (text, ws) in enumerate(zip(texts, words, strict=True)):
            best, best_j = 0.0, None
            for j, ow in enumerate(other):
                common = len(ws & ow)
                cover = common / len(ws) if ws and (common >= 2 or common == len(ws)) else 0.0
                ratio = float(ratios[j, i] if flip else ratios[i, j]) if ratios is not None else 0.0
                alike = max(cover / SHARED_COVER, ratio / SHARED_RATIO)  # 1 or more: the same fact
                if alike > best:
                    best, best_j = alike, j
            out.append(Sentence(text, best >= 1.0, best_j if best >= 1.0 else None))
        return out

    result = Comparison(side(left, lw, rw, False), side(right, rw, lw, True))
    # One fact stated in both: a sentence the other side matched is shared too.
    for mine, theirs in ((result.left, result.right), (result.right, result.left)):
        for j, s in enumerate(theirs):
            if s.match is not None and not mine[s.match].shared:
                mine[s.match].shared, mine[s.match].match = True, j
    return result

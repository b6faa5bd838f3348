"""Fuzzy search over titles, bodies and comments (pure; rapidfuzz).

Documents are never scored whole (long text is slow to score fuzzily). Instead each query word
is matched against the *vocabulary* of distinct words: exactly, as a prefix (the word being
typed), or fuzzily (typos). The postings of the matching words then give the fields (a title, a
body, one comment) that contain them, and those are ranked.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from reader.models import Article

WORD = re.compile(r"\w+")
TITLE, BODY = -2, -1  # field codes; comments use their id (1..n)
_WEIGHT = {TITLE: 1.25, BODY: 1.0}


def words(text: str) -> list[str]:
    return WORD.findall(text.casefold())


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

    def to_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "where": self.where, "comment": self.comment,
                "score": round(self.score, 1), "snippet": self.snippet}


def where_label(code: int) -> str:
    return "title" if code == TITLE else "body" if code == BODY else f"comment #{code}"


class SearchIndex:
    """An inverted index: word -> fields containing it. Add articles, then search as you type."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.titles: list[str] = []
        self.fields: list[tuple[int, int]] = []  # (article number, field code)
        self.texts: list[str] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        self._vocab: list[str] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: str, article: Article) -> None:
        n = len(self.keys)
        self.keys.append(key)
        self.titles.append(article.title)
        parts = [(TITLE, article.title), (BODY, "\n\n".join(article.body))]
        parts += [(c.id, "\n\n".join(b.text for b in c.blocks)) for c in article.comments]
        for code, text in parts:
            if not text:
                continue
            fid = len(self.fields)
            self.fields.append((n, code))
            self.texts.append(text)
            for w in set(words(text)):
                self.postings[w].append(fid)
        self._vocab = None

    @classmethod
    def build(cls, items: Iterable[tuple[str, Article]]) -> SearchIndex:
        idx = cls()
        for key, art in items:
            idx.add(key, art)
        return idx

    @property
    def vocab(self) -> list[str]:
        if self._vocab is None:
            self._vocab = sorted(self.postings)
        return self._vocab

    def expand(self, q: str, *, prefix: bool) -> dict[str, float]:
        """Vocabulary words that match query word `q`, each with a 0..100 score."""
        out: dict[str, float] = {}
        if q in self.postings:
            out[q] = 100.0
        vocab = self.vocab
        if prefix and len(q) >= 2:
            i = bisect.bisect_left(vocab, q)
            for term in vocab[i : i + 200]:
                if not term.startswith(q):
                    break
                out.setdefault(term, 90.0 - min(10, len(term) - len(q)))
        if len(q) >= 4:
            cutoff = 80 if len(q) >= 6 else 88
            for term, score, _ in process.extract(q, vocab, scorer=fuzz.ratio, limit=12, score_cutoff=cutoff):
                out.setdefault(term, float(score) * 0.85)
        return out

    def search(self, query: str, limit: int = 50, *, cancelled: Callable[[], bool] = lambda: False) -> list[Hit]:
        qwords = words(query)
        if not qwords or not self.keys:
            return []
        expansions = []
        for i, q in enumerate(qwords):
            exp = self.expand(q, prefix=(i == len(qwords) - 1 and not query.endswith(" ")))
            if cancelled():
                return []
            expansions.append(exp)
        # Best score per field for each query word.
        per_word: list[dict[int, tuple[float, str]]] = []
        for exp in expansions:
            best: dict[int, tuple[float, str]] = {}
            for term, s in exp.items():
                for fid in self.postings.get(term, ()):
                    if fid not in best or best[fid][0] < s:
                        best[fid] = (s, term)
            per_word.append(best)
        if cancelled():
            return []
        # Articles must match every query word (in any of their fields).
        article_words: dict[int, int] = defaultdict(int)
        for best in per_word:
            for a in {self.fields[fid][0] for fid in best}:
                article_words[a] += 1
        need = len(qwords)
        candidates: dict[int, list[tuple[float, int, list[str]]]] = defaultdict(list)
        all_fids = set().union(*per_word)
        for fid in all_fids:
            a, code = self.fields[fid]
            if article_words[a] < need:
                continue
            got = [b[fid] for b in per_word if fid in b]
            score = sum(s for s, _ in got) / need * _WEIGHT.get(code, 0.95) * (len(got) / need)
            candidates[a].append((score, fid, [t for _, t in got]))
        hits: list[Hit] = []
        for a, lst in candidates.items():
            lst.sort(key=lambda x: -x[0])
            for score, fid, terms in lst[:3]:
                code = self.fields[fid][1]
                snippet, spans = make_snippet(self.texts[fid], terms)
                hits.append(Hit(self.keys[a], self.titles[a], where_label(code), code if code > 0 else None,
                                min(100.0, score), snippet, spans, terms))
        hits.sort(key=lambda h: (-h.score, h.title))
        return hits[:limit]


def make_snippet(text: str, terms: list[str], width: int = 100) -> tuple[str, list[tuple[int, int]]]:
    """A one-line excerpt around the first matched word, with the spans of every matched word."""
    flat = " ".join(text.split())
    termset = set(terms)
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

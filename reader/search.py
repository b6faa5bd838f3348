"""Fuzzy search over titles, bodies and comments (pure: rapidfuzz + numpy, no Textual).

Documents are never scored whole (long text is slow to score fuzzily). Each query word is
matched against the *vocabulary* of distinct words: exactly, as a prefix (the word being
typed) or fuzzily (typos). Postings of the matching words give the stories that contain them;
stories must match every query word. Only the top stories are then opened (their text is kept
in a flat blob beside the postings) to say where they matched and to cut a snippet.

The index lives on disk in *segments*, one per import (merged logarithmically), so an import
writes only its own stories' postings and start-up reads no story text at all.
"""

from __future__ import annotations

import bisect
import mmap
import os
import re
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from rapidfuzz import fuzz, process

from reader.models import Article

WORD = re.compile(r"\w+")
FIELD_SEP, CODE_SEP = "\x1e", "\x1f"  # never in page text: sanitising removes all control chars
TITLE_WEIGHT = 1.25


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

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "where": self.where, "comment": self.comment,
                "score": round(self.score, 1), "snippet": self.snippet}


def article_fields(article: Article) -> list[tuple[str, str]]:
    """(code, text) per searchable field: T title, B body, n comment id."""
    out = [("T", article.title), ("B", "\n\n".join(article.body))]
    out += [(str(c.id), "\n\n".join(b.text for b in c.blocks)) for c in article.comments]
    return [(code, text) for code, text in out if text]


@dataclass(slots=True)
class SearchPayload:
    """What the index needs of one story; made where the page is parsed (a worker process)."""

    title_terms: list[str]
    other_terms: list[str]  # terms not in the title
    blob: bytes  # the searchable fields, for locating hits and cutting snippets

    @classmethod
    def of(cls, article: Article) -> SearchPayload:
        fields = article_fields(article)
        title_terms = set(words(article.title))
        others = set(words(" ".join(t for c, t in fields if c != "T"))) - title_terms
        blob = FIELD_SEP.join(f"{code}{CODE_SEP}{text}" for code, text in fields).encode()
        return cls(list(title_terms), list(others), blob)


# --------------------------------------------------------------------------- segments


class Segment:
    """One immutable slice of the index: sorted terms, their postings, and the stories' text."""

    def __init__(self, sid: int, terms: list[str], starts: np.ndarray, postings: np.ndarray,
                 docs: list[int], keys: list[str], text_offsets: np.ndarray, text: bytes | mmap.mmap):
        self.sid, self.terms, self.starts, self.postings = sid, terms, starts, postings
        self.docs, self.keys, self.text_offsets, self.text = docs, keys, text_offsets, text
        self.slot = {d: i for i, d in enumerate(docs)}

    # ---- building

    @classmethod
    def build(cls, sid: int, items: Iterable[tuple[int, str, Article | SearchPayload]]) -> Segment:
        post: dict[str, list[int]] = defaultdict(list)
        docs: list[int] = []
        keys: list[str] = []
        chunks: list[bytes] = []
        offsets = [0]
        for doc, key, item in items:
            payload = item if isinstance(item, SearchPayload) else SearchPayload.of(item)
            tagged, plain = (doc << 1) | 1, doc << 1
            for t in payload.title_terms:
                post[t].append(tagged)
            for t in payload.other_terms:
                post[t].append(plain)
            docs.append(doc)
            keys.append(key)
            chunks.append(payload.blob)
            offsets.append(offsets[-1] + len(payload.blob))
        return cls._from_postings(sid, post, docs, keys, np.array(offsets, dtype=np.int64), b"".join(chunks))

    @classmethod
    def _from_postings(cls, sid: int, post: dict[str, Any], docs: list[int], keys: list[str],
                       offsets: np.ndarray, text: bytes) -> Segment:
        terms = sorted(post)
        lengths = np.fromiter((len(post[t]) for t in terms), dtype=np.int64, count=len(terms))
        starts = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        flat = np.empty(int(starts[-1]), dtype=np.uint32)
        for i, t in enumerate(terms):
            flat[starts[i] : starts[i + 1]] = post[t]
        return cls(sid, terms, starts, flat, docs, keys, offsets, text)

    @classmethod
    def merge(cls, sid: int, parts: list[Segment], alive: Callable[[int, int], bool]) -> Segment:
        """One segment from several, keeping only stories each part still owns."""
        post: dict[str, list[np.ndarray]] = defaultdict(list)
        docs: list[int] = []
        keys: list[str] = []
        chunks: list[bytes] = []
        offsets = [0]
        for seg in parts:
            live = [i for i, d in enumerate(seg.docs) if alive(d, seg.sid)]
            live_docs = np.array([seg.docs[i] for i in live], dtype=np.uint32)
            for i in live:
                docs.append(seg.docs[i])
                keys.append(seg.keys[i])
                blob = bytes(seg.text[seg.text_offsets[i] : seg.text_offsets[i + 1]])
                chunks.append(blob)
                offsets.append(offsets[-1] + len(blob))
            for j, t in enumerate(seg.terms):
                p = seg.postings[seg.starts[j] : seg.starts[j + 1]]
                if len(live) != len(seg.docs):
                    p = p[np.isin(p >> 1, live_docs)]
                if len(p):
                    post[t].append(p)
        merged = {t: np.concatenate(ps) if len(ps) > 1 else ps[0] for t, ps in post.items()}
        return cls._from_postings(sid, merged, docs, keys, np.array(offsets, dtype=np.int64), b"".join(chunks))

    # ---- disk

    @staticmethod
    def paths(folder: Path, sid: int) -> tuple[Path, Path, Path]:
        base = folder / f"s{sid:06d}"
        return base.with_suffix(".meta"), base.with_suffix(".post"), base.with_suffix(".text")

    def write(self, folder: Path, atomic_write: Callable[[Path, bytes], None]) -> None:
        meta, post, text = self.paths(folder, self.sid)
        atomic_write(post, self.postings.tobytes())
        atomic_write(text, bytes(self.text))
        atomic_write(meta, orjson.dumps({"terms": self.terms, "starts": self.starts.tolist(), "docs": self.docs,
                                         "keys": self.keys, "text_offsets": self.text_offsets.tolist()}))

    @classmethod
    def load(cls, folder: Path, sid: int) -> Segment:
        meta_p, post_p, text_p = cls.paths(folder, sid)
        meta = orjson.loads(meta_p.read_bytes())
        postings = np.fromfile(post_p, dtype=np.uint32) if post_p.stat().st_size else np.empty(0, np.uint32)
        text: bytes | mmap.mmap = b""
        if text_p.stat().st_size:
            with open(text_p, "rb") as fh:
                text = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return cls(sid, meta["terms"], np.array(meta["starts"], dtype=np.int64), postings, meta["docs"],
                   meta["keys"], np.array(meta["text_offsets"], dtype=np.int64), text)

    # ---- reading

    def lookup(self, term: str) -> np.ndarray | None:
        i = bisect.bisect_left(self.terms, term)
        if i < len(self.terms) and self.terms[i] == term:
            return self.postings[self.starts[i] : self.starts[i + 1]]
        return None

    def fields(self, doc: int) -> list[tuple[str, str]]:
        i = self.slot[doc]
        blob = bytes(self.text[self.text_offsets[i] : self.text_offsets[i + 1]]).decode()
        return [tuple(f.split(CODE_SEP, 1)) for f in blob.split(FIELD_SEP)]  # type: ignore[misc]


# --------------------------------------------------------------------------- the index


class SearchIndex:
    """Query engine over segments. `owner[doc]` names the segment holding a story's current text."""

    def __init__(self, segments: list[Segment], owner: dict[int, int], vocab: list[str] | None = None):
        self.segments = segments
        self.by_sid = {s.sid: s for s in segments}
        size = max(owner, default=0) + 1
        self.owner = np.zeros(size, dtype=np.int64)
        for doc, sid in owner.items():
            self.owner[doc] = sid
        self.vocab = vocab if vocab is not None else sorted(set().union(*(s.terms for s in segments)))
        self._expansions: OrderedDict[tuple[str, bool], dict[str, float]] = OrderedDict()

    def __len__(self) -> int:
        return int(np.count_nonzero(self.owner))

    @classmethod
    def from_articles(cls, items: Iterable[tuple[str, Article]]) -> SearchIndex:
        """An in-memory index (tests, one-off use): doc numbers are positions."""
        rows = [(i, key, a) for i, (key, a) in enumerate(items, start=1)]
        seg = Segment.build(1, rows)
        return cls([seg], {doc: 1 for doc, _, _ in rows})

    build = from_articles  # the old name

    def expand(self, q: str, *, prefix: bool) -> dict[str, float]:
        """Vocabulary words matching query word `q`, each with a 0..100 score (cached)."""
        ck = (q, prefix)
        if ck in self._expansions:
            return self._expansions[ck]
        out: dict[str, float] = {}
        vocab = self.vocab
        i = bisect.bisect_left(vocab, q)
        if i < len(vocab) and vocab[i] == q:
            out[q] = 100.0
        if prefix and len(q) >= 2:
            for term in vocab[i : i + 60]:
                if not term.startswith(q):
                    break
                out.setdefault(term, 90.0 - min(10, len(term) - len(q)))
        if len(q) >= 4:
            cutoff = 80 if len(q) >= 6 else 88
            for term, score, _ in process.extract(q, vocab, scorer=fuzz.ratio, limit=10, score_cutoff=cutoff):
                out.setdefault(term, float(score) * 0.85)
        self._expansions[ck] = out
        while len(self._expansions) > 512:
            self._expansions.popitem(last=False)
        return out

    def search(self, query: str, limit: int = 50, *, cancelled: Callable[[], bool] = lambda: False) -> list[Hit]:
        qwords = words(query)
        if not qwords or not self.segments:
            return []
        expansions = [self.expand(q, prefix=(i == len(qwords) - 1 and not query.endswith(" ")))
                      for i, q in enumerate(qwords)]
        if cancelled() or not all(expansions):
            return []
        size = len(self.owner)
        total = np.zeros(size, dtype=np.float32)
        matched = np.zeros(size, dtype=np.int32)
        in_title = np.zeros(size, dtype=np.int32)
        for exp in expansions:
            best = np.zeros(size, dtype=np.float32)
            title = np.zeros(size, dtype=bool)
            for term, score in sorted(exp.items(), key=lambda kv: kv[1]):  # ascending: the best wins
                for seg in self.segments:
                    p = seg.lookup(term)
                    if p is None:
                        continue
                    docs = (p >> 1).astype(np.int64)
                    own = self.owner[docs] == seg.sid
                    docs = docs[own]
                    best[docs] = score
                    title[docs[(p[own] & 1).astype(bool)]] = True
            if cancelled():
                return []
            total += best
            matched += best > 0
            in_title += title
        n = len(qwords)
        candidates = np.flatnonzero(matched == n)
        if not len(candidates):
            return []
        scores = total[candidates] / n + 10.0 * (in_title[candidates] / n)
        top_n = min(len(candidates), max(limit, 10))
        top = candidates[np.argpartition(-scores, top_n - 1)[:top_n]] if len(candidates) > top_n else candidates
        order = top[np.argsort(-(total[top] / n + 10.0 * (in_title[top] / n)), kind="stable")]
        tw = self._term_words(expansions)
        hits: list[Hit] = []
        for doc in order:  # best stories first; stop once there are enough hits
            if cancelled():
                return []
            hits += self._field_hits(int(doc), n, tw)
            if len(hits) >= limit:
                break
        hits.sort(key=lambda h: (-h.score, h.title))
        return hits[:limit]

    @staticmethod
    def _term_words(expansions: list[dict[str, float]]) -> dict[str, list[tuple[int, float]]]:
        """term -> [(query word index, score)] for one query."""
        tw: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for w, exp in enumerate(expansions):
            for t, sc in exp.items():
                tw[t].append((w, sc))
        return tw

    def _field_hits(self, doc: int, n: int, tw: dict[str, list[tuple[int, float]]]) -> list[Hit]:
        """Where in one story the query matched, field by field, with a snippet for the best.

        Fields are checked in order (title, body, then comments) with C-speed substring tests,
        and the scan stops once three fields match every query word.
        """
        seg = self.by_sid[int(self.owner[doc])]
        i = seg.slot[doc]
        blob = bytes(seg.text[seg.text_offsets[i] : seg.text_offsets[i + 1]]).decode()
        fields = blob.split(FIELD_SEP)
        title = fields[0][2:] if fields and fields[0].startswith("T" + CODE_SEP) else "(untitled)"
        key = seg.keys[i]
        scored = []
        complete = 0
        for field in fields:
            lf = field.casefold()
            present = [t for t in tw if t in lf and _has_word(lf, t)]
            if not present:
                continue
            got = [0.0] * n
            for t in present:
                for w, sc in tw[t]:
                    if sc > got[w]:
                        got[w] = sc
            hit_words = sum(1 for g in got if g)
            code, _, text = field.partition(CODE_SEP)
            weight = TITLE_WEIGHT if code == "T" else 1.0 if code == "B" else 0.95
            scored.append((sum(got) / n * weight * (hit_words / n), code, text, present))
            complete += hit_words == n
            if complete >= 3:
                break
        scored.sort(key=lambda x: -x[0])
        out = []
        for score, code, text, terms in scored[:3]:
            snippet, spans = make_snippet(text, terms)
            where = "title" if code == "T" else "body" if code == "B" else f"comment #{code}"
            out.append(Hit(key, title, where, int(code) if code.isdigit() else None, min(100.0, score),
                           snippet, spans, terms))
        return out


def _has_word(hay: str, t: str) -> bool:
    """`t` occurs in `hay` as a whole word."""
    pos = hay.find(t)
    size, tl = len(hay), len(t)
    while pos >= 0:
        end = pos + tl
        if (pos == 0 or not _is_word(hay[pos - 1])) and (end >= size or not _is_word(hay[end])):
            return True
        pos = hay.find(t, pos + 1)
    return False


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


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


# --------------------------------------------------------------------------- on disk


def merge_plan(sizes: list[tuple[int, int]]) -> int:
    """How many trailing segments to merge: while the one before is at most 2x the last."""
    k = 1
    total = sizes[-1][1] if sizes else 0
    while k < len(sizes) and sizes[-k - 1][1] <= 2 * total:
        total += sizes[-k - 1][1]
        k += 1
    return k


def write_vocab(folder: Path, new_terms: Iterable[str], atomic_write: Callable[[Path, bytes], None]) -> None:
    path = folder / "vocab.json"
    old = orjson.loads(path.read_bytes()) if path.exists() else []
    merged = sorted(set(old).union(new_terms))
    if merged != old:
        atomic_write(path, orjson.dumps(merged))


def load_index(folder: Path, segment_ids: list[int], owner: dict[int, int]) -> SearchIndex:
    segments = [Segment.load(folder, sid) for sid in segment_ids]
    vocab_path = folder / "vocab.json"
    vocab = orjson.loads(vocab_path.read_bytes()) if vocab_path.exists() else None
    return SearchIndex(segments, owner, vocab)


def remove_segment_files(folder: Path, sid: int) -> None:
    for p in Segment.paths(folder, sid):
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass

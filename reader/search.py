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
import functools
import io
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
PREFIX_TERMS = 40  # completions of the word being typed, the most common first


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


class Vocab:
    """Every distinct word, with a stable id (ids only grow), and a sorted view for lookups.

    On disk: `vocab.json` (terms in id order) and `vocab.order.npy` (ids in sorted term order).
    """

    def __init__(self, terms: list[str], order: np.ndarray | None = None) -> None:
        self.terms = terms
        self.ids = {t: i for i, t in enumerate(terms)}
        if order is None or len(order) != len(terms):
            order = np.array(sorted(range(len(terms)), key=terms.__getitem__), dtype=np.int32)
        self.order = order
        self.sorted_terms = [terms[i] for i in order]

    @classmethod
    def load(cls, folder: Path) -> Vocab:
        path = folder / "vocab.json"
        if not path.exists():
            return cls([])
        terms = orjson.loads(path.read_bytes())
        order_p = folder / "vocab.order.npy"
        order = np.load(order_p) if order_p.exists() else None
        return cls(terms, order)

    def add(self, new: Iterable[str]) -> bool:
        fresh = set(new).difference(self.ids)  # set algebra in C: most words are known already
        grew = bool(fresh)
        for t in sorted(fresh):  # sorted: ids do not depend on set iteration order
            self.ids[t] = len(self.terms)
            self.terms.append(t)
        if grew:
            self.order = np.array(sorted(range(len(self.terms)), key=self.terms.__getitem__), dtype=np.int32)
            self.sorted_terms = [self.terms[i] for i in self.order]
        return grew

    def write(self, folder: Path, atomic_write: Callable[[Path, bytes], None]) -> None:
        atomic_write(folder / "vocab.order.npy", _npy(self.order))
        atomic_write(folder / "vocab.json", orjson.dumps(self.terms))


def _npy(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


_PARTS = ("tids", "starts", "post", "docs", "keys", "tspan")


class _TextFile:
    """A segment's text blob, read a story at a time (pread) rather than memory-mapped.

    Only the stories a search shows are read, and none of the 1 GB blob stays mapped into the
    app: its RSS counts what it holds, not what the page cache happens to have around.
    """

    __slots__ = ("fd", "size")

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDONLY)
        self.size = os.fstat(self.fd).st_size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, span: slice) -> bytes:
        start, stop, _ = span.indices(self.size)
        return os.pread(self.fd, stop - start, start) if stop > start else b""

    def __bytes__(self) -> bytes:
        return self[0 : self.size]

    def __del__(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


class Segment:
    """One immutable slice of the index: memory-mapped `.npy` arrays and a text blob read per story.

    tids: sorted global term ids; starts: where each term's postings begin; post: postings
    (doc << 1 | in-title); docs: sorted doc ids; keys/tspan: each doc's story key and the span
    of its searchable text in the `.text` blob.
    """

    def __init__(self, sid: int, tids: np.ndarray, starts: np.ndarray, post: np.ndarray, docs: np.ndarray,
                 keys: np.ndarray, tspan: np.ndarray, text: bytes | _TextFile):
        self.sid, self.tids, self.starts, self.postings = sid, tids, starts, post
        self.docs, self.keys, self.tspan, self.text = docs, keys, tspan, text

    # ---- building

    @classmethod
    def build(cls, sid: int, items: Iterable[tuple[int, str, Article | SearchPayload]], vocab: Vocab) -> Segment:
        rows = sorted(items, key=lambda x: x[0])
        payloads = [it if isinstance(it, SearchPayload) else SearchPayload.of(it) for _, _, it in rows]
        # Every story's terms in one flat list (title terms, then the others), mapped to ids in C.
        flat: list[str] = []
        codes: list[int] = []  # per story: (doc << 1 | 1) for its title terms, doc << 1 for the rest
        counts: list[int] = []
        for (doc, _, _), p in zip(rows, payloads):
            flat += p.title_terms
            flat += p.other_terms
            codes += [(doc << 1) | 1, doc << 1]
            counts += [len(p.title_terms), len(p.other_terms)]
        vocab.add(flat)
        t = np.fromiter(map(vocab.ids.__getitem__, flat), dtype=np.int32, count=len(flat))
        p = np.repeat(np.array(codes, dtype=np.uint32), np.array(counts, dtype=np.int64))
        sizes = np.array([len(pl.blob) for pl in payloads], dtype=np.int64)
        ends = np.cumsum(sizes)
        spans = np.stack([ends - sizes, ends], axis=1) if len(rows) else np.zeros((0, 2), dtype=np.int64)
        docs = np.array([r[0] for r in rows], dtype=np.uint32)
        keys = np.array([r[1] for r in rows], dtype="S16")
        return cls._assemble(sid, [t], [p], docs, keys, spans, b"".join(pl.blob for pl in payloads))

    @classmethod
    def _assemble(cls, sid: int, t_parts: list[np.ndarray], p_parts: list[np.ndarray], docs: np.ndarray,
                  keys: np.ndarray, spans: np.ndarray, text: bytes | _TextFile) -> Segment:
        t = np.concatenate(t_parts) if t_parts else np.empty(0, np.int32)
        p = np.concatenate(p_parts) if p_parts else np.empty(0, np.uint32)
        t_parts.clear()  # the parts are copied: let them go before the sort (memory at 100k)
        p_parts.clear()
        # By term, then by story (a story is found in a term's postings by bisection): one
        # in-place sort of a 64-bit (term, posting) key. The parts of a merge are already
        # sorted runs, which a stable sort (timsort) merges cheaply; no index array is made.
        key = t.astype(np.uint64)
        del t
        key <<= np.uint64(32)
        np.bitwise_or(key, p, out=key)
        del p
        key.sort(kind="stable")
        p = key.astype(np.uint32)  # the low 32 bits
        key >>= np.uint64(32)
        t = key.astype(np.int32)
        del key
        same = t[1:] == t[:-1]
        if len(t):
            starts = np.concatenate(([0], np.flatnonzero(~same) + 1, [len(t)])).astype(np.int64)
            tids = t[starts[:-1]]
        else:
            starts, tids = np.zeros(1, dtype=np.int64), t
        return cls(sid, tids.astype(np.int32), starts, p, docs, keys, spans, text)

    @classmethod
    def merge(cls, sid: int, parts: list[Segment], owner: np.ndarray, folder: Path,
              atomic_write: Callable[[Path, bytes], None]) -> Segment:
        """One segment from several, keeping only stories each part still owns.

        The text blob is streamed to disk (never held whole in memory); the arrays are built
        with vectorised numpy and written atomically.
        """
        t_parts, p_parts, doc_parts, key_parts, span_parts = [], [], [], [], []
        text_path = cls.paths(folder, sid)["text"]
        tmp = text_path.with_name(f".{text_path.name}.{os.getpid()}.tmp")
        at = 0
        with open(tmp, "wb") as out:
            for seg in parts:
                live = owner[seg.docs.astype(np.int64)] == seg.sid
                lengths = np.diff(seg.starts)
                t = np.repeat(seg.tids, lengths)
                p = np.asarray(seg.postings)
                if not live.all():
                    keep = np.isin(p >> 1, seg.docs[live])
                    t, p = t[keep], p[keep]
                t_parts.append(t)
                p_parts.append(p)
                spans = np.asarray(seg.tspan)[live]
                new_spans = np.empty_like(spans)
                for n, (a, b) in enumerate(spans):
                    out.write(seg.text[a:b])
                    new_spans[n] = (at, at + b - a)
                    at += b - a
                doc_parts.append(np.asarray(seg.docs)[live])
                key_parts.append(np.asarray(seg.keys)[live])
                span_parts.append(new_spans)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, text_path)
        docs = np.concatenate(doc_parts) if doc_parts else np.empty(0, np.uint32)
        by_doc = np.argsort(docs, kind="stable")
        seg = cls._assemble(sid, t_parts, p_parts, docs[by_doc], np.concatenate(key_parts)[by_doc],
                            np.concatenate(span_parts)[by_doc] if span_parts else np.zeros((0, 2), np.int64), b"")
        seg.write(folder, atomic_write, with_text=False)
        return cls.load(folder, sid)

    # ---- disk

    @staticmethod
    def paths(folder: Path, sid: int) -> dict[str, Path]:
        base = f"s{sid:06d}"
        out = {part: folder / f"{base}.{part}.npy" for part in _PARTS}
        out["text"] = folder / f"{base}.text"
        return out

    def write(self, folder: Path, atomic_write: Callable[[Path, bytes], None], *, with_text: bool = True) -> None:
        paths = self.paths(folder, self.sid)
        if with_text:
            atomic_write(paths["text"], bytes(self.text))
        arrays = {"tids": self.tids, "starts": self.starts, "post": self.postings, "docs": self.docs,
                  "keys": self.keys, "tspan": self.tspan}
        for part in _PARTS:
            atomic_write(paths[part], _npy(np.asarray(arrays[part])))

    @classmethod
    def load(cls, folder: Path, sid: int) -> Segment:
        paths = cls.paths(folder, sid)
        # Plain ndarray views of the mapped files: slicing a np.memmap costs a Python-level
        # subclass hook on every lookup.
        arrays = {part: np.asarray(np.load(paths[part], mmap_mode="r")) if paths[part].stat().st_size > 128
                  else np.load(paths[part]) for part in _PARTS}
        text: bytes | _TextFile = _TextFile(paths["text"]) if paths["text"].stat().st_size else b""
        return cls(sid, arrays["tids"], arrays["starts"], arrays["post"], arrays["docs"], arrays["keys"],
                   arrays["tspan"], text)

    # ---- reading

    def lookup(self, tid: int) -> np.ndarray | None:
        i = int(np.searchsorted(self.tids, tid))
        if i < len(self.tids) and self.tids[i] == tid:
            return self.postings[self.starts[i] : self.starts[i + 1]]
        return None

    def slot(self, doc: int) -> int:
        return int(np.searchsorted(self.docs, doc))

    def key(self, slot: int) -> str:
        return bytes(self.keys[slot]).decode()


# --------------------------------------------------------------------------- the index


class SearchIndex:
    """Query engine over segments. `owner[doc]` names the segment holding a story's current text."""

    def __init__(self, segments: list[Segment], vocab: Vocab, owner: np.ndarray | None = None):
        self.segments = segments
        self.vocab = vocab
        self.by_sid = {s.sid: s for s in segments}
        if owner is None:
            owner = owner_map(segments)
        self.owner = owner
        # Segments whose every story is current skip the per-posting ownership test.
        self._whole = {s.sid for s in segments if not len(s.docs) or bool(np.all(owner[np.asarray(s.docs, np.int64)] == s.sid))}
        self._df: np.ndarray | None = None
        self._expansions: OrderedDict[tuple[str, bool], dict[str, float]] = OrderedDict()
        self._located: OrderedDict[tuple[int, str], list[int]] = OrderedDict()  # (doc, term) -> fields

    @property
    def df(self) -> np.ndarray:
        """How many stories hold each term (by global term id), from the postings' lengths."""
        if self._df is None or len(self._df) != len(self.vocab.terms):
            df = np.zeros(len(self.vocab.terms), dtype=np.int64)
            for seg in self.segments:
                np.add.at(df, np.asarray(seg.tids, np.int64), np.diff(np.asarray(seg.starts)))
            self._df = df
        return self._df

    def __len__(self) -> int:
        return int(np.count_nonzero(self.owner))

    @classmethod
    def from_articles(cls, items: Iterable[tuple[str, Article]]) -> SearchIndex:
        """An in-memory index (tests, one-off use): doc numbers are positions."""
        vocab = Vocab([])
        seg = Segment.build(1, [(i, key, a) for i, (key, a) in enumerate(items, start=1)], vocab)
        return cls([seg], vocab)

    def expand(self, q: str, *, prefix: bool) -> dict[str, float]:
        """Vocabulary words matching query word `q`, each with a 0..100 score (cached)."""
        ck = (q, prefix)
        if ck in self._expansions:
            return self._expansions[ck]
        out: dict[str, float] = {}
        vocab = self.vocab.sorted_terms
        i = bisect.bisect_left(vocab, q)
        if i < len(vocab) and vocab[i] == q:
            out[q] = 100.0
        if prefix and len(q) >= 2:
            # The word being typed: its completions, the most common first (not the first in
            # alphabetical order, which for "be" would be "bebe…" rather than "because").
            j = bisect.bisect_left(vocab, q + "\U0010ffff", i)
            ids = np.asarray(self.vocab.order[i:j], dtype=np.int64)
            if len(ids) > PREFIX_TERMS:
                ids = ids[np.argpartition(-self.df[ids], PREFIX_TERMS - 1)[:PREFIX_TERMS]]
            # Most common first, and no more than about two postings per story in all: past
            # that, rarer completions add few stories and cost a keystroke its budget.
            by_df = np.argsort(-self.df[ids], kind="stable")
            ids = ids[by_df]
            within = np.cumsum(self.df[ids]) <= max(2 * len(self.owner), 1)
            ids = ids[: max(1, int(np.count_nonzero(within)))]
            for tid in ids:
                term = self.vocab.terms[int(tid)]
                if term.startswith(q):
                    out.setdefault(term, 90.0 - min(10, len(term) - len(q)))
        if len(q) >= 4 and not out:
            # A typo: the word is not in any story, nor the start of one. (A word that is in
            # the archive means what it says; scoring it against 130,000 words on every
            # keystroke was the slowest part of typing it.)
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
        ids = self.vocab.ids
        postings: dict[str, list[tuple[Segment, np.ndarray]]] = defaultdict(list)
        for exp in expansions:
            best = np.zeros(size, dtype=np.float32)
            title = np.zeros(size, dtype=bool)
            for term, score in sorted(exp.items(), key=lambda kv: kv[1]):  # ascending: the best wins
                tid = ids.get(term)
                if tid is None:
                    continue
                for seg in self.segments:
                    p = seg.lookup(tid)
                    if p is None:
                        continue
                    postings[term].append((seg, p))
                    p = np.asarray(p)
                    docs = (p >> 1).astype(np.int64)
                    if seg.sid not in self._whole:
                        own = self.owner[docs] == seg.sid
                        docs, p = docs[own], p[own]
                    best[docs] = score
                    title[docs[(p & 1).astype(bool)]] = True
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
        present = self._terms_present(order, postings)
        hits: list[Hit] = []
        for j, doc in enumerate(order):  # best stories first; stop once there are enough hits
            if cancelled():
                return []
            hits += self._field_hits(int(doc), n, {t: v for t, v in tw.items() if present[t][j]})
            if len(hits) >= limit:
                break
        hits.sort(key=lambda h: (-h.score, h.title))
        return hits[:limit]

    def _terms_present(self, order: np.ndarray, postings: dict[str, list[tuple[Segment, np.ndarray]]]) -> dict[str, np.ndarray]:
        """For each matched term, which of the top stories hold it (bisecting its postings)."""
        docs = np.asarray(order, dtype=np.int64)
        wanted = (docs << 1).astype(np.uint32)  # the postings dtype: no conversion of the postings
        out: dict[str, np.ndarray] = {}
        for term, parts in postings.items():
            has = np.zeros(len(docs), dtype=bool)
            for seg, p in parts:
                if not len(p):
                    continue
                at = np.minimum(np.searchsorted(p, wanted), len(p) - 1)
                hit = (np.asarray(p[at]) >> 1).astype(np.int64) == docs
                if seg.sid not in self._whole:
                    hit &= self.owner[docs] == seg.sid
                has |= hit
            out[term] = has
        return defaultdict(lambda: np.zeros(len(docs), dtype=bool), out)

    @staticmethod
    def _term_words(expansions: list[dict[str, float]]) -> dict[str, list[tuple[int, float]]]:
        """term -> [(query word index, score)] for one query."""
        tw: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for w, exp in enumerate(expansions):
            for t, sc in exp.items():
                tw[t].append((w, sc))
        return tw

    def _locate(self, doc: int, terms: list[str], story: _Lazy) -> None:
        """Remember which fields of story `doc` hold each of `terms` (one scan for the new ones)."""
        new = [t for t in terms if (doc, t) not in self._located]
        if not new:
            return
        text: _StoryText = story.value
        located = text.fields_with_all(new)
        absent = [t for t in new if not located[t]]  # the postings say they are there
        if absent:  # written in non-ASCII capitals (or a ligature): casefold the text, exactly
            folded = _StoryText(text.raw.decode().casefold().encode(), lower=False)
            located.update(folded.fields_with_all(absent))
        for t in new:
            self._located[(doc, t)] = located[t]
        while len(self._located) > 50_000:
            self._located.popitem(last=False)

    def _fields_with_every_word(self, doc: int, n: int, tw: dict[str, list[tuple[int, float]]],
                                story: _Lazy) -> dict[int, list[str]] | None:
        """Fields holding every query word: the rarest word's fields from a whole-story scan, then
        each other word looked for only inside the fields still in the running."""
        by_word = [[t for t in tw if any(w == q for w, _ in tw[t])] for q in range(n)]
        if not all(by_word):
            return None
        ids, df = self.vocab.ids, self.df
        order = sorted(range(n), key=lambda q: sum(int(df[ids[t]]) for t in by_word[q] if t in ids))
        self._locate(doc, by_word[order[0]], story)
        fields: dict[int, list[str]] = defaultdict(list)
        for t in by_word[order[0]]:
            for k in self._located[(doc, t)]:
                fields[k].append(t)
        for q in order[1:]:
            if not fields:
                return None
            hits: dict[int, list[str]] = defaultdict(list)
            unknown = []
            for t in by_word[q]:
                ks = self._located.get((doc, t))
                if ks is None:
                    unknown.append(t)
                else:
                    for k in ks:
                        if k in fields:
                            hits[k].append(t)
            if unknown:
                for t, ks in story.value.fields_with_all(unknown, within=sorted(fields)).items():
                    for k in ks:
                        hits[k].append(t)
            fields = defaultdict(list, {k: fields[k] + hits[k] for k in fields if k in hits})
        return fields or None

    def _fields_best_first(self, doc: int, n: int, tw: dict[str, list[tuple[int, float]]],
                           story: _Lazy) -> dict[int, list[str]]:
        """Fields holding query words, terms taken a word at a time, best first, until three
        fields hold every word."""
        self._locate(doc, list(tw), story)
        found: dict[int, list[str]] = defaultdict(list)
        words_in: dict[int, set[int]] = defaultdict(set)
        complete = 0
        for t in sorted(tw, key=lambda t: (min(w for w, _ in tw[t]), -max(sc for _, sc in tw[t]), t)):
            for k in self._located[(doc, t)]:
                found[k].append(t)
                was = len(words_in[k]) == n
                words_in[k].update(w for w, _ in tw[t])
                complete += not was and len(words_in[k]) == n
            if complete >= 3:
                break
        return found

    def _field_hits(self, doc: int, n: int, tw: dict[str, list[tuple[int, float]]]) -> list[Hit]:
        """Where in one story the query matched, field by field, with a snippet for the best three.

        `tw` holds only terms the story is known (from the postings) to contain. For several
        words, the rarest word's fields are found first and the others are looked for only in
        those fields. Otherwise (or when no field holds every word) the whole story is scanned
        for each term; which fields hold a term is remembered per story, so typing the next
        letter only looks for the new completions, all in one compiled scan of the story's text.
        """
        if not tw:
            return []
        seg = self.by_sid[int(self.owner[doc])]
        i = seg.slot(doc)
        raw = _Lazy(lambda: bytes(seg.text[int(seg.tspan[i][0]) : int(seg.tspan[i][1])]))
        story = _Lazy(lambda: _StoryText(raw.value))
        found = self._fields_with_every_word(doc, n, tw, story) if n > 1 else None
        if not found:
            found = self._fields_best_first(doc, n, tw, story)
        if not found:
            return []
        fields = raw.value.split(FIELD_SEP.encode())
        title = fields[0][2:].decode() if fields and fields[0].startswith(b"T" + CODE_SEP.encode()) else "(untitled)"
        key = seg.key(i)
        scored = []
        for k, present in found.items():
            got = [0.0] * n
            for t in present:
                for w, sc in tw[t]:
                    if sc > got[w]:
                        got[w] = sc
            hit_words = sum(1 for g in got if g)
            code = fields[k].partition(CODE_SEP.encode())[0].decode()
            weight = TITLE_WEIGHT if code == "T" else 1.0 if code == "B" else 0.95
            scored.append((sum(got) / n * weight * (hit_words / n), k, code, present))
        scored.sort(key=lambda x: (-x[0], x[1]))  # best first; among equals, the earliest field
        out = []
        for score, k, code, terms in scored[:3]:
            body = fields[k].partition(CODE_SEP.encode())[2].decode()
            snippet, spans = make_snippet(body, terms)
            where = "title" if code == "T" else "body" if code == "B" else f"comment #{code}"
            out.append(Hit(key, title, where, int(code) if code.isdigit() else None, min(100.0, score),
                           snippet, spans, terms))
        return out


class _Lazy:
    """A value made on first use."""

    __slots__ = ("make", "made", "_value")

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make, self.made, self._value = make, False, None

    @property
    def value(self) -> Any:
        if not self.made:
            self._value, self.made = self.make(), True
        return self._value


class _StoryText:
    """One story's searchable text (UTF-8), lower-cased, with where each field starts."""

    __slots__ = ("ends", "low", "raw", "starts", "text_at")

    def __init__(self, raw: bytes, *, lower: bool = True) -> None:
        self.raw = raw
        # ASCII lowering (fast): exact for every word already in lower case; the caller falls
        # back to a casefolded copy for a term this does not find.
        low = self.low = raw.lower() if lower else raw
        sep, code_sep = FIELD_SEP.encode(), CODE_SEP.encode()
        starts = [0]
        at = low.find(sep)
        while at >= 0:
            starts.append(at + 1)
            at = low.find(sep, at + 1)
        self.starts = starts
        self.ends = [x - 1 for x in starts[1:]] + [len(low)]
        self.text_at = [(low.find(code_sep, s, e) + 1) or s for s, e in zip(starts, self.ends)]

    def fields_with_all(self, terms: list[str], within: list[int] | None = None) -> dict[str, list[int]]:
        """term -> indexes of the fields holding it as a whole word, for all `terms` in one scan
        (of the whole story, or of the fields `within` only)."""
        low, starts, ends, text_at = self.low, self.starts, self.ends, self.text_at
        out: dict[str, list[int]] = {t: [] for t in terms}
        pattern = _terms_pattern(tuple(sorted(terms)))
        if within is None:
            matches: Iterable[re.Match[bytes]] = pattern.finditer(low)
        else:
            matches = (m for k in within for m in pattern.finditer(low, text_at[k], ends[k]))
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


@functools.lru_cache(maxsize=256)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[bytes]:
    """Any of `terms` (UTF-8) with no ASCII word character on either side, checked in C.

    Alternatives are grouped by first byte, and the check before a word comes right after its
    first byte, so `re` skips to candidate bytes and drops a match inside a longer word at once.
    """
    by_first: dict[bytes, list[bytes]] = defaultdict(list)
    for t in terms:
        b = t.encode()
        by_first[b[:1]].append(b[1:])
    branches = []
    for first, rests in by_first.items():
        f = re.escape(first)
        alts = b"|".join(re.escape(r) for r in sorted(rests, key=len, reverse=True))
        branches.append(f + rb"(?<![A-Za-z0-9_]" + f + rb")(?:" + alts + rb")")
    return re.compile(rb"(?:" + b"|".join(branches) + rb")(?![A-Za-z0-9_])")


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


def owner_map(segments: list[Segment]) -> np.ndarray:
    """doc -> the segment holding its current text (later segments hold newer versions)."""
    size = max((int(s.docs[-1]) for s in segments if len(s.docs)), default=0) + 1
    owner = np.zeros(size, dtype=np.int64)
    for seg in segments:
        owner[np.asarray(seg.docs, dtype=np.int64)] = seg.sid
    return owner


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@functools.lru_cache(maxsize=256)
def _snippet_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alts = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)


def make_snippet(text: str, terms: list[str], width: int = 100) -> tuple[str, list[tuple[int, int]]]:
    """A one-line excerpt around the first matched word, with the spans of every matched word."""
    flat = " ".join(text.split())
    termset = set(terms)
    # The matched words, found by one case-insensitive pattern (a long comment is not split
    # into words); confirmed by casefolding, and by splitting after all if that finds none
    # (a word such as "Straße" casefolds to a different length).
    matches = [(m.start(), m.end()) for m in _snippet_pattern(tuple(sorted(termset))).finditer(flat)
               if m.group().casefold() in termset]
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


# --------------------------------------------------------------------------- on disk


def merge_plan(sizes: list[tuple[int, int]]) -> int:
    """How many trailing segments to merge: while the one before is at most 2x the last."""
    k = 1
    total = sizes[-1][1] if sizes else 0
    while k < len(sizes) and sizes[-k - 1][1] <= 2 * total:
        total += sizes[-k - 1][1]
        k += 1
    return k


def load_index(folder: Path, segment_ids: list[int]) -> SearchIndex:
    return SearchIndex([Segment.load(folder, sid) for sid in segment_ids], Vocab.load(folder))


def segment_ids_on_disk(folder: Path) -> set[int]:
    return {int(p.name[1:7]) for p in folder.glob("s??????.*") if p.name[1:7].isdigit()}


def remove_segment_files(folder: Path, sid: int) -> None:
    for p in Segment.paths(folder, sid).values():
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass

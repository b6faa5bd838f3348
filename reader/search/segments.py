"""The vocabulary and one immutable index segment: numpy arrays and a text blob read per story."""

from __future__ import annotations

import bisect
import contextlib
import os
import zlib
from collections.abc import Iterable
from itertools import pairwise, repeat
from pathlib import Path
from typing import BinaryIO

import numpy as np
import orjson

from reader.atomic import atomic_file, atomic_write
from reader.errors import SearchIndexDamaged
from reader.models import Article
from reader.search.fields import SearchPayload, pack, unpack

try:  # the C part (see _native.c): a batch's terms looked up with no str made per term
    from reader._native import TermIds

    NATIVE = True
except ImportError:  # pragma: no cover - built without a C compiler
    NATIVE = False


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
        self._c: TermIds | None = None  # the ids by term in C (ids_of_joined), made when first needed

    @classmethod
    def load(cls, folder: Path) -> Vocab:
        """The vocabulary on disk (empty if there is none); SearchIndexDamaged if it is unreadable."""
        path = folder / "vocab.json"
        if not path.exists():
            return cls([])
        try:
            terms = orjson.loads(path.read_bytes())
            order_p = folder / "vocab.order.npy"
            order = np.load(order_p, allow_pickle=False) if order_p.exists() else None
        except (OSError, ValueError, EOFError) as exc:
            raise SearchIndexDamaged(f"{path.parent / 'vocab.*'}: unreadable ({_reason(exc)})") from None
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise SearchIndexDamaged(f"{path}: not a list of words")
        if order is not None and len(order) != len(terms):
            order = None  # derived data, caught between its two writes: sorted again from the words
        if order is not None and (order.ndim != 1 or order.dtype.kind not in "iu"
                                  or (len(order) and (int(order.min()) < 0 or int(order.max()) >= len(terms)))):
            raise SearchIndexDamaged(f"{folder / 'vocab.order.npy'}: does not match vocab.json")
        vocab = cls(terms, order)
        if len(vocab.ids) != len(terms):  # a word twice: two ids for one word
            raise SearchIndexDamaged(f"{path}: holds a word twice")
        return vocab

    def add(self, new: Iterable[str]) -> bool:
        fresh = sorted(set(new).difference(self.ids))  # set algebra in C: most words are known already
        if not fresh:  # (sorted: ids do not depend on set iteration order)
            return False
        first = len(self.terms)
        self.ids.update(zip(fresh, range(first, first + len(fresh)), strict=True))
        self.terms += fresh
        if self._c is not None:
            try:
                self._c.add(fresh, first)  # (refused unless the C table's next id is `first`)
            except BaseException:
                self._c = None  # made again from the words when next needed
                raise
        # The sorted view: the new words put in place by bisection (and the word list merged by
        # timsort, comparisons in C), not every word sorted by a key function (~0.2 s a batch at
        # 100,000 stories).
        at = np.fromiter((bisect.bisect_left(self.sorted_terms, t) for t in fresh), dtype=np.int64, count=len(fresh))
        self.order = np.insert(self.order, at, np.arange(first, first + len(fresh), dtype=np.int32)).astype(np.int32)
        self.sorted_terms = sorted(self.sorted_terms + fresh)
        return True

    def ids_of(self, terms: list[str]) -> np.ndarray:
        """The ids of `terms` (words not known yet are added): one dictionary lookup a term, and
        a set made of the new words only (a set of every term of a 2,000-story batch took ~0.15 s
        more)."""
        t = np.fromiter(map(self.ids.get, terms, repeat(-1)), dtype=np.int32, count=len(terms))
        missing = np.flatnonzero(t < 0)
        if len(missing):
            self.add([terms[i] for i in missing])
            ids = self.ids
            t[missing] = np.fromiter((ids[terms[i]] for i in missing), dtype=np.int32, count=len(missing))
        return t

    def ids_of_joined(self, parts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The ids of the terms of `parts` (each the terms of a field joined by NUL), all in one
        array, and how many terms each part holds; words not known yet are added. Looked up in
        C (`_native.TermIds`), made from the vocabulary when first needed."""
        if self._c is None:
            table = TermIds()
            table.add(self.terms, 0)
            self._c = table  # (only once it holds every word: ids made after a failed add would drift)
        ids, counts, unknown = self._c.lookup(parts)
        t = np.frombuffer(ids, dtype=np.int32)
        if unknown:  # the k-th word not known is -1 - k: given its id (ids in sorted order, as add() does)
            self.add(unknown)
            new_ids = np.fromiter(map(self.ids.__getitem__, unknown), dtype=np.int32, count=len(unknown))
            t = t.copy()
            at = np.flatnonzero(t < 0)
            t[at] = new_ids[-1 - t[at]]
        return t, np.frombuffer(counts, dtype=np.int64)

    def write(self, folder: Path) -> None:
        _save_npy(folder / "vocab.order.npy", self.order)
        atomic_write(folder / "vocab.json", orjson.dumps(self.terms))


def _save_npy(path: Path, a: np.ndarray) -> None:
    """`a` as a `.npy` file, written atomically straight from the array (through a BytesIO, a
    merged segment's 160 MB of postings were copied twice more)."""
    with atomic_file(path) as fh:
        np.save(fh, a, allow_pickle=False)


COPY_CHUNK = 8 << 20  # bytes of story text copied at a time when merging segments


_PARTS = ("tids", "starts", "post", "docs", "keys", "tspan")
PACKED = b"RZ1\n"  # the first bytes of a segment text whose stories are packed (a plain one starts "T\x1f")


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
        with contextlib.suppress(OSError):
            os.close(self.fd)


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
        # A loaded segment's postings are read a term at a time (pread) rather than through the
        # mapping: a page fault on a mapped file maps its cached neighbours too, so searches
        # touching scattered terms grew the app's RSS by ~50 MB of postings it no longer used.
        self._post_file: tuple[_TextFile, int] | None = None  # (file, offset of the array's data)
        # Stories' text packed one by one (fields.pack) after a PACKED mark; plain in older segments.
        self.packed = len(text) >= len(PACKED) and bytes(text[0 : len(PACKED)]) == PACKED

    def story_text(self, slot: int) -> bytes:
        """The searchable text of the story in `slot` (read from disk, unpacked; the search engine
        keeps the last few it scanned)."""
        a, b = int(self.tspan[slot][0]), int(self.tspan[slot][1])
        raw = bytes(self.text[a:b])
        if self.packed:
            try:
                raw = unpack(raw)
            except zlib.error:
                raise SearchIndexDamaged(f"s{self.sid:06d}.text: a story's text does not unpack") from None
        return raw

    # ---- building

    @classmethod
    def build(cls, sid: int, items: Iterable[tuple[int, str, Article | SearchPayload]], vocab: Vocab) -> Segment:
        rows = sorted(items, key=lambda x: x[0])
        payloads = [it if isinstance(it, SearchPayload) else SearchPayload.of(it) for _, _, it in rows]
        codes: list[int] = []  # per story: (doc << 1 | 1) for its title terms, doc << 1 for the rest
        for doc, _, _ in rows:
            codes += [(doc << 1) | 1, doc << 1]
        if NATIVE:  # the terms as they came from the workers, joined by NUL: no str made per term
            t, n = vocab.ids_of_joined([part for p in payloads for part in p.joined_terms()])
        else:  # every story's terms in one flat list (title terms, then the others)
            flat: list[str] = []
            counts: list[int] = []
            for p in payloads:
                flat += p.title_terms
                flat += p.other_terms
                counts += [len(p.title_terms), len(p.other_terms)]
            t, n = vocab.ids_of(flat), np.array(counts, dtype=np.int64)
        posts = np.repeat(np.array(codes, dtype=np.uint32), n)
        sizes = np.array([len(pl.blob) for pl in payloads], dtype=np.int64)
        ends = np.cumsum(sizes) + len(PACKED)
        spans = np.stack([ends - sizes, ends], axis=1) if rows else np.zeros((0, 2), dtype=np.int64)
        docs = np.array([r[0] for r in rows], dtype=np.uint32)
        keys = np.array([r[1] for r in rows], dtype="S16")
        text = b"".join([PACKED, *(pl.blob for pl in payloads)]) if rows else b""
        return cls._assemble(sid, [t], [posts], docs, keys, spans, text, runs=False)

    @classmethod
    def _assemble(cls, sid: int, t_parts: list[np.ndarray], p_parts: list[np.ndarray], docs: np.ndarray,
                  keys: np.ndarray, spans: np.ndarray, text: bytes | _TextFile, *, runs: bool = True) -> Segment:
        t = np.concatenate(t_parts) if t_parts else np.empty(0, np.int32)
        p = np.concatenate(p_parts) if p_parts else np.empty(0, np.uint32)
        t_parts.clear()  # the parts are copied: let them go before the sort (memory at 100k)
        p_parts.clear()
        # By term, then by story (a story is found in a term's postings by bisection): one
        # in-place sort of a 64-bit (term, posting) key; no index array is made. The parts of a
        # merge are already sorted `runs`, which a stable sort (timsort) merges cheaply; a new
        # segment's keys are in story order, which numpy's SIMD quicksort sorts 5x faster
        # (740k keys: 10 ms against 51). The keys are distinct, so both give the same order.
        key = t.astype(np.uint64)
        del t
        key <<= np.uint64(32)
        np.bitwise_or(key, p, out=key)
        del p
        key.sort(kind="stable" if runs else "quicksort")
        p = key.astype(np.uint32)  # the low 32 bits
        key >>= np.uint64(32)
        t = key.astype(np.int32)
        del key
        first = _run_starts(t)
        starts = np.concatenate((first, [len(t)])).astype(np.int64)
        return cls(sid, t[first].astype(np.int32), starts, p, docs, keys, spans, text)

    @classmethod
    def merge(cls, sid: int, parts: list[Segment], owner: np.ndarray, folder: Path) -> Segment:
        """One segment from several, keeping only stories each part still owns.

        The text blob is streamed to disk (never held whole in memory); the arrays are built
        with vectorised numpy and written atomically. When each part's stories all come after
        the part before's (every fresh import), a term's postings are its blocks in the parts,
        one after another: copied as blocks (`_concat_blocks`), not sorted again.
        """
        runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # per part: (tids, starts, postings) kept
        doc_parts, key_parts, span_parts = [], [], []
        text_path = cls.paths(folder, sid)["text"]
        at = 0
        with atomic_file(text_path) as out:
            for seg in parts:
                live = owner[seg.docs.astype(np.int64)] == seg.sid
                runs.append(_kept_runs(seg, live))
                spans = np.asarray(seg.tspan)[live]
                if len(spans) and not at:
                    at = out.write(PACKED)
                new_spans, at = _copy_texts(seg, spans, out, at)
                doc_parts.append(np.asarray(seg.docs)[live])
                key_parts.append(np.asarray(seg.keys)[live])
                span_parts.append(new_spans)
        docs = np.concatenate(doc_parts) if doc_parts else np.empty(0, np.uint32)
        keys = np.concatenate(key_parts) if key_parts else np.empty(0, "S16")
        spans_all = np.concatenate(span_parts) if span_parts else np.zeros((0, 2), np.int64)
        nonempty = [d for d in doc_parts if len(d)]
        if all(int(a[-1]) < int(b[0]) for a, b in pairwise(nonempty)):
            tids, starts, post = _concat_blocks(runs)
            seg = cls(sid, tids, starts, post, docs, keys, spans_all, b"")
        else:  # a later part holds newer copies of earlier stories: sorted again, by term then story
            t_parts = [np.repeat(t, np.diff(st)) for t, st, _ in runs]
            p_parts = [p for _, _, p in runs]
            runs.clear()
            by_doc = np.argsort(docs, kind="stable")
            seg = cls._assemble(sid, t_parts, p_parts, docs[by_doc], keys[by_doc], spans_all[by_doc], b"")
        seg.write(folder, with_text=False)
        return cls.load(folder, sid)

    # ---- disk

    @staticmethod
    def paths(folder: Path, sid: int) -> dict[str, Path]:
        base = f"s{sid:06d}"
        out = {part: folder / f"{base}.{part}.npy" for part in _PARTS}
        out["text"] = folder / f"{base}.text"
        return out

    def write(self, folder: Path, *, with_text: bool = True) -> None:
        paths = self.paths(folder, self.sid)
        if with_text:
            atomic_write(paths["text"], bytes(self.text))
        arrays = {"tids": self.tids, "starts": self.starts, "post": self.postings, "docs": self.docs,
                  "keys": self.keys, "tspan": self.tspan}
        for part in _PARTS:
            _save_npy(paths[part], np.asarray(arrays[part]))

    @classmethod
    def load(cls, folder: Path, sid: int) -> Segment:
        paths = cls.paths(folder, sid)
        # Plain ndarray views of the mapped files: slicing a np.memmap costs a Python-level
        # subclass hook on every lookup.
        try:
            arrays = {part: np.asarray(np.load(paths[part], mmap_mode="r", allow_pickle=False))
                      if paths[part].stat().st_size > 128 else np.load(paths[part], allow_pickle=False)
                      for part in _PARTS}
            text: bytes | _TextFile = _TextFile(paths["text"]) if paths["text"].stat().st_size else b""
        except (OSError, ValueError, EOFError) as exc:
            name = getattr(exc, "filename", None) or paths["text"].parent / f"s{sid:06d}.*"
            raise SearchIndexDamaged(f"{name}: unreadable ({_reason(exc)})") from None
        seg = cls(sid, arrays["tids"], arrays["starts"], arrays["post"], arrays["docs"], arrays["keys"],
                  arrays["tspan"], text)
        if problem := seg.problem():
            raise SearchIndexDamaged(f"{folder / f's{sid:06d}.*'}: {problem}")
        post = arrays["post"]
        if post.base is not None and post.dtype == np.dtype("<u4") and post.flags.c_contiguous and len(post):
            # where the array's data starts in the file: after the .npy header
            try:
                with open(paths["post"], "rb") as fh:
                    fmt = np.lib.format
                    version = fmt.read_magic(fh)
                    (fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0)(fh)
                    offset = fh.tell()
                seg._post_file = (_TextFile(paths["post"]), offset)
            except (OSError, ValueError) as exc:  # gone meanwhile (another process merged it), or damaged
                raise SearchIndexDamaged(f"{paths['post']}: unreadable ({_reason(exc)})") from None
        return seg

    def problem(self) -> str | None:
        """Why the segment's arrays do not agree with each other (or with its text), or None."""
        t, st, p, d, k, sp = self.tids, self.starts, self.postings, self.docs, self.keys, self.tspan
        kinds = {"tids": (t, "i", 1), "starts": (st, "i", 1), "post": (p, "u", 1), "docs": (d, "u", 1),
                 "keys": (k, "S", 1), "tspan": (sp, "i", 2)}
        for name, (a, kind, ndim) in kinds.items():
            if a.dtype.kind != kind or a.ndim != ndim:
                return f"the {name} array has the wrong type"
        if len(st) != len(t) + 1 or (len(st) and (int(st[0]) != 0 or int(st[-1]) != len(p))):
            return "term offsets do not match the postings"
        if len(d) != len(k) or len(d) != len(sp) or (len(sp) and sp.shape[1] != 2):
            return "stories, keys and text spans differ in number"
        if len(d) > 1 and not bool(np.all(np.diff(d.astype(np.int64)) > 0)):
            return "story numbers are out of order"
        if len(t) > 1 and not bool(np.all(np.diff(t.astype(np.int64)) > 0)):
            return "term ids are out of order"
        if len(st) > 1 and not bool(np.all(np.diff(st.astype(np.int64)) >= 0)):
            return "term offsets are out of order"
        if len(sp) and not bool(np.all(sp[:, 1] >= sp[:, 0])):
            return "text spans are reversed"
        if len(sp) and (int(sp.min()) < (len(PACKED) if self.packed else 0) or int(sp.max()) != len(self.text)):
            return f"the text ({len(self.text)} bytes) is not the size its spans say ({int(sp.max())})"
        if not len(sp) and len(self.text):
            return "text without stories"
        return None

    # ---- reading

    def rows_of(self, tids: np.ndarray) -> np.ndarray:
        """Where each of the term ids is in this segment's term table (-1: not in it)."""
        if not len(self.tids):
            return np.full(len(tids), -1, dtype=np.int64)
        tids = tids.astype(self.tids.dtype)  # the table's own type: no converted copy of the table
        rows = np.searchsorted(self.tids, tids)
        found = self.tids[np.minimum(rows, len(self.tids) - 1)] == tids
        return np.where(found, rows, -1)

    def postings_of(self, rows: np.ndarray) -> list[np.ndarray | bytes | None]:
        """The postings of each row of `rows` in the term table (None for -1): a loaded
        segment's as little-endian bytes, one read each (an array and its checks made for each
        term cost ~8 us, and a word being typed has up to 40 terms in each segment)."""
        got: list[np.ndarray | bytes | None] = [None] * len(rows)
        where = np.flatnonzero(rows >= 0)
        if not len(where):  # (none here: a segment may hold no terms at all)
            return got
        starts = np.asarray(self.starts)
        found = rows[where]
        a, b = starts[found].tolist(), starts[found + 1].tolist()
        if self._post_file is None:
            post = self.postings
            for i, x, y in zip(where.tolist(), a, b, strict=True):
                got[i] = np.asarray(post[x:y], dtype="<u4")
            return got
        f, offset = self._post_file
        fd = f.fd
        for i, x, y in zip(where.tolist(), a, b, strict=True):
            data = got[i] = os.pread(fd, 4 * (y - x), offset + 4 * x)
            if len(data) != 4 * (y - x):
                raise SearchIndexDamaged(f"s{self.sid:06d}.post.npy: shorter than its offsets say")
        return got

    def slot(self, doc: int) -> int:
        return int(np.searchsorted(self.docs, doc))

    def key(self, slot: int) -> str:
        return bytes(self.keys[slot]).decode()



def _run_starts(t: np.ndarray) -> np.ndarray:
    """Where each run of equal values of the sorted `t` starts (none for an empty `t`)."""
    if not len(t):
        return np.empty(0, np.int64)
    return np.concatenate(([0], np.flatnonzero(t[1:] != t[:-1]) + 1)).astype(np.int64)


def _kept_runs(seg: Segment, live: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A segment's (term ids, term offsets, postings) without the stories not `live`."""
    p = np.asarray(seg.postings)
    if live.all():
        return np.asarray(seg.tids), np.asarray(seg.starts), p
    keep = np.isin(p >> 1, seg.docs[live])
    t = np.repeat(seg.tids, np.diff(seg.starts))[keep]
    first = _run_starts(t)
    return t[first], np.concatenate((first, [len(t)])).astype(np.int64), p[keep]


def _copy_texts(seg: Segment, spans: np.ndarray, out: BinaryIO, at: int) -> tuple[np.ndarray, int]:
    """Copy the stories' texts at `spans` of `seg` to `out` (at offset `at`): their new spans, and
    the offset after them. Stories that follow one another are copied as one run (a read and a
    write per story was ~10 us each)."""
    if not len(spans):
        return spans.copy(), at
    if seg.packed:
        breaks = np.flatnonzero(spans[1:, 0] != spans[:-1, 1]) + 1  # where a run of adjacent stories ends
        firsts = np.concatenate(([0], breaks))
        lasts = np.concatenate((breaks, [len(spans)])) - 1
        new_spans = np.empty_like(spans)
        for i, j in zip(firsts.tolist(), lasts.tolist(), strict=True):
            first, last = int(spans[i][0]), int(spans[j][1])
            _copy_range(seg.text, first, last, out)
            new_spans[i : j + 1] = spans[i : j + 1] - first + at
            at += last - first
        return new_spans, at
    new_spans = np.empty_like(spans)
    for n, (a, b) in enumerate(spans):
        blob = pack(seg.text[a:b])  # an older segment's plain text: packed now
        out.write(blob)
        new_spans[n] = (at, at + len(blob))
        at += len(blob)
    return new_spans, at


def _copy_range(text: bytes | _TextFile, first: int, last: int, out: BinaryIO) -> None:
    """Bytes first..last of a segment's text appended to `out`: from file to file in the kernel
    (copy_file_range) where it can, else a few MB at a time. (Read into Python and written
    again, merging a 100k import's texts was ~3.6 s of the importing process in py-spy; copied
    in the kernel, 250 MB took 0.11 s of CPU against 0.13-1.08 s.)"""
    pos = first
    if isinstance(text, _TextFile) and hasattr(os, "copy_file_range"):
        out.flush()
        try:
            while pos < last:
                n = os.copy_file_range(text.fd, out.fileno(), last - pos, pos)
                if n <= 0:
                    break
                pos += n
        except OSError:
            pass  # (a file system that cannot: what is left is copied through Python)
        out.seek(0, os.SEEK_END)  # the file object learns where the kernel left the file
    for at in range(pos, last, COPY_CHUNK):
        out.write(text[at : min(last, at + COPY_CHUNK)])


SHORT_BLOCK = 8  # postings: blocks this short are placed by one vectorised scatter, longer ones copied as slices


def _concat_blocks(runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merged (term ids, offsets, postings) of parts whose stories follow one another: a term's
    postings are its block in each part, in part order. Only the term tables are sorted (a
    stable sort keeps the parts' order); each long block is copied as a slice, the many short
    ones (rare words) by one scatter. (Sorting every posting again cost ~2-4 s a merge of
    100,000 stories; this ~0.1 s.)"""
    if not runs:
        return np.empty(0, np.int32), np.zeros(1, np.int64), np.empty(0, np.uint32)
    all_t = np.concatenate([t for t, _, _ in runs])
    lens = np.concatenate([np.diff(st) for _, st, _ in runs])
    order = np.argsort(all_t, kind="stable")
    ordered_lens = lens[order]
    dest = np.empty(len(order), np.int64)  # where each (part, term) block goes, in the parts' row order
    dest[order] = np.cumsum(ordered_lens) - ordered_lens
    total = int(lens.sum())
    post = np.empty(total, np.uint32)
    row = 0
    for t, st, p in runs:
        n = len(t)
        d, src, ln = dest[row : row + n], st[:-1], np.diff(st)
        short = ln <= SHORT_BLOCK
        if short.any():
            k = ln[short]
            at = np.repeat(d[short] - np.cumsum(k) + k, k) + np.arange(int(k.sum()), dtype=np.int64)
            fr = np.repeat(src[short] - np.cumsum(k) + k, k) + np.arange(int(k.sum()), dtype=np.int64)
            post[at] = p[fr]
        long_rows = np.flatnonzero(~short)
        for to, a, b in zip(d[long_rows].tolist(), src[long_rows].tolist(), st[long_rows + 1].tolist(), strict=True):
            post[to : to + b - a] = p[a:b]
        row += n
    t_sorted = all_t[order]
    first = _run_starts(t_sorted)
    starts = np.concatenate((dest[order][first], [total])).astype(np.int64)
    return t_sorted[first].astype(np.int32), starts, post


def owner_map(segments: list[Segment]) -> np.ndarray:
    """doc -> the segment holding its current text (later segments hold newer versions)."""
    size = max((int(s.docs[-1]) for s in segments if len(s.docs)), default=0) + 1
    owner = np.zeros(size, dtype=np.int64)
    for seg in segments:
        owner[np.asarray(seg.docs, dtype=np.int64)] = seg.sid
    return owner



def merge_plan(sizes: list[tuple[int, int]]) -> int:
    """How many trailing segments to merge: while the one before is at most 2x the last."""
    k = 1
    total = sizes[-1][1] if sizes else 0
    while k < len(sizes) and sizes[-k - 1][1] <= 2 * total:
        total += sizes[-k - 1][1]
        k += 1
    return k



def _reason(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "missing"
    if isinstance(exc, (ValueError, EOFError)) and not isinstance(exc, UnicodeError):
        return "not a valid file of its kind"
    return (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).split("\n")[0][:80]

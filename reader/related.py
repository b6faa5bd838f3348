"""Related coverage (pure): which stories are about the same news story, across outlets.

A story's *fingerprint* is its most telling words: those of its title and body (never the
comments), weighted by how often they occur, with names (capitalised in mid-sentence), dates
and numbers and title words counting more, and the commonest English and news words dropped.
It is made where the page is parsed (a worker), without looking at the archive.

Two stories are compared by the cosine of their weighted fingerprints: a pure function of the
two stories, so a link's score does not depend on what else the archive held when it was made
(importing page by page, in one batch, or rebuilding with doctor gives the same links). A new
story is compared only with the stories that share one of its *rarer* fingerprint words (an
inverted index over the fingerprints, `RelatedIndex`; a word in more than 1% of the stories
finds no candidates, though it still counts in the cosine), so linking costs the same per story
at 10k or 100k, and two stories that share only common words ("Japan", "government") are never
even compared.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from itertools import repeat
from typing import TYPE_CHECKING

from reader.text import words

if TYPE_CHECKING:  # numpy stays off the start-up path
    import numpy as np

    from reader.models import Article

FINGERPRINT_SIZE = 24  # words kept per story
THRESHOLD = 0.45  # cosine at or above which two stories are linked (seeds: 0.65-0.77; other subjects: <= 0.30)
MAX_LINKS = 12  # per story, the closest kept
RARE = 100  # a word in more stories than this finds no candidates (it still counts in the cosine)
BODY_CHARS = 6000  # the lead of the body is where a news story says what it is about
# What makes a fingerprint (the words, weights and sizes above): raised when they change, so
# the related index stored by an older version is made again, not kept for stories whose
# title and text did not change (a re-import keeps their rows).
FINGERPRINT_VERSION = 1


_STOPWORDS = """
a about above across after afterwards again against all almost alone along already also although always am
among amongst an and another any anyone anything anyway anywhere are around as at back be became because
become becomes been before beforehand behind being below beside besides between beyond both but by can cannot
could did do does doing done down due during each either else elsewhere enough etc even ever every everyone
everything everywhere except few for former formerly from further get gets got had has have having he hence
her here hereby herein hers herself him himself his how however i if in indeed into is it its itself just last
latter least less made make many may me meanwhile might mine more moreover most mostly much must my myself
namely neither never nevertheless next no nobody none noone nor not nothing now nowhere of off often on once
one only onto or other others otherwise our ours ourselves out over own per perhaps please put rather re same
see seem seemed seeming seems several she should since so some somehow someone something sometime sometimes
somewhere still such than that the their theirs them themselves then thence there thereafter thereby therefore
therein thereupon these they this those though through throughout thru thus to together too toward towards
under until up upon us very via was we well were what whatever when whence whenever where whereafter whereas
whereby wherein whereupon wherever whether which while whither who whoever whole whom whose why will with
within without would yet you your yours yourself yourselves s t don didn doesn isn wasn aren weren won wouldn
couldn shouldn ll ve re d m said says say saying told tell according added reported report reports news week
weeks day days year years month months time times today yesterday tomorrow monday tuesday wednesday thursday
friday saturday sunday new first second third two three four five six seven eight nine ten hundred thousand
million billion percent people also including like going want wants think thought know known way ways thing
things lot lots good better best great big small large long short high low old young part parts end ends come
comes came take takes took give gives given go goes went use used using work works working look looks looked
need needs needed mr mrs ms dr told says reuters kyodo jiji ap afp copyright rights reserved photo file image
caption credit comments comment login register subscribe read article share
"""
_STOP = frozenset(_STOPWORDS.split())

_DIGITS = re.compile(r"\d")


def fingerprint(article: Article) -> list[tuple[str, float]]:
    """The story's telling words with their weights, heaviest first (at most FINGERPRINT_SIZE)."""
    return fingerprint_text(article.title, article.body)


def fingerprint_text(title: str, body: Iterable[str]) -> list[tuple[str, float]]:
    """The work is done by regular expressions over the whole text and set algebra on distinct
    words (a word-by-word Python loop cost ~4 ms a page; this ~0.3 ms)."""
    text, size = [], 0
    for para in body:
        if size >= BODY_CHARS:
            break
        text.append(para[: BODY_CHARS - size])
        size += len(text[-1]) + 1
    body_text = "\n".join(text)
    title_words = set(_words(title))
    # A name: a capitalised word in mid-sentence (after a small word, a figure or a comma).
    named = {w.casefold() for w in _NAMED.findall(body_text)}
    # Only a word seen twice, a name, a title word or a figure can outweigh the rest (weight 1):
    # the others are looked at only when these are too few (then every word's count is needed).
    counts, repeated = _counts(body_text, named | title_words)
    heavy = set(repeated) | named | title_words
    pool = heavy - _STOP
    if len(pool) < FINGERPRINT_SIZE:
        counts, _ = _counts(body_text, None)
        pool = (counts.keys() | title_words) - _STOP
    for t in title_words:
        counts[t] = counts.get(t, 0) + 1
    weighted = []
    for word in pool:
        if word not in counts:
            continue
        if len(word) < 3 and not word.isdigit():
            continue
        digits = word.isdigit()
        if digits and len(word) not in (2, 4):
            continue  # a stray count; years and days of the month stay
        w = 1.0 + math.log(counts[word])
        if word in named:
            w *= 2.0  # who and where the story is about
        if word in title_words:
            w *= 1.6
        if digits or (not word.isalpha() and _DIGITS.search(word)):
            w *= 1.3  # a date or a figure
        weighted.append((-w, word))
    # The heaviest; ties in alphabetical order (a sort in C: heapq.nsmallest, the same, is a
    # Python loop, 3x slower for the few dozen words here).
    top = sorted(weighted)[:FINGERPRINT_SIZE]
    return [(word, round(-w, 3)) for w, word in top]


# (The pattern starts with the space, a literal `re` skips to, and looks behind it from there:
# a look-behind first is tried at every character, 4x slower.)
_NAMED = re.compile(r" (?<=[a-z0-9,] )([A-Z][^\W_]+)")


_STOP_JOINED = "\0".join(sorted(_STOP))

try:  # the C part (see _native.c): no str made for a word seen again or a stop word
    from reader._native import word_counts as _c_word_counts

    NATIVE = True
except ImportError:  # pragma: no cover - built without a C compiler
    NATIVE = False


def _counts(body: str, wanted: set[str] | None) -> tuple[dict[str, int], list[str]]:
    """How often the words of `body` occur (never a stop word: no fingerprint holds one): those
    that occur more than once or are not all letters (also listed on their own), and those
    `wanted`; every word's when `wanted` is None. In C, no str is made for the others (made
    and counted in Python, they were half the fingerprint's time)."""
    if NATIVE:
        return _c_word_counts(body, _STOP_JOINED, None if wanted is None else "\0".join(wanted))
    return _counts_py(body, wanted)


def _counts_py(body: str, wanted: set[str] | None) -> tuple[dict[str, int], list[str]]:
    counts = Counter(w for w in _words(body) if w not in _STOP)
    repeated = [w for w, n in counts.items() if n > 1 or not w.isalpha()]
    if wanted is None:
        return dict(counts), repeated
    keep = set(repeated) | (wanted & counts.keys())
    return {w: counts[w] for w in keep}, repeated


def _words(text: str) -> list[str]:
    """The text's words, case-folded (the search index's tokens); "Japan's" is "japan" and "s",
    and a word that short is dropped."""
    return words(text)


class RelatedIndex:
    """Every story's fingerprint (term ids and weights by row) and the links found so far.

    `rows[key]` is the story's row in `fp` (term ids, -1 padding) and `fw` (weights); `links`
    maps a story key to its closest related stories, strongest first.
    """

    def __init__(self, terms: list[str], keys: list[str | None], fp: np.ndarray, fw: np.ndarray,
                 links: dict[str, list[list[object]]]) -> None:
        self.terms = terms
        self.term_ids = {t: i for i, t in enumerate(terms)}
        self.keys = keys  # row -> story key (None: a row freed by an update)
        self.rows = {k: i for i, k in enumerate(keys) if k is not None}
        self.fp = fp
        self.fw = fw
        self.links = links
        self._inv: _Inverted | None = None  # the fingerprints' words -> rows, kept up to date batch by batch

    @classmethod
    def empty(cls) -> RelatedIndex:
        import numpy as np

        return cls([], [], np.full((0, FINGERPRINT_SIZE), -1, np.int32), np.zeros((0, FINGERPRINT_SIZE), np.float32), {})

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, items: list[tuple[str, list[tuple[str, float]]]]) -> set[str]:
        """Add (or replace) stories' fingerprints and link them with the archive and each other.
        Returns the keys whose links changed."""
        import numpy as np

        if not items:
            return set()
        changed: set[str] = set()
        for key, _ in items:  # a replaced story: its old row and links go
            old = self.rows.pop(key, None)
            if old is not None:
                if self._inv is not None:
                    self._inv.forget(old, self.fp[old])
                self.keys[old] = None
                self.fp[old] = -1
            changed |= self._unlink(key)
        if len(self.keys) > 1000 and len(self.rows) < 0.9 * len(self.keys):
            self._compact()  # rows freed by updates: dropped once they are a tenth of the arrays
        fp, fw = self._rows_of(items)
        base = len(self.keys)
        self.fp = np.concatenate([self.fp, fp])
        self.fw = np.concatenate([self.fw, fw])
        for r, (key, _) in enumerate(items):
            self.keys.append(key)
            self.rows[key] = base + r
        new_rows = np.arange(base, base + len(items))
        for a, b, score in self._pairs(new_rows):
            ka, kb = self.keys[a], self.keys[b]
            assert ka is not None and kb is not None
            self._link(ka, kb, score)
            self._link(kb, ka, score)
            changed |= {ka, kb}
        self._mutual(changed)
        return changed

    def _rows_of(self, items: list[tuple[str, list[tuple[str, float]]]]) -> tuple[np.ndarray, np.ndarray]:
        """The stories' fingerprints as rows of term ids (-1 padding; a word not seen before gets
        the next id, in the order first met) and weights. Flattened, looked up with map() and
        placed with numpy: a loop a word was ~2.5 s of a 100,000-story import."""
        import numpy as np

        fps = [fpr[:FINGERPRINT_SIZE] for _, fpr in items]
        words = [t for fpr in fps for t, _ in fpr]
        ids = self.term_ids
        tid = np.fromiter(map(ids.get, words, repeat(-1)), dtype=np.int32, count=len(words))
        missing = np.flatnonzero(tid < 0)
        if len(missing):
            for i in missing.tolist():
                w = words[i]
                if w not in ids:
                    ids[w] = len(self.terms)
                    self.terms.append(w)
            tid[missing] = np.fromiter((ids[words[i]] for i in missing.tolist()), dtype=np.int32, count=len(missing))
        lens = np.fromiter(map(len, fps), dtype=np.int64, count=len(fps))
        row = np.repeat(np.arange(len(fps)), lens)
        col = np.arange(len(words)) - np.repeat(np.cumsum(lens) - lens, lens)
        fp = np.full((len(fps), FINGERPRINT_SIZE), -1, np.int32)
        fw = np.zeros((len(fps), FINGERPRINT_SIZE), np.float32)
        fp[row, col] = tid
        fw[row, col] = np.fromiter((w for fpr in fps for _, w in fpr), dtype=np.float32, count=len(words))
        return fp, fw

    def _compact(self) -> None:
        self._inv = None  # rows are numbered again
        live = [i for i, k in enumerate(self.keys) if k is not None]
        self.fp, self.fw = self.fp[live], self.fw[live]
        self.keys = [self.keys[i] for i in live]
        self.rows = {k: i for i, k in enumerate(self.keys) if k is not None}

    def _unlink(self, key: str) -> set[str]:
        gone = self.links.pop(key, [])
        touched = set()
        for other, _ in gone:
            assert isinstance(other, str)
            lst = self.links.get(other)
            if lst is not None:
                lst[:] = [x for x in lst if x[0] != key]
                if not lst:
                    del self.links[other]
                touched.add(other)
        return touched | ({key} if gone else set())

    def _link(self, a: str, b: str, score: float) -> None:
        lst = self.links.setdefault(a, [])
        lst[:] = [x for x in lst if x[0] != b]
        lst.append([b, round(score, 3)])
        lst.sort(key=lambda x: (-float(x[1]), str(x[0])))  # type: ignore[arg-type]
        del lst[MAX_LINKS:]

    def _mutual(self, keys: set[str]) -> None:
        """Links stay mutual: a link one side trimmed (it had MAX_LINKS closer ones) goes from the
        other side too, so removing or changing a story can always find every link to it."""
        for a in keys:
            lst = self.links.get(a)
            if lst is None:
                continue
            lst[:] = [x for x in lst if any(y[0] == a for y in self.links.get(str(x[0]), ()))]
            if not lst:
                del self.links[a]

    def _inverted(self) -> _Inverted:
        """The inverted index over every row, brought up to date with the rows added since."""
        if self._inv is None or self._inv.rows > len(self.keys):
            self._inv = _Inverted()
        self._inv.extend(self.fp, self.fw, len(self.terms))
        return self._inv

    def _pairs(self, new_rows: np.ndarray) -> list[tuple[int, int, float]]:
        """(row, other row, cosine) for each new story and every story like it (each pair once).

        Candidates are the stories sharing at least two of a new story's *rare* words (in
        2..RARE stories): the whole batch at once, in numpy. Only those pairs get a cosine."""
        import numpy as np

        inv = self._inverted()
        df, vec, norm, sorted_terms, post_rows = inv.df, inv.vec, inv.norm, inv.sorted_terms, inv.post_rows
        q_terms = self.fp[new_rows]
        q_df = df[np.maximum(q_terms, 0)]
        usable = (q_terms >= 0) & (q_df >= 2) & (q_df <= RARE)
        q_of = np.repeat(new_rows, FINGERPRINT_SIZE).reshape(q_terms.shape)[usable]
        terms = q_terms[usable]
        if not len(terms):
            return []
        lo = np.searchsorted(sorted_terms, terms, "left")
        counts = np.searchsorted(sorted_terms, terms, "right") - lo
        total = int(counts.sum())
        ends = np.cumsum(counts)
        at = np.repeat(lo - (ends - counts), counts) + np.arange(total)  # every posting of every usable word
        cand = post_rows[at]
        query = np.repeat(q_of, counts)
        keep = cand != query
        width = len(self.keys)
        pair_keys, shared = np.unique(query[keep].astype(np.int64) * width + cand[keep], return_counts=True)
        pair_keys = pair_keys[shared >= 2]  # two rare words in common, at least
        out: dict[tuple[int, int], float] = {}
        for start in range(0, len(pair_keys), 20000):  # bounded memory: K x K matches per pair
            chunk = pair_keys[start:start + 20000]
            qa, cb = chunk // width, chunk % width
            fa, fb = self.fp[qa], self.fp[cb]
            match = (fa[:, :, None] == fb[:, None, :]) & (fa >= 0)[:, :, None]
            dots = np.einsum("pij,pi,pj->p", match.astype(np.float32), vec[qa], vec[cb])
            sims = dots / (norm[qa] * norm[cb])
            for a, b, sim in zip(qa.tolist(), cb.tolist(), sims.tolist(), strict=True):
                if sim >= THRESHOLD:
                    out[(min(a, b), max(a, b))] = sim
        return [(a, b, sim) for (a, b), sim in out.items()]


class _Inverted:
    """The fingerprints' words -> the rows holding them (sorted by word, then row), each word's
    story count, and each row's weights and norm: what linking a batch reads. Extended by the
    rows a batch adds (their entries merged in by position, not every row sorted again: the
    sort was ~0.15 s a batch at 100,000 stories); a replaced story's row is forgotten in place
    (its entries stay, matching nothing: its fingerprint is all -1 from then on)."""

    def __init__(self) -> None:
        import numpy as np

        self.rows = 0
        self.sorted_terms = np.empty(0, np.int32)
        self.post_rows = np.empty(0, np.int64)
        self.df = np.zeros(0, np.int64)
        self.vec = np.zeros((0, FINGERPRINT_SIZE), np.float32)
        self.norm = np.zeros(0, np.float32)

    def extend(self, fp: np.ndarray, fw: np.ndarray, n_terms: int) -> None:
        import numpy as np

        new_fp, new_fw = fp[self.rows :], fw[self.rows :]
        flat = new_fp.ravel()
        order = np.argsort(flat, kind="stable")
        order = order[flat[order] >= 0]
        terms = flat[order]
        if self.rows == 0:  # (the whole archive's rows, linking the first batch of an import: no insert, ~0.1 s at 100,000)
            self.sorted_terms, self.post_rows = terms, order // FINGERPRINT_SIZE
        else:
            at = np.searchsorted(self.sorted_terms, terms, side="right")  # after the older rows' entries
            self.sorted_terms = np.insert(self.sorted_terms, at, terms)
            self.post_rows = np.insert(self.post_rows, at, order // FINGERPRINT_SIZE + self.rows)
        df = np.bincount(terms, minlength=n_terms)
        df[: len(self.df)] += self.df
        self.df = df
        vec = np.where(new_fp >= 0, new_fw, 0).astype(np.float32)
        norm = np.sqrt((vec * vec).sum(axis=1))
        norm[norm == 0] = 1.0
        self.vec = np.concatenate([self.vec, vec])
        self.norm = np.concatenate([self.norm, norm])
        self.rows = len(fp)

    def forget(self, row: int, fp_row: np.ndarray) -> None:
        """A row about to be emptied (its story replaced): its words no longer count. (Its
        weights may stay: with no word left, it matches nothing.)"""
        import numpy as np

        if row >= self.rows:
            return
        np.subtract.at(self.df, fp_row[fp_row >= 0], 1)


def stop_words() -> frozenset[str]:
    """The common words a fingerprint leaves out (shared with reader.compare)."""
    return _STOP

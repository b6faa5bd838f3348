"""The query engine: query words -> vocabulary terms -> postings -> ranked hits with snippets."""

from __future__ import annotations

import bisect
import contextlib
import itertools
import operator
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Collection, Iterable
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from reader.errors import SearchIndexDamaged
from reader.models import Article
from reader.search.fields import CODE_SEP, StoryText
from reader.search.hits import Hit, StoryHits, make_snippet
from reader.search.segments import Segment, Vocab, owner_map
from reader.text import fold_accents, has_cjk, words

TITLE_WEIGHT = 1.25
STORY_TEXTS_KEPT = 48  # stories' scan-ready texts kept between keystrokes (two screens of hits)
PREFIX_TERMS = 40  # completions of the word being typed, the most common first
TYPO_TERMS = 10  # words a mistyped query word stands for, the closest first
INSIDE_TERMS = 100  # runs of Japanese or Chinese holding a query word, the most common first
ACCENTED = 95.0  # the score of a word that is the query word but for accents
ACCENTED_TERMS = 10  # completions of the word being typed found by its letters alone ("resum": "résumé")


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
        self._typo_pool: tuple[int, dict[int, list[str]]] = (-1, {})
        self._runs: tuple[int, str, list[int], list[int]] = (-1, "", [], [])  # see _holding
        self._cjk_words()  # (~7 ms at 100k: with the load, in its worker, not on a keystroke)
        self._by_length()  # (~5 ms at 100k, likewise: made on the first typo, it was ~6-9 ms of that keystroke)
        _ = self.df  # (~3 ms at 100k, likewise: made on the first completion, it was in that keystroke)
        self._folded: tuple[int, dict[str, list[str]], list[str]] = (-1, {}, [])
        self._accented("")  # the words with accents by their letters (in the load worker too)
        self._expansions: OrderedDict[tuple[str, bool], dict[str, float]] = OrderedDict()
        self._located: OrderedDict[tuple[int, str], list[int]] = OrderedDict()  # (doc, term) -> fields
        self._texts: OrderedDict[tuple[int, int], StoryText] = OrderedDict()  # (segment, slot) -> text

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
        if has_cjk(q):
            out.update(self._holding(q))
        if (plain := fold_accents(q)) == q:  # "cafe" is "café" too
            for term, score in self._accented(q, prefix=prefix).items():
                out.setdefault(term, score)
        else:  # "café" is "cafe" too, and "résum" finds what "resum" does, just under its own
            for term, score in self.expand(plain, prefix=prefix).items():
                out.setdefault(term, min(score, ACCENTED))
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
        if len(q) >= 4 and not out and not q.isdigit():
            # A typo: the word is not in any story, nor the start of one. (A word that is in
            # the archive means what it says; scoring it against 130,000 words on every
            # keystroke was the slowest part of typing it.)
            out.update(self._typos(q))
        self._expansions[ck] = out
        while len(self._expansions) > 512:
            self._expansions.popitem(last=False)
        return out

    def _typos(self, q: str) -> dict[str, float]:
        """The words `q` may be a typo of, scored 0..100 (its Indel similarity, discounted).

        Up to five letters: one letter changed, swapped with the next, added or dropped (OSA
        distance 1: "trmup" is "trump"). Longer: Indel similarity >= 80. Only words with a
        letter, of a length that can match, are looked at: a number is never a typo of a word,
        and numbers are most of an archive's vocabulary (73% of the 100k benchmark's).
        """
        n = len(q)
        pool = self._by_length()
        if n <= 5:
            found = [term for size in range(n - 1, n + 2) for term, _, _ in process.extract(
                q, pool.get(size, ()), scorer=OSA.distance, score_cutoff=1, limit=TYPO_TERMS)]
        else:  # Indel >= 80 needs the lengths within 2/3..3/2 of each other
            found = [term for size in range(-(-2 * n // 3), 3 * n // 2 + 1) for term, _, _ in process.extract(
                q, pool.get(size, ()), scorer=fuzz.ratio, score_cutoff=80, limit=TYPO_TERMS)]
        scored = sorted((-fuzz.ratio(q, term), term) for term in found)[:TYPO_TERMS]
        return {term: -score * 0.85 for score, term in scored}

    def _holding(self, q: str) -> dict[str, float]:
        """Words of the archive that hold `q` inside them, when `q` is Japanese or Chinese: a
        page's `\\w+` word there is a whole run of a sentence (`小池百合子知事は…`), and
        "知事" is in it. Found by str.find in one string of every such word (in C)."""
        _size, joined, starts, tids = self._cjk_words()
        found: list[int] = []
        at = joined.find(q)
        while at >= 0:
            k = bisect.bisect_right(starts, at) - 1
            found.append(tids[k])
            at = joined.find(q, starts[k + 1])  # the next word: one entry each
        if not found:
            return {}
        ids = np.asarray(found, dtype=np.int64)
        if len(ids) > INSIDE_TERMS:
            ids = ids[np.argsort(-self.df[ids], kind="stable")[:INSIDE_TERMS]]
        terms = self.vocab.terms
        return {terms[int(i)]: 100.0 if terms[int(i)] == q else 95.0 for i in ids}

    def _cjk_words(self) -> tuple[int, str, list[int], list[int]]:
        """(vocabulary size, its Japanese/Chinese words joined by newlines, where each starts,
        their ids); made again as the vocabulary grows."""
        if self._runs[0] != len(self.vocab.terms):
            terms = self.vocab.terms
            # The words that are not ASCII picked in C (map, compress): a Python loop over
            # 137,000 words cost ~18 ms.
            others = itertools.compress(range(len(terms)), map(operator.not_, map(str.isascii, terms)))
            tids = [i for i in others if has_cjk(terms[i])]
            joined = "\n".join(terms[i] for i in tids)
            starts = list(itertools.accumulate((len(terms[i]) + 1 for i in tids), initial=0))
            self._runs = (len(terms), joined, starts, tids)
        return self._runs

    def _accented(self, plain: str, *, prefix: bool = False) -> dict[str, float]:
        """The vocabulary's words that are `plain` (a word with no accents) with accents, scored
        just under it; and, for the word being typed, the accented completions of its letters
        ("resum": "résumé"), scored as completions, the most common first."""
        size, folded, keys = self._folded
        terms = self.vocab.terms
        if size != len(terms):
            # Words are only ever added at the end: only the new ones are looked at.
            folded = folded if size >= 0 else defaultdict(list)
            start = max(size, 0)
            fresh = []
            for i in itertools.compress(range(start, len(terms)), map(operator.not_, map(str.isascii, terms[start:]))):
                if (f := fold_accents(terms[i])) != terms[i]:
                    if f not in folded:
                        fresh.append(f)
                    folded[f].append(terms[i])
            keys = sorted(keys + fresh) if fresh else keys
            self._folded = (len(terms), folded, keys)
        out = dict.fromkeys(folded.get(plain, ()), ACCENTED)
        if prefix and len(plain) >= 2:
            i = bisect.bisect_right(keys, plain)
            j = bisect.bisect_left(keys, plain + "\U0010ffff", i)
            found = [t for k in keys[i:j] for t in folded[k]]
            if len(found) > ACCENTED_TERMS:
                ids = self.vocab.ids
                found = sorted(found, key=lambda t: -int(self.df[ids[t]]))[:ACCENTED_TERMS]
            for t in found:
                out.setdefault(t, 90.0 - min(10, len(fold_accents(t)) - len(plain)))
        return out

    def _by_length(self) -> dict[int, list[str]]:
        """The vocabulary's words that are not plain numbers, by length (made again as it grows)."""
        size, pool = self._typo_pool
        if size != len(self.vocab.terms):
            pool = defaultdict(list)
            for term in self.vocab.sorted_terms:
                if not term.isdigit():
                    pool[len(term)].append(term)
            self._typo_pool = (len(self.vocab.terms), pool)
        return pool

    def search(self, query: str, limit: int = 50, *, cancelled: Callable[[], bool] = lambda: False,
               as_typed: bool = True) -> list[Hit]:
        """Hits for `query`, best first. `as_typed`: the query is being typed (see _query_words)."""
        ranked = self._rank(query, limit, cancelled, as_typed)
        if ranked is None:
            return []
        order, n, tw, present, _total = ranked
        scans = _scans(tw, n)
        hits: list[Hit] = []
        for j, doc in enumerate(order):  # best stories first; stop once there are enough hits
            if cancelled():
                return []
            hits += self._field_hits(int(doc), n, {t: v for t, v in tw.items() if present[t][j]}, tw, scans)
            # (and not before MIN_POOL stories: the ranking does not know which field holds a
            # word, so the best hit of a few may be in a story ranked below them)
            if len(hits) >= limit and j + 1 >= MIN_POOL:
                break
        hits.sort(key=lambda h: (-h.score, h.title))
        return hits[:limit]

    def story_keys(self, query: str, *, as_typed: bool = True) -> list[str]:
        """Every story matching all the words of `query`, best first (to filter the list by)."""
        ranked = self._rank(query, len(self.owner) or 1, lambda: False, as_typed)
        if ranked is None:
            return []
        order = ranked[0]
        return [self.by_sid[int(self.owner[d])].key(self.by_sid[int(self.owner[d])].slot(int(d))) for d in order]

    def search_stories(self, query: str, limit: int = 25, *, cancelled: Callable[[], bool] = lambda: False,
                       as_typed: bool = True, uncounted: np.ndarray | None = None) -> StoryHits:
        """One row per story (its best hit, with how many of its fields and comments matched),
        best stories first, and how many stories match in all. The best `limit` of the first
        max(limit, MIN_POOL) stories ranked: the ranking does not know which field holds a
        word, so the best hit of a few may be in a story ranked below them. `uncounted`: story
        numbers (docs_of) left out of the total, as deleted stories are (their hits are not
        left out: the caller drops them)."""
        ranked = self._rank(query, limit, cancelled, as_typed, uncounted)
        if ranked is None:
            return StoryHits(0, [])
        order, n, tw, present, total = ranked
        scans = _scans(tw, n)
        hits: list[Hit] = []
        for j, doc in enumerate(order[: max(limit, MIN_POOL)]):
            if cancelled():
                return StoryHits(0, [])
            found = self._field_hits(int(doc), n, {t: v for t, v in tw.items() if present[t][j]}, tw, scans)
            if found:
                hits.append(found[0])
        hits.sort(key=lambda h: (-h.score, h.title))
        return StoryHits(total, hits[:limit])

    def _rank(self, query: str, limit: int, cancelled: Callable[[], bool], as_typed: bool = True,
              uncounted: np.ndarray | None = None
              ) -> tuple[np.ndarray, int, dict[str, list[tuple[int, float]]], dict[str, np.ndarray], int] | None:
        """The best stories for `query` (at least `limit`, best first), the number of query words,
        the matched terms, which of those stories hold each term, and how many stories match
        (those in `uncounted` left out)."""
        qwords, typing = _query_words(query, as_typed)
        if not qwords or not self.segments:
            return None
        expansions = [self.expand(q, prefix=(i == len(qwords) - 1 and typing)) for i, q in enumerate(qwords)]
        if cancelled() or not all(expansions):
            return None
        size = len(self.owner)
        total = np.zeros(size, dtype=np.float32)
        matched = np.zeros(size, dtype=np.int32)
        in_title = np.zeros(size, dtype=np.int32)
        ids = self.vocab.ids
        postings: dict[str, list[tuple[Segment, np.ndarray | bytes]]] = defaultdict(list)
        for exp in expansions:
            best = np.zeros(size, dtype=np.float32)
            title = np.zeros(size, dtype=np.uint8)
            terms = [(t, sc, tid) for t, sc in exp.items() if (tid := ids.get(t)) is not None]
            wanted = np.array([tid for _, _, tid in terms], dtype=np.int64)
            for seg in self.segments:
                # A story's score for the word is its best term's; each story is counted in the
                # segment holding its current text only.
                own = None if seg.sid in self._whole else self.owner
                for (term, score, _tid), p in zip(terms, seg.postings_of(seg.rows_of(wanted)), strict=True):
                    if p is None:
                        continue
                    postings[term].append((seg, p))
                    try:
                        _mark(p, score, best, title, own, seg.sid)
                    except ValueError:
                        raise SearchIndexDamaged(f"s{seg.sid:06d}.post.npy: a story past the index's last") from None
            if cancelled():
                return None
            total += best
            matched += best > 0
            in_title += title  # (0 or 1 each)
        n = len(qwords)
        candidates = np.flatnonzero(matched == n)
        if not len(candidates):
            return None
        scores = total[candidates] / n + 10.0 * (in_title[candidates] / n)
        top_n = min(len(candidates), max(limit, 10))
        top = candidates[np.argpartition(-scores, top_n - 1)[:top_n]] if len(candidates) > top_n else candidates
        order = top[np.argsort(-(total[top] / n + 10.0 * (in_title[top] / n)), kind="stable")]
        tw = self._term_words(expansions)
        present = self._terms_present(order, postings)
        counted = len(candidates)
        if uncounted is not None and len(uncounted):
            counted -= int(np.count_nonzero(matched[uncounted] == n))  # (a handful of stories: no scan)
        return order, n, tw, present, counted

    def docs_of(self, keys: Collection[str]) -> np.ndarray:
        """The story numbers of those of `keys` the index holds (in the segment holding each
        one's current text): what `uncounted` takes."""
        if not keys:
            return np.empty(0, dtype=np.int64)
        want = np.array(sorted(k.encode() for k in keys), dtype="S16")
        found = []
        for seg in self.segments:
            docs = np.asarray(seg.docs)[np.isin(np.asarray(seg.keys), want)].astype(np.int64)
            found.append(docs[self.owner[docs] == seg.sid])
        return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)

    def _terms_present(self, order: np.ndarray, postings: dict[str, list[tuple[Segment, np.ndarray | bytes]]]
                       ) -> dict[str, np.ndarray]:
        """For each matched term, which of the top stories hold it (bisecting its postings)."""
        docs = np.ascontiguousarray(order, dtype=np.int64)
        out: dict[str, np.ndarray] = {}
        for term, parts in postings.items():
            has = np.zeros(len(docs), dtype=np.uint8)
            for seg, p in parts:
                _holds(p, docs, has, None if seg.sid in self._whole else self.owner, seg.sid)
            out[term] = has.view(bool)
        return defaultdict(lambda: np.zeros(len(docs), dtype=bool), out)

    @staticmethod
    def _term_words(expansions: list[dict[str, float]]) -> dict[str, list[tuple[int, float]]]:
        """term -> [(query word index, score)] for one query."""
        tw: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for w, exp in enumerate(expansions):
            for t, sc in exp.items():
                tw[t].append((w, sc))
        return tw

    def _locate(self, doc: int, terms: list[str], story: _Lazy, scan: tuple[str, ...]) -> None:
        """Remember which fields of story `doc` hold each of `terms` (which the postings say it
        holds). The scan looks for all of `scan` (a query word's terms, or the query's: the same
        for every story of a search and the next keystrokes, so its pattern is compiled once;
        a pattern of just the terms each story holds was compiled per story, ~1 ms each)."""
        if all((doc, t) in self._located for t in terms):
            return
        text: StoryText = story.value
        located = text.fields_with_all(list(scan))
        absent = [t for t in terms if not located.get(t)]  # the postings say they are there
        if absent:  # written in non-ASCII capitals (or a ligature): casefold the text, exactly
            folded = StoryText(text.raw.decode().casefold().encode(), lower=False)
            located.update(folded.fields_with_all(absent))
        for t, ks in located.items():
            self._located[(doc, t)] = ks

    def _fields_with_every_word(self, doc: int, n: int, tw: dict[str, list[tuple[int, float]]],
                                story: _Lazy, scans: list[tuple[str, ...]]) -> dict[int, list[str]] | None:
        """Fields holding every query word: the rarest word's fields from a whole-story scan, then
        each other word looked for only inside the fields still in the running."""
        by_word = _by_word(tw, n)
        if not all(by_word):
            return None
        ids, df = self.vocab.ids, self.df
        order = sorted(range(n), key=lambda q: sum(int(df[ids[t]]) for t in by_word[q] if t in ids))
        self._locate(doc, by_word[order[0]], story, scans[order[0]])
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
                wanted = set(unknown)
                got = story.value.fields_with_all(list(scans[q]), within=sorted(fields))
                for t, ks in got.items():
                    if t in wanted:
                        for k in ks:
                            hits[k].append(t)
            fields = defaultdict(list, {k: fields[k] + hits[k] for k in fields if k in hits})
        return fields or None

    def _fields_best_first(self, doc: int, n: int, tw: dict[str, list[tuple[int, float]]],
                           story: _Lazy, scans: list[tuple[str, ...]]) -> dict[int, list[str]]:
        """Fields holding query words, terms taken a word at a time, best first, until three
        fields hold every word. (Each word's terms are located by a scan for that word's: a
        word located already is not scanned for again, and one word's terms mostly share a
        start that `re` can look for.)"""
        for q, terms in enumerate(_by_word(tw, n)):
            self._locate(doc, terms, story, scans[q])
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

    def _field_hits(self, doc: int, n: int, tw: dict[str, list[tuple[int, float]]],
                    query: dict[str, list[tuple[int, float]]], scans: list[tuple[str, ...]]) -> list[Hit]:
        """Where in one story the query matched, field by field, with a snippet for the best three.

        `tw` holds only terms the story is known (from the postings) to contain; `query`, all the
        query's terms (every snippet's pattern is made from them: one compiled pattern a search). For several
        words, the rarest word's fields are found first and the others are looked for only in
        those fields. Otherwise (or when no field holds every word) the whole story is scanned
        for each word not yet located in it, with that word's pattern (`scans`, the same for every
        story of the search); which fields hold a term is remembered per story.
        """
        if not tw:
            return []
        seg = self.by_sid[int(self.owner[doc])]
        i = seg.slot(doc)
        story = _Lazy(lambda: self._story_text(seg, i))
        found = self._fields_with_every_word(doc, n, tw, story, scans) if n > 1 else None
        if not found:
            found = self._fields_best_first(doc, n, tw, story, scans)
        if not found:
            return []
        text: StoryText = story.value
        # the fields wanted, sliced where the story's text already says they are (splitting a
        # 500-comment story into its fields took ~0.2 ms for the four or so shown)
        fields = _Fields(text)
        title = fields[0][2:].decode() if fields[0].startswith(b"T" + CODE_SEP.encode()) else "(untitled)"
        key = seg.key(i)
        scored = []
        for k, present in found.items():
            got = [0.0] * n
            for t in present:
                for w, sc in tw[t]:
                    got[w] = max(got[w], sc)
            hit_words = sum(1 for g in got if g)
            code = fields[k].partition(CODE_SEP.encode())[0].decode()
            weight = TITLE_WEIGHT if code == "T" else 1.0 if code == "B" else 0.95
            scored.append((sum(got) / n * weight * (hit_words / n), k, code, present))
        scored.sort(key=lambda x: (-x[0], x[1]))  # best first; among equals, the earliest field
        out = []
        for score, k, code, terms in scored[:3]:
            body = fields[k].partition(CODE_SEP.encode())[2].decode()
            snippet, spans = make_snippet(body, terms, query_terms=query)
            where = "title" if code == "T" else "body" if code == "B" else f"comment #{code}"
            out.append(Hit(key, title, where, int(code) if code.isdigit() else None, min(100.0, score),
                           snippet, spans, terms))
        if out:
            out[0].fields = len(scored)
            out[0].comments = sum(1 for _s, _k, code, _t in scored if code.isdigit())
        # Trimmed only once this story's hits are made: its own entries are read above.
        with contextlib.suppress(KeyError):  # (another search thread may be trimming too)
            while len(self._located) > 50_000:
                self._located.popitem(last=False)
        return out


    def _story_text(self, seg: Segment, slot: int) -> StoryText:
        """A story's text ready to scan, the last few kept: the next keystroke mostly shows the
        same stories (lower-casing a story and finding its fields took ~0.7 ms a story)."""
        ck = (seg.sid, slot)
        got = self._texts.get(ck)
        if got is None:
            got = self._texts[ck] = StoryText(seg.story_text(slot))
            with contextlib.suppress(KeyError):  # (emptied meanwhile by another search thread)
                while len(self._texts) > STORY_TEXTS_KEPT:
                    self._texts.popitem(last=False)
        else:
            with contextlib.suppress(KeyError):  # another search thread may have just evicted it
                self._texts.move_to_end(ck)
        return got


def _mark_py(postings: np.ndarray | bytes, score: float, best: np.ndarray, title: np.ndarray,
             owner: np.ndarray | None, sid: int) -> None:
    """_native.mark in numpy: each story of `postings` (of segment `sid`, where `owner` says
    so) scored at least `score` in `best`, flagged in `title` where the term is in its title."""
    p = np.frombuffer(postings, dtype="<u4") if isinstance(postings, bytes) else np.asarray(postings)
    docs = (p >> 1).astype(np.int64)
    if len(docs) and int(docs.max()) >= len(best):  # (max: damaged postings need not be in order)
        raise ValueError("a posting past the last story")
    if owner is not None:
        own = owner[docs] == sid
        docs, p = docs[own], p[own]
    np.maximum.at(best, docs, np.float32(score))
    title[docs[(p & 1).astype(bool)]] = 1


def _holds_py(postings: np.ndarray | bytes, docs: np.ndarray, out: np.ndarray, owner: np.ndarray | None,
              sid: int) -> None:
    """_native.holds in numpy: out[i] = 1 where `postings` hold story docs[i] (of segment `sid`,
    where `owner` says so)."""
    p = np.frombuffer(postings, dtype="<u4") if isinstance(postings, bytes) else np.asarray(postings)
    if not len(p) or not len(docs):
        return
    at = np.minimum(np.searchsorted(p, (docs << 1).astype(np.uint32)), len(p) - 1)
    hit = (p[at] >> 1).astype(np.int64) == docs
    if owner is not None:
        inside = docs < len(owner)
        hit &= inside & (owner[np.where(inside, docs, 0)] == sid)
    out[hit] = 1


try:  # the C part (see _native.c): a term's postings marked in one pass, no array made per term
    from reader._native import holds as _holds
    from reader._native import mark as _mark
except ImportError:  # pragma: no cover - built without a C compiler
    _mark, _holds = _mark_py, _holds_py


MIN_POOL = 10  # stories whose hits are made before the best few are picked


def _query_words(query: str, as_typed: bool) -> tuple[list[str], bool]:
    """The query's words, and whether the last is being typed (it completes to longer words):
    the query ends in a letter or digit of it, not in a space or punctuation.

    A last word of one letter being typed after others ("prime m") waits for its second: as
    a word it matches only that letter standing alone (the "m" of "I'm"), so the results would
    shrink, then grow again as the word is typed. Only a letter standing alone after a space:
    "I'm", "AT&T" and "U.S." keep theirs, as do a digit ("world war 2": no completions to wait
    for), a Japanese or Chinese letter, and a query given whole (`as_typed` False: the command
    line, "vitamin d")."""
    qwords = words(query)
    typing = bool(query) and (query[-1].isalnum() or query[-1] == "_")
    last = qwords[-1] if qwords else ""
    if (as_typed and typing and len(qwords) > 1 and len(last) == 1 and last.isalpha() and not has_cjk(last)
            and query[-2:-1].isspace()):
        return qwords[:-1], False
    return qwords, typing


def _by_word(tw: dict[str, list[tuple[int, float]]], n: int) -> list[list[str]]:
    """The terms of each of the query's `n` words (a term can stand for several)."""
    return [[t for t in tw if any(w == q for w, _ in tw[t])] for q in range(n)]


def _scans(tw: dict[str, list[tuple[int, float]]], n: int) -> list[tuple[str, ...]]:
    """Each query word's terms in one order: what a story is scanned for, the same for every
    story of the search (one compiled pattern)."""
    return [tuple(sorted(terms)) for terms in _by_word(tw, n)]


class _Fields:
    """A story's fields by index, each sliced from its text when asked for."""

    __slots__ = ("text",)

    def __init__(self, text: StoryText) -> None:
        self.text = text

    def __getitem__(self, k: int) -> bytes:
        return self.text.raw[self.text.starts[k] : self.text.ends[k]]


class _Lazy:
    """A value made on first use."""

    __slots__ = ("_value", "made", "make")

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make, self.made, self._value = make, False, None

    @property
    def value(self) -> Any:
        if not self.made:
            self._value, self.made = self.make(), True
        return self._value


# ruff: noqa: E501
"""Hand-written search index vs Tantivy (the `tantivy` Python bindings), side by side.

    python -m benchmarks.search_engines                          # 10k and 100k stories
    python -m benchmarks.search_engines --sizes 10000 --workdir /tmp/cmp
    python -m benchmarks.search_engines --sizes 2000 --probes 1 --crash-runs 2   # a quick run

For each size: the seeded corpus (reused from --corpus-dirs, hard-linked from a bigger one, or
generated), then

* hand-written: `reader import` in a subprocess (wall time, pages/s, peak RSS); the size of
  `db/search/` (the index) apart from the rest of the database; per-keystroke latency of
  `Store.search_index().search(prefix, 25)` over `benchmarks.run.QUERIES` typed one character at
  a time, in fresh processes (median of --probes runs), with RSS after loading and searching.
* tantivy: two indexes built from the same pages (parsed on every core, one writer per index
  with both cores): `stories/`, one document per story (title, body, comments: indexed, not
  stored; a `sid` fast field), and `fields/`, one document per field (title, body, each
  comment; `sid` and `code` fast fields) to say where a story matched. Keystroke latency with
  the same semantics as the hand-written index (every word must match, the last word is a
  prefix, typos tolerated) in two modes:
    - `fuzzy`: Tantivy's own FuzzyTermQuery (Levenshtein automata; distance 1 for words of 4-5
      characters, 2 from 6; `prefix=True` for the word being typed) beside exact term queries;
    - `expand`: the hand-written index's rules on Tantivy's term dictionary: exact word, the 40
      most common completions of the word being typed (`terms_with_prefix`), and, only for an
      unknown word of 4+ characters, rapidfuzz over the vocabulary; then plain term queries.
  Each keystroke ranks stories (top 25) and then locates the matching fields of those stories in
  one query on `fields/` (a TermSetQuery on their sids), which is what the app needs to show.
  Top-10 story keys are compared with the hand-written index's (overlap fraction).
* crash test (smallest size): an indexing process committing every --crash-commit pages is
  killed with SIGKILL at a random moment, --crash-runs times; after each kill a fresh process
  opens the index, counts documents against the last commit it reported, searches, takes the
  writer lock and collects garbage files.

Writes JSON (--out) and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

import reader

ROOT = Path(reader.__file__).resolve().parent.parent  # the project (for `python -m reader`)
sys.path.insert(0, str(ROOT))  # run as a script too (it starts itself in fresh processes)
from benchmarks.run import QUERIES, PeakRSS, dir_size, keystrokes, percentile, timed_import  # noqa: E402

LIMIT = 25  # hits per keystroke: what the app asks for
TOP = 10  # story keys compared between the engines
FIELDS = ("title", "body", "comments")
FIELD_BOOST = {"title": 2.0, "body": 1.0, "comments": 0.9}
HEAP = 256 * 2**20  # per writer, split between its threads


def mb(n: float) -> float:
    return n / 2**20


def run_self(*args: str, timeout: float = 3600) -> dict:
    """This script in a fresh process (cwd = the project); its last stdout line is JSON."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    r = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True,
                       cwd=ROOT, env=env, timeout=timeout)
    if r.returncode != 0:
        raise SystemExit(f"{args[0]} failed: {r.stderr[-1500:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def _complete(folder: Path, n: int) -> bool:
    return folder.is_dir() and sum(1 for _ in folder.glob("*.txt")) == n


def corpus(workdir: Path, n: int, seed: int, reuse: list[Path]) -> Path:
    """Pages 0..n-1 of the seeded corpus: an existing one, hard links into a bigger one, or new."""
    from benchmarks.corpus import generate

    target = workdir / f"corpus-{n}"
    for d in [workdir, *reuse]:
        if _complete(d / f"corpus-{n}", n):
            return d / f"corpus-{n}"
    for d in [workdir, *reuse]:
        for p in sorted(d.glob("corpus-*"), key=lambda p: p.name):
            m = p.name.split("-")[1]
            if m.isdigit() and int(m) > n and _complete(p, int(m)):
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir(parents=True)
                for i in range(n):
                    os.link(p / f"page{i:06d}.txt", target / f"page{i:06d}.txt")
                return target
    shutil.rmtree(target, ignore_errors=True)
    generate(target, n, seed)
    (target / "truth.json").unlink(missing_ok=True)
    return target


# --------------------------------------------------------------------------- hand-written


def bench_hand(pages: Path, db: Path, n: int) -> dict:
    elapsed, peak, _ = timed_import(pages, db)
    index_b = dir_size(db / "search") if (db / "search").exists() else 0
    return {"import_s": elapsed, "pages_per_s": n / elapsed, "import_peak_rss_mb": peak,
            "index_mb": mb(index_b), "rest_of_db_mb": mb(dir_size(db) - index_b),
            "loadavg_1min_after": round(os.getloadavg()[0], 2)}


def probe_hand(db: Path) -> dict:
    from reader.store import Store

    t = time.perf_counter()
    index = Store(db).search_index()
    load_s = time.perf_counter() - t
    lat, tops = [], []
    for k in keystrokes(QUERIES):
        t = time.perf_counter()
        hits = index.search(k, LIMIT)
        lat.append(time.perf_counter() - t)
        tops.append(list(dict.fromkeys(h.key for h in hits))[:TOP])
    return {"load_s": load_s, "lat": lat, "tops": tops, "rss_mb": mb(psutil.Process().memory_info().rss)}


def summarise(runs: list[dict]) -> dict:
    """Median over fresh-process runs; keys from the first."""
    return {"load_s": statistics.median(r["load_s"] for r in runs),
            "p50_ms": statistics.median(percentile(r["lat"], 0.5) for r in runs) * 1e3,
            "p95_ms": statistics.median(percentile(r["lat"], 0.95) for r in runs) * 1e3,
            "max_ms": statistics.median(max(r["lat"]) for r in runs) * 1e3,
            "first_search_ms": statistics.median(r["lat"][0] for r in runs) * 1e3,
            "p95_after_first_ms": statistics.median(percentile(r["lat"][1:], 0.95) for r in runs) * 1e3,
            "p95_ms_per_run": [round(percentile(r["lat"], 0.95) * 1e3, 2) for r in runs],
            "rss_after_searches_mb": statistics.median(r["rss_mb"] for r in runs),
            "per_keystroke_ms": [round(x * 1e3, 2) for x in runs[0]["lat"]],
            "tops": runs[0]["tops"]}


# --------------------------------------------------------------------------- tantivy: build


def _story_fields(path: Path) -> tuple[str, list[tuple[str, str]]] | None:
    """Runs in a worker: the story's key and its (code, text) fields, as the hand-written index sees them."""
    from reader.parsing import PageError, parse_file
    from reader.search.fields import article_fields

    try:
        art = parse_file(path)
    except PageError:
        return None
    return art.key, article_fields(art)


def schemas():
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("sid", stored=False, indexed=True, fast=True)
    for f in FIELDS:
        sb.add_text_field(f, stored=False, tokenizer_name="default", index_option="freq")
    stories = sb.build()
    fb = tantivy.SchemaBuilder()
    fb.add_unsigned_field("sid", stored=False, indexed=True, fast=True)
    fb.add_unsigned_field("code", stored=False, indexed=False, fast=True)  # 0 title, 1 body, 2+id comment
    fb.add_text_field("text", stored=False, tokenizer_name="default", index_option="freq")
    return stories, fb.build()


def build_tantivy(pages: Path, out: Path, commit_every: int, upsert: bool, workers: int) -> dict:
    """Both indexes from the pages; prints `committed N` after each commit (for the crash test)."""
    from concurrent.futures import ProcessPoolExecutor

    import tantivy

    s_schema, f_schema = schemas()
    (out / "stories").mkdir(parents=True, exist_ok=True)
    (out / "fields").mkdir(parents=True, exist_ok=True)
    s_index = tantivy.Index(s_schema, str(out / "stories"), reuse=True)
    f_index = tantivy.Index(f_schema, str(out / "fields"), reuse=True)
    s_w = s_index.writer(HEAP, 2)
    f_w = f_index.writer(HEAP, 2)
    from reader.locations import seed_files

    files = seed_files() + sorted(pages.glob("*.txt"))  # what `reader import` stores: the seeds, then the pages
    keys: list[str] = []
    field_docs = 0
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for sid, item in enumerate(pool.map(_story_fields, files, chunksize=32)):
            if item is None:
                keys.append("")
                continue
            key, fields = item
            keys.append(key)
            if upsert:
                # (delete_documents_by_term("sid", int) deletes nothing from a u64 field: by query)
                s_w.delete_documents_by_query(tantivy.Query.term_query(s_schema, "sid", sid))
                f_w.delete_documents_by_query(tantivy.Query.term_query(f_schema, "sid", sid))
            by = {"T": [], "B": [], "C": []}
            for code, text in fields:
                by[code if code in ("T", "B") else "C"].append(text)
                fd = tantivy.Document()
                fd.add_unsigned("sid", sid)
                fd.add_unsigned("code", 0 if code == "T" else 1 if code == "B" else 2 + int(code))
                fd.add_text("text", text)
                f_w.add_document(fd)
                field_docs += 1
            sd = tantivy.Document()
            sd.add_unsigned("sid", sid)
            for name, code in (("title", "T"), ("body", "B"), ("comments", "C")):
                for text in by[code]:
                    sd.add_text(name, text)
            s_w.add_document(sd)
            if commit_every and (sid + 1) % commit_every == 0:
                s_w.commit()
                f_w.commit()
                print(f"committed {sid + 1}", flush=True)
    s_w.commit()
    f_w.commit()
    s_w.wait_merging_threads()
    f_w.wait_merging_threads()
    (out / "keys.json").write_text(json.dumps(keys))
    print(f"committed {len(files)}", flush=True)
    return {"build_s": time.perf_counter() - t0, "field_docs": field_docs}


def bench_tantivy_build(pages: Path, out: Path, n: int) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "_build", str(pages), str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    rss = PeakRSS(proc.pid)
    so, err = proc.communicate()
    elapsed = time.perf_counter() - t0
    peak = rss.stop()
    if proc.returncode != 0:
        raise SystemExit(f"tantivy build failed: {err[-1500:]}")
    info = json.loads(so.strip().splitlines()[-1])
    return {"build_s": elapsed, "pages_per_s": n / elapsed, "build_peak_rss_mb": peak, "field_docs": info["field_docs"],
            "index_mb": mb(dir_size(out)), "stories_index_mb": mb(dir_size(out / "stories")),
            "fields_index_mb": mb(dir_size(out / "fields")), "loadavg_1min_after": round(os.getloadavg()[0], 2)}


# --------------------------------------------------------------------------- tantivy: search


class TantivySearch:
    """Prefix-as-you-type, typo-tolerant, every-word-must-match search over the two indexes."""

    PREFIX_TERMS = 40

    def __init__(self, folder: Path, mode: str) -> None:
        import tantivy

        self.tv = tantivy
        self.mode = mode
        self.stories = tantivy.Index.open(str(folder / "stories"))
        self.fields = tantivy.Index.open(str(folder / "fields"))
        self.s_searcher = self.stories.searcher()
        self.f_searcher = self.fields.searcher()
        self.keys = json.loads((folder / "keys.json").read_text())
        self.n_docs = self.s_searcher.num_docs
        self._exp: dict[tuple[str, bool], dict[str, float]] = {}
        self.vocab: list[str] | None = None
        if mode == "expand":  # the whole term dictionary, for typo look-ups with rapidfuzz
            terms: set[str] = set()
            for f in FIELDS:
                terms.update(t for t, _ in self.s_searcher.terms_with_prefix(f, ""))
            self.vocab = sorted(terms)

    # ---- words -> term queries

    @staticmethod
    def distance(word: str) -> int:
        return 0 if len(word) < 4 else 1 if len(word) < 6 else 2

    def expand(self, q: str, prefix: bool) -> dict[str, float]:
        """The hand-written index's rules (reader.search.SearchIndex.expand) on Tantivy's dictionary."""
        from rapidfuzz import fuzz, process

        ck = (q, prefix)
        if ck in self._exp:
            return self._exp[ck]
        out: dict[str, float] = {}
        if any(self.s_searcher.doc_freq(f, q) for f in FIELDS):
            out[q] = 100.0
        if prefix and len(q) >= 2:
            counts: dict[str, int] = {}
            for f in FIELDS:
                for t, c in self.s_searcher.terms_with_prefix(f, q, limit=self.PREFIX_TERMS):
                    counts[t] = max(counts.get(t, 0), c)
            total = 0
            for t, c in sorted(counts.items(), key=lambda kv: -kv[1])[: self.PREFIX_TERMS]:
                total += c
                if total > 2 * self.n_docs and len(out) > 1:
                    break
                out.setdefault(t, 90.0 - min(10, len(t) - len(q)))
        if len(q) >= 4 and not out:
            cutoff = 80 if len(q) >= 6 else 88
            for t, score, _ in process.extract(q, self.vocab, scorer=fuzz.ratio, limit=10, score_cutoff=cutoff):
                out.setdefault(t, float(score) * 0.85)
        self._exp[ck] = out
        return out

    def word_query(self, word: str, last: bool, fields: tuple[str, ...], boost: dict[str, float]):
        tv, Q, schema = self.tv, self.tv.Query, None
        Should = tv.Occur.Should
        subs = []
        if self.mode == "expand":
            exp = self.expand(word, last)
            if not exp:
                return None
            for f in fields:
                schema = self._schema(f)
                for t, sc in exp.items():
                    subs.append((Should, Q.boost_query(Q.term_query(schema, f, t, index_option="freq"),
                                                       boost[f] * sc / 100)))
        else:
            for f in fields:
                schema = self._schema(f)
                subs.append((Should, Q.boost_query(Q.term_query(schema, f, word, index_option="freq"), boost[f])))
                if last and len(word) >= 2:  # the word being typed: completions, with typos from 4 letters
                    fq = Q.fuzzy_term_query(schema, f, word, distance=self.distance(word), prefix=True)
                elif len(word) >= 4:
                    fq = Q.fuzzy_term_query(schema, f, word, distance=self.distance(word))
                else:
                    continue
                subs.append((Should, Q.boost_query(fq, 0.5 * boost[f])))
        return Q.boolean_query(subs)

    def _schema(self, field: str):
        return self.fields.schema if field == "text" else self.stories.schema

    # ---- search

    def story_query(self, query: str):
        """Every word must match (in any field); None when some word matches nothing."""
        from reader.text import words

        tv = self.tv
        qwords = words(query)
        if not qwords:
            return None, [], []
        typing = not query.endswith(" ")
        lasts = [i == len(qwords) - 1 and typing for i in range(len(qwords))]
        per_word = [self.word_query(w, last, FIELDS, FIELD_BOOST) for w, last in zip(qwords, lasts, strict=False)]
        if any(q is None for q in per_word):
            return None, [], []
        return tv.Query.boolean_query([(tv.Occur.Must, wq) for wq in per_word]), qwords, lasts

    def matches(self, query: str, keys: list[str]) -> int:
        """How many of these stories the query matches (for comparing with the other engine)."""
        q, _, _ = self.story_query(query)
        by_key = self._by_key()
        sids = [by_key[k] for k in keys if k in by_key]
        if q is None or not sids:
            return 0
        tv = self.tv
        both = tv.Query.boolean_query([(tv.Occur.Must, q),
                                       (tv.Occur.Must, tv.Query.term_set_query(self.stories.schema, "sid", sids))])
        return self.s_searcher.search(both, len(sids) + 1).count

    def _by_key(self) -> dict[str, int]:
        if not hasattr(self, "_key_sid"):
            self._key_sid = {k: i for i, k in enumerate(self.keys)}
        return self._key_sid

    def search(self, query: str, limit: int = LIMIT) -> list[tuple[str, str]]:
        """(story key, where) hits, best stories first, up to 3 fields per story."""
        tv = self.tv
        q, qwords, lasts = self.story_query(query)
        if q is None:
            return []
        res = self.s_searcher.search(q, limit, count=False)
        if not res.hits:
            return []
        addrs = [a for _, a in res.hits]
        sids = self.s_searcher.fast_field_values("sid", addrs)
        # Where they matched: their fields holding any query word, best (BM25) first.
        words_q = [self.word_query(w, last, ("text",), {"text": 1.0}) for w, last in zip(qwords, lasts, strict=False)]
        fq = tv.Query.boolean_query([
            (tv.Occur.Must, tv.Query.term_set_query(self.fields.schema, "sid", sids)),
            (tv.Occur.Must, tv.Query.boolean_query([(tv.Occur.Should, wq) for wq in words_q])),
        ])
        fres = self.f_searcher.search(fq, 3 * len(sids) + 10, count=False)
        faddrs = [a for _, a in fres.hits]
        where: dict[int, list[int]] = {}
        for sid, code in zip(self.f_searcher.fast_field_values("sid", faddrs),
                             self.f_searcher.fast_field_values("code", faddrs), strict=False):
            got = where.setdefault(sid, [])
            if len(got) < 3:
                got.append(code)
        hits = []
        for sid in sids:
            for code in where.get(sid, [0]):
                hits.append((self.keys[sid], "title" if code == 0 else "body" if code == 1 else f"comment #{code - 2}"))
        return hits[:limit]


def probe_tantivy(folder: Path, mode: str, other_tops: Path | None) -> dict:
    t = time.perf_counter()
    engine = TantivySearch(folder, mode)
    load_s = time.perf_counter() - t
    lat, tops = [], []
    for k in keystrokes(QUERIES):
        t = time.perf_counter()
        hits = engine.search(k, LIMIT)
        lat.append(time.perf_counter() - t)
        tops.append(list(dict.fromkeys(key for key, _ in hits))[:TOP])
    out = {"load_s": load_s, "lat": lat, "tops": tops, "rss_mb": mb(psutil.Process().memory_info().rss)}
    if other_tops:  # after timing: which of the hand-written top stories this query matches at all
        hand = json.loads(other_tops.read_text())
        out["matched_of_hand_top"] = [[engine.matches(k, keys), len(keys)] for k, keys in zip(keystrokes(QUERIES), hand, strict=False)]
    return out


def hand_matches(db: Path, tops: list[list[str]]) -> list[list[int]]:
    """Per keystroke: how many of these stories the hand-written index matches at all (every word,
    any field), whatever their rank. Uses the index's internals (expand, segments); not timed."""
    import numpy as np

    from reader.store import Store
    from reader.text import words

    index = Store(db).search_index()
    key_doc = {}
    for seg in index.segments:
        for doc, key in zip(np.asarray(seg.docs), np.asarray(seg.keys), strict=False):
            if index.owner[int(doc)] == seg.sid:
                key_doc[bytes(key).decode()] = int(doc)
    out = []
    for k, keys in zip(keystrokes(QUERIES), tops, strict=False):
        qwords = words(k)
        docs = {key_doc[x] for x in keys if x in key_doc}
        for i, q in enumerate(qwords):
            exp = index.expand(q, prefix=(i == len(qwords) - 1 and not k.endswith(" ")))
            found: set[int] = set()
            for term in exp:
                tid = index.vocab.ids.get(term)
                for seg in index.segments if tid is not None else []:
                    p = seg.lookup(tid)
                    if p is not None:
                        d = (np.asarray(p) >> 1).astype(np.int64)
                        found.update(int(x) for x in d[index.owner[d] == seg.sid] if int(x) in docs)
            docs &= found
        out.append([len(docs) if qwords else 0, len(keys)])
    return out


def agreement(a: list[list[str]], b: list[list[str]], b_matches_a: list[list[int]], a_matches_b: list[list[int]]) -> dict:
    """Per keystroke: shared top-10 keys / the larger list (both empty = 1). Ranks differ (BM25
    against the hand-written score, whose many ties fall in doc order), so also: the share of
    each engine's top 10 that the other engine matches at all."""
    fr = []
    for x, y in zip(a, b, strict=False):
        fr.append(1.0 if not x and not y else len(set(x) & set(y)) / max(len(x), len(y)))

    def share(pairs: list[list[int]]) -> float:
        got, of = sum(m for m, _ in pairs), sum(n for _, n in pairs)
        return got / of if of else float("nan")

    return {"top10_overlap_mean": statistics.mean(fr), "top10_overlap_median": statistics.median(fr),
            "hand_top10_matched_by_tantivy": share(b_matches_a), "tantivy_top10_matched_by_hand": share(a_matches_b),
            "keystrokes_both_empty": sum(1 for x, y in zip(a, b, strict=False) if not x and not y),
            "keystrokes_only_hand_empty": sum(1 for x, y in zip(a, b, strict=False) if not x and y),
            "keystrokes_only_tantivy_empty": sum(1 for x, y in zip(a, b, strict=False) if x and not y)}


# --------------------------------------------------------------------------- crash test


def check_index(folder: Path) -> dict:
    """Open after a crash: documents, a search, the writer lock, garbage files (a fresh process)."""
    import tantivy

    out: dict = {}
    for part in ("stories", "fields"):
        d = folder / part
        files_before = sorted(p.name for p in d.iterdir())
        r: dict = {"lock_files": [f for f in files_before if f.endswith(".lock")]}
        try:
            idx = tantivy.Index.open(str(d))
            s = idx.searcher()
            r["opens"] = True
            r["num_docs"] = s.num_docs
            field = "title" if part == "stories" else "text"
            q = tantivy.Query.term_query(idx.schema, field, "kaden", index_option="freq")
            r["search_ok"] = s.search(q, 10).count is not None
            top = s.search(tantivy.Query.all_query(), 1, order_by_field="sid").hits
            r["stories_covered"] = int(top[0][0]) + 1 if top else 0  # sids are added in order
            meta = json.loads((d / "meta.json").read_text())
            live = {seg["segment_id"].replace("-", "") for seg in meta["segments"]}
            seg_files = [f for f in files_before if "." in f and len(f.split(".")[0]) == 32]
            r["orphan_files"] = sum(1 for f in seg_files if f.split(".")[0] not in live)
            w = idx.writer(15_000_000, 1)  # the lock of the killed writer must not be held
            r["writer_lock_free"] = True
            w.garbage_collect_files()
            w.rollback()
            del w
            after = {p.name for p in d.iterdir()}
            r["orphan_files_after_gc"] = sum(1 for f in after if "." in f and len(f.split(".")[0]) == 32
                                             and f.split(".")[0] not in live)
        except Exception as exc:  # the point: record what happens
            r["error"] = f"{type(exc).__name__}: {exc}"
        out[part] = r
    return out


def crash_test(pages: Path, folder: Path, runs: int, commit_every: int, full_s: float, seed: int) -> dict:
    rnd = random.Random(seed)
    shutil.rmtree(folder, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, str(Path(__file__).resolve()), "_build", str(pages), str(folder),
           "--commit-every", str(commit_every), "--upsert"]
    results = []
    committed_before = 0
    for i in range(runs):
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=env,
                                start_new_session=True)
        lines: list[str] = []
        reader_t = threading.Thread(target=lines.extend, args=(proc.stdout,), daemon=True)
        reader_t.start()
        at = rnd.uniform(0.5, 0.95 * full_s)
        time.sleep(at)
        finished = proc.poll() is not None
        if not finished:
            os.killpg(proc.pid, signal.SIGKILL)  # the indexer and its parse workers, as a power cut would
        proc.wait()
        reader_t.join(5)
        last = max([int(x.split()[1]) for x in lines if x.startswith("committed")], default=0)
        expected = max(committed_before, last)  # pages are upserted in the same order every run
        check = run_self("_check", str(folder))
        n = check["stories"].get("num_docs")
        # A commit is all or nothing: the last one reported, or the one in flight when killed.
        total = len(list(pages.glob("*.txt"))) + 5
        results.append({"run": i + 1, "killed_after_s": round(at, 2), "finished_before_kill": finished,
                        "last_commit_reported": last, "expected_docs": expected,
                        "stories_docs": n, "fields_docs": check["fields"].get("num_docs"),
                        "previous_commit_intact": n in (expected, min(expected + commit_every, total)),
                        "stories_and_fields_in_step": check["stories"].get("stories_covered") == check["fields"].get("stories_covered"),
                        **{f"check_{k}": v for k, v in check.items()}})
        committed_before = max(expected, n or 0)
    # Finally: let it run to the end on the crashed index.
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    final = run_self("_check", str(folder))
    return {"runs": results, "commit_every": commit_every,
            "all_opened": all(x["check_stories"].get("opens") and x["check_fields"].get("opens") for x in results),
            "all_previous_commit_intact": all(x["previous_commit_intact"] for x in results),
            "all_in_step": all(x["stories_and_fields_in_step"] for x in results),
            "all_writer_lock_free": all(x["check_stories"].get("writer_lock_free") for x in results),
            "resume_rc": r.returncode, "resume_s": time.perf_counter() - t,
            "after_resume_docs": final["stories"].get("num_docs"), "after_resume": final}


# --------------------------------------------------------------------------- report


def table(results: dict) -> str:
    rows = [("search p50 per keystroke (ms)", "p50_ms", "{:.1f}"), ("search p95 per keystroke (ms)", "p95_ms", "{:.1f}"),
            ("search max (ms)", "max_ms", "{:.1f}"), ("index on disk (MB)", "index_mb", "{:,.0f}"),
            ("import / index build (pages/s)", "pages_per_s", "{:,.0f}"),
            ("RSS after load + searches (MB)", "rss_after_searches_mb", "{:,.0f}"),
            ("top-10 overlap with hand-written", "top10_overlap_mean", "{:.2f}"),
            ("hand top-10 that tantivy also matches", "hand_top10_matched_by_tantivy", "{:.2f}"),
            ("tantivy top-10 that hand also matches", "tantivy_top10_matched_by_hand", "{:.2f}")]
    cols = []
    for n, r in results["sizes"].items():
        cols.append((f"{int(n):,} hand", r.get("hand", {})))
        for mode, t in r.get("tantivy", {}).get("modes", {}).items():
            cols.append((f"{int(n):,} tantivy {mode}", {**r["tantivy"]["build"], **t}))
    lines = ["| metric | " + " | ".join(c for c, _ in cols) + " |", "|---|" + "---|" * len(cols)]
    for label, key, f in rows:
        cells = [f.format(d[key]) if isinstance(d.get(key), (int, float)) else "–" for _, d in cols]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description="hand-written search index vs tantivy")
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated story counts")
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / ".work-tantivy")
    ap.add_argument("--corpus-dirs", default=str(ROOT / "benchmarks" / ".work"),
                    help="comma-separated folders whose corpus-N may be reused")
    ap.add_argument("--out", type=Path, default=None, help="JSON results (default WORKDIR/results.json)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--probes", type=int, default=3, help="fresh-process search runs per engine (median)")
    ap.add_argument("--modes", default="fuzzy,expand", help="tantivy query modes")
    ap.add_argument("--crash-runs", type=int, default=5)
    ap.add_argument("--crash-commit", type=int, default=1000, help="pages per commit in the crash test")
    ap.add_argument("--reuse-builds", action="store_true",
                    help="keep the databases and indexes in WORKDIR (and their build figures from --out): re-measure searches")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    out_path = args.out or args.workdir / "results.json"
    args.workdir.mkdir(parents=True, exist_ok=True)
    reuse = [Path(p) for p in args.corpus_dirs.split(",") if p]
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform()}, "sizes": {}}
    import tantivy

    results["tantivy_version"] = getattr(tantivy, "__version__", "?")
    old = json.loads(out_path.read_text()) if out_path.exists() else {}

    def save() -> None:
        out_path.write_text(json.dumps(results, indent=1))

    for n in sizes:
        pages = corpus(args.workdir, n, args.seed, reuse)
        print(f"[{n:,}] corpus {pages}", flush=True)
        res: dict = results["sizes"].setdefault(str(n), {})
        prev = old.get("sizes", {}).get(str(n), {})
        db, tv = args.workdir / f"db-{n}", args.workdir / f"tv-{n}"
        hand_keys = ("import_s", "pages_per_s", "import_peak_rss_mb", "index_mb", "rest_of_db_mb", "loadavg_1min_after")
        if args.reuse_builds and "hand" in prev and "tantivy" in prev and db.exists() and tv.exists():
            res["hand"] = {k: prev["hand"][k] for k in hand_keys if k in prev["hand"]}
            res["tantivy"] = {"build": prev["tantivy"]["build"], "modes": {}}
        else:
            res["hand"] = bench_hand(pages, db, n)
            print(f"[{n:,}] hand-written import: {res['hand']['pages_per_s']:.0f} pages/s", flush=True)
            res["tantivy"] = {"build": bench_tantivy_build(pages, tv, n), "modes": {}}
            print(f"[{n:,}] tantivy build: {res['tantivy']['build']['pages_per_s']:.0f} pages/s", flush=True)
        save()
        # Searches: fresh processes, the engines interleaved round by round (the machine is shared).
        modes = args.modes.split(",")
        hand_tops = args.workdir / f"hand-tops-{n}.json"
        runs: dict[str, list[dict]] = {"hand": [], **{m: [] for m in modes}}
        load = [os.getloadavg()[0]]
        for i in range(args.probes):
            runs["hand"].append(run_self("_probe", "hand", str(db)))
            if i == 0:
                hand_tops.write_text(json.dumps(runs["hand"][0]["tops"]))
            for mode in modes:
                runs[mode].append(run_self("_probe", "tantivy", str(tv), mode, *([str(hand_tops)] if i == 0 else [])))
            load.append(os.getloadavg()[0])
        res["loadavg_1min_during_searches"] = [round(x, 2) for x in load]
        res["hand"].update(summarise(runs["hand"]))
        print(f"[{n:,}] hand-written: p50 {res['hand']['p50_ms']:.1f} ms, p95 {res['hand']['p95_ms']:.1f} ms", flush=True)
        for mode in modes:
            s = summarise(runs[mode])
            s.update(agreement(res["hand"]["tops"], s["tops"], runs[mode][0]["matched_of_hand_top"],
                               hand_matches(db, s["tops"])))
            res["tantivy"]["modes"][mode] = s
            print(f"[{n:,}] tantivy {mode}: p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms, "
                  f"overlap {s['top10_overlap_mean']:.2f}", flush=True)
        save()
    if not args.crash_runs and "crash" in old:
        results["crash"] = old["crash"]  # kept from the run that made it
    if args.crash_runs:
        n = min(sizes)
        full = results["sizes"][str(n)]["tantivy"]["build"]["build_s"]
        results["crash"] = crash_test(corpus(args.workdir, n, args.seed, reuse), args.workdir / f"tv-crash-{n}",
                                      args.crash_runs, args.crash_commit, full, args.seed)
        c = results["crash"]
        print(f"crash test: opened {c['all_opened']}, previous commit intact {c['all_previous_commit_intact']}, "
              f"resumed to {c['after_resume_docs']} docs", flush=True)
        save()
    print()
    print(table(results))
    print(f"\nwrote {out_path}")


def _cli() -> None:
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "_probe":
        engine, target = sys.argv[2], Path(sys.argv[3])
        r = probe_hand(target) if engine == "hand" else probe_tantivy(
            target, sys.argv[4], Path(sys.argv[5]) if len(sys.argv) > 5 else None)
        print(json.dumps(r))
    elif cmd == "_build":
        ap = argparse.ArgumentParser()
        ap.add_argument("cmd")
        ap.add_argument("pages", type=Path)
        ap.add_argument("out", type=Path)
        ap.add_argument("--commit-every", type=int, default=0)
        ap.add_argument("--upsert", action="store_true")
        ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
        a = ap.parse_args()
        print(json.dumps(build_tantivy(a.pages, a.out, a.commit_every, a.upsert, a.workers)))
    elif cmd == "_check":
        print(json.dumps(check_index(Path(sys.argv[2]))))
    else:
        main()


if __name__ == "__main__":
    _cli()

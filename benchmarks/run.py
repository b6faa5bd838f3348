"""The benchmark: one command, a table on stdout and JSON on disk.

    python -m benchmarks.run                       # 1k and 10k stories
    python -m benchmarks.run --sizes 1000,10000,100000
    python -m benchmarks.run --sizes 150 --quick   # the CI smoke run: checks it completes

For each size it generates (or reuses) a seeded corpus, imports it with `reader import` in a
subprocess, and measures import throughput and peak RSS, database size, cold start to the
first paint of the filled list (headless, fresh process) beside a bare Textual app's first
paint (a Header, a Static and a Footer: the framework's floor), opening the 500-comment story,
search latency per keystroke (p50/p95, queries typed one character at a time), sorting by
each key, a bookmark write, and app RSS after start and after 20 searches.

A naive baseline runs beside it: one TinyDB file with the default JSONStorage, filled with one
insert_multiple, queried with search() and a Python predicate. Every figure is also given as a
ratio to the baseline, since this machine is shared and absolute times drift.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["ishiba", "trump tarif", "kaden", "marpo lin", "東京", "karito", "whom", "vorsur", "benu dia", "cafe"]


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def corpus(workdir: Path, n: int, seed: int) -> Path:
    """Pages 0..n-1 of the seeded corpus (a larger cached corpus is reused through hard links)."""
    from benchmarks.corpus import generate

    target = workdir / f"corpus-{n}"
    if target.exists() and len(list(target.glob("*.txt"))) == n:
        return target
    bigger = sorted((p for p in workdir.glob("corpus-*") if p.name.split("-")[1].isdigit()
                     and int(p.name.split("-")[1]) > n), key=lambda p: int(p.name.split("-")[1]))
    if bigger and len(list(bigger[0].glob("*.txt"))) == int(bigger[0].name.split("-")[1]):
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for i in range(n):
            name = f"page{i:06d}.txt"
            os.link(bigger[0] / name, target / name)
        return target
    shutil.rmtree(target, ignore_errors=True)
    generate(target, n, seed)
    (target / "truth.json").unlink()
    return target


class PeakRSS:
    """Polls the RSS of a process and its children."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                total = self.proc.memory_info().rss + sum(c.memory_info().rss for c in self.proc.children(recursive=True))
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            time.sleep(0.05)

    def stop(self) -> float:
        self._stop.set()
        self._t.join()
        return self.peak / 2**20


def keystrokes(queries: list[str]) -> list[str]:
    return [q[:i] for q in queries for i in range(1, len(q) + 1)]


# --------------------------------------------------------------------------- reader


def timed_import(pages: Path, db: Path, *, fresh: bool = True) -> tuple[float, float, float]:
    """`reader import` of `pages` into a fresh `db` (or the one there) in a subprocess: (seconds,
    peak RSS in MB, seconds of it spent linking related stories). The import's own timings
    (`--timings`) are kept in LAST_TIMINGS."""
    if fresh:
        shutil.rmtree(db, ignore_errors=True)
    steal0, cpu0 = host_steal(), children_cpu_s()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "reader", "--db", str(db), "import", "--timings", str(pages)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    rss = PeakRSS(proc.pid)
    _, err = proc.communicate()
    elapsed = time.perf_counter() - t0
    peak = rss.stop()
    steal1 = host_steal()
    LAST_MACHINE.update(cpu_s=children_cpu_s() - cpu0,
                        steal=(steal1[0] - steal0[0]) / max(1, steal1[1] - steal0[1]) if steal0 and steal1 else float("nan"))
    if proc.returncode != 0:
        raise SystemExit(f"reader import failed: {err.decode()[-500:]}")
    LAST_TIMINGS.clear()
    LAST_TIMINGS.update((k.decode(), float(v)) for k, v in re.findall(rb"(\w+)=([0-9.]+)", err.split(b"timings:")[-1]))
    return elapsed, peak, LAST_TIMINGS.get("related_s", float("nan"))


LAST_TIMINGS: dict[str, float] = {}  # the last timed_import's `--timings` (seconds from the import's start)
REIMPORT_RUNS = 3  # the changed pages' re-import, timed this many times (the median run is reported)
# Start-up pairs (reader, then the bare app) a size: a single start varies by +-30 ms on this
# machine, against a ~0.25 s floor, so the median of five pairs moved the ratio by +-0.1 run to run.
FIRST_PAINT_PAIRS = 11
LAST_MACHINE: dict[str, float] = {}  # the last timed_import's CPU seconds (all its processes), and the host's steal


def host_steal() -> tuple[int, int] | None:
    """(steal, all) CPU ticks so far (/proc/stat): the time the hypervisor ran something else
    while this machine's CPUs had work. None where there is no /proc/stat."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (ticks[7], sum(ticks[:8])) if len(ticks) >= 8 else None


def children_cpu_s() -> float:
    """CPU seconds of this process's finished children (and theirs), user and system."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


VOTE_LINE = re.compile(r"^(-?\d+) \( \+(\d+) / -(\d+) \)$", re.M)


def changed_pages(pages: Path, out: Path, share: float = 0.1, seed: int = 7) -> int:
    """A later look at `share` of the pages: every vote moved, and two to six new comments.
    Returns how many pages were written to `out`."""
    rnd = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    names = sorted(p.name for p in pages.glob("*.txt"))
    picked = names[1::max(1, round(1 / share))]  # not page 0: the probe opens it as the 500-comment story
    for name in picked:
        text = (pages / name).read_text(encoding="utf-8")

        def revote(m: re.Match[str]) -> str:
            up, down = int(m.group(2)) + rnd.randint(0, 9), int(m.group(3)) + rnd.randint(0, 4)
            return f"{up - down} ( +{up} / -{down} )"

        text = VOTE_LINE.sub(revote, text)
        if "Login to leave a comment" in text:
            extra = "".join(f"A later comment number {k} on {name}, written after the first look.\n\n"
                            f"{k} ( +{k} / -0 )\n\n" for k in range(1, rnd.randint(3, 7)))
            text = text.replace("Login to leave a comment", extra + "Login to leave a comment", 1)
        (out / name).write_text(text, encoding="utf-8")
    return len(picked)


def copy_archive(src: Path, dst: Path) -> None:
    """A copy of the archive that is read as the original is, on disk. The copy's index is another file
    (its inode and change time), and an index's columns vouch only for the file they were
    written for: without this, reading the copy's JSON index checks the shape of every record
    (what an index no columns vouch for gets), and the import snapshot reads the index rather
    than the columns. So the copy's columns are written again, for its own index."""
    import orjson

    from reader.store.columns import write_columns
    from reader.store.files import stamp

    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    index = dst / "index.json"
    if (st := stamp(index)) is not None and (dst / "index.columns").exists():
        write_columns(index, orjson.loads(index.read_bytes()), st)
    os.sync()  # the copy's ~1 GB on disk now, not written back during the timed import after it


def whole_folder(pages: Path, later: Path, out: Path) -> int:
    """`out`: every page of `pages` (a symbolic link), the changed ones' later version from
    `later` in their place. Returns the number of pages."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    changed = {p.name for p in later.glob("*.txt")}
    names = sorted(p.name for p in pages.glob("*.txt"))
    for name in names:
        (out / name).symlink_to(((later if name in changed else pages) / name).resolve())
    return len(names)


def related_memory(db: Path) -> dict:
    """What the related-stories index costs in memory when an import loads it (in a fresh
    process: RSS before and after loading it), and how many stories it linked."""
    script = ("import sys, json, psutil; from pathlib import Path; p = psutil.Process(); before = p.memory_info().rss;"
              "from reader.store import related_files; got = related_files.load(Path(sys.argv[1]) / 'related');"
              "idx = got[0] if got else None;"
              "print(json.dumps({'rss': (p.memory_info().rss - before) / 2**20, 'linked': len(idx.links) if idx else 0}))")
    r = subprocess.run([sys.executable, "-c", script, str(db)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    if r.returncode != 0:
        return {"related_index_mb": float("nan"), "related_linked_stories": float("nan")}
    d = json.loads(r.stdout)
    return {"related_index_mb": d["rss"], "related_linked_stories": d["linked"]}


def cpu_probe_ms() -> float:
    """The machine's speed at this moment: the CPU time of a fixed pure-Python loop (ms, best of
    three; lower is quicker). On this shared 2-core machine the same code ran 30-50% slower in
    some spells of an hour than in others (round 12): an import rate is read beside it."""
    def once() -> float:
        t, s = time.process_time(), 0
        for i in range(1_000_000):
            s += i * i % 7
        return time.process_time() - t

    return min(once() for _ in range(3)) * 1e3


def bench_reader(pages: Path, db: Path, n: int, quick: bool) -> dict:
    from reader.listing import LIST_SORTS, sort_entries
    from reader.store import Store

    size_mb = dir_size(pages) / 2**20
    probe_start = cpu_probe_ms()
    elapsed, peak, linking = timed_import(pages, db)
    out: dict = {"import_cpu_s": LAST_MACHINE["cpu_s"], "import_steal": LAST_MACHINE["steal"],
                 "import_s": elapsed, "import_pages_per_s": n / elapsed, "import_mb_per_s": size_mb / elapsed,
                 "import_peak_rss_mb": peak, "db_mb_before_reimport": dir_size(db) / 2**20,
                 "related_link_s": linking, "related_link_share": linking / elapsed,
                 "related_mb_disk": dir_size(db / "related") / 2**20 if (db / "related").exists() else 0.0}
    out.update(related_memory(db))
    # Stories followed over time: 10% of the archive seen again, votes moved and comments added.
    # Start-up, memory and search below are measured on the archive after this.
    later = pages.parent / f"{pages.name}-later"
    m = changed_pages(pages, later)
    # The whole folder imported again with those pages changed (every other file is the
    # unchanged source of a stored story), into a copy of the archive.
    whole, db_whole = pages.parent / f"{pages.name}-whole", db.parent / f"{db.name}-whole"
    total = whole_folder(pages, later, whole)
    copy_archive(db, db_whole)
    elapsed, peak, _ = timed_import(whole, db_whole, fresh=False)
    shutil.rmtree(db_whole, ignore_errors=True)
    out.update(reimport_folder_pages=total, reimport_folder_s=elapsed, reimport_folder_pages_per_s=total / elapsed,
               reimport_folder_peak_rss_mb=peak)
    # The changed pages alone, REIMPORT_RUNS times: each into a copy of the archive as the import
    # left it, the last into the archive itself (start-up, search and memory are measured on it
    # after). The median run is reported, each run's rate and probe beside it: one run decided
    # the figure before, and on this shared machine one run may fall in a slow spell.
    runs = []
    for k in range(REIMPORT_RUNS):
        last = k == REIMPORT_RUNS - 1
        into = db if last else db.parent / f"{db.name}-again"
        if not last:
            copy_archive(db, into)
        probe = cpu_probe_ms()
        elapsed, peak, linking = timed_import(later, into, fresh=False)
        runs.append({"s": elapsed, "probe": probe, "peak": peak, "linking": linking, **LAST_MACHINE,
                     # where the cores were not both parsing: before the first page came back, after the last
                     "head": LAST_TIMINGS.get("first_parsed_s", float("nan")),
                     "tail": LAST_TIMINGS.get("total_s", float("nan")) - LAST_TIMINGS.get("all_parsed_s", float("nan"))})
        if not last:
            shutil.rmtree(into, ignore_errors=True)
    mid = sorted(runs, key=lambda r: r["s"])[len(runs) // 2]
    out.update(cpu_probe_ms=probe_start, cpu_probe_reimport_ms=mid["probe"])
    out["import_cpu_ms_per_page"] = out["import_cpu_s"] / n * 1e3
    out.update(reimport_cpu_s=mid["cpu_s"], reimport_steal=mid["steal"], reimport_cpu_ms_per_page=mid["cpu_s"] / m * 1e3)
    out.update(reimport_pages=m, reimport_s=mid["s"], reimport_pages_per_s=m / mid["s"], reimport_peak_rss_mb=mid["peak"],
               reimport_related_link_s=mid["linking"], db_mb=dir_size(db) / 2**20,
               reimport_head_s=mid["head"], reimport_tail_s=mid["tail"],
               reimport_runs_pages_per_s=[m / r["s"] for r in runs], reimport_runs_probe_ms=[r["probe"] for r in runs])

    # Start-up is measured with the package's bytecode compiled, as `pip install` leaves it (this
    # machine sets PYTHONDONTWRITEBYTECODE, so an editable checkout would compile on every start).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "reader")], check=False,
                   capture_output=True)
    from benchmarks.probe import prepare

    probes, floors = [], []
    for _ in range(2 if quick else FIRST_PAINT_PAIRS):
        # reader, then the bare Textual app, each in a fresh process, turn about: the machine's
        # drift touches both alike
        for module, args, into in (("benchmarks.probe", [str(db)], probes), ("benchmarks.floor", [], floors)):
            if into is probes:
                prepare(db)  # each run starts on the list (the last one left the big story open)
            launched = time.time()
            r = subprocess.run([sys.executable, "-m", module, *args, str(launched)],
                               capture_output=True, text=True, cwd=ROOT, timeout=600)
            if r.returncode != 0:
                raise SystemExit(f"{module} failed: {r.stderr[-800:]}")
            into.append(json.loads(r.stdout.strip().splitlines()[-1]))
    out["first_paint_s"] = statistics.median(p["first_paint_s"] for p in probes)
    out["first_paint_floor_s"] = statistics.median(p["first_paint_s"] for p in floors)
    out["first_paint_vs_floor"] = out["first_paint_s"] / out["first_paint_floor_s"]
    # Each pair's own ratio (its two starts ran back to back, in the same moment of the machine),
    # and their median: a slow second on the machine touches both of a pair.
    out["first_paint_pair_ratios"] = [p["first_paint_s"] / f["first_paint_s"] for p, f in zip(probes, floors, strict=True)]
    out["first_paint_vs_floor_paired"] = statistics.median(out["first_paint_pair_ratios"])
    # The end of the frame the first paint is in (the moment above is its start on the list's
    # first line): what reader draws around the list, and a collection falling in the frame, show here.
    out["first_frame_s"] = statistics.median(p["first_frame_s"] for p in probes)
    out["first_frame_floor_s"] = statistics.median(p["first_frame_s"] for p in floors)
    out["first_frame_vs_floor"] = out["first_frame_s"] / out["first_frame_floor_s"]
    out["list_ready_s"] = statistics.median(p["list_ready_s"] for p in probes)
    out["list_idle_s"] = statistics.median(p["list_idle_s"] for p in probes)
    out["open_500_s"] = statistics.median(p["open_story_s"] for p in probes)
    out["open_500_comments"] = probes[0]["open_story_comments"]
    out["app_rss_start_mb"] = statistics.median(p["rss_start_mb"] for p in probes)
    out["app_rss_after_20_searches_mb"] = statistics.median(p["rss_after_searches_mb"] for p in probes)

    # Search: in fresh processes holding only the index, as the app does (timed in this process,
    # it also paid for the harness's own objects); the median of three runs.
    runs = []
    for _ in range(1 if quick else 3):
        r = subprocess.run([sys.executable, "-m", "benchmarks.searchprobe", str(db)], capture_output=True,
                           text=True, cwd=ROOT, timeout=600)
        if r.returncode != 0:
            raise SystemExit(f"search probe failed: {r.stderr[-500:]}")
        runs.append(json.loads(r.stdout.strip().splitlines()[-1]))
    out["search_index_load_s"] = statistics.median(x["load_s"] for x in runs)
    out["search_p50_ms"] = statistics.median(x["p50_ms"] for x in runs)
    out["search_p95_ms"] = statistics.median(x["p95_ms"] for x in runs)
    store = Store(db)
    entries = store.entries()
    for key in LIST_SORTS:
        t = time.perf_counter()
        sort_entries(entries, key)
        out[f"sort_{key}_ms"] = (time.perf_counter() - t) * 1e3
    times = []
    for i in range(10):
        t = time.perf_counter()
        store.set_bookmark(entries[i].key, True)
        times.append(time.perf_counter() - t)
    out["bookmark_ms"] = statistics.median(times) * 1e3
    return out


# --------------------------------------------------------------------------- naive baseline


NAIVE_SCRIPT = r"""
import json, sys, time
t0 = float(sys.argv[2])
from tinydb import TinyDB
import psutil
db = TinyDB(sys.argv[1])
docs = db.all()
docs.sort(key=lambda d: -sum((c.get("up") or 0) + (c.get("down") or 0) for c in d["comments"]))
print(json.dumps({"load_s": time.time() - t0, "rss_mb": psutil.Process().memory_info().rss / 2**20}))
"""


def bench_naive(pages: Path, work: Path, n: int, quick: bool) -> dict:
    from tinydb import Query, TinyDB

    from reader.listing import LIST_SORTS, sort_entries
    from reader.models import StoryEntry
    from reader.parsing import parse_file
    from reader.render import thread_lines
    from reader.threads_view import Thread

    path = work / "naive.json"
    path.unlink(missing_ok=True)
    files = sorted(pages.glob("*.txt"))
    t0 = time.perf_counter()
    arts = (parse_file(f) for f in files)
    docs = [{**a.to_dict(), "key": a.key} for a in arts]  # the plain `reader parse --json` shape
    db = TinyDB(path)
    db.insert_multiple(docs)
    elapsed = time.perf_counter() - t0
    out: dict = {"import_s": elapsed, "import_pages_per_s": n / elapsed,
                 "import_mb_per_s": dir_size(pages) / 2**20 / elapsed, "db_mb": path.stat().st_size / 2**20}
    del docs
    launched = time.time()
    r = subprocess.run([sys.executable, "-c", NAIVE_SCRIPT, str(path), str(launched)], capture_output=True, text=True)
    probe = json.loads(r.stdout)
    out["first_paint_s"] = out["list_ready_s"] = probe["load_s"]  # data loaded and sorted (no UI at all)
    out["app_rss_start_mb"] = probe["rss_mb"]
    big = max(db.all(), key=lambda d: len(d["comments"]))["key"]
    t = time.perf_counter()
    doc = db.search(Query().key == big)[0]
    from reader.models import Article

    art = Article.from_dict(doc)
    thread_lines(Thread(art.comments).rows(), 100)
    out["open_500_s"] = time.perf_counter() - t
    # Search: a Python predicate over every story, per keystroke (the file is re-read each time).
    ks = keystrokes(QUERIES)
    budget = 8 if quick else 60.0
    lat: list[float] = []
    start = time.perf_counter()
    for k in ks:
        words = k.casefold().split()

        def pred(d: dict, words=words) -> bool:
            text = (d["title"] + " " + " ".join(d["body"]) + " " + " ".join(c["text"] for c in d["comments"])).casefold()
            return all(w in text for w in words)

        t = time.perf_counter()
        db.search(pred)  # a Python predicate over every document; the file is re-read
        lat.append(time.perf_counter() - t)
        if time.perf_counter() - start > budget:
            break
    out["search_p50_ms"], out["search_p95_ms"] = percentile(lat, 0.5) * 1e3, percentile(lat, 0.95) * 1e3
    out["search_keystrokes_sampled"] = len(lat)
    entries = [StoryEntry(i, d["key"], d["title"],
                          votes=sum((c.get("up") or 0) + (c.get("down") or 0) for c in d["comments"]),
                          score=sum(c.get("score") or 0 for c in d["comments"]), comments=len(d["comments"]),
                          published=d.get("published"), year=d.get("copyright_year"))
               for i, d in enumerate(db.all())]
    for key in LIST_SORTS:
        t = time.perf_counter()
        sort_entries(entries, key)
        out[f"sort_{key}_ms"] = (time.perf_counter() - t) * 1e3
    t = time.perf_counter()
    db.update({"bookmarked": True}, Query().key == big)
    out["bookmark_ms"] = (time.perf_counter() - t) * 1e3
    out["app_rss_after_20_searches_mb"] = float("nan")
    return out


# --------------------------------------------------------------------------- report

ROWS = [
    ("cpu_probe_ms", "machine CPU probe before the import (ms; lower is quicker)", "{:.0f}"),
    ("import_pages_per_s", "import (pages/s)", "{:,.0f}"),
    ("import_cpu_ms_per_page", "import: CPU a page, all processes (ms)", "{:.2f}"),
    ("import_steal", "import: CPU time the host took (steal)", "{:.1%}"),
    ("import_mb_per_s", "import (MB/s)", "{:,.1f}"),
    ("import_peak_rss_mb", "import peak RSS (MB)", "{:,.0f}"),
    ("related_link_s", "related linking during import (s)", "{:.2f}"),
    ("related_link_share", "related linking share of import", "{:.1%}"),
    ("related_index_mb", "related index in memory (MB)", "{:,.1f}"),
    ("related_mb_disk", "related index on disk (MB)", "{:,.1f}"),
    ("reimport_folder_pages_per_s", "re-import of the whole folder, 10% changed (pages/s)", "{:,.0f}"),
    ("reimport_runs_probe_ms", "machine CPU probe before each changed pages' re-import (ms)", "{:.0f}"),
    ("reimport_runs_pages_per_s", "re-import 10% changed, each run (pages/s)", "{:,.0f}"),
    ("reimport_pages_per_s", "re-import 10% changed (pages/s; the median run)", "{:,.0f}"),
    ("reimport_cpu_ms_per_page", "re-import 10% changed: CPU a changed page, all processes (ms)", "{:.2f}"),
    ("reimport_steal", "re-import 10% changed: CPU time the host took (steal)", "{:.1%}"),
    ("reimport_head_s", "re-import 10% changed: before the first page is parsed (s)", "{:.2f}"),
    ("reimport_tail_s", "re-import 10% changed: after the last page is parsed (s)", "{:.2f}"),
    ("reimport_peak_rss_mb", "re-import peak RSS (MB)", "{:,.0f}"),
    ("db_mb", "database on disk (MB)", "{:,.0f}"),
    ("first_paint_floor_s", "bare Textual app, first paint (floor, s)", "{:.2f}"),
    ("first_paint_s", "cold start to first paint (s)", "{:.2f}"),
    ("first_paint_vs_floor", "first paint / floor", "{:.2f}x"),
    ("first_paint_vs_floor_paired", "first paint / floor, the median pair's own ratio", "{:.2f}x"),
    ("first_frame_floor_s", "bare Textual app, end of its first frame (s)", "{:.2f}"),
    ("first_frame_s", "cold start to the end of the first frame (s)", "{:.2f}"),
    ("first_frame_vs_floor", "end of the first frame / floor's", "{:.2f}x"),
    ("list_ready_s", "cold start to whole archive listed (s)", "{:.2f}"),
    ("list_idle_s", "cold start to whole archive listed, app idle (s)", "{:.2f}"),
    ("open_500_s", "open 500-comment story (ms)", "ms"),
    ("search_p50_ms", "search p50 per keystroke (ms)", "{:.1f}"),
    ("search_p95_ms", "search p95 per keystroke (ms)", "{:.1f}"),
    *[(f"sort_{k}_ms", f"sort by {k} (ms)", "{:.1f}") for k in ("votes", "score", "comments", "controversy", "date", "title")],
    ("bookmark_ms", "bookmark write (ms)", "{:.2f}"),
    ("app_rss_start_mb", "app RSS after start (MB)", "{:,.0f}"),
    ("app_rss_after_20_searches_mb", "app RSS after 20 searches (MB)", "{:,.0f}"),
]


def fmt(v: float | list[float] | None, f: str) -> str:
    if isinstance(v, list):  # several runs' figures
        return " / ".join(fmt(x, f) for x in v)
    if v is None or v != v:
        return "–"
    if f == "ms":
        return f"{v * 1e3:.0f}"
    return f.format(v)


def table(results: dict) -> str:
    sizes = list(results["sizes"])
    head = "| metric | " + " | ".join(f"{s:,} reader | {s:,} naive | ratio" for s in map(int, sizes)) + " |"
    sep = "|---|" + "---|---|---|" * len(sizes)
    lines = [head, sep]
    for key, label, f in ROWS:
        cells = []
        for s in sizes:
            r, nv = results["sizes"][s]["reader"].get(key), results["sizes"][s].get("naive", {}).get(key)
            ratio = "–"
            if r is not None and nv is not None and nv == nv and r == r and nv and r:
                ratio = f"{(r / nv):.2g}x"
            cells += [fmt(r, f), fmt(nv, f), ratio]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description="reader benchmark")
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated story counts")
    ap.add_argument("--naive-max", type=int, default=10000, help="largest size for the naive baseline")
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / ".work")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="one probe run, short naive search budget")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    args.workdir.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform()}, "sizes": {}}
    for n in sizes:
        pages = corpus(args.workdir, n, args.seed)
        print(f"[{n:,}] corpus ready: {dir_size(pages) / 2**20:.0f} MB", flush=True)
        res = {"reader": bench_reader(pages, args.workdir / f"db-{n}", n, args.quick)}
        print(f"[{n:,}] reader done", flush=True)
        if n <= args.naive_max:
            res["naive"] = bench_naive(pages, args.workdir, n, args.quick)
            print(f"[{n:,}] naive baseline done", flush=True)
        results["sizes"][n] = res
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print()
    print(table(results))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()

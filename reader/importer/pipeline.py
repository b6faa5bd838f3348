"""Find page files, parse them (on every core for big folders) and store them in batches."""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import shutil
import sys
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from reader.errors import PageError, ReaderError
from reader.importer.fetch import fetch, is_url
from reader.importer.prepare import prepare
from reader.models import Article
from reader.parsing import EXPORTED, parse_bytes, read_page
from reader.parsing.threads import REUSE, Reuse
from reader.sanitize import clean_line
from reader.store import ImportResult, PreparedStory, Store
from reader.store.archive import StoredCopies
from reader.text import MAX_PAGE_BYTES, size_error

PAGE_SUFFIXES = (".txt", ".html", ".htm")
BATCH = 2000  # pages per transaction (a folder of up to 1,000 pages is written once: see _Batches.arrived)
BATCH_MAX = 10000  # a big archive's transactions grow to this (batch_size)
PARALLEL_FROM = 200  # below this many files, a process pool costs more than it saves
KNOWN_BATCH = 20000  # pages found unchanged unparsed, reported together (they write nothing)


def find_pages(paths: Iterable[str | os.PathLike[str]], skipped: list[ImportResult],
               exclude: Path | None = None) -> list[str]:
    """Files named on the command line, and pages (`*.txt`, `*.html`) under folders (no symlink
    loops; never inside `exclude`, the database's own folder). As str: a Path each took ~0.45 s
    of a 100,000-page folder's start, before any page could be parsed."""
    out: list[str] = []
    seen_dirs: set[tuple[int, int]] = set()
    if exclude is not None and exclude.is_dir():
        st = os.stat(exclude)
        seen_dirs.add((st.st_dev, st.st_ino))
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p, followlinks=True):
                st = os.stat(root)
                if (st.st_dev, st.st_ino) in seen_dirs:
                    dirs[:] = []
                    continue
                seen_dirs.add((st.st_dev, st.st_ino))
                dirs.sort()
                for name in sorted(files):
                    f = os.path.join(root, name)
                    if name.lower().endswith(PAGE_SUFFIXES):
                        out.append(f)
                    elif not name.startswith("."):
                        skipped.append(ImportResult(f, "skipped", detail="not a page (.txt, .html or .htm)"))
        else:
            out.append(str(p))
    return out


STDIN = "-"


def batch_size(stored: int, pages: int | None = None) -> int:
    """Pages per transaction into an archive of `stored` stories: 2,000, or a fifth of the
    archive up to 10,000. Every commit rewrites the whole index (45 MB at 100,000 stories) and
    may merge search segments, so fixed-size batches made a big import quadratic; a crash
    still loses only the pages of the batch being written (importing them again redoes them).
    (A tenth up to 6,000: 29 commits in a 100,000-page import, writing the index 11.8 times
    over; now 19 commits, 6.9 times over.)

    Never more than a quarter of the import's `pages`, though: the last batch is stored after
    the last page is parsed, on one core while the other waits, so a small import into a big
    archive (10,000 changed pages into 100,000 stories) spent its last ~2.5 s storing 8,000
    pages in one batch."""
    size = max(BATCH, min(BATCH_MAX, stored // 5))
    return size if pages is None else min(size, max(BATCH, -(-pages // 4)))


_PARSING_DEPENDENCIES = ("selectolax", "rapidfuzz", "orjson", "isal")  # what parsing and preparing a page use


@functools.cache
def _code_salt() -> bytes:
    """A digest of the package's source: a page's source digest changes when the code that
    parses and prepares it does (a new version of reader parses every page again once)."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.blake2b(digest_size=16)
    h.update(sys.version.encode())  # (the Unicode tables behind \w, casefold and isprintable)
    for dep in _PARSING_DEPENDENCIES:
        try:
            h.update(f"\0{dep} {version(dep)}".encode())
        except PackageNotFoundError:
            h.update(f"\0{dep} -".encode())
    root = Path(__file__).resolve().parent.parent
    for f in sorted([*root.rglob("*.py"), *root.rglob("*.c")]):  # (the C part of the thread builder too)
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.digest()


def source_digest(data: bytes) -> str:
    """A page file's bytes, digested with the code's own digest. The same bytes parse to the
    same story (whatever the file is called), so a file whose digest is stored is not parsed
    again. (Its time resolves relative times like "Today 07:12": a byte-identical copy saved
    later keeps the times the first one gave.) SHA-256 (the code's digest, then the bytes), cut
    to 80 bits: 24 us a 30 KB page against 38-52 us for blake2b, on this machine's SHA
    instructions; every page of a folder is digested, changed or not."""
    h = hashlib.sha256(_code_salt())
    h.update(data)
    return h.hexdigest()[:20]


class Parsed(NamedTuple):
    """One page's outcome in a worker: a story ready to store, an error, or `known`: the page
    file is the source a stored story was made from, unchanged since ((digest, key); not parsed)."""

    name: str
    prepared: PreparedStory | None
    error: str
    known: tuple[str, str] | None = None


def _parse(path: str | os.PathLike[str], force: bool = False, known: dict[str, str] | None = None,
           copies: StoredCopies | None = None) -> Parsed:
    """Runs in a worker: parse, thread, serialise and extract search terms (all the CPU work),
    unless the file is the unchanged source of a stored story (its digest in `known`, the
    stored stories' source digests). A changed page of a stored story is merged into it here
    (`copies`)."""
    return _prepared(_parsed(path, force, known or {}, copies), copies)


def _parse_chunk(paths: Sequence[str | os.PathLike[str]], force: bool, known: dict[str, str],
                 copies: StoredCopies | None) -> list[Parsed]:
    """_parse of each page, in two passes over the chunk: every page parsed, then every page
    prepared. Each pass's code and data stay warm in the CPU's caches: 5-10% less CPU a page
    than parsing and preparing one page after the other (fresh and changed pages alike)."""
    parsed = [_parsed(p, force, known, copies) for p in paths]
    return [_prepared(item, copies) for item in parsed]


# a page parsed, not yet prepared: (name, Article, source digest, threads tag)
_Article = tuple[str, Article, str, str | None]


@functools.cache
def _threads_tag() -> str:
    """What a stored story's `tb` starts with when this code threaded its comments."""
    return _code_salt().hex()[:16]


def _parse_threaded(data: bytes, name: str, copies: StoredCopies | None, **kwargs: Any) -> tuple[Article, str | None]:
    """parse_bytes, offering the thread builder the threads of the stored story last made from a
    page of this name (reused for the comments the page still starts with: parsing.threads);
    also the page's threads tag (this code's tag, then the key of what its comments were
    threaded from: parsing.threads.threads_key), kept with the story for the next import."""
    offer = Reuse()
    tag = _threads_tag()
    if copies is not None and (got := copies.earlier(name, tag)) is not None:
        offer.key, offer.comments = got
    token = REUSE.set(offer)
    try:
        article = parse_bytes(data, name, **kwargs)
    finally:
        REUSE.reset(token)
    # (kept only when the story's comments are the list threading built: a parser that made its
    # comments otherwise, or threaded twice and kept the first, has nothing to reuse next time)
    if offer.built_key is None or article.comments is not offer.built:
        return article, None
    return article, tag + offer.built_key


def _parsed(path: str | os.PathLike[str], force: bool, known: dict[str, str],
            copies: StoredCopies | None = None) -> Parsed | _Article:
    """The first half of _parse: the page read and parsed (or found unchanged, or an error)."""
    try:
        data = read_page(path)
        digest = source_digest(data)
        if not force and known and (key := known.get(digest)) is not None:
            return Parsed(str(path), None, "", (digest, key))
        saved = datetime.fromtimestamp(os.stat(path).st_mtime, tz=UTC)
        article, threads = _parse_threaded(data, clean_line(os.path.basename(path)), copies, force=force, saved=saved)
        return str(path), article, digest, threads
    except Exception as exc:
        return _failed(str(path), exc)


def _prepared(item: Parsed | _Article, copies: StoredCopies | None) -> Parsed:
    """The second half of _parse: a parsed page made ready to store (merged with its stored story)."""
    if isinstance(item, Parsed):
        return item
    name, article, digest, threads = item
    try:
        prepared = prepare(article, copies, threads)
    except Exception as exc:
        return _failed(name, exc)
    prepared.record["src"] = digest
    return Parsed(name, prepared, "")


def _failed(name: str, exc: Exception) -> Parsed:
    """What a page that could not be read, parsed or prepared is reported with."""
    if isinstance(exc, FileNotFoundError):
        return Parsed(name, None, "no such file")
    if isinstance(exc, OSError):
        return Parsed(name, None, exc.strerror or str(exc))
    if isinstance(exc, PageError):
        return Parsed(name, None, str(exc))
    if isinstance(exc, RecursionError):  # pragma: no cover - the parser is iterative; belt and braces
        return Parsed(name, None, "page too deeply nested to parse")
    # a parser bug on one odd page must not stop a folder import
    return Parsed(name, None, f"could not be read ({type(exc).__name__}: {str(exc)[:80]}); please report it")


def parse_many(files: Sequence[str | os.PathLike[str]], workers: int | None = None, *, force: bool = False,
               known: dict[str, str] | None = None, copies: StoredCopies | None = None) -> Generator[Parsed, None, None]:
    """Parse the files (on every core for many), in order; `known`: the stored stories' source
    digests; `copies`: the stored stories, for changed pages to be merged where they are parsed."""
    if len(files) < PARALLEL_FROM or (workers is not None and workers <= 1):
        yield from map(partial(_parse, force=force, known=known or {}, copies=copies), files)
        return
    yield from _spooled(files, workers or os.cpu_count() or 1, force, known or {}, copies)


SPOOL_CHUNK = 32  # pages a worker parses at a time, spooled to one file
SPOOL_AHEAD = 256  # chunks the workers may be ahead of the importing process (~170 MB spooled at most;
# ~270 MB for changed pages of stored stories, which carry the merged story and the page)
SPOOL_MIN_FREE = 1 << 30  # /dev/shm is used when it has this much room; otherwise the temporary folder


def _spool_folder() -> Path:
    """A fresh spool folder (named with this process's id), after removing any left by an
    importing process that no longer runs (killed: its `finally` never ran)."""
    import tempfile

    shm = Path("/dev/shm")
    try:
        st = os.statvfs(shm)
        base = str(shm) if st.f_bavail * st.f_frsize >= SPOOL_MIN_FREE and os.access(shm, os.W_OK) else None
    except OSError:
        base = None
    root = Path(base or tempfile.gettempdir())
    for old in root.glob("reader-parse-*-*"):
        pid = old.name.split("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"reader-parse-{os.getpid()}-", dir=root))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's
    return True


def _warm(files: Sequence[str | os.PathLike[str]]) -> None:
    """Ask the kernel to start reading these files into memory (they are parsed next). Regular
    files only (opening a FIFO would release a writer waiting on it)."""
    import stat

    for f in files:
        try:
            if not stat.S_ISREG(os.stat(f).st_mode):
                continue
            fd = os.open(f, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue  # (reported when the page is read)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def _spool_worker(files: Sequence[str | os.PathLike[str]], force: bool, known: dict[str, str],
                  copies: StoredCopies | None, counter: Any, room: Any, folder: Path, ready: Any) -> None:
    """A parsing process: takes the next chunk of pages (a shared counter), parses it and writes
    its results to a file of the spool folder, then names the chunk on `ready`. A chunk that
    cannot be written there (a full disk) travels on `ready` itself.

    The chunk after is taken first and its files are asked for (posix_fadvise), so that pages
    not in memory are read from disk while this one is parsed: on this machine kind, the kernel
    pages cold files out (DAMON), and half of a 100,000-page folder was not in memory when
    imported; the workers waited for the disk ~10% of the time."""

    parent = os.getppid()

    def take(block: bool) -> int | None:
        """The next chunk, with a permit for it (taken first: a chunk number held without one
        could wait for ever behind chunks parsed after it); None when there is none left, no
        permit free (not `block`), or the importing process is gone."""
        if block:
            while not room.acquire(timeout=1.0):
                if os.getppid() != parent:
                    return None  # the importing process was killed: stop
        elif not room.acquire(False):
            return None
        with counter.get_lock():
            c: int = counter.value
            counter.value = c + 1
        if c * SPOOL_CHUNK < len(files):
            return c
        room.release()
        return None

    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the importing process's to handle: it stops us
    gc.disable()  # parsing makes next to no reference cycles; they are collected every 64 chunks
    warm = _warm if hasattr(os, "posix_fadvise") else (lambda _files: None)
    c = take(True)
    while c is not None:
        after = take(False)  # read ahead only when a permit is free at once
        if after is not None:
            warm(files[after * SPOOL_CHUNK : (after + 1) * SPOOL_CHUNK])
        start = c * SPOOL_CHUNK
        data = pickle.dumps(_parse_chunk(files[start : start + SPOOL_CHUNK], force, known, copies),
                            protocol=pickle.HIGHEST_PROTOCOL)
        try:
            tmp = folder / f"{c}.tmp"
            tmp.write_bytes(data)
            tmp.rename(folder / str(c))
            ready.put(c)
        except OSError:
            ready.put((c, data))
        if c % 64 == 63:
            gc.collect()
        c = after if after is not None else take(True)


def _spooled(files: Sequence[str | os.PathLike[str]], workers: int, force: bool, known: dict[str, str],
             copies: StoredCopies | None = None) -> Iterator[Parsed]:
    """The pages parsed by `workers` processes, in order. The results reach this process through
    spool files, not a pipe: with a process pool, results (~20 KB a page) waited in a pipe for a
    thread of this process to read them, which could not while this process held the GIL in a
    long C call (writing a 45 MB index, sorting the vocabulary), and the workers stalled (both
    cores 86% busy in a 100,000-page import; the workers at 10-25% while it stored a batch)."""
    import multiprocessing
    import queue

    ctx = multiprocessing.get_context()
    counter, room, ready = ctx.Value("q", 0), ctx.Semaphore(SPOOL_AHEAD), ctx.Queue()
    folder = _spool_folder()
    chunks = (len(files) + SPOOL_CHUNK - 1) // SPOOL_CHUNK
    procs = [ctx.Process(target=_spool_worker, args=(files, force, known, copies, counter, room, folder, ready), daemon=True)
             for _ in range(min(workers, chunks))]
    try:
        for proc in procs:
            proc.start()
        got: dict[int, bytes | None] = {}  # chunks done, not yet taken (None: in its spool file)
        for c in range(chunks):
            while c not in got:
                try:
                    item = ready.get(timeout=0.5)
                except queue.Empty:
                    if any(p.exitcode not in (None, 0) for p in procs) or all(p.exitcode == 0 for p in procs):
                        bad = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
                        raise ReaderError(f"a page-parsing process stopped (exit code {bad[0] if bad else 0}) "
                                          "before its pages were parsed; the batches stored before it are kept, "
                                          "and importing again goes on from there") from None
                    continue
                if isinstance(item, tuple):
                    got[item[0]] = item[1]
                else:
                    got[item] = None
            data = got.pop(c)
            if data is None:
                path = folder / str(c)
                data = path.read_bytes()
                path.unlink()
            room.release()
            yield from pickle.loads(data)
    finally:
        started = [proc for proc in procs if proc.pid is not None]
        for proc in started:
            if proc.is_alive():
                proc.terminate()
        for proc in started:
            proc.join()
        ready.close()
        ready.join_thread()
        shutil.rmtree(folder, ignore_errors=True)


def _parse_fetched(name: str, data: bytes, *, url: str | None, force: bool) -> Parsed:
    try:
        article, threads = _parse_threaded(data, name if url is None else url, None, force=force,
                                           saved=datetime.now(UTC), url=url)
        return Parsed(name, prepare(article, None, threads), "")
    except PageError as exc:
        return Parsed(name, None, str(exc))
    except Exception as exc:  # a parser bug on one odd page must not stop the import
        return Parsed(name, None, f"could not be read ({type(exc).__name__}: {str(exc)[:80]}); please report it")


def _read_other(source: str, force: bool, stdin: BinaryIO | None) -> Parsed:
    """A page that is not a file: a URL (fetched) or `-` (standard input)."""
    if source == STDIN:
        data = (stdin or sys.stdin.buffer).read(MAX_PAGE_BYTES + 1)
        if len(data) > MAX_PAGE_BYTES:
            return Parsed("(stdin)", None, size_error(len(data)))
        return _parse_fetched("(stdin)", data, url=None, force=force)
    try:
        got = fetch(source)
    except PageError as exc:
        return Parsed(source, None, str(exc))
    return _parse_fetched(source, got.data, url=got.url, force=force)


def import_bytes(store: Store, name: str, data: bytes, *, force: bool = False) -> ImportResult:
    """One page given as bytes (pasted into the app)."""
    name, prepared, err, _ = _parse_fetched(name, data, url=None, force=force)
    if prepared is None:
        return ImportResult(name, "error", detail=err)
    return store.import_stories([(name, prepared)])[0]


def _snapshot(store: Store) -> tuple[dict[str, str], StoredCopies | None]:
    """The stored stories by their pages' source digests, and where each is stored."""
    known, refs, names = store.import_snapshot()
    return known, StoredCopies(store.path, refs, names) if refs else None


class _Batches:
    """An import's pages on their way to the archive: stored a batch at a time (one transaction
    each), and the pages found unchanged by their source digest (not parsed) reported together.

    Pages of one story are stored in the order given, each merged with the one before: a later
    page of a story in the batch waits for the next batch (in one batch it would replace the
    earlier; a commit for it rewrote the whole index, ~45 MB at 100,000 stories), and an
    earlier page of it found unchanged is settled first."""

    def __init__(self, store: Store, emit: Callable[[ImportResult], None], force: bool, total: int) -> None:
        self.store, self.emit, self.force, self.total = store, emit, force, total
        self.pages: list[tuple[str, PreparedStory]] = []
        self.keys: set[str] = set()  # the stories of `pages`
        self.held: list[tuple[str, PreparedStory]] = []  # later pages of stories in `pages`: the next batch's
        self.held_keys: set[str] = set()
        self.known: list[tuple[str, str, str]] = []  # (page, source digest, story key)
        self.known_keys: set[str] = set()
        self.limit = BATCH  # grown after each commit, from the index then in memory
        self.left = total  # pages not back from parsing yet
        self.cut = False  # the pages waiting were stored early, once, for a small last batch (arrived)

    def __bool__(self) -> bool:
        return bool(self.pages or self.held or self.known)

    def add(self, name: str, art: PreparedStory) -> None:
        """A parsed page."""
        if art.key in self.known_keys:
            self.settle()
        if art.key in self.keys or art.key in self.held_keys:
            self.held.append((name, art))
            self.held_keys.add(art.key)
            return
        self.pages.append((name, art))
        self.keys.add(art.key)
        if len(self.pages) >= self.limit:
            self.flush()
            gc.collect(1)

    def arrived(self) -> None:
        """One more page came back from parsing (and was added). When the pages still to come
        are a quarter of a batch, the pages waiting are stored at once, while those are parsed:
        the last batch is stored after the last page comes back, on one core while the other
        has nothing to do, so it is best small. (10,000 changed pages into 100,000 stories
        stored their last 2,450 pages in ~1 s there; now ~450, with one commit more.)"""
        self.left -= 1
        tail = self.limit // 4
        if not self.cut and tail and self.left <= tail and len(self.pages) >= 2 * tail:
            self.cut = True
            self.flush()
            gc.collect(1)

    def add_known(self, name: str, seen: tuple[str, str]) -> None:
        """A page found to be the unchanged source of a stored story (seen: digest, story key).
        Pages of its story waiting to be stored are stored first: it is stale after them."""
        while seen[1] in self.keys or seen[1] in self.held_keys:
            self.flush()
        self.known.append((name, *seen))
        self.known_keys.add(seen[1])
        if len(self.known) >= KNOWN_BATCH:
            self.settle()

    def settle(self) -> None:
        """Report the pages found unchanged by their source digest; a page whose story changed
        since the import began (another process, or a page of it earlier in this import) is
        parsed after all."""
        if not self.known:
            return
        done, again = self.store.unchanged_sources(self.known)
        self.known, self.known_keys = [], set()
        for r in done:
            self.emit(r)
        for path in again:
            name, art, err, _ = _parse(Path(path), self.force, known={})
            if art is None:
                self.emit(ImportResult(name, "error", detail=err))
            else:
                self.add(name, art)

    def flush(self) -> None:
        """Store the batch; the pages held for the next one start it."""
        self.settle()
        if self.pages:
            pages, self.pages, self.keys = self.pages, [], set()
            for r in self.store.import_stories(pages):
                self.emit(r)
        self.limit = batch_size(len(self.store.raw_records()), self.total)
        held, self.held, self.held_keys = self.held, [], set()
        for name, art in held:
            self.add(name, art)


@contextmanager
def _young_gc_only() -> Iterator[None]:
    """No automatic full collections while importing: each one walked every object the process
    held (at 100,000 stories, the index's records) though importing makes no reference cycles
    to speak of (~100 cyclic objects over 800 pages); the young ones are collected after each
    batch, and at the end. (A full collection at the end took ~0.07 s at 100,000 stories, on
    one core after the last page: the command's process ends then, and the app's collector
    gets to the old objects on its own.)"""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
            gc.collect(1)


def import_paths(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_result: Callable[[ImportResult], None] | None = None,
    workers: int | None = None,
    force: bool = False,
    stdin: BinaryIO | None = None,
    on_total: Callable[[int], None] | None = None,
    on_parsed: Callable[[], None] | None = None,
) -> list[ImportResult]:
    """Import files, folders of `*.txt`/`*.html` pages, URLs and `-` (a page on standard input).

    `on_result` hears of each page once its batch is stored (or at once, for an error);
    `on_parsed` of each page as soon as it is parsed (a progress bar: a big archive's batches
    are stored several seconds apart)."""
    started = time.perf_counter()
    skipped: list[ImportResult] = []
    names = [os.fspath(p) for p in paths]
    others = [p for p in names if p == STDIN or is_url(p)]
    files = find_pages([p for p in names if p not in others], skipped, exclude=store.path)
    if on_total:
        on_total(len(files) + len(others) + len(skipped))
    results: list[ImportResult] = []

    def emit(r: ImportResult) -> None:
        results.append(r)
        if on_result:
            on_result(r)

    for r in skipped:
        emit(r)

    batches = _Batches(store, emit, force, len(files) + len(others))
    # A page file that is the unchanged source of a stored story is not parsed again (re-importing
    # a folder where a few pages changed): the stored stories' source digests go to the workers,
    # and where each story is stored, for a changed page to be merged with it where it is parsed.
    known_sources, copies = _snapshot(store) if files else ({}, None)
    pages = parse_many(files, workers, force=force, known={} if force else known_sources, copies=copies)
    parsed = chain((_read_other(p, force, stdin) for p in others), pages)
    with closing(pages), store.columns_at_end(), _young_gc_only():  # (closing: its workers stop with an error)
        first = True
        for name, art, err, seen in parsed:
            if first:  # (`--timings`: the head and the tail, where the cores are not both parsing)
                store.timings["first_parsed_s"], first = time.perf_counter() - started, False
            if on_parsed:
                on_parsed()
            if seen is not None:
                batches.add_known(name, seen)
            elif art is None:  # (reader's own export, met in a folder: passed over like a file of another kind)
                emit(ImportResult(name, "skipped" if err.startswith(EXPORTED) else "error", detail=err))
            else:
                batches.add(name, art)
            batches.arrived()
        store.timings["all_parsed_s"] = time.perf_counter() - started
        while batches:
            batches.flush()
    # In the order the pages were given (pages found unchanged unparsed are reported when they
    # add up, and a batch's results when it is stored): `--json` lists them as the folder does.
    rank = {name: i for i, name in enumerate([*others, *map(str, files)])}
    results.sort(key=lambda r: rank.get(r.name, -1))
    return results

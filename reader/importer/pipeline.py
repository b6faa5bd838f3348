"""Find page files, parse them (on every core for big folders) and store them in batches."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from functools import partial
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from reader.errors import PageError
from reader.importer.fetch import fetch, is_url
from reader.importer.prepare import prepare
from reader.parsing import parse_bytes, parse_file
from reader.store import ImportResult, PreparedStory, Store
from reader.text import MAX_PAGE_BYTES, size_error

PAGE_SUFFIXES = (".txt", ".html", ".htm")
BATCH = 2000  # pages per transaction; a folder smaller than this is written once
BATCH_MAX = 6000  # a big archive's transactions grow to this (batch_size)
PARALLEL_FROM = 200  # below this many files, a process pool costs more than it saves


def find_pages(paths: Iterable[str | os.PathLike[str]], skipped: list[ImportResult],
               exclude: Path | None = None) -> list[Path]:
    """Files named on the command line, and pages (`*.txt`, `*.html`) under folders (no symlink
    loops; never inside `exclude`, the database's own folder)."""
    out: list[Path] = []
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
                    f = Path(root) / name
                    if name.lower().endswith(PAGE_SUFFIXES):
                        out.append(f)
                    elif not name.startswith("."):
                        skipped.append(ImportResult(str(f), "skipped", detail="not a page (.txt, .html or .htm)"))
        else:
            out.append(p)
    return out


STDIN = "-"


def batch_size(stored: int) -> int:
    """Pages per transaction into an archive of `stored` stories: 2,000, or a tenth of the
    archive up to 6,000. Every commit rewrites the whole index (45 MB at 100,000 stories) and
    may merge search segments, so fixed-size batches made a big import quadratic; a crash
    still loses only the pages of the batch being written (importing them again redoes them)."""
    return max(BATCH, min(BATCH_MAX, stored // 10))


def _parse(path: Path, force: bool = False) -> tuple[str, PreparedStory | None, str]:
    """Runs in a worker: parse, thread, serialise and extract search terms (all the CPU work)."""
    try:
        return str(path), prepare(parse_file(path, force=force)), ""
    except PageError as exc:
        return str(path), None, str(exc)
    except RecursionError:  # pragma: no cover - the parser is iterative; belt and braces
        return str(path), None, "page too deeply nested to parse"
    except Exception as exc:  # a parser bug on one odd page must not stop a folder import
        return str(path), None, f"could not be read ({type(exc).__name__}: {str(exc)[:80]}); please report it"


def parse_many(files: list[Path], workers: int | None = None, *, force: bool = False
               ) -> Iterator[tuple[str, PreparedStory | None, str]]:
    parse = partial(_parse, force=force)
    if len(files) < PARALLEL_FROM or (workers is not None and workers <= 1):
        yield from map(parse, files)
        return
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        yield from pool.map(parse, files, chunksize=32)


def _parse_fetched(name: str, data: bytes, *, url: str | None, force: bool) -> tuple[str, PreparedStory | None, str]:
    try:
        return name, prepare(parse_bytes(data, name if url is None else url, force=force,
                                         saved=datetime.now(UTC), url=url)), ""
    except PageError as exc:
        return name, None, str(exc)
    except Exception as exc:  # a parser bug on one odd page must not stop the import
        return name, None, f"could not be read ({type(exc).__name__}: {str(exc)[:80]}); please report it"


def _read_other(source: str, force: bool, stdin: BinaryIO | None) -> tuple[str, PreparedStory | None, str]:
    """A page that is not a file: a URL (fetched) or `-` (standard input)."""
    if source == STDIN:
        data = (stdin or sys.stdin.buffer).read(MAX_PAGE_BYTES + 1)
        if len(data) > MAX_PAGE_BYTES:
            return "(stdin)", None, size_error(len(data))
        return _parse_fetched("(stdin)", data, url=None, force=force)
    try:
        got = fetch(source)
    except PageError as exc:
        return source, None, str(exc)
    return _parse_fetched(source, got.data, url=got.url, force=force)


def import_bytes(store: Store, name: str, data: bytes, *, force: bool = False) -> ImportResult:
    """One page given as bytes (pasted into the app)."""
    name, prepared, err = _parse_fetched(name, data, url=None, force=force)
    if prepared is None:
        return ImportResult(name, "error", detail=err)
    return store.import_stories([(name, prepared)])[0]


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
    skipped: list[ImportResult] = []
    names = [os.fspath(p) for p in paths]
    others = [p for p in names if p == STDIN or is_url(p)]
    files = find_pages([p for p in names if p not in others], skipped, exclude=store.path)
    if on_total:
        on_total(len(files) + len(others) + len(skipped))
    results: list[ImportResult] = []
    batch: list[tuple[str, PreparedStory]] = []

    def emit(r: ImportResult) -> None:
        results.append(r)
        if on_result:
            on_result(r)

    for r in skipped:
        emit(r)

    limit = BATCH  # grown after each commit, from the index then in memory (not read before the parsing starts)

    def flush() -> None:
        nonlocal limit
        for r in store.import_stories(batch):
            emit(r)
        batch.clear()
        limit = batch_size(len(store.raw_records()))

    parsed = chain((_read_other(p, force, stdin) for p in others), parse_many(files, workers, force=force))
    with store.columns_at_end():
        for name, art, err in parsed:
            if on_parsed:
                on_parsed()
            if art is None:
                emit(ImportResult(name, "error", detail=err))
                continue
            batch.append((name, art))
            if len(batch) >= limit:
                flush()
        if batch:
            flush()
    return results

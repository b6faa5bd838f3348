"""Find page files, parse them (on every core for big folders) and store them in batches."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from reader.errors import PageError
from reader.importer.prepare import prepare
from reader.parsing import parse_file
from reader.store import ImportResult, PreparedStory, Store

BATCH = 2000  # pages per transaction; a folder smaller than this is written once
PARALLEL_FROM = 200  # below this many files, a process pool costs more than it saves


def find_pages(paths: Iterable[str | os.PathLike[str]], skipped: list[ImportResult]) -> list[Path]:
    """Files named on the command line, and `*.txt` under folders (no symlink loops)."""
    out: list[Path] = []
    seen_dirs: set[tuple[int, int]] = set()
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
                    if name.endswith(".txt"):
                        out.append(f)
                    elif not name.startswith("."):
                        skipped.append(ImportResult(str(f), "skipped", detail="not a .txt page"))
        else:
            out.append(p)
    return out


def _parse(path: Path) -> tuple[str, PreparedStory | None, str]:
    """Runs in a worker: parse, thread, serialise and extract search terms (all the CPU work)."""
    try:
        return str(path), prepare(parse_file(path)), ""
    except PageError as exc:
        return str(path), None, str(exc)
    except RecursionError:  # pragma: no cover - the parser is iterative; belt and braces
        return str(path), None, "page too deeply nested to parse"


def parse_many(files: list[Path], workers: int | None = None) -> Iterator[tuple[str, PreparedStory | None, str]]:
    if len(files) < PARALLEL_FROM or (workers is not None and workers <= 1):
        yield from map(_parse, files)
        return
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        yield from pool.map(_parse, files, chunksize=32)


def import_paths(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_result: Callable[[ImportResult], None] | None = None,
    workers: int | None = None,
) -> list[ImportResult]:
    skipped: list[ImportResult] = []
    files = find_pages(paths, skipped)
    results: list[ImportResult] = []
    batch: list[tuple[str, PreparedStory]] = []

    def emit(r: ImportResult) -> None:
        results.append(r)
        if on_result:
            on_result(r)

    for r in skipped:
        emit(r)

    def flush() -> None:
        for r in store.import_stories(batch):
            emit(r)
        batch.clear()

    for name, art, err in parse_many(files, workers):
        if art is None:
            emit(ImportResult(name, "error", detail=err))
            continue
        batch.append((name, art))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return results

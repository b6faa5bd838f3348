"""Pages parsed on every core reach the importing process through spool files, in order; a
parsing process that dies stops the import with an error, never a hang; a spool that cannot be
written falls back to the queue."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.importer import pipeline
from reader.importer.pipeline import parse_many, source_digest

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_96de06f45ee66ae5.txt"
N = pipeline.PARALLEL_FROM + 45  # enough for the processes, and a last chunk that is not full


def _pages(tmp_path: Path) -> list[Path]:
    base = SEED.read_bytes()
    files = []
    for i in range(N):
        f = tmp_path / f"p{i:04d}.txt"
        f.write_bytes(base + f"\n\nA line added to page {i}.\n".encode())
        files.append(f)
    return files


def _view(got):
    return [(g.name, g.error, g.known, g.prepared.key if g.prepared else None,
             g.prepared.hash if g.prepared else None) for g in got]


def test_pages_parsed_in_processes_come_back_in_order_as_parsed_here(tmp_path):
    files = _pages(tmp_path)
    known = {source_digest(files[7].read_bytes()): "k7", source_digest(files[-1].read_bytes()): "last"}
    here = list(parse_many(files, workers=1, known=known))
    there = list(parse_many(files, workers=2, known=known))
    assert _view(there) == _view(here)
    assert [g.name for g in there] == [str(f) for f in files]
    assert there[7].known == (source_digest(files[7].read_bytes()), "k7") and there[-1].known[1] == "last"
    assert there[8].prepared is not None


def test_the_spool_folder_is_removed_after(tmp_path, monkeypatch):
    made = []
    real = pipeline._spool_folder

    def spy():
        made.append(real())
        return made[-1]

    monkeypatch.setattr(pipeline, "_spool_folder", spy)
    files = _pages(tmp_path)
    it = parse_many(files, workers=2)
    next(it)
    it.close()  # stopped early (an error in the importing process): workers stopped, files removed
    assert made and not made[0].exists()
    list(parse_many(files, workers=2))
    assert len(made) == 2 and not made[1].exists()


def test_a_spool_that_cannot_be_written_falls_back_to_the_queue(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "_spool_folder", lambda: tmp_path / "no" / "such" / "folder")
    files = _pages(tmp_path)
    got = list(parse_many(files, workers=2))
    assert [g.name for g in got] == [str(f) for f in files] and all(g.prepared for g in got)


def _on_page(monkeypatch, name: str, action) -> None:
    """The parsing workers run `action` when they come to the page called `name`."""
    real = pipeline._parsed

    def parse(path, force, known, copies=None):
        if path.name == name:
            action()
        return real(path, force, known, copies)

    monkeypatch.setattr(pipeline, "_parsed", parse)


def test_a_parsing_process_that_dies_stops_the_import_with_an_error(tmp_path, monkeypatch):
    files = _pages(tmp_path)
    _on_page(monkeypatch, "p0100.txt", lambda: os._exit(3))
    with pytest.raises(ReaderError, match="exit code 3"):
        list(parse_many(files, workers=2))


def test_a_slow_chunk_never_waits_for_ever_behind_quick_ones(tmp_path, monkeypatch):
    """A chunk number is taken only with a permit: a slow first chunk while the other worker runs
    ahead through pages known already (only hashed) hung the import for ever (a review's repro:
    32 changed pages, then 9,000 unchanged)."""
    import threading
    import time

    monkeypatch.setattr(pipeline, "SPOOL_AHEAD", 4)
    files = _pages(tmp_path)
    known = {source_digest(f.read_bytes()): f"k{i}" for i, f in enumerate(files) if i >= pipeline.SPOOL_CHUNK}
    _on_page(monkeypatch, "p0000.txt", lambda: time.sleep(1.0))
    got: list = []
    t = threading.Thread(target=lambda: got.extend(parse_many(files * 8, workers=2, known=known)), daemon=True)
    t.start()
    t.join(60)
    assert not t.is_alive(), "the import hung"
    assert len(got) == 8 * len(files) and got[0].prepared is not None and got[-1].known is not None


def test_no_spool_is_left_by_an_importing_process_that_was_killed(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setattr(pipeline, "_spool_folder", pipeline._spool_folder)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    first = pipeline._spool_folder()
    first.rmdir()
    root = first.parent
    stale = root / f"reader-parse-{dead.stdout.strip()}-x1"
    stale.mkdir()
    (stale / "3").write_bytes(b"left over")
    fresh = pipeline._spool_folder()
    assert not stale.exists() and fresh.exists()
    fresh.rmdir()


def test_a_batch_is_at_most_a_quarter_of_a_big_archives_import():
    """The last batch is stored while no page is being parsed: a small import into a big
    archive is cut in four, a big import grows its batches with the archive."""
    from reader.importer.pipeline import BATCH, BATCH_MAX, batch_size

    assert batch_size(100_000) == BATCH_MAX == batch_size(100_000, 100_000)
    assert batch_size(100_000, 10_000) == 2_500
    assert batch_size(100_000, 3_000) == BATCH  # (never below the smallest batch)
    assert batch_size(20_000, 40_000) == 4_000 < batch_size(30_000, 40_000) == 6_000


def test_a_chunk_parsed_in_two_passes_gives_what_each_page_alone_gives(tmp_path, monkeypatch):
    """Parsed, then prepared, a chunk at a time: the same outcome, page by page and in order,
    with a missing file, an empty one, a known page and a page whose preparing fails
    among good ones."""
    from reader.importer import prepare as prepare_module

    files = _pages(tmp_path)[:4]
    (tmp_path / "empty.txt").write_bytes(b"")
    odd = [tmp_path / "missing.txt", tmp_path / "empty.txt"]
    chunk = [files[0], odd[0], files[1], odd[1], files[2], files[3]]
    known = {source_digest(files[2].read_bytes()): "stored-key"}
    alone = [pipeline._parse(f, False, known) for f in chunk]
    assert _view(pipeline._parse_chunk(chunk, False, known, None)) == _view(alone)
    assert [bool(g.prepared) for g in alone] == [True, False, True, False, False, True]
    assert alone[1].error == "no such file" and alone[3].error and alone[4].known == (next(iter(known)), "stored-key")

    real = prepare_module.prepare
    boom = iter([False, True, False, False])

    def flaky(art, copies=None, threads=None):
        if next(boom):
            raise ValueError("boom")
        return real(art, copies, threads)

    monkeypatch.setattr(pipeline, "prepare", flaky)
    got = pipeline._parse_chunk(chunk, False, known, None)
    assert [g.prepared is not None for g in got] == [True, False, False, False, False, True]
    assert "ValueError: boom" in got[2].error and got[2].name == str(files[1])

from __future__ import annotations

import gzip
import json
import shutil

import pytest

from reader.importer import import_paths
from reader.store import Store, StoreError
from reader.usecases import Reader

from conftest import SEEDS


def test_fresh_database_is_seeded(db_path):
    store = Reader.open(db_path).store
    entries = store.entries()
    assert len(entries) == 5
    assert sorted(e.comments for e in entries) == [0, 0, 7, 19, 19]
    art = store.article(next(e for e in entries if e.file == "004_db39fb9482dc13f4.txt"))
    assert art.comments[14].parent == 13 and art.comments[16].author is None
    assert art.comments[2].author == "deanzaZZR"


def test_reimport_same_page_changes_nothing(db_path):
    store = Reader.open(db_path).store
    before = (db_path / "index.json").read_bytes()
    results = import_paths(store, [SEEDS])
    assert [r.status for r in results] == ["unchanged"] * 5
    assert (db_path / "index.json").read_bytes() == before


def test_updated_page_updates_in_place_and_keeps_user_state(db_path, tmp_path):
    store = Reader.open(db_path).store
    e = next(e for e in store.entries() if e.file.startswith("000_"))
    store.set_bookmark(e.key, True)
    store.set_read(e.key, True)
    page = (SEEDS / "000_96de06f45ee66ae5.txt").read_text(encoding="utf-8")
    page = page.replace("What's the point, Ishiba is on his way out.\n\n0 ( +0 / -0 )",
                        "What's the point, Ishiba is on his way out.\n\n3 ( +5 / -2 )\n\nA new comment\n\n1 ( +1 / -0 )")
    updated = tmp_path / "000_96de06f45ee66ae5.txt"
    updated.write_text(page, encoding="utf-8")
    [r] = import_paths(store, [updated])
    assert r.status == "updated"
    fresh = Store(db_path)
    again = fresh.entry(e.id)
    assert again.key == e.key and again.comments == 8
    assert again.bookmarked and again.read
    assert len(fresh.entries()) == 5
    assert fresh.article(fresh.entry(e.id)).comments[-1].text == "A new comment"


def test_folder_import_writes_index_once(db_path, tmp_path, monkeypatch):
    store = Store(db_path)
    writes = []
    import reader.store.files as st

    real = st.atomic_write
    monkeypatch.setattr(st, "atomic_write", lambda p, d: (writes.append(p.name), real(p, d)))
    import_paths(store, [SEEDS])
    assert writes.count("index.json") == 1
    assert len(store.entries()) == 5


def test_bookmark_does_not_rewrite_archive(db_path):
    store = Reader.open(db_path).store
    idx = (db_path / "index.json").stat().st_mtime_ns
    store.set_bookmark(store.entries()[0].key, True)
    assert (db_path / "index.json").stat().st_mtime_ns == idx
    assert Store(db_path).entries()[0].bookmarked


@pytest.mark.parametrize("content,word", [(b"", "empty"), (b'{"articles": {"1": {"key"', "truncated"),
                                           (b"hello", "not JSON"), (b"[1, 2]", "not a reader database")])
def test_corrupt_index_is_kept_aside_with_one_line_error(db_path, content, word):
    Reader.open(db_path)
    (db_path / "index.json").write_bytes(content)
    with pytest.raises(StoreError) as exc:
        Store(db_path).entries()
    msg = str(exc.value)
    assert word in msg and "\n" not in msg and "doctor" in msg
    aside = list(db_path.glob("index.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == content


def test_doctor_rebuild_recovers_index_and_keeps_bookmarks(db_path):
    store = Reader.open(db_path).store
    key = store.entries()[2].key
    store.set_bookmark(key, True)
    (db_path / "index.json").write_bytes(b"garbage")
    with pytest.raises(StoreError):
        Store(db_path).entries()
    report = Reader(Store(db_path)).doctor(rebuild=True)
    assert any("rebuilt the index from the page files: 5 stories, ids kept" in line for line in report.lines())
    entries = Store(db_path).entries()
    assert len(entries) == 5 and [e.key for e in entries if e.bookmarked] == [key]


def test_doctor_rebuild_hashes_page_documents_written_without_a_hash(db_path):
    Reader.open(db_path)
    hashes = {e.key: e.hash for e in Store(db_path).entries()}
    for page in (db_path / "pages").glob("*.json"):  # as an older version wrote them
        data = json.loads(gzip.decompress(page.read_bytes()))
        for doc in data["articles"].values():
            doc.pop("hash", None)
        page.write_text(json.dumps(data))
    Reader(Store(db_path)).doctor(rebuild=True)
    assert {e.key: e.hash for e in Store(db_path).entries()} == hashes


def test_future_schema_is_refused(db_path):
    Reader.open(db_path)
    data = json.loads((db_path / "index.json").read_text())
    data["meta"]["1"]["schema"] = 99
    (db_path / "index.json").write_text(json.dumps(data))
    with pytest.raises(StoreError, match="newer reader"):
        Store(db_path).entries()


def test_store_sees_other_process_writes(db_path):
    a = Reader.open(db_path).store
    b = Store(db_path)
    assert not any(e.bookmarked for e in a.entries())
    b.set_bookmark(b.entries()[0].key, True)
    assert a.changed()
    assert sum(e.bookmarked for e in a.entries()) == 1


def test_db_path_that_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Store(f)


def test_segments_roll_over(db_path, monkeypatch, tmp_path):
    import reader.store.archive as st

    monkeypatch.setattr(st, "SEGMENT_CAP", 2)
    store = Store(db_path)
    import_paths(store, [SEEDS])
    assert len(list((db_path / "pages").glob("*.json"))) == 3
    for e in store.entries():
        assert store.article(e).title == e.title
    shutil.rmtree(db_path)


def test_search_index_follows_updates_and_merges(db_path, tmp_path, monkeypatch):
    store = Reader.open(db_path).store
    page = tmp_path / "p.txt"
    for version in range(1, 6):  # five imports of a growing story: segments merge as they come
        page.write_text(f"Updated story about the harbour\nThe body carries version marker zq{version}x.", encoding="utf-8")
        import_paths(store, [page])
    idx = Store(db_path).search_index()
    assert [h.where for h in idx.search("zq5x")] == ["body"]
    assert idx.search("zq1x") == [] and idx.search("zq4x") == []  # old versions are not found
    assert idx.search("whom")[0].where == "comment #6"
    manifest = Store(db_path).meta()["search"]
    assert len(manifest) <= 3  # logarithmic merging keeps the segment count small
    files = {p.name for p in (db_path / "search").iterdir()}
    parts = ("tids.npy", "starts.npy", "post.npy", "docs.npy", "keys.npy", "tspan.npy", "text")
    assert files == {f"s{sid:06d}.{ext}" for sid, _ in manifest for ext in parts} | {"vocab.json", "vocab.order.npy"}


def test_lost_search_index_is_rebuilt(db_path):
    import shutil as sh

    Reader.open(db_path)
    sh.rmtree(db_path / "search")
    data = json.loads((db_path / "index.json").read_text())
    data["meta"]["1"].pop("search")
    (db_path / "index.json").write_text(json.dumps(data))
    assert Store(db_path).search_index().search("tangerine")[0].where == "comment #6"


def test_list_head_cache_is_used_only_while_the_index_is_unchanged(db_path, tmp_path):
    store = Reader.open(db_path).store
    rows = store.entries()[:3]
    store.write_head(rows, "votes", False)
    assert [r.key for r in Store(db_path).read_head("votes", False)] == [r.key for r in rows]
    assert Store(db_path).read_head("title", False) is None  # another sort: not this head
    page = tmp_path / "new.txt"
    page.write_text("A newer story\nbody", encoding="utf-8")
    import_paths(store, [page])
    assert Store(db_path).read_head("votes", False) is None  # the index changed: stale
    (db_path / "head.json").write_bytes(b"{broken")
    assert Store(db_path).read_head("votes", False) is None


def test_long_lived_load_keeps_the_collector_off_until_the_outer_load_ends():
    import gc

    from reader.heap import long_lived_load

    assert gc.isenabled()
    gc.unfreeze()  # objects frozen by earlier tests may be freed meanwhile: count from zero
    before = gc.get_freeze_count()
    with long_lived_load():
        assert not gc.isenabled()
        with long_lived_load():  # e.g. the search index loading while the list loads
            kept = [{"story": i} for i in range(1000)]
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(kept)
    gc.unfreeze()


def test_start_up_keeps_the_collector_off_until_started_up_and_a_load_in_between_ends():
    import gc

    from reader.heap import long_lived_load, start_up, started_up

    assert gc.isenabled()
    started_up()  # without start_up: nothing to end
    assert gc.isenabled()
    start_up()
    start_up()  # a second call (reader.launch, then the app) is one window
    assert not gc.isenabled()
    with long_lived_load():  # the archive's load begins before the first paint ends start-up
        started_up()
        assert not gc.isenabled()
    assert gc.isenabled()
    started_up()  # twice: still on, the depth never goes below zero
    with long_lived_load():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.unfreeze()


def _rows(entries):
    return [e.to_cache() for e in entries]


def test_index_columns_give_the_same_list_as_the_index(db_path, tmp_path):
    store = Reader.open(db_path).store
    entries = store.entries()
    keys = [e.key for e in entries]
    store.set_bookmark(keys[0], True)
    store.set_read(keys[1], True)
    Reader(store).delete([entries[2]])
    columns = db_path / "index.columns"
    assert columns.exists()
    from_columns = Store(db_path).entries()
    assert len(from_columns) == 4 and keys[2] not in {e.key for e in from_columns}
    via_index = Store(db_path)
    assert via_index.index is not None  # the index in memory: entries come from its records
    assert _rows(from_columns) == _rows(via_index.entries())
    assert Store(db_path).meta() == via_index.meta()
    by_key = {e.key: e for e in from_columns}
    assert by_key[keys[0]].bookmarked and by_key[keys[0]].bookmarked_at
    from reader.listing import LIST_SORTS, sort_entries

    views = Reader(Store(db_path)).list_views()  # the title order kept in the columns
    assert views.get("title") is not None and len(views.get("title")) == 4
    for by in LIST_SORTS:
        assert [e.key for e in views.get(by)] == [e.key for e in sort_entries(from_columns, by)]
    assert by_key[keys[1]].read and not by_key[keys[1]].bookmarked


def test_list_rows_made_in_c_are_the_rows_the_dataclass_makes(db_path, monkeypatch):
    """The list's rows made by `_native.instances` (slots set without calling the class) have
    every field the dataclass's own __init__ gives them, with and without the user's marks; the
    C function refuses what it cannot fill, and nothing is made half."""
    import dataclasses

    from reader import _native
    from reader.models import StoryEntry
    from reader.store import archive

    store = Reader.open(db_path).store
    store.set_bookmark(store.entries()[0].key, True)
    made: list[int] = []
    real = archive._instances

    def counted(*args):
        made.append(args[-1])
        return real(*args)

    monkeypatch.setattr(archive, "_instances", counted)
    assert (db_path / "index.columns").exists()
    in_c = Store(db_path).entries()
    assert made == [5]  # (the rows came from the columns, made in C)
    monkeypatch.setattr(archive, "NATIVE_ROWS", False)
    in_python = Store(db_path).entries()
    assert len(in_c) == 5 and [type(e) for e in in_c] == [StoryEntry] * 5
    assert [dataclasses.astuple(e) for e in in_c] == [dataclasses.astuple(e) for e in in_python]
    assert in_c[0].bookmarked and in_c[0].title_key is None and in_c[0].seen == 1
    names = tuple(f.name for f in dataclasses.fields(StoryEntry))
    consts = tuple(f.default for f in dataclasses.fields(StoryEntry))
    with pytest.raises(ValueError):  # a slot left out
        _native.instances(StoryEntry, names[:-1], (None,) * (len(names) - 1), consts[:-1], 3)
    with pytest.raises(ValueError):  # a column of the wrong length
        _native.instances(StoryEntry, names, ([1, 2],) + (None,) * (len(names) - 1), consts, 3)
    with pytest.raises(TypeError):  # a class with a __dict__
        _native.instances(type("D", (), {}), (), (), (), 1)
    with pytest.raises(TypeError):  # a built-in type, or a class over one (C state this would not make)
        _native.instances(str, (), (), (), 1)
    with pytest.raises(TypeError):
        _native.instances(type("S", (str,), {"__slots__": ()}), (), (), (), 1)
    rows = _native.instances(StoryEntry, names, ([7, 8],) + (None,) * (len(names) - 1), consts, 2)
    assert [r.id for r in rows] == [7, 8] and rows[1].title == consts[names.index("title")]


def test_index_columns_packed_in_c_are_the_bytes_packed_in_python(db_path, monkeypatch):
    """The C columns (each record read once; coded values numbered in C) are byte for byte the
    Python ones, for records of this version, with a history, and older ones lacking fields."""
    import orjson

    from reader.store import columns

    if not columns.NATIVE:
        pytest.skip("built without the C part")
    Reader.open(db_path)
    data = orjson.loads((db_path / "index.json").read_bytes())
    recs = data["articles"]
    first, second = list(recs)[:2]
    recs[first]["hist"] = [["2026-01-01T00:00:00+00:00", 3, 1, 2]]
    for name in ("src", "url", "stated", "imported", "layout"):  # an older record: the defaults stand in
        del recs[second][name]
    in_c = columns.pack(data, (1, 2), [1, 2, 3, 4])
    monkeypatch.setattr(columns, "NATIVE", False)
    assert columns.pack(data, (1, 2), [1, 2, 3, 4]) == in_c
    _ids, cols = columns.unpack(in_c)
    assert cols.cols["layout"][1] == columns.DEFAULTS["layout"] and cols.cols["hist"][0] == recs[first]["hist"]


def _split(raw):
    from reader.store.columns import MAGIC

    at = len(MAGIC)
    size = int.from_bytes(raw[at:at + 8], "little")
    return json.loads(raw[at + 8:at + 8 + size]), raw[at + 8 + size:]


def _join(header, body):
    from reader.store.columns import MAGIC

    h = json.dumps(header).encode()
    return MAGIC + len(h).to_bytes(8, "little") + h + body


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong-type", "short-column", "bad-code", "bad-order",
                                    "bad-history", "behind"])
def test_damaged_or_stale_index_columns_are_ignored(db_path, tmp_path, damage):
    store = Reader.open(db_path).store
    expected = _rows(store.entries())
    columns = db_path / "index.columns"
    raw = columns.read_bytes()
    header, body = _split(raw)
    if damage == "garbage":
        columns.write_bytes(b"\x00garbage")
    elif damage == "truncated":
        columns.write_bytes(raw[:-10])
    elif damage == "wrong-type":  # outlets that are numbers
        header["coded"]["source"] = [5] * len(header["coded"]["source"])
        columns.write_bytes(_join(header, body))
    elif damage == "short-column":  # one story more than each column holds
        header["n"] += 1
        columns.write_bytes(_join(header, body))
    elif damage == "bad-code":  # numbers past the outlets' list
        header["coded"]["source"] = []
        columns.write_bytes(_join(header, body))
    elif damage == "bad-order":  # not each story once
        at = next(s[2] for s in header["sections"] if s[0] == "title_order")
        columns.write_bytes(_join(header, body[:at] + body[at + 8:at + 16] + body[at + 8:]))
    elif damage == "bad-history":  # a history for a story past the end
        header["hist"] = {"-1": [[1, 2, 3, 4]]}
        columns.write_bytes(_join(header, body))
    else:  # the index written since (by a reader without columns): its own records count
        data = json.loads((db_path / "index.json").read_text())
        first = next(iter(data["articles"].values()))
        first["title"] = "Changed by hand"
        (db_path / "index.json").write_text(json.dumps(data))
        expected = [{**r, "title": "Changed by hand"} if r["key"] == first["key"] else r for r in expected]
    assert _rows(Store(db_path).entries()) == expected
    from reader.listing import sort_entries

    by_title = Reader(Store(db_path)).list_views().get("title")
    assert _rows(by_title) == _rows(sort_entries(Store(db_path).entries(), "title"))


def test_index_columns_follow_every_index_write(db_path, tmp_path):
    from reader.store.columns import read_columns

    store = Reader.open(db_path).store
    page = tmp_path / "new.txt"
    page.write_text("A newer story\n\nIts body, long enough to be a story of its own.", encoding="utf-8")
    import_paths(store, [page])
    got = read_columns(db_path / "index.json")
    assert got is not None and len(got.ids) == 6 and "A newer story" in got.cols["title"]
    Reader(Store(db_path)).doctor(rebuild=True)
    got = read_columns(db_path / "index.json")
    assert got is not None and len(got.ids) == 6


def test_page_files_are_gzipped_json_and_plain_ones_still_read(db_path):
    store = Reader.open(db_path).store
    expected = {e.key: store.article(e).to_dict() for e in store.entries()}
    pages = sorted((db_path / "pages").glob("*.json"))
    assert pages and all(p.read_bytes()[:2] == b"\x1f\x8b" for p in pages)
    for page in pages:  # as an older version wrote them: plain JSON
        page.write_bytes(gzip.decompress(page.read_bytes()))
    again = Store(db_path)
    assert {e.key: again.article(e).to_dict() for e in again.entries()} == expected
    assert Reader(again).doctor().ok


def test_a_batched_import_writes_the_index_columns_once_at_the_end(db_path, monkeypatch):
    import reader.importer.pipeline as pipeline
    import reader.store.archive as archive
    from reader.store.columns import read_columns

    calls = []
    real = archive.write_columns
    monkeypatch.setattr(archive, "write_columns", lambda *a: (calls.append(1), real(*a)))
    monkeypatch.setattr(pipeline, "BATCH", 2)
    import_paths(Store(db_path), [SEEDS])  # three commits: 2 + 2 + 1 pages
    assert len(calls) == 1
    got = read_columns(db_path / "index.json")
    assert got is not None and len(got.ids) == 5
    Reader(Store(db_path)).set_bookmark(Store(db_path).entries()[0], True)  # user.json only
    assert read_columns(db_path / "index.json") is not None


def test_an_import_reads_the_index_again_only_when_another_process_has_written_it(db_path, monkeypatch):
    """Each batch of an import works from the index as last read or written, unless another
    process has replaced it since (then it is read again, and nothing that process stored is lost)."""
    import reader.store.files as st

    reads: list[str] = []
    real = st.AtomicJSONStorage._load
    monkeypatch.setattr(st.AtomicJSONStorage, "_load", lambda self: (reads.append(self.path.name), real(self))[1])
    pages = sorted(SEEDS.glob("*.txt"))
    a, b = Store(db_path), Store(db_path)
    import_paths(a, [pages[0]])
    before = reads.count("index.json")
    import_paths(a, [pages[1]])
    assert reads.count("index.json") == before  # its own write: nothing to read again
    import_paths(b, [pages[2]])  # another process
    before = reads.count("index.json")
    import_paths(a, [pages[3]])
    assert reads.count("index.json") == before + 1  # read again under the lock, then written
    for store in (a, Store(db_path)):
        assert len(store.entries()) == 4


def test_index_columns_behind_the_index_are_written_again_once_it_has_been_listed(db_path):
    """A database copied without its files' times (or a crash between the index and its columns)
    lists from the index itself once, then writes the columns for the next start."""
    import os

    from reader.store.columns import read_columns

    Reader.open(db_path)
    index = db_path / "index.json"
    st = index.stat()
    os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert read_columns(index) is None
    reader = Reader.open(db_path)
    from_index = [e.to_json() for e in reader.list_views().entries]
    assert reader.refresh_list_cache() is True
    assert read_columns(index) is not None
    again = Reader.open(db_path)
    assert [e.to_json() for e in again.list_views().entries] == from_index
    assert again.refresh_list_cache() is False  # current: nothing to write


def test_changed_pages_merged_where_parsed_are_stored_as_the_importing_process_merges_them(tmp_path, monkeypatch):
    """Changed pages of stored stories are merged with their histories where they are parsed
    (the parsing workers read the page files); without that, in the importing process, or in
    processes spawned for a big batch. Each way stores the same stories: ids, words, votes."""
    import reader.importer.pipeline as pipeline
    import reader.store.archive as archive
    from benchmarks.corpus import generate
    from benchmarks.run import changed_pages

    generate(tmp_path / "then", 14, seed=3)
    changed = changed_pages(tmp_path / "then", tmp_path / "now", share=1.0)  # all but the first
    monkeypatch.setattr(archive, "SEGMENT_CAP", 3)  # stories spread over five page files
    monkeypatch.setattr(archive.os, "cpu_count", lambda: 2)  # (on a one-core machine too)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)  # the parsing workers, for 14 pages
    here = []  # merges done in the importing process
    real = archive._merge_file_docs
    monkeypatch.setattr(archive, "_merge_file_docs", lambda *a: (here.append(1), real(*a))[1])
    real_snapshot = pipeline._snapshot
    got = {}
    for name, where_parsed, threshold in (("where parsed", True, 10**9), ("spawned", False, 1), ("here", False, 10**9)):
        db = tmp_path / name
        import_paths(Store(db), [tmp_path / "then"], workers=2)
        monkeypatch.setattr(archive, "PARALLEL_MERGES", threshold)
        monkeypatch.setattr(pipeline, "_snapshot", real_snapshot if where_parsed else (lambda s: (real_snapshot(s)[0], None)))
        here.clear()
        results = import_paths(Store(db), [tmp_path / "now"], workers=2)
        assert sum(r.status == "updated" for r in results) >= changed - 4  # (pages without comments are the same)
        assert bool(here) == (name == "here")  # (where parsed: nothing was left to merge here, where it is seen)
        store = Store(db)
        got[name] = {e.key: [(c.id, c.text, c.removed, c.vh, c.edits, c.score, c.parent)
                             for c in store.article(e).comments] for e in store.entries()}
        assert len({e.seg for e in store.entries()}) >= 5
        assert store.search_index().search("later comment number") != []  # the merged stories' words are found
    assert got["where parsed"] == got["here"] == got["spawned"]
    assert sum(len(v) for v in got["here"].values()) > 14 * 3
    assert any(c[3] for v in got["here"].values() for c in v)  # vote histories were merged


def test_an_import_says_each_page_is_parsed_before_its_batch_is_stored(db_path, monkeypatch):
    """A progress bar moves as pages are parsed: a big archive's batches are stored seconds apart."""
    import reader.importer.pipeline as pipeline

    monkeypatch.setattr(pipeline, "BATCH", 3)
    events: list[str] = []
    results = import_paths(Store(db_path), [SEEDS], on_parsed=lambda: events.append("parsed"),
                           on_result=lambda r: events.append(r.status))
    assert [r.status for r in results] == ["new"] * 5
    assert events == ["parsed"] * 3 + ["new"] * 3 + ["parsed"] * 2 + ["new"] * 2


def _count_parses(monkeypatch) -> list[str]:
    """The names of the pages the importer parses from here on."""
    import reader.importer.pipeline as pipeline

    parsed: list[str] = []
    real = pipeline.parse_bytes
    monkeypatch.setattr(pipeline, "parse_bytes", lambda data, name, **kw: (parsed.append(name), real(data, name, **kw))[1])
    return parsed


def test_unchanged_page_files_are_not_parsed_again(db_path, tmp_path, monkeypatch):
    """Re-importing a folder where one page changed parses that page only: the others are the
    byte-identical sources of stored stories (their digest is in the index). --force parses all."""
    store = Store(db_path)
    assert [r.status for r in import_paths(store, [SEEDS])] == ["new"] * 5
    assert all(len(rec["src"]) == 20 for rec in store.raw_records().values())
    first = {rec["file"]: rec["src"] for rec in store.raw_records().values()}
    parsed = _count_parses(monkeypatch)
    before = (db_path / "index.json").read_bytes()
    results = import_paths(Store(db_path), [SEEDS])
    assert sorted(r.status for r in results) == ["unchanged"] * 5 and parsed == []
    assert (db_path / "index.json").read_bytes() == before
    assert {r.key for r in results} == {rec["key"] for rec in store.raw_records().values()}

    folder = tmp_path / "later"
    shutil.copytree(SEEDS, folder)
    page = folder / "000_96de06f45ee66ae5.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("0 ( +0 / -0 )", "3 ( +5 / -2 )", 1), encoding="utf-8")
    results = import_paths(Store(db_path), [folder])
    assert parsed == ["000_96de06f45ee66ae5.txt"]
    assert [r.status for r in results] == ["updated"] + ["unchanged"] * 4  # (in the folder's order)
    assert [r.name for r in results] == sorted(map(str, folder.glob("*.txt")))
    srcs = {rec["file"]: rec["src"] for rec in Store(db_path).raw_records().values()}
    assert [f for f in srcs if srcs[f] != first[f]] == ["000_96de06f45ee66ae5.txt"]  # its new source
    assert import_paths(Store(db_path), [page])[0].status == "unchanged" and len(parsed) == 1

    parsed.clear()
    assert sorted(r.status for r in import_paths(Store(db_path), [folder], force=True)) == ["unchanged"] * 5
    assert len(parsed) == 5


def test_a_deleted_storys_unchanged_page_brings_it_back_unparsed(db_path, monkeypatch):
    import_paths(Store(db_path), [SEEDS])
    reader = Reader.open(db_path)
    gone = reader.store.entries()[0]
    reader.delete([gone])
    assert len(Store(db_path).entries()) == 4
    parsed = _count_parses(monkeypatch)
    results = import_paths(Store(db_path), [SEEDS])
    assert parsed == [] and len(Store(db_path).entries()) == 5
    assert [(r.key, r.detail) for r in results if r.status == "restored"] == [(gone.key, "it had been deleted")]


def test_a_page_whose_story_changed_since_the_import_began_is_parsed_after_all(db_path, monkeypatch):
    """The workers are told the stored sources when the import begins; a story stored from
    another source since then (another process) is not reported unchanged on an old digest."""
    import reader.importer.pipeline as pipeline

    store = Store(db_path)
    import_paths(store, [SEEDS])
    keys = sorted(rec["key"] for rec in store.raw_records().values())
    # every page's digest, but each said to be the source of another story: all stale
    stale = {rec["src"]: keys[(keys.index(rec["key"]) + 1) % 5] for rec in store.raw_records().values()}
    real = Store.import_snapshot
    monkeypatch.setattr(Store, "import_snapshot", lambda self: (stale, *real(self)[1:]))
    parsed = _count_parses(monkeypatch)
    for every in (20000, 1):  # reported at the end, or one by one while the pages are still being read
        monkeypatch.setattr(pipeline, "KNOWN_BATCH", every)
        parsed.clear()
        results = import_paths(Store(db_path), [SEEDS], workers=1)
        assert len(parsed) == 5
        assert sorted(r.status for r in results) == ["unchanged"] * 5 and sorted(r.key for r in results) == keys


def test_stories_stored_before_source_digests_get_theirs_on_the_next_import(db_path, monkeypatch):
    """An archive from before: its records have no digest. The next import of the same pages
    parses them, finds them unchanged and notes their digests; the one after parses none."""
    store = Store(db_path)
    import_paths(store, [SEEDS])
    index = json.loads((db_path / "index.json").read_text())
    for rec in index["articles"].values():
        del rec["src"]
    (db_path / "index.json").write_text(json.dumps(index))
    parsed = _count_parses(monkeypatch)
    assert sorted(r.status for r in import_paths(Store(db_path), [SEEDS])) == ["unchanged"] * 5
    assert len(parsed) == 5
    assert all(rec.get("src") for rec in Store(db_path).raw_records().values())
    parsed.clear()
    assert sorted(r.status for r in import_paths(Store(db_path), [SEEDS])) == ["unchanged"] * 5
    assert parsed == []
    assert set(Store(db_path).import_snapshot()[0]) == {rec["src"] for rec in Store(db_path).raw_records().values()}
    assert all(e.src is None for e in Store(db_path).entries())  # (the list does not read them)


def test_the_import_snapshot_from_the_columns_is_the_one_from_the_index(db_path):
    """What the workers are given (stories by source digest; where each is stored; stories by
    page file name) read from the six columns it needs is what the JSON index says; without
    columns, the index is read."""
    import_paths(Store(db_path), [SEEDS])
    from_columns = Store(db_path).import_snapshot()
    recs = Store(db_path).raw_records().values()
    assert from_columns == ({r["src"]: r["key"] for r in recs},
                            {r["key"]: (r["seg"], r["hash"], r["imported"]) for r in recs},
                            {r["file"]: r["key"] for r in recs})
    assert len(from_columns[2]) == 5
    (db_path / "index.columns").unlink()
    assert Store(db_path).import_snapshot() == from_columns


def test_pages_found_unchanged_unparsed_are_reported_as_they_add_up(db_path, monkeypatch):
    """A big folder gone over again reports its unchanged pages every KNOWN_BATCH of them
    (no index write), not only at the end."""
    import reader.importer.pipeline as pipeline

    import_paths(Store(db_path), [SEEDS])
    monkeypatch.setattr(pipeline, "KNOWN_BATCH", 2)
    events: list[str] = []
    results = import_paths(Store(db_path), [SEEDS], on_parsed=lambda: events.append("parsed"),
                           on_result=lambda r: events.append(r.status))
    assert [r.status for r in results] == ["unchanged"] * 5
    assert events == ["parsed", "parsed", "unchanged", "unchanged"] * 2 + ["parsed", "unchanged"]


def test_parsing_workers_are_given_the_stored_sources(tmp_path):
    """On every core: each worker process gets the stored digests when its pool starts."""
    from reader.importer.pipeline import parse_many, source_digest

    files = [tmp_path / f"p{i}.txt" for i in range(4)]
    for i, f in enumerate(files):
        f.write_bytes((SEEDS / "000_96de06f45ee66ae5.txt").read_bytes() + f"\n\nEdited {i}.\n".encode())
    known = {source_digest(files[1].read_bytes()): "k1", source_digest(files[3].read_bytes()): "k3"}
    got = list(parse_many(files, workers=2, known=known))
    assert [g.known[1] if g.known else None for g in got] == [None, "k1", None, "k3"]
    assert got[0].prepared is not None and got[0].prepared.record["src"] == source_digest(files[0].read_bytes())


def test_an_older_database_is_migrated_to_source_digests(db_path):
    """Schema 2 had no `src`: it is added (None) to every record, with a backup of the index."""
    from reader.store.migrations import SCHEMA_VERSION

    import_paths(Store(db_path), [SEEDS])
    index = json.loads((db_path / "index.json").read_text())
    for rec in index["articles"].values():
        del rec["src"]
    index["meta"]["1"]["schema"] = 2
    (db_path / "index.json").write_text(json.dumps(index))
    store = Store(db_path)
    assert len(store.entries()) == 5 and all(e.src is None for e in store.entries())
    after = json.loads((db_path / "index.json").read_text())
    assert after["meta"]["1"]["schema"] == SCHEMA_VERSION == 3
    assert all(rec["src"] is None for rec in after["articles"].values())
    assert (db_path / "index.json.schema2.bak").exists()


def _two_looks(tmp_path, second_seed):
    """A folder of two later looks at one seed story (`1.txt`, `2.txt`): the second a look made
    with `second_seed`, or (None) the seed page itself."""
    from benchmarks.run import changed_pages

    changed_pages(SEEDS, tmp_path / "a", share=1.0, seed=1)
    if second_seed is not None:
        changed_pages(SEEDS, tmp_path / "b", share=1.0, seed=second_seed)
    name = next(n for n in sorted(p.name for p in (tmp_path / "a").glob("*.txt"))
                if (tmp_path / "a" / n).read_bytes() != (SEEDS / n).read_bytes())
    both = tmp_path / "both"
    both.mkdir()
    shutil.copy(tmp_path / "a" / name, both / "1.txt")
    shutil.copy((tmp_path / "b" if second_seed is not None else SEEDS) / name, both / "2.txt")
    return both


def _import_both_ways(tmp_path, both):
    """The seeds, then the two looks in one import (into `one`), and one import each (`two`)."""
    import_paths(Store(tmp_path / "one"), [SEEDS])
    results = import_paths(Store(tmp_path / "one"), [both])
    assert [r.status for r in results] == ["updated", "updated"]
    import_paths(Store(tmp_path / "two"), [SEEDS])
    for page in (both / "1.txt", both / "2.txt"):
        import_paths(Store(tmp_path / "two"), [page])


@pytest.mark.parametrize("batch", [1, 2000], ids=["a batch a page", "one batch"])
def test_a_story_changed_twice_in_one_import_keeps_both_changes(tmp_path, monkeypatch, batch):
    """Two later pages of one story in one import: each was merged where it was parsed with the
    copy stored when the import began, so the second is merged again here with the first's
    result (in one batch, the batch is stored before the second is added to the next). The
    story ends as two imports, one page each, leave it."""
    import reader.importer.pipeline as pipeline

    both = _two_looks(tmp_path, second_seed=2)
    monkeypatch.setattr(pipeline, "BATCH", batch)

    def story(db):
        store = Store(db)
        art = next(store.article(e) for e in store.entries() if e.versions == 3)
        return len(art.versions), [(c.id, c.text, c.removed, c.vh, c.score, c.parent) for c in art.comments]

    _import_both_ways(tmp_path, both)
    got = story(tmp_path / "one")
    assert got == story(tmp_path / "two")
    assert any(len(c[3] or []) >= 2 for c in got[1])  # votes seen three times: two moves kept


@pytest.mark.parametrize("batch", [1, 2000], ids=["a batch a page", "one batch"])
def test_a_merge_made_where_parsed_is_not_taken_when_the_story_came_back_to_that_copy(tmp_path, monkeypatch, batch):
    """The stored copy a worker merged with came back during the import: the story was changed
    (a later page) and then its first page imported again, so its hash is the one the worker saw
    but it has more history. The worker's result would lose that history: it is merged again."""
    import reader.importer.pipeline as pipeline
    from benchmarks.corpus import generate
    from benchmarks.run import changed_pages

    generate(tmp_path / "v0", 6, seed=3)
    (tmp_path / "v0" / "truth.json").unlink()
    changed_pages(tmp_path / "v0", tmp_path / "v1", share=1.0, seed=1)
    changed_pages(tmp_path / "v0", tmp_path / "v2", share=1.0, seed=2)
    x = "page000001.txt"
    assert (tmp_path / "v1" / x).read_bytes() != (tmp_path / "v0" / x).read_bytes()
    folder = tmp_path / "in"
    folder.mkdir()
    for n, (v, page) in enumerate([("v1", x), ("v0", x), ("v1", "page000002.txt"), ("v2", x)]):
        shutil.copy(tmp_path / v / page, folder / f"{'abcd'[n]}.txt")
    monkeypatch.setattr(pipeline, "BATCH", batch)

    def story(db):
        store = Store(db)
        art = next(store.article(e) for e in store.entries() if e.versions > 1 and e.key == key)
        return len(art.versions), sorted((c.id, c.removed, c.first) for c in art.comments)

    import_paths(Store(tmp_path / "one"), [tmp_path / "v0"])
    key = next(e.key for e in Store(tmp_path / "one").entries() if e.file == x)
    import_paths(Store(tmp_path / "one"), [folder])
    import_paths(Store(tmp_path / "seq"), [tmp_path / "v0"])
    for f in sorted(folder.glob("*.txt")):
        import_paths(Store(tmp_path / "seq"), [f])
    assert story(tmp_path / "one") == story(tmp_path / "seq")
    assert story(tmp_path / "one")[0] == 4


def test_the_pages_waiting_are_stored_when_a_quarter_of_a_batch_is_left_to_parse(tmp_path, monkeypatch):
    """The last batch is stored after the last page is parsed (one core busy): when the pages
    still to parse are a quarter of a batch, those waiting are stored first, so the last batch
    is small; every page is stored once, in order, and an import with never half a batch
    waiting is stored in one batch."""
    import reader.importer.pipeline as pipeline
    from benchmarks.corpus import generate
    from reader.store import archive

    generate(tmp_path / "v0", 24, seed=5)
    (tmp_path / "v0" / "truth.json").unlink()
    batches = []
    real = archive.Store.import_stories
    monkeypatch.setattr(archive.Store, "import_stories",
                        lambda self, stories: (batches.append([n for n, _ in stories]), real(self, stories))[1])
    monkeypatch.setattr(pipeline, "BATCH", 8)
    results = import_paths(Store(tmp_path / "db"), [tmp_path / "v0"])
    names = sorted(str(p) for p in (tmp_path / "v0").glob("*.txt"))
    assert [n for b in batches for n in b] == names and all(r.status == "new" for r in results)
    assert [len(b) for b in batches] == [8, 8, 6, 2]  # 2 = 8 // 4 pages left: the 6 waiting went first
    batches.clear()
    monkeypatch.setattr(pipeline, "BATCH", 40)
    import_paths(Store(tmp_path / "db2"), [tmp_path / "v0"])
    assert [len(b) for b in batches] == [20, 4]  # half a batch waited once a quarter was left
    batches.clear()
    monkeypatch.setattr(pipeline, "BATCH", 100)
    import_paths(Store(tmp_path / "db3"), [tmp_path / "v0"])
    assert [len(b) for b in batches] == [24]  # never half a batch waiting: not cut


def test_a_damaged_stored_copy_stops_a_re_import_with_one_line_naming_it(tmp_path):
    """A stored story whose document parses but is not a story (its comments broken): the
    changed page's import says which story is damaged and how to repair it; no traceback."""
    import gzip

    from click.testing import CliRunner

    from benchmarks.corpus import generate
    from benchmarks.run import changed_pages
    from reader.cli import cli as main

    generate(tmp_path / "v0", 6, seed=3)
    (tmp_path / "v0" / "truth.json").unlink()
    changed_pages(tmp_path / "v0", tmp_path / "v1", share=1.0, seed=1)
    db = tmp_path / "db"
    assert CliRunner().invoke(main, ["--db", str(db), "import", str(tmp_path / "v0")]).exit_code == 0
    for f in (db / "pages").glob("*.json"):
        t = json.loads(gzip.decompress(f.read_bytes()))
        for d in t["articles"].values():
            if d.get("comments"):
                d["comments"] = [{"oops": 1}]  # (key and hash kept: it is cut out of the file as it is)
        f.write_bytes(gzip.compress(json.dumps(t, separators=(",", ":")).encode()))
    got = CliRunner().invoke(main, ["--db", str(db), "import", str(tmp_path / "v1")])
    assert got.exit_code != 0 and (got.exception is None or isinstance(got.exception, SystemExit))
    assert "is damaged in its page file" in got.output and "doctor --rebuild" in got.output
    assert "Traceback" not in got.output and "could not be read" not in got.output
    assert sum("is damaged" in line for line in got.output.splitlines()) == 1


def test_stored_copies_read_a_page_file_again_when_it_grew_since_it_was_kept(tmp_path):
    """A parsing worker keeps the last page files it read unpacked; a story stored there since
    (a batch of the same import) is found by reading the file again."""
    from reader.parsing import parse_text
    from reader.store.archive import StoredCopies

    pages = sorted(SEEDS.glob("*.txt"))
    store = Store(tmp_path / "db")
    import_paths(store, pages[:2])
    copies = StoredCopies(store.path, store.import_snapshot()[1])
    first = parse_text(pages[0].read_text(encoding="utf-8"), pages[0].name)
    assert copies.merge(first.key, first, "not its hash") is not None  # (its page file now kept)
    import_paths(store, pages[2:3])  # appended to the same page file
    third = parse_text(pages[2].read_text(encoding="utf-8"), pages[2].name)
    copies.refs = store.import_snapshot()[1]
    assert store.entries()[0].seg == next(e.seg for e in store.entries() if e.key == third.key)
    _body, record, merged, base, same_text = copies.merge(third.key, third, "not its hash")
    assert same_text  # the same page: its title and article text are the stored story's
    assert base == next(e.hash for e in store.entries() if e.key == third.key)
    assert record["key"] == third.key and merged.versions and len(merged.versions) == 2
    assert copies.merge("no such story", third, "x") is None
    assert copies.merge(third.key, third, base) is None  # unchanged: nothing to merge


def test_a_page_found_unchanged_after_a_changed_page_of_its_story_is_stored_after_it(tmp_path):
    """A later look at a story, then the page it was first made from (found unchanged by its
    digest, not parsed), in one batch: the story went back to the first page's words, as two
    imports of one page each leave it."""
    both = _two_looks(tmp_path, second_seed=None)
    _import_both_ways(tmp_path, both)

    def story(db):
        store = Store(db)
        e = next(e for e in store.entries() if e.versions > 1)
        return e.versions, [(c.id, c.score, c.vh, c.removed) for c in store.article(e).comments]

    assert story(tmp_path / "one") == story(tmp_path / "two")
    assert story(tmp_path / "one")[0] == 3


def test_two_pages_of_one_story_with_different_keys_in_one_batch_are_both_merged(tmp_path):
    """The second look at a stored story has another date line (another key): it is the same
    story by its title, and it is merged with the first look's result, not instead of it."""
    name = "001_9f18f2c2c6becd2c.txt"
    text = (SEEDS / name).read_text(encoding="utf-8")
    line = "Prime Minister Shigeru Ishiba is making arrangements"
    assert line in text and "December 31, 2024" in text
    both = tmp_path / "both"
    both.mkdir()
    (both / "1.txt").write_text(text.replace(line, "FIRST CHANGE. " + line, 1), encoding="utf-8")
    (both / "2.txt").write_text(text.replace(line, "SECOND CHANGE. " + line, 1)
                                .replace("December 31, 2024", "December 30, 2024", 1), encoding="utf-8")
    store = Store(tmp_path / "db")
    import_paths(store, [SEEDS])
    results = import_paths(store, [both])
    assert [r.status for r in results] == ["updated", "updated"]
    assert len({r.key for r in results}) == 1
    e = next(e for e in Store(tmp_path / "db").entries() if e.key == results[0].key)
    assert e.versions == 3


def test_a_folder_of_several_looks_at_each_story_is_not_a_transaction_a_page(tmp_path, monkeypatch):
    """Pages saved one story after another (each story's looks together): a later look waits for
    the next batch instead of storing the batch at once (each commit rewrites the whole index)."""
    from benchmarks.run import changed_pages

    changed_pages(SEEDS, tmp_path / "a", share=1.0, seed=1)
    folder = tmp_path / "looks"
    folder.mkdir()
    later = sorted((tmp_path / "a").glob("*.txt"))
    for n, page in enumerate(later):
        shutil.copy(SEEDS / page.name, folder / f"{n}_1.txt")
        shutil.copy(page, folder / f"{n}_2.txt")
    calls = []
    real = Store.import_stories
    monkeypatch.setattr(Store, "import_stories", lambda self, stories: (calls.append(len(stories)), real(self, stories))[1])
    results = import_paths(Store(tmp_path / "db"), [folder])
    assert [r.status for r in results].count("new") == len(later) == 4
    assert calls == [4, 4]  # the first looks, then the later ones (merged with them)


def test_index_shape_is_checked_only_when_no_columns_vouch_for_it(db_path, monkeypatch):
    """Its columns (stamped with the index's mtime and size) say the index is one this program
    wrote: its shape is not checked again. Edited since (a new stamp), it is, and damage shows."""
    from reader.store import files

    Reader.open(db_path)  # the seeds stored: the index and its columns written
    checked: list[int] = []
    real = files.shape_problem
    monkeypatch.setattr(files, "shape_problem", lambda data, shape: checked.append(1) or real(data, shape))
    assert Store(db_path).raw_records() and not checked
    index = db_path / "index.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    del next(iter(data["articles"].values()))["title"]
    index.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StoreError, match=r"wrong shape.*'title'"):
        Store(db_path).raw_records()
    assert checked


def test_an_index_edited_in_place_with_its_times_put_back_is_checked(db_path, monkeypatch):
    """Same size, mtime restored: its ctime still moved, so the columns vouch for it no more."""
    import os

    from reader.store import files

    Reader.open(db_path)
    index = db_path / "index.json"
    st = index.stat()
    raw = index.read_bytes()
    at = raw.index(b'"title":"') + len(b'"title":"')
    with index.open("r+b") as fh:  # in place: the same inode
        fh.seek(at)
        fh.write(b"X")
    os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (index.stat().st_mtime_ns, index.stat().st_size, index.stat().st_ino) == (st.st_mtime_ns, st.st_size, st.st_ino)
    checked: list[int] = []
    real = files.shape_problem
    monkeypatch.setattr(files, "shape_problem", lambda data, shape: checked.append(1) or real(data, shape))
    Store(db_path).raw_records()
    assert checked


@pytest.mark.parametrize("layout", ["one-member", "plain"])
def test_page_files_written_before_read_the_same_stories(db_path, layout):
    """Page files an older version wrote (one gzip member, or plain JSON) open every story as
    the member layout does."""
    from isal import igzip

    store = Reader.open(db_path).store
    entries = store.entries()
    before = {e.key: store.article(e) for e in entries}
    files = list((db_path / "pages").glob("*.json"))
    for f in files:
        unpacked = igzip.decompress(f.read_bytes())
        assert f.read_bytes().count(b"\x1f\x8b\x08\x04") >= 1  # written in members now
        f.write_bytes(igzip.compress(unpacked, compresslevel=1) if layout == "one-member" else unpacked)
    again = Store(db_path)
    assert {e.key: again.article(e) for e in again.entries()} == before


def test_the_snapshot_maps_from_the_columns_skip_missing_names_and_make_refs_when_asked():
    from reader.store.archive import StoredRefs, _given

    keys = ["a", "b", "c", "d"]
    assert _given(["x", None, "", "x"], keys) == {"x": "d"}  # (the last story of a name wins, as the index's order)
    refs = StoredRefs(keys, [1, 1, 2, 3], ["ha", "hb", "hc", "hd"], ["t1", None, "t3", "t4"])
    assert len(refs) == 4 and list(refs) == keys
    assert refs["b"] == (1, "hb", None) and refs.get("c") == (2, "hc", "t3") and refs.get("z") is None
    assert refs == {k: refs[k] for k in keys} and "d" in refs and "z" not in refs

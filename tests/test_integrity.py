"""Storage integrity: every kind of damage to every kind of file is found, reported truthfully
(one line, no traceback, the bad bytes kept), and repaired by what the message says to run, with
every story, bookmark and read mark back. Odd paths and odd inputs are refused with a reason."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.store import Store
from reader.usecases import Reader

from conftest import SEEDS

COMMANDS = [["list"], ["show", "3"], ["search", "trump"], ["bookmarks"], ["import", "NEWPAGE"], ["doctor"]]
DAMAGE = ["truncated", "zero", "garbage", "wrong-shape", "deleted"]


def run(db: Path, *args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert "Traceback" not in r.output and not isinstance(r.exception, (KeyError, TypeError, ValueError, AttributeError)), \
        (args, r.output, r.exception)
    return r.exit_code, r.output


def state(db: Path) -> dict[str, tuple[int, bool, bool]]:
    """Every story's id, bookmark and read mark."""
    return {e.key: (e.id, e.bookmarked, e.read) for e in Store(db).entries()}


@pytest.fixture
def good_db(tmp_path) -> tuple[Path, dict[str, tuple[int, bool, bool]]]:
    db = tmp_path / "db"
    reader = Reader.open(db)
    entries = reader.stories("title")
    reader.set_bookmark(entries[0], True)
    reader.set_bookmark(entries[3], True)
    reader.set_read(entries[1], True)
    reader.search_index()  # the search index exists, as after any search
    return db, state(db)


def _damage(path: Path, how: str) -> bytes | None:
    raw = path.read_bytes()
    if how == "deleted":
        path.unlink()
        return None
    if how == "truncated":
        bad = raw[: max(1, len(raw) // 2)]
    elif how == "zero":
        bad = b""
    elif how == "garbage":
        bad = b"\x8f\x00garbage" + os.urandom(50)
    elif path.suffix == ".npy":  # a valid array, of the wrong kind and size
        import io

        buf = io.BytesIO()
        np.save(buf, np.array(["x", "y", "z"]))
        bad = buf.getvalue()
    elif path.suffix == ".text":
        bad = raw + b"extra words appended"
    elif path.name.startswith("vocab"):
        bad = b'{"not": "a list"}'
    else:  # JSON of the right syntax and the wrong shape: records without their key
        bad = json.dumps({"articles": {"1": {"title": "no key"}}, "state": {"1": {"nokey": 1}},
                          "meta": {"1": {}}}).encode()
    path.write_bytes(bad)
    return bad


def _bad_bytes_kept(db: Path, bad: bytes | None) -> bool:
    if not bad:
        return True
    return any(p.is_file() and p.read_bytes() == bad for p in db.rglob("*"))


@pytest.mark.parametrize("how", DAMAGE)
@pytest.mark.parametrize("kind", ["index.json", "user.json"])
def test_damaged_index_or_user_state(good_db, tmp_path, kind, how):
    db, before = good_db
    page = tmp_path / "new.txt"
    page.write_text("A story imported after the damage\n\nIts body, long enough to be a body.", encoding="utf-8")
    bad = _damage(db / kind, how)
    for cmd in COMMANDS:
        code, out = run(db, *[str(page) if a == "NEWPAGE" else a for a in cmd])
        assert code == 1, (cmd, out)
        assert (out.count("\n") == 1 or cmd == ["doctor"]) and kind in out, (cmd, out)  # one line
        assert "reader doctor --rebuild" in out, (cmd, out)
        assert _bad_bytes_kept(db, bad)
    assert not (db / "index.json").exists() or kind != "index.json" or how != "deleted"  # nothing re-seeded
    code, out = run(db, "doctor", "--rebuild")
    assert code == 0, out
    assert state(db) == before  # every story, id, bookmark and read mark is back
    assert run(db, "doctor")[0] == 0
    assert run(db, "import", str(page))[0] == 0 and len(state(db)) == len(before) + 1
    assert _bad_bytes_kept(db, bad)


@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_page_file(good_db, how):
    db, before = good_db
    bad = _damage(db / "pages" / "000001.json", how)
    assert run(db, "list")[0] == 0  # the list lives in the index: it still works
    code, out = run(db, "show", "3")
    assert code == 1 and out.count("\n") == 1 and "000001.json" in out
    code, out = run(db, "doctor")
    assert code == 1 and "re-import their pages" in out
    for name in ("000_", "001_", "002_", "003_", "004_"):  # doctor names the pages to re-import
        assert name in out
    code, out = run(db, "doctor", "--rebuild")
    assert code == 1 and "import their pages again" in out and "003_9d92df5315b21dd4.txt" in out, out
    assert _bad_bytes_kept(db, bad)
    assert run(db, "import", str(SEEDS))[0] == 0  # the advised repair: re-import those pages
    after = state(db)
    assert {k: v[1:] for k, v in after.items()} == {k: v[1:] for k, v in before.items()}  # marks are back
    assert run(db, "doctor")[0] == 0


SEARCH_FILES = ["vocab.json", "vocab.order.npy", "tids.npy", "starts.npy", "post.npy", "docs.npy", "keys.npy",
                "tspan.npy", "text"]


@pytest.mark.parametrize("how", DAMAGE)
@pytest.mark.parametrize("part", SEARCH_FILES)
def test_damaged_search_file_is_rebuilt_and_never_answers_wrongly(good_db, part, how):
    db, before = good_db
    folder = db / "search"
    path = folder / part if part.startswith("vocab") else next(folder.glob(f"s??????.{part}"))
    good_answer = CliRunner().invoke(cli, ["--db", str(db), "search", "whom", "--json"]).stdout
    _damage(path, how)
    derivable = part == "vocab.order.npy" and how in ("deleted", "wrong-shape")  # re-sorted from vocab.json
    code, out = run(db, "doctor")
    assert (code == 1 and "search index" in out) or (derivable and code == 0), out
    r = CliRunner().invoke(cli, ["--db", str(db), "search", "whom", "--json"])
    assert r.exit_code == 0 and "Traceback" not in r.output
    if not derivable:
        assert "rebuilt it from the stored stories" in r.stderr and r.stderr.count("\n") == 1  # said, once
    assert json.loads(r.stdout) == json.loads(good_answer)  # the same answer as before the damage
    assert run(db, "doctor")[0] == 0
    assert "rebuilt" not in run(db, "search", "whom")[1]
    assert state(db) == before


def _garble_packed_text(db: Path) -> None:
    """Same-length garbage inside the stories' packed text: the sizes all still agree."""
    path = next((db / "search").glob("s??????.text"))
    raw = bytearray(path.read_bytes())
    for i in range(8, len(raw) - 4, 5):
        raw[i] ^= 0x55
    path.write_bytes(bytes(raw))


def test_same_length_garbage_in_packed_search_text_is_found_and_rebuilt(good_db):
    db, before = good_db
    good_answer = CliRunner().invoke(cli, ["--db", str(db), "search", "whom", "--json"]).stdout
    _garble_packed_text(db)
    code, out = run(db, "doctor")
    assert code == 1 and "does not unpack" in out
    r = CliRunner().invoke(cli, ["--db", str(db), "search", "whom", "--json"])
    assert r.exit_code == 0 and "rebuilt it from the stored stories" in r.stderr
    assert json.loads(r.stdout) == json.loads(good_answer)
    assert run(db, "doctor")[0] == 0 and state(db) == before


async def test_same_length_garbage_in_packed_search_text_in_the_app(good_db):
    from textual.widgets import OptionList

    from reader.ui.app import make_app

    from apphelpers import settle

    db, _before = good_db
    _garble_packed_text(db)
    app = make_app(Reader.open(db), blink=False, watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"whom")
        for _ in range(100):
            await pilot.pause(0.05)
            results = app.screen.query("#search-results")
            if results and results.first(OptionList).option_count:
                break
        assert app.screen.query_one("#search-results", OptionList).option_count >= 1
        assert any("rebuilt it from the stored stories" in n.message for n in app._notifications)


def test_damaged_search_files_do_not_stop_an_import(good_db, tmp_path):
    db, before = good_db
    (db / "search" / "vocab.json").write_bytes(b"garbage")
    page = tmp_path / "p.txt"
    page.write_text("Tangerine harvest story\n\nTangerines everywhere this autumn.", encoding="utf-8")
    code, out = run(db, "import", str(page))
    assert code == 0 and "new" in out
    code, out = run(db, "search", "tangerines", "--json")
    assert code == 0 and "Tangerine harvest story" in out
    assert {k: v for k, v in state(db).items() if k in before} == before


def test_index_deleted_then_import_then_rebuild_loses_nothing(good_db, tmp_path, monkeypatch):
    """The old path to data loss: the index deleted, a new seeds-only index written by the next
    command, a page imported into it, and the rebuild reverting that page to its older copy."""
    db, before = good_db
    (db / "index.json").unlink()
    code, out = run(db, "list")
    assert code == 1 and "missing" in out and "reader doctor --rebuild" in out
    assert not (db / "index.json").exists()  # nothing was re-seeded over the missing index
    page = tmp_path / "000_96de06f45ee66ae5.txt"
    text = (SEEDS / page.name).read_text(encoding="utf-8")
    page.write_text(text.replace("0 ( +0 / -0 )", "7 ( +9 / -2 )", 1), encoding="utf-8")
    assert run(db, "import", str(page))[0] == 1  # refused until repaired: it would start a new index
    assert run(db, "doctor", "--rebuild")[0] == 0
    assert state(db) == before
    assert run(db, "import", str(page))[1].startswith("updated")
    assert run(db, "doctor", "--rebuild")[0] == 0
    e = next(e for e in Store(db).entries() if e.file == page.name)
    assert Store(db).article(e).comments[-1].score == 7 or any(c.score == 7 for c in Store(db).article(e).comments)
    assert state(db) == before  # same ids, same marks


def test_rebuild_keeps_the_newest_copy_whatever_the_file_order(good_db, tmp_path, monkeypatch):
    import reader.store.archive as archive

    db, before = good_db
    monkeypatch.setattr(archive, "SEGMENT_CAP", 1)  # each import writes a new page file
    page = tmp_path / "000_96de06f45ee66ae5.txt"
    text = (SEEDS / page.name).read_text(encoding="utf-8")
    page.write_text(text.replace("0 ( +0 / -0 )", "5 ( +5 / -0 )", 1), encoding="utf-8")
    assert run(db, "import", str(page))[0] == 0
    files = sorted((db / "pages").glob("*.json"))
    newest = files[-1]
    newest.rename(db / "pages" / "000000.json")  # the newer copy now sorts first
    assert run(db, "doctor", "--rebuild")[0] == 0
    e = next(e for e in Store(db).entries() if e.file == page.name)
    assert any(c.score == 5 for c in Store(db).article(e).comments)
    assert state(db) == before


def _json_bytes(folder: Path) -> int:
    """The page files' JSON, unpacked (copies of one story pack into next to nothing)."""
    raw = [p.read_bytes() for p in folder.iterdir()]
    return sum(len(gzip.decompress(b)) if b[:2] == b"\x1f\x8b" else len(b) for b in raw)


def test_compact_drops_superseded_copies_and_keeps_everything_else(good_db, tmp_path):
    db, before = good_db
    page = tmp_path / "003_9d92df5315b21dd4.txt"
    text = (SEEDS / page.name).read_text(encoding="utf-8")
    first_vote = re.search(r"^-?\d+ \( \+\d+ / -\d+ \)$", text, re.M)
    assert first_vote
    for n in range(1, 7):
        page.write_text(text.replace(first_vote.group(), f"{n} ( +{n} / -0 )", 1), encoding="utf-8")
        assert run(db, "import", str(page))[1].startswith("updated")
    (db / "pages" / ".000001.json.999.tmp").write_bytes(b"left by a killed import")
    size = _json_bytes(db / "pages")
    code, out = run(db, "doctor")
    assert code == 0 and "superseded copies" in out and "temporary files" in out
    code, out = run(db, "compact")
    assert code == 0
    assert _json_bytes(db / "pages") < size / 2
    assert state(db) == before
    assert run(db, "doctor")[0] == 0 and "superseded copies" not in run(db, "doctor")[1]
    e = next(e for e in Store(db).entries() if e.file == page.name)
    assert Store(db).article(e).comments[0].score == 6
    assert run(db, "search", "whom", "--json")[0] == 0


# ---- paths


@pytest.mark.parametrize("args,env", [(["--db", ""], None), (["--db", "   "], None), ([], ""), ([], "  ")])
def test_blank_database_paths_are_refused(tmp_path, monkeypatch, args, env):
    monkeypatch.chdir(tmp_path)
    if env is None:
        monkeypatch.delenv("READER_DB", raising=False)
    else:
        monkeypatch.setenv("READER_DB", env)
    (tmp_path / "index.json").write_text("my own file")
    r = CliRunner().invoke(cli, [*args, "list"])
    assert r.exit_code == 2 or r.exit_code == 1
    assert "blank" in r.output and r.output.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.json"]  # nothing written, nothing renamed
    assert (tmp_path / "index.json").read_text() == "my own file"


def test_a_path_under_a_file_is_refused(tmp_path):
    (tmp_path / "afile").write_text("x")
    code, out = run(tmp_path / "afile" / "db", "list")
    assert code == 1 and "is under" in out and "which is a file" in out


def test_a_folder_of_other_files_is_not_adopted(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "letter.txt").write_text("Dear reader")
    for cmd in (["list"], ["import", str(SEEDS)], ["doctor", "--rebuild"]):
        code, out = run(folder, *cmd)
        assert code == 1 and "not a reader database" in out
    assert sorted(p.name for p in folder.iterdir()) == ["letter.txt"]


def test_read_only_database_reads_work_and_writes_say_so(good_db, monkeypatch):
    import reader.store.archive as archive

    db, before = good_db

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied", str(db / "user.json"))

    monkeypatch.setattr(archive, "atomic_write", refuse)
    monkeypatch.setattr("reader.store.files.atomic_write", refuse)
    assert run(db, "list")[0] == 0 and run(db, "show", "1")[0] == 0
    code, out = run(db, "bookmark", "2")
    assert code == 1 and "read-only" in out and out.count("\n") == 1
    assert state(db) == before


# ---- inputs


def test_fifos_devices_and_sockets_are_refused_not_read(tmp_path, db_path):
    fifo = tmp_path / "pages" / "pipe.txt"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    shutil.copy(SEEDS / "000_96de06f45ee66ae5.txt", tmp_path / "pages")
    code, out = run(db_path, "import", str(tmp_path / "pages"))  # would hang forever on open()
    assert code == 1 and "named pipe" in out and "new" in out
    code, out = run(db_path, "import", str(fifo))
    assert code == 1 and "named pipe" in out
    code, out = run(db_path, "import", "/dev/zero")
    assert code == 1 and "device" in out


def test_reads_are_bounded_whatever_stat_says(tmp_path, monkeypatch):
    import reader.parsing as parsing
    from reader.errors import PageError

    monkeypatch.setattr(parsing, "MAX_PAGE_BYTES", 1000)
    page = tmp_path / "big.txt"
    page.write_bytes(b"x " * 5000)
    with pytest.raises(PageError, match="too large"):
        parsing.parse_file(page)


# ---- output at any size


def test_show_prints_a_huge_single_line_page_whole(tmp_path, db_path):
    words = " ".join(f"word{i}" for i in range(200_000))  # ~1.5 MB on one line
    page = tmp_path / "huge.txt"
    page.write_text(f"A page with one huge line\n\n{words}\n", encoding="utf-8")
    assert run(db_path, "import", str(page))[0] == 0
    sid = next(e.id for e in Store(db_path).entries() if e.file == "huge.txt")
    code, out = run(db_path, "show", str(sid))
    assert code == 0 and "word0 " in out and "word199999" in out and out.count("word") >= 200_000


def test_list_piped_prints_full_titles_as_tab_separated_columns(db_path):
    Reader.open(db_path)
    code, out = run(db_path, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split("\t")[:4] == ["id", "bookmarked", "read", "title"]
    titles = {line.split("\t")[3] for line in lines[1:]}
    assert "Japan working toward Ishiba-Trump meeting in U.S. before mid-February" in titles
    assert all(len(line.split("\t")) == 10 for line in lines)
    assert lines[0].split("\t")[-1] == "new"


# ---- the app


async def test_app_with_a_damaged_index_says_so_keeps_running_and_exits_non_zero(good_db):
    from reader.ui.app import make_app
    from reader.ui.widgets.story_list import StoryList

    from apphelpers import settle

    db, _ = good_db
    (db / "index.json").write_bytes(b"garbage")
    app = make_app(Reader.open(db, seed=False, check=False), blink=False, watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(StoryList)
        assert lst.entries == [] and "reader doctor --rebuild" in lst.empty_message
        assert sum("index.json" in n.message for n in app._notifications) == 1
        assert app.failed and "index.json" in app.failed
        await pilot.press("j", "enter", "3", "b")  # nothing to act on: nothing breaks
        await pilot.press("q")
    assert app.return_code == 1


async def test_app_on_a_read_only_database_notifies_and_keeps_running(good_db, monkeypatch):
    import reader.store.archive as archive
    from reader.ui.app import make_app

    from apphelpers import open_file, settle

    db, before = good_db

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied", str(db / "user.json"))

    app = make_app(Reader.open(db), blink=False, watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(archive, "atomic_write", refuse)
        monkeypatch.setattr("reader.store.files.atomic_write", refuse)
        await open_file(pilot, "003")  # unread: opening it would mark it read
        await pilot.press("b")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("read-only" in m for m in messages), messages
        assert app.screen.open_article is not None  # the story opened all the same
        assert not app.screen.open_entry.bookmarked  # the bookmark the disk refused is taken back
        await pilot.press("q")
    assert app.return_code == 0
    assert state(db) == before


async def test_app_opening_a_story_from_a_damaged_page_file_notifies(good_db):
    from reader.ui.app import make_app
    from reader.ui.widgets.story_list import StoryList

    from apphelpers import settle

    db, _ = good_db
    (db / "pages" / "000001.json").write_bytes(b"{}garbage")
    app = make_app(Reader.open(db), blink=False, watch_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(StoryList).focus()
        await pilot.press("enter")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("000001.json" in m for m in messages), messages
        assert app.screen.open_article is None
        await pilot.press("q")


def test_a_page_file_whose_packed_data_is_damaged_is_reported_not_a_traceback(good_db):
    db, _before = good_db
    page = db / "pages" / "000001.json"
    raw = bytearray(page.read_bytes())
    start = 12 + int.from_bytes(raw[10:12], "little")  # past the first member's header (and its list of stories)
    for i in range(start + 30, start + 46):  # inside the deflate stream: the gzip header is still right
        raw[i] ^= 0xA5
    page.write_bytes(bytes(raw))
    code, out = run(db, "doctor")
    assert code == 1 and "000001.json" in out and "damaged compressed data" in out
    code, out = run(db, "show", "1")
    assert code == 1 and "000001.json" in out
    code, out = run(db, "doctor", "--rebuild")
    assert "Traceback" not in out and "000001.json" in out


@pytest.mark.parametrize("damaged", [None, "post.npy", "vocab.json"])
def test_a_second_import_in_one_process_trusts_only_search_files_left_as_it_wrote_them(tmp_path, damaged, monkeypatch):
    """The next import (or batch) of the same store skips reading back the search files it just
    wrote, unless one of them changed since: then it is checked, and damage is found and said."""
    from reader.search.ondisk import SearchFiles

    reader = Reader.open(tmp_path / "db")
    pages = sorted(SEEDS.glob("*.txt"))
    first = tmp_path / "a.txt"
    first.write_text(pages[0].read_text().replace("Trump", "Trumpet"))
    reader.import_pages([first])
    loads = []
    real = SearchFiles.load
    monkeypatch.setattr(SearchFiles, "load", lambda self, m: loads.append(m) or real(self, m))
    if damaged:
        path = next((tmp_path / "db" / "search").glob(f"*{damaged}"))
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    second = tmp_path / "b.txt"
    second.write_text(pages[1].read_text().replace("Trump", "Trumpeter"))
    reader.import_pages([second])
    assert bool(loads) == bool(damaged)
    notices = " ".join(reader.store.notices)
    assert ("search index was damaged" in notices) == bool(damaged), notices
    assert {h.key for h in reader.store.search_index().search("trumpeter")}

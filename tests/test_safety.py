"""Untrusted pages and a database that never breaks (issue: injection-proof rendering,
crash-safe and concurrent-safe storage, hostile and huge inputs)."""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.importer import import_paths
from reader.parsing import parse_text
from reader.sanitize import clean_text
from reader.store import Store
from reader.store.migrations import SCHEMA_VERSION
from reader.ui.widgets.story_list import StoryList
from reader.usecases import Reader

from apphelpers import open_file, seeded_app, settle, tree

ESC = "\x1b"
HOSTILE_BITS = [
    "\x1b[31mred\x1b[0m", "\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07", "\x1b]52;c;ZXZpbA==\x07",
    "\x9b31m", "\x07bell", "\u202eevil\u202c", "\u2066iso\u2069", "zero\u200bwidth", "\x00nul", "\x08back",
]
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_page() -> str:
    bits = " ".join(HOSTILE_BITS)
    return "\n\n".join([
        "Japan Today", "national",
        f"[bold red]Pwned[/] title {bits} 東京 café 😀 “quotes”",
        "3 Comments",
        f"Body with [link=http://evil.example]markup[/link] and {bits}",
        "©2025 GPlusMedia Inc.", "Login to comment",
        f"[blink]comment[/blink] one {bits} 👨\u200d👩\u200d👧 family",
        "1 ( +1 / -0 )",
        "Build the [red]wall[/red] and trust",
        "2 ( +3 / -1 )",
    ])


def test_clean_text_keeps_ordinary_unicode():
    s = "東京 café 😀 “curly” — ‘ok’ ñ 👨\u200d👩\u200d👧"
    assert clean_text(s) == s
    assert clean_text("a\x1b[31mb\x1b]8;;x\x07c\u202ed\u200be\x9b31mf") == "abcdef"


def test_parse_strips_controls_and_keeps_words():
    art = parse_text(hostile_page())
    blob = json.dumps(art.to_dict(), ensure_ascii=False)
    assert not CONTROL.search(json.loads(json.dumps(blob)))
    assert "[bold red]Pwned[/]" in art.title and "東京 café 😀 “quotes”" in art.title
    assert "redlink" not in art.title and "red link" in art.title  # escape codes gone, words kept
    assert "👨\u200d👩\u200d👧" in art.comments[0].text


def _no_controls(out: str):
    assert ESC not in out and "\x9b" not in out and "\x07" not in out and "\u202e" not in out


@pytest.fixture
def hostile_db(db_path, tmp_path):
    page = tmp_path / "hostile\x1b[31m.txt"
    page.write_text(hostile_page(), encoding="utf-8")
    r = CliRunner().invoke(cli, ["import", str(page)])
    assert r.exit_code == 0, r.output
    _no_controls(r.output)
    return page


def test_cli_outputs_have_no_control_bytes(hostile_db):
    runner = CliRunner()
    parsed = runner.invoke(cli, ["parse", str(hostile_db), "--json"])
    _no_controls(parsed.output)
    assert "\\u001b" not in parsed.output and "[bold red]Pwned[/]" in parsed.output
    entries = json.loads(runner.invoke(cli, ["list", "--json"]).output)
    hid = next(e["id"] for e in entries if "Pwned" in e["title"])
    for args in (["list"], ["show", str(hid)], ["search", "pwned"], ["search", "wall"], ["bookmarks"],
                 ["show", str(hid), "--json"]):
        out = runner.invoke(cli, args).output
        _no_controls(out)
    shown = runner.invoke(cli, ["show", str(hid)]).output
    assert "[bold red]Pwned[/]" in shown and "[link=http://evil.example]markup[/link]" in shown
    assert "[red]wall[/red]" in shown


def test_cli_colour_output_styles_nothing_from_page_text(hostile_db, monkeypatch):
    """With colour on, markup in page text is printed literally and styles nothing."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    hid = next(e["id"] for e in json.loads(CliRunner().invoke(cli, ["list", "--json"]).output) if "Pwned" in e["title"])
    out = CliRunner().invoke(cli, ["show", str(hid)], color=True).output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # Rich's own SGR styling is allowed
    assert "\x1b]" not in out and "\x1b[5m" not in out  # no OSC from page text, no blink
    assert "[bold red]Pwned[/]" in plain and "[blink]comment[/blink]" in plain


async def test_app_screens_show_markup_literally(hostile_db, db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(StoryList)
        idx = next(i for i, e in enumerate(lst.entries) if "Pwned" in e.title)
        await open_file(pilot, lst.entries[idx].file[:8])
        lines = [lst.line_text(i, 100).plain for i in range(lst.line_count())]
        lines += [t.plain for t in tree(app).lines]
        text = "\n".join(lines)
        assert "[bold red]Pwned[/]" in text and "[blink]comment[/blink]" in text
        assert not CONTROL.search(text)
        svg = app.export_screenshot()
        assert "Pwned" in svg and ESC not in svg


def test_huge_and_hostile_inputs_are_bounded(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.write(b"Title\n" + b"x" * (50 * 1024 * 1024))
    r = CliRunner().invoke(cli, ["import", str(big)])
    assert r.exit_code == 1 and "too large" in r.output and "Traceback" not in r.output

    def page(comments):
        return "\n\n".join(["Japan Today", "national", "Hostile", "Body.", "Login to comment", *comments])

    many = page([x for i in range(20000) for x in (f"comment {i} about topic {i % 97} words", "1 ( +1 / -0 )")])
    assert len(parse_text(many).comments) == 20000
    rnd = random.Random(5)
    vocab = ["alpha", "beta", "gamma", "delta", "tokyo", "osaka", "vote", "trade", "bridge", "river", "plain", "music"]
    chain, prev = [], "the very first comment in the chain with several words"
    chain += [prev, "0 ( +0 / -0 )"]
    for i in range(1, 5000):
        own = " ".join(rnd.choice(vocab) for _ in range(9)) + f" {i}"
        chain += [prev, own, "1 ( +1 / -0 )"]
        prev = own
    deep = parse_text(page(chain))
    from reader.threads_view import Thread

    rows = Thread(deep.comments).rows()
    assert max(r.depth for r in rows) == 4999
    one_line = parse_text(page(["word " * 200_000, "1 ( +1 / -0 )"]))
    assert len(one_line.comments[0].text) > 900_000
    same = parse_text(page(["same comment text again and again", "0 ( +0 / -0 )"] * 10000))
    assert len(same.comments) == 10000 and all(c.parent is None for c in same.comments)


def test_symlink_loop_and_non_text_files(tmp_path, db_path):
    folder = tmp_path / "pages"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "a.txt").write_text("Title A\nbody", encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    results = import_paths(Store(db_path), [folder])
    assert [r.status for r in results if r.status != "skipped"] == ["new"]
    assert any(r.status == "skipped" and r.name.endswith("photo.jpg") for r in results)
    assert {p.name for p in tmp_path.iterdir()} == {"pages", "db"}  # nothing written outside the db


def test_schema_0_database_is_migrated_with_backup(db_path):
    store = Reader.open(db_path).store
    key = store.entries()[0].key
    store.set_bookmark(key, True)
    data = json.loads((db_path / "index.json").read_text())
    del data["meta"]
    for doc in data["articles"].values():
        doc.pop("votes")
    (db_path / "index.json").write_text(json.dumps(data))
    fresh = Store(db_path)
    entries = fresh.entries()
    assert sorted(e.votes for e in entries) == [0, 0, 14, 145, 258]
    assert (db_path / "index.json.schema0.bak").exists()
    assert json.loads((db_path / "index.json").read_text())["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert [e.key for e in entries if e.bookmarked] == [key]


def _pages(folder: Path, n: int, version: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"p{i:04d}.txt").write_text(
            "\n\n".join(["Japan Today", "national", f"Story number {i}", "1 Comments", f"Body of story {i}.",
                         "Login to comment", f"Comment on {i}", f"{version} ( +{version} / -0 )"]), encoding="utf-8")


def _reader(db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "reader", "--db", str(db), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _check_whole(db: Path, key: str, n: int) -> str:
    store = Store(db)
    entries = store.entries()
    assert [e.key for e in entries if e.bookmarked] == [key]
    assert key in {e.key for e in entries if e.read}
    extra = [e for e in entries if e.title.startswith("Story number")]
    assert len(extra) in (0, n)
    articles = [store.article(e) for e in extra]
    versions = {a.comments[0].score for a in articles}
    assert len(versions) <= 1  # one whole commit: every story from the same import
    # History is whole too: every story has had the same imports, each of which moved the
    # comment's votes (v1 and v2 alternate), and the list's record agrees with the story.
    counts = {len(a.versions) or 1 for a in articles}
    assert len(counts) <= 1
    for e, a in zip(extra, articles, strict=True):
        (c,) = a.comments
        assert len(c.vh or [None]) == (len(a.versions) or 1) == e.versions
        assert c.vh is None or c.vh[-1][1] == c.score
    for e in entries:
        store.article(e)  # every story loads: no partial article
    return f"{len(extra)}:{versions}:{counts}"


def test_sigkill_during_import_never_breaks_the_database(db_path, tmp_path):
    store = Reader.open(db_path).store
    key = store.entries()[1].key
    store.set_bookmark(key, True)
    store.set_read(key, True)
    n = 150
    _pages(tmp_path / "v1", n, 1)
    _pages(tmp_path / "v2", n, 2)
    rnd = random.Random(1234)
    states = set()
    for i in range(50):
        proc = _reader(db_path, "import", str(tmp_path / ("v1" if i % 2 else "v2")))
        time.sleep(rnd.uniform(0.05, 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        states.add(_check_whole(db_path, key, n))
    assert len(states) >= 2  # the kills landed both before and after commits
    assert any(s.split(":")[-1] not in ("{1}", "set()") for s in states)  # and stories gained versions
    # Killed writes can leave temporary files behind: doctor says so, compact removes them all.
    from reader.atomic import is_temp_file

    left = [p for p in db_path.rglob(".*") if is_temp_file(p)]
    doctor = CliRunner().invoke(cli, ["--db", str(db_path), "doctor"])
    if left:
        assert "temporary files left by interrupted writes" in doctor.output
    assert CliRunner().invoke(cli, ["--db", str(db_path), "compact"]).exit_code == 0
    assert not [p for p in db_path.rglob(".*") if is_temp_file(p)]
    whole = _check_whole(db_path, key, n)
    assert CliRunner().invoke(cli, ["--db", str(db_path), "doctor"]).exit_code == 0
    # and bookmarks, read marks and history survive a rebuild of the index from the page files
    assert CliRunner().invoke(cli, ["--db", str(db_path), "doctor", "--rebuild"]).exit_code == 0
    assert _check_whole(db_path, key, n) == whole


def test_two_processes_importing_at_once_lose_nothing(db_path, tmp_path):
    Reader.open(db_path)
    _pages(tmp_path / "a", 60, 1)
    for p in (tmp_path / "a").iterdir():
        p.rename(p.with_name("a" + p.name))
    _pages(tmp_path / "b", 60, 1)
    for p in (tmp_path / "b").iterdir():
        text = p.read_text(encoding="utf-8").replace("Story number", "Other story")
        p.write_text(text, encoding="utf-8")
    procs = [_reader(db_path, "import", str(tmp_path / x)) for x in ("a", "b")]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read().decode()
    titles = [e.title for e in Store(db_path).entries()]
    assert len(titles) == 5 + 120 and len(set(titles)) == 125


def test_waiting_for_the_lock_says_so(db_path):
    from filelock import FileLock

    Reader.open(db_path)
    lock = FileLock(str(db_path / ".lock"))
    with lock:
        proc = _reader(db_path, "bookmark", "1")
        time.sleep(2.0)
    assert proc.wait(timeout=30) == 0
    assert "waiting for another reader process" in proc.stderr.read().decode()
    assert Store(db_path).entry(1).bookmarked


def test_corrupt_user_state_is_reported_until_repaired_and_restored_by_doctor(db_path):
    key = Reader.open(db_path).store.entries()[0].key
    Store(db_path).set_bookmark(key, True)
    damaged = b'{"state": {"1": {"key": "ab'
    (db_path / "user.json").write_bytes(damaged)
    for _ in range(2):  # not once and then silence: every command says so until it is repaired
        r = CliRunner().invoke(cli, ["list"])
        assert r.exit_code == 1 and "user.json: is truncated" in r.output and r.output.count("\n") == 1
        assert "reader doctor --rebuild" in r.output
    assert (db_path / "user.json").read_bytes() == damaged  # the bad bytes are kept as they were
    assert CliRunner().invoke(cli, ["doctor"]).exit_code == 1
    r = CliRunner().invoke(cli, ["doctor", "--rebuild"])
    assert "restored bookmarks" in r.output, r.output
    assert CliRunner().invoke(cli, ["doctor"]).exit_code == 0
    assert [e.key for e in Store(db_path).entries() if e.bookmarked] == [key]

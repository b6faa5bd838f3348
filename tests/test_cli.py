"""The CLI, as scripts use it (CliRunner, like sqlite-utils' tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from reader.cli import cli

from conftest import SEEDS


def run(*args, ok=True):
    result = CliRunner().invoke(cli, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


def ids_by_file():
    return {e["file"][:3]: e["id"] for e in json.loads(run("list", "--json").output)}


def test_list_sorts():
    by_votes = json.loads(run("list", "--sort", "votes", "--json").output)
    assert [e["votes"] for e in by_votes] == sorted((e["votes"] for e in by_votes), reverse=True)
    assert by_votes[0]["file"].startswith("003") and by_votes[0]["votes"] == 258 and by_votes[0]["score"] == -92
    by_title = json.loads(run("list", "--sort", "title", "--json").output)
    assert [e["title"].casefold() for e in by_title] == sorted(e["title"].casefold() for e in by_title)
    by_date = json.loads(run("list", "--sort", "date", "--json").output)
    # newest first; a copyright year is not a date: undated stories come last
    assert by_date[0]["file"].startswith("001") and by_date[0]["published"].startswith("2024-12-31")
    assert all(e["published"] is None for e in by_date[1:])


def test_parse_json_shape():
    out = json.loads(run("parse", str(SEEDS / "000_96de06f45ee66ae5.txt"), "--json").output)
    assert list(out[0]) == ["file", "layout", "source", "title", "category", "byline", "credit", "published",
                            "url", "copyright_year", "image", "body", "stated_comment_count", "related", "comments"]
    c6 = out[0]["comments"][5]
    assert list(c6) == ["id", "parent", "revision_of", "author", "posted", "posted_at", "score", "up", "down", "text",
                        "quotes"]
    assert c6["quotes"] == [{"text": "Build a relationship of trust with who?", "of": 1}] and c6["parent"] == 1


def test_parse_unreadable_file_reports_and_continues(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    r = run("parse", str(bad), str(tmp_path / "missing.txt"), str(SEEDS / "002_91986847445cdae3.txt"), "--json", ok=False)
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert out[0]["error"].startswith("binary") and out[1]["error"] == "no such file"
    assert out[2]["layout"] == "generic"


def test_show_tree_and_json():
    ids = ids_by_file()
    text = run("show", str(ids["004"])).output
    assert "quoting #12" in text and "quoting the article" in text and "▲11 ▼20" in text
    d = json.loads(run("show", str(ids["004"]), "--comments-sort", "score", "--json").output)
    thread = d["thread"]
    tops = [t["id"] for t in thread if t["depth"] == 0]
    assert tops[0] == 2  # net +2 is the best top-level score
    pos = [t["id"] for t in thread]
    assert pos.index(13) == pos.index(12) + 1 and pos.index(15) == pos.index(13) + 1
    assert {t["id"]: t["depth"] for t in thread}[15] == 2


def test_show_controversial_and_old():
    ids = ids_by_file()
    d = json.loads(run("show", str(ids["003"]), "--comments-sort", "controversial", "--json").output)
    tops = [t["id"] for t in d["thread"] if t["depth"] == 0]
    assert tops[0] == 12  # +6/-10: many votes, the most evenly split (magnitude ** balance)
    split = {c["id"]: bool(c["up"] and c["down"]) for c in d["comments"]}
    flags = [split[t] for t in tops]
    assert flags == sorted(flags, reverse=True)  # one-sided or unvoted comments rank last
    d = json.loads(run("show", str(ids["003"]), "--comments-sort", "old", "--json").output)
    # page order; #6 is the latest version of #3 (re-posted as #4, then #6) and stands in its place,
    # with its earlier versions listed under it in the JSON thread
    assert [t["id"] for t in d["thread"] if t["depth"] == 0][:3] == [1, 2, 6]
    at = [t["id"] for t in d["thread"]].index(6)
    assert [(t["id"], t["depth"]) for t in d["thread"][at + 1:at + 3]] == [(4, 1), (3, 1)]


def test_search_json_says_where():
    run("list")  # a new database gets the demo pages from the app or `reader list` only
    hits = json.loads(run("search", "whom", "--json").output)
    assert hits[0]["where"] == "comment #6" and hits[0]["comment"] == 6
    assert hits[0]["id"] == ids_by_file()["000"]
    assert json.loads(run("search", "tangerine scream", "--json").output)[0]["where"] == "comment #6"
    assert "No matches" in run("search", "qwxzzy").output


def test_bookmarks_roundtrip_and_export():
    ids = ids_by_file()
    run("bookmark", str(ids["003"]))
    assert [e["id"] for e in json.loads(run("list", "--bookmarked", "--json").output)] == [ids["003"]]
    md = run("bookmarks", "--export", "markdown").output
    assert md.startswith("# Bookmarks") and "Ishiba seeks meeting" in md
    assert json.loads(run("bookmarks", "--export", "json").output)[0]["bookmarked"] is True
    run("unbookmark", str(ids["003"]))
    assert json.loads(run("bookmarks", "--export", "json").output) == []


def test_unknown_id_is_one_line_error():
    r = run("show", "999", ok=False)
    assert r.exit_code == 1 and r.output.strip().count("\n") == 0 and "no story" in r.output


def test_import_reports_each_page_and_fails_on_bad_one(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "good.txt").write_text("A fine title\nA fine body", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "bin.txt").write_bytes(b"\x89PNG\x00\x00")
    (folder / "latin.txt").write_bytes("Caf\xe9 title\nbody".encode("latin-1"))
    (folder / "picture.png").write_bytes(b"\x89PNG")
    r = run("import", str(folder), ok=False)
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert any(line.startswith("error") and "empty.txt: empty file" in line for line in lines)
    assert any(line.startswith("error") and "bin.txt: binary" in line for line in lines)
    assert any(line.startswith("skipped") and "picture.png" in line for line in lines)
    assert "Traceback" not in r.output
    titles = {e["title"] for e in json.loads(run("list", "--json").output)}
    assert {"A fine title", "Café title"} <= titles and len(titles) == 2  # importing never adds the demo seeds


def test_a_folder_with_no_pages_is_a_one_line_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run("import", str(empty), ok=False)
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.output.strip().splitlines() == [f"reader: {empty}: no pages to import (a page is a .txt, .html or .htm "
                                             "file, an http(s) URL, or - for standard input)"]
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "readme.md").write_text("# not a page", encoding="utf-8")
    r = run("import", str(notes), ok=False)
    assert r.exit_code == 1 and "readme.md: not a page" in r.output and f"reader: {notes}: no pages to import" in r.output
    (notes / "page.txt").write_text("A fine title\nA fine body", encoding="utf-8")
    assert run("import", str(notes)).exit_code == 0  # a page beside it: the note is only skipped
    assert run("import", str(notes)).exit_code == 0  # and found unchanged the next time


def test_list_limit_and_piped_full_titles():
    rows = json.loads(run("list", "--limit", "2", "--json").output)
    assert len(rows) == 2 and rows[0]["votes"] == 258  # the app's order: votes
    out = run("list", "--limit", "2").output.splitlines()
    assert len(out) == 3 and out[0].split("\t")[3] == "title"
    assert "Ishiba seeks meeting with Trump this month, following Abe example" in out[1]
    assert run("list", "--limit", "0", ok=False).exit_code == 2


def test_the_command_opens_the_app_without_loading_the_cli_and_hands_anything_else_to_it(tmp_path):
    from reader.launch import app_args

    assert app_args([]) == (True, None)
    assert app_args(["--db", "some/dir"]) == (True, "some/dir")
    assert app_args(["--db=some/dir"]) == (True, "some/dir")
    for args in (["list"], ["--db"], ["--db="], ["--db", "x", "list"], ["--db", "--help"], ["--help"], ["--version"],
                 ["-h"], ["x"]):
        assert app_args(args) == (False, None), args
    # The app's path: a database that cannot be opened is one line and exit 1, and click (the
    # CLI) was never loaded; a command goes to the CLI.
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    probe = ("import sys, reader.launch as launch\nsys.argv = ['reader', *sys.argv[1:]]\n"
             "try:\n    launch.main()\nexcept SystemExit as exc:\n    print(exc.code, 'click' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", probe, "--db", str(not_a_folder)], capture_output=True, text=True,
                       timeout=60, check=False)
    assert r.stdout.split() == ["1", "False"]
    assert r.stderr.strip().splitlines() == [f"reader: {not_a_folder}: is a file; a reader database is a folder"]
    # A command ends its process as soon as it is done (reader.cli.main: os._exit, its output
    # flushed), with the status sys.exit would have left: nothing after it runs.
    r = subprocess.run([sys.executable, "-c", probe, "--version"], capture_output=True, text=True, timeout=60,
                       check=False)
    assert r.returncode == 0 and r.stdout.startswith("reader, version") and "True" not in r.stdout
    r = subprocess.run([sys.executable, "-c", probe, "--db", str(tmp_path / "db"), "import", str(tmp_path / "gone.txt")],
                       capture_output=True, text=True, timeout=60, check=False)
    assert (r.returncode, r.stdout.split()) == (1, ["error", str(tmp_path / "gone.txt") + ":", "no", "such", "file",
                                                     "1", "error"])
    assert r.stderr == ""
    r = subprocess.run([sys.executable, "-c", probe, "no-such-command"], capture_output=True, text=True, timeout=60,
                       check=False)
    assert r.returncode == 2 and "No such command 'no-such-command'" in r.stderr and "Traceback" not in r.stderr


def test_the_command_leaves_quietly_when_its_reader_stops_listening(tmp_path):
    """`reader list | head -1`: the pipe closes under the listing; no traceback, and the status
    of a listing that was cut short is still success (as for `seq 1000000 | head -1`)."""
    db = tmp_path / "db"
    assert CliRunner().invoke(cli, ["--db", str(db), "import", *map(str, sorted(SEEDS.glob("*.txt")))]).exit_code == 0
    probe = "import sys, reader.launch as launch\nsys.argv = ['reader', *sys.argv[1:]]\nlaunch.main()\n"
    # the reader of the pipe is gone before the listing is written (its end closed at once)
    read, write = os.pipe()
    os.close(read)
    try:
        r = subprocess.run([sys.executable, "-c", probe, "--db", str(db), "list"], stdout=write, stderr=subprocess.PIPE,
                           text=True, timeout=60, check=False)
    finally:
        os.close(write)
    assert r.returncode == 0 and r.stderr == ""


def test_the_exit_status_is_the_one_sys_exit_would_leave(capsys):
    from reader.cli import _exit_code

    assert [_exit_code(None), _exit_code(0), _exit_code(3), _exit_code(130), _exit_code(-1)] == [0, 0, 3, 130, 255]
    assert _exit_code("reader: went wrong") == 1
    assert capsys.readouterr().err == "reader: went wrong\n"


def test_main_flushes_what_is_left_and_ends_with_the_commands_status(monkeypatch, tmp_path):
    """reader.cli.main: output still buffered is flushed before the process ends (os._exit skips
    Python's own flush); a pipe closed by then is no error."""
    import io

    import reader.cli as cli_module

    class Ended(Exception):
        pass

    def exit_now(code: int) -> None:
        raise Ended(code)

    class ClosedPipe(io.StringIO):
        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli_module.os, "_exit", exit_now)
    monkeypatch.setattr(cli_module, "_HELD", [])
    out = io.StringIO()
    flushed: list[str] = []
    monkeypatch.setattr(out, "flush", lambda: flushed.append(out.getvalue()))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "argv", ["reader", "--db", str(tmp_path / "db"), "import", str(tmp_path / "gone.txt")])
    with pytest.raises(Ended) as ended:
        cli_module.main()
    assert ended.value.args == (1,) and flushed and flushed[-1].endswith("1 error\n")
    # the command's database stays open to the end (freeing it is what the quick exit skips)
    assert len(cli_module._HELD) == 1 and cli_module._HELD[0].path == tmp_path / "db"

    def command(**_: object) -> None:
        sys.stdout.write("left in the buffer\n")
        sys.exit(3)

    monkeypatch.setattr(cli_module, "cli", command)
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    with pytest.raises(Ended) as ended:
        cli_module.main()
    assert ended.value.args == (3,)

"""Snapshot tests of the main screens at 120x40 and 80x24 (sync tests; cursor blink off;
workers awaited before the picture). Review SVG diffs in snapshot_report.html before
running with --snapshot-update."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from apphelpers import grown_db, open_file, seeded_app, settle

SIZES = [(160, 48), (120, 40), (80, 24)]


class _Nov23(datetime):
    """The clock the snapshots were taken at: a story with no date of its own is dated by its
    import, which the archive statistics show per day."""

    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 11, 23, 12, 0, tzinfo=tz or UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    import reader.store.archive as archive

    monkeypatch.setattr(archive, "datetime", _Nov23)


def _ids(size):
    return f"{size[0]}x{size[1]}"


async def _list(pilot):
    await settle(pilot)


async def _article(pilot):
    await open_file(pilot, "003")


async def _comments(pilot):
    await open_file(pilot, "004")
    await pilot.press("3")
    pilot.app.screen.query_one("#comments").focus_comment(12)
    await settle(pilot)


async def _search(pilot):
    await settle(pilot)
    await pilot.press("slash", *"ishiba trump")
    await settle(pilot)


async def _help(pilot):
    await settle(pilot)
    await pilot.press("question_mark")
    await settle(pilot)


async def _dense(pilot):
    await open_file(pilot, "003")
    await pilot.press("3", "v")
    await settle(pilot)


async def _parent_quote(pilot):
    """#13 replies to #12 quoting it: the quote is one line under its parent."""
    await open_file(pilot, "004")
    await pilot.press("3")
    pilot.app.screen.query_one("#comments").focus_comment(13)
    await settle(pilot)


async def _revision(pilot):
    """#6 is the latest of three versions: shown where #3 was, its earlier versions listed (x)."""
    await open_file(pilot, "003")
    await pilot.press("3")
    pilot.app.screen.query_one("#comments").focus_comment(6)
    await pilot.press("x")
    await settle(pilot)


async def _stats(pilot):
    """What the votes say on 004 (19 comments): totals, tables and the two charts."""
    await open_file(pilot, "004")
    await pilot.press("3", "S")
    await settle(pilot)


async def _archive_stats(pilot):
    await settle(pilot)
    await pilot.press("S")
    await settle(pilot)


async def _grouped(pilot):
    """The list grouped by coverage (C); where the screen is wide enough, a story open with
    "Also covered by" under its title."""
    await settle(pilot)
    await pilot.press("C")
    await settle(pilot)
    await open_file(pilot, "001")
    if pilot.app.screen.mode == "narrow":
        await pilot.press("1")
        await settle(pilot)


async def _compare(pilot):
    await open_file(pilot, "000")
    await pilot.press("D")
    await settle(pilot)


SCREENS = {"list": _list, "article": _article, "comments": _comments, "search": _search, "help": _help,
           "dense": _dense, "parent-quote": _parent_quote, "revision": _revision, "stats": _stats,
           "archive-stats": _archive_stats, "grouped": _grouped, "compare": _compare}


@pytest.mark.parametrize("size", SIZES, ids=_ids)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, db_path, screen, size):
    app = seeded_app(db_path)
    assert snap_compare(app, run_before=SCREENS[screen], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=_ids)
def test_story_with_new_comments(snap_compare, db_path, tmp_path, size):
    """A story imported again with new comments and moved votes: ✦ new marks, (▲+n) deltas, +N new."""
    grown_db(db_path, tmp_path)

    async def new_comments(pilot):
        await open_file(pilot, "003")
        await pilot.press("3", "right_square_bracket")
        await settle(pilot)

    assert snap_compare(seeded_app(db_path), run_before=new_comments, terminal_size=size)

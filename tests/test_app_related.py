"""Related coverage and the stats screens in the app (Pilot): "Also covered by", > and <, the
grouped list (C), side by side (D), what the votes say (S)."""

from __future__ import annotations

import shutil

from reader.ui.screens.insight import CompareScreen, StatsScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.story_list import StoryList
from reader.usecases import Reader

from apphelpers import open_file, seeded_app, settle
from conftest import ROOT

SIZE = (160, 48)
RELATED = ROOT / "tests" / "pages" / "related"


def _article_text(app) -> str:
    return "\n".join(p.plain for p in app.screen.query_one(ArticleView).parts)


def _screen_text(screen) -> str:
    return "\n".join(line.plain for line in screen.lines)


async def test_also_covered_by_lists_the_other_outlets(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "001")
        text = _article_text(app)
        assert "Also covered by 4 other stories" in text
        assert "Japan Today" in text and "Ishiba seeks meeting with Trump this month" in text
        assert app.screen.open_entry.title not in text.split("Also covered by", 1)[1]


async def test_next_related_walks_the_coverage_and_back(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "000")
        origin = app.screen.open_entry
        related = [r.entry.key for r in app.screen.open_related]
        assert len(related) == 4
        seen = []
        for _ in related:
            await pilot.press("greater_than_sign")
            await settle(pilot)
            seen.append(app.screen.open_entry.key)
            lst = app.screen.query_one(StoryList)
            assert lst.current.key == seen[-1]  # the list follows
        assert seen == related  # each related story once, the closest first
        await pilot.press("greater_than_sign")  # past the last: stays
        await settle(pilot)
        assert app.screen.open_entry.key == related[-1]
        for _ in related:
            await pilot.press("less_than_sign")
            await settle(pilot)
        assert app.screen.open_entry.key == origin.key


async def test_unrelated_story_has_no_coverage(db_path):
    reader = Reader.open(db_path)
    reader.import_pages([RELATED / "sports_result.txt"])
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(StoryList)
        lst.focus()
        lst.cursor = next(i for i, e in enumerate(lst.entries) if e.file.endswith("sports_result.txt"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.open_related == []
        assert "Also covered by" not in _article_text(app)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert app.screen.open_entry.file.endswith("sports_result.txt")


async def test_grouping_puts_coverage_under_one_story(db_path, tmp_path):
    pages = tmp_path / "pages"
    shutil.copytree(RELATED, pages)
    Reader.open(db_path).import_pages([pages / "jt_crime_tokyo.txt", pages / "trump_tariffs_canada.txt"])
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(StoryList)
        before = [e.key for e in lst.entries]
        await pilot.press("C")
        await settle(pilot)
        after = [e.key for e in lst.entries]
        assert sorted(after) == sorted(before)  # every story once
        assert len(lst.child_keys) == 4  # the five seeds: one heads the group, four under it
        head = after.index(next(k for k in after if k not in lst.child_keys and
                                any(e.key == k and e.file and e.file[:3].isdigit() for e in lst.entries)))
        assert set(after[head + 1:head + 5]) == lst.child_keys
        assert "grouped" in str(app.screen.query_one("#status").render())
        assert app.reader.store.settings().get("grouped") is True or app.settings.grouped
        await pilot.press("C")
        await settle(pilot)
        assert [e.key for e in lst.entries] == before and not lst.child_keys


async def test_stats_screens(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")  # from the list: the archive
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        text = _screen_text(app.screen)
        assert "stories 5" in text and "Stories per outlet" in text and "Most discussed" in text
        await pilot.press("escape")
        await open_file(pilot, "003")
        await pilot.press("3", "S")  # from the comments: this story
        await settle(pilot)
        text = _screen_text(app.screen)
        assert "comments 19" in text and "▲83" in text and "▼175" in text and "net -92" in text
        assert "Most contested" in text and "Up vs down per comment" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.active == "comments"


async def test_compare_side_by_side_and_next_pair(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "000")
        await pilot.press("D")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        first = screen.title_text.plain
        assert "only here" in _screen_text(screen)
        assert "(1 of 4" in first
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and "(2 of 4" in screen.title_text.plain
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CompareScreen)

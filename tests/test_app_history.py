"""The app over time (Pilot): new comments and their keys, the unread workflow, resume, delete."""

from __future__ import annotations

from reader.ui.screens.confirm import ConfirmScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.story_list import StoryList
from reader.usecases import Reader

from apphelpers import SEED, current, grown_db, older_snapshot, open_file, search_for, seeded_app, settle, tree

SIZE = (160, 48)


def story_list(app) -> StoryList:
    return app.screen.query_one(StoryList)


def entry(app, prefix):
    return next(e for e in story_list(app).entries if e.file.startswith(prefix))


async def test_new_comments_are_marked_and_the_keys_walk_them(db_path, tmp_path):
    grown_db(db_path, tmp_path)
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert entry(app, "003").new_comments == 3
        status = str(app.screen.query_one("#status").render())
        assert "5 unread" in status
        await open_file(pilot, "003")
        await pilot.press("3")
        new_ids = tree(app).new_ids
        assert len(new_ids) == 3
        assert any(delta for _new, delta in tree(app).changes.values())
        order = [r.comment.id for r in tree(app).rows if r.comment.id in new_ids]
        seen = []
        for _ in range(3):
            await pilot.press("right_square_bracket")
            seen.append(current(app))
        assert seen == order
        await pilot.press("right_square_bracket")  # wraps round
        assert current(app) == order[0]
        await pilot.press("left_square_bracket")
        assert current(app) == order[-1]
        # still new while reading; cleared on leaving the story
        assert entry(app, "003").new_comments == 3
        await pilot.press("escape")
        await settle(pilot)
        assert entry(app, "003").new_comments == 0
    again = seeded_app(db_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert entry(again, "003").new_comments == 0
        await open_file(pilot, "003")
        assert tree(again).new_ids == set()


async def test_unread_filter_next_unread_and_mark_all_read(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = story_list(app)
        assert len(lst.entries) == 5
        await open_file(pilot, "000")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("U")
        assert app.screen.unread_only and len(lst.entries) == 4
        assert all(not e.read for e in lst.entries)
        # next unread: opens the next fresh story after the cursor, and stays in the reading pane
        await pilot.press("full_stop")
        await settle(pilot)
        first = app.screen.open_entry
        assert first is not None and first.read
        await pilot.press("3", "full_stop")
        await settle(pilot)
        assert app.screen.open_entry is not first and app.screen.active == "comments"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert any(not e.read for e in app.screen.all_entries)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert all(e.read for e in app.screen.all_entries)
        assert lst.entries == [] or all(e is app.screen.open_entry for e in lst.entries)
        await pilot.press("full_stop")
        await settle(pilot)
    assert all(e.read for e in Reader.open(db_path).stories())
    assert Reader.open(db_path).settings().unread_only


async def test_resume_after_restart_lands_on_the_story_pane_and_comment(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "004")
        await pilot.press("3")
        tree(app).focus_comment(12)
        await pilot.press("j")
        assert current(app) == 13
        await pilot.press("q")
    again = seeded_app(db_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert again.screen.open_entry is not None and again.screen.open_entry.file.startswith("004")
        assert again.screen.active == "comments" and current(again) == 13
        # another story, then back: each story keeps its own place
        await pilot.press("escape")
        await open_file(pilot, "003")
        await pilot.press("3", "j", "j")
        at_003 = current(again)
        await open_file(pilot, "004")
        assert current(again) == 13
        await open_file(pilot, "003")
        assert current(again) == at_003


async def test_article_scroll_is_resumed(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_file(pilot, "003")
        await pilot.press("2", "space", "space")
        await settle(pilot)
        y = app.screen.query_one(ArticleView).scroll_offset.y
        assert y > 0
        await pilot.press("q")
    again = seeded_app(db_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert again.screen.active == "article"
        assert again.screen.query_one(ArticleView).scroll_offset.y == y


async def test_delete_and_undo(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = story_list(app)
        lst.focus()
        victim = lst.current
        await pilot.press("d")
        await settle(pilot)
        assert victim.key not in {e.key for e in lst.entries} and len(lst.entries) == 4
        assert victim.key in Reader.open(db_path).store.deleted_keys()
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert lst.current.key == victim.key and len(lst.entries) == 5
        assert Reader.open(db_path).store.deleted_keys() == set()
        await pilot.press("d")
        await settle(pilot)
        app.screen._forget_undo()  # the few seconds have passed
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(lst.entries) == 4
    assert len(Reader.open(db_path).stories()) == 4  # and it does not come back as a seed


async def test_search_counts_only_stories_the_list_holds_after_a_delete(db_path):
    from reader.ui.screens.search import SearchScreen

    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert (await search_for(pilot, "ishiba")).startswith("5 stories match")
        await pilot.press("escape")
        await settle(pilot)
        lst = story_list(app)
        lst.focus()
        await pilot.press("d")  # deleted: still in the search index, no longer in the list
        await settle(pilot)
        status = await search_for(pilot, "ishiba")
        assert isinstance(app.screen, SearchScreen)
        assert status.startswith("4 stories match"), status
        assert len(app.screen.hits) == 4


async def test_deleting_the_open_story_clears_the_panes(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "004")
        await pilot.press("3", "d")
        await settle(pilot)
        assert app.screen.open_entry is None and tree(app).article is None
        assert app.screen.active == "list"
        assert all(not e.file.startswith("004") for e in story_list(app).entries)





async def test_the_mark_all_read_question_is_shown(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.query_one("#confirm-question")
        assert "Mark 5 stories read" in str(question.render()) and question.size.width >= 40
        assert question.size.height >= 1
        await pilot.press("escape")


async def test_next_unread_from_the_list_starts_with_the_story_under_the_cursor(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = story_list(app)
        lst.focus()
        first = lst.current
        await pilot.press("full_stop")
        await settle(pilot)
        assert app.screen.open_entry.key == first.key


async def test_a_story_imported_again_while_open_is_shown_anew(db_path, tmp_path):
    then = tmp_path / "then"
    then.mkdir()
    (then / SEED.name).write_text(older_snapshot(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    Reader.open(db_path, seed=False).import_pages([then / SEED.name])
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "003")
        await pilot.press("3", "j")
        at = current(app)
        assert len(tree(app).article.live) == 16 and not tree(app).new_ids
        Reader.open(db_path, seed=False).import_pages([SEED])  # another process, say
        app.screen.load_entries()
        await settle(pilot)
        await settle(pilot)
        assert len(tree(app).article.live) == 19 and len(tree(app).new_ids) == 3
        assert current(app) == at  # still where the reader was
        await pilot.press("escape")
        await settle(pilot)
    r = Reader.open(db_path, seed=False)
    (e,) = r.stories()
    assert e.new_comments == 0 and e.seen == 2


def test_leaving_a_story_never_takes_back_a_newer_look(db_path, tmp_path):
    then = tmp_path / "then"
    then.mkdir()
    (then / SEED.name).write_text(older_snapshot(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    r = Reader.open(db_path, seed=False)
    r.import_pages([then / SEED.name])
    (stale,) = r.stories()  # what an app had in memory
    r.import_pages([SEED])
    (fresh,) = r.stories()
    r.leave_story(fresh)  # `reader show` looked at the new version
    r.leave_story(stale)  # then the app left its old copy
    (now,) = r.stories()
    assert now.seen == 2 and now.new_comments == 0


async def test_the_status_counts_follow_each_story_opened(db_path, tmp_path):
    """Opening a story moves the unread count by that story alone (counted as it changes, not
    by recounting the archive), whatever order the stories are opened in."""
    grown_db(db_path, tmp_path)
    app = seeded_app(db_path)

    def unread_shown() -> str:
        return str(app.screen.query_one("#status").render()).split(" unread")[0].rsplit(" ", 1)[-1]

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert unread_shown() == "5"
        for prefix, left in (("003", "4"), ("003", "4"), ("000", "3"), ("003", "3"), ("004", "2")):
            await open_file(pilot, prefix)
            await settle(pilot)
            assert unread_shown() == left
            assert int(left) == sum(not e.read for e in app.screen.all_entries)
            await pilot.press("escape")
            await settle(pilot)
            assert unread_shown() == left

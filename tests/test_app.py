"""The app, driven by keys (Pilot). Every key in the issue is exercised on the seeds."""

from __future__ import annotations

import json

from reader.listing import sort_entries
from reader.store import Store
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.search import SearchScreen
from reader.ui.widgets.story_list import StoryList
from reader.usecases import Reader

from apphelpers import current, open_file, search_for, seeded_app, settle, tree

SIZE = (160, 48)


def top_level(app) -> list[int]:
    return [r.comment.id for r in tree(app).rows if r.depth == 0]


async def test_list_shows_seeds_sorted_by_votes(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(StoryList)
        assert [e.votes for e in lst.entries] == [258, 145, 14, 0, 0]
        assert app.screen.mode == "wide"
        await pilot.press("s")  # votes -> score
        assert app.screen.sort == "score"
        assert [e.score for e in lst.entries] == sorted((e.score for e in lst.entries), reverse=True)
        for expected in ("comments", "controversy", "date", "title", "votes"):
            await pilot.press("s")
            assert app.screen.sort == expected
        status = str(app.screen.query_one("#status").render())
        assert "sort votes" in status
        # Each order is kept for the next time round, and matches a fresh sort of the archive.
        for expected in ("score", "comments", "controversy", "date", "title", "votes"):
            await pilot.press("s")
            assert [e.key for e in lst.entries] == [e.key for e in sort_entries(app.screen.all_entries, expected)]


async def test_thread_keys_on_004(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "004")
        await pilot.press("3")
        assert app.focused is tree(app)
        tree(app).focus_comment(12)
        await pilot.press("j")
        assert current(app) == 13
        await pilot.press("p")
        assert current(app) == 12
        await pilot.press("j", "j")
        assert current(app) == 15
        await pilot.press("r")
        assert current(app) == 12
        await pilot.press("space")  # fold #12: its replies disappear
        shown = {r.comment.id for r in tree(app).rows}
        assert 13 not in shown and 15 not in shown and 12 in shown
        await pilot.press("space")
        assert {13, 15} <= {r.comment.id for r in tree(app).rows}
        await pilot.press("z")
        assert {r.comment.id for r in tree(app).rows}.isdisjoint({13, 15, 17})
        await pilot.press("Z")
        assert {13, 15, 17} <= {r.comment.id for r in tree(app).rows}


async def test_siblings_threads_first_last(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "004")
        await pilot.press("3", "g")
        tops = top_level(app)
        assert current(app) == tops[0] == 2  # score sort: net +2 first
        await pilot.press("J")
        assert current(app) == tops[1]
        await pilot.press("K")
        assert current(app) == tops[0]
        await pilot.press("n", "n")
        assert current(app) == tops[2]
        await pilot.press("N")
        assert current(app) == tops[1]
        await pilot.press("G")
        assert current(app) == tree(app).rows[-1].comment.id
        tree(app).focus_comment(13)
        await pilot.press("J")  # #13 has no sibling: stays put
        assert current(app) == 13


async def test_comment_sort_cycle_keeps_threads_whole(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "004")
        await pilot.press("3")
        assert top_level(app)[0] == 2
        for sort in ("top", "controversial", "old", "new", "score"):
            await pilot.press("c")
            assert tree(app).sort == sort
            ids = [r.comment.id for r in tree(app).rows]
            assert ids.index(13) == ids.index(12) + 1 and ids.index(15) == ids.index(13) + 1
        await pilot.press("c", "c", "c")  # -> old
        assert top_level(app)[:3] == [1, 2, 3]
    assert Store(db_path).settings().get("comment_sort") == "old"


async def test_revisions_the_right_way_up(db_path):
    """#3 was re-posted as #4 and again as #6: #6 (the whole text) is shown where #3 was, marked
    edited with 2 earlier versions; x lists them under it, oldest last, and hides them again."""
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "003")
        await pilot.press("3", "c", "c", "c")  # oldest first: page order
        assert tree(app).sort == "old"
        rows = tree(app).rows
        ids = [r.comment.id for r in rows]
        assert 3 not in ids and 4 not in ids
        assert [r.comment.id for r in rows if r.depth == 0][:3] == [1, 2, 6]  # in #3's place
        at = ids.index(6)
        six = rows[at]
        assert six.earlier == 2 and six.replies == 0 and six.depth == 0
        text = "\n".join(line.plain for line in tree(app).unit_lines(at, 100))
        assert "✎ edited (2 earlier versions)" in text and "1 reply" not in text
        tree(app).focus_comment(3)  # a search hit in an earlier version lands on the latest
        assert current(app) == 6
        await pilot.press("3", "x")
        rows = tree(app).rows
        assert [(r.comment.id, r.version_of, r.depth) for r in rows[at:at + 3]] == [(6, None, 0), (4, 6, 1), (3, 6, 1)]
        assert "earlier version of #6" in "\n".join(line.plain for line in tree(app).unit_lines(at + 1, 100))
        await pilot.press("x")
        assert [r.comment.id for r in tree(app).rows].count(4) == 0


async def test_search_whom_opens_comment(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"whom")
        await settle(pilot)
        first = app.screen.hits[0]
        assert first.where == "comment #6" and first.comment == 6
        await pilot.press("down", "enter")  # choose the first result (↓), open it
        await settle(pilot)
        assert app.screen.open_entry.file.startswith("000")
        assert current(app) == 6 and app.focused is tree(app)
        assert tree(app).matches == {6}
        assert "search 'whom'" in str(app.screen.query_one("#status").render())
        await pilot.press("escape", "escape")  # back to the list, then clear the search
        assert app.screen.search_query is None


async def test_a_search_on_is_said_whole_in_a_narrow_status_line(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"whom")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        status = str(app.screen.query_one("#status").render())
        assert "search 'whom' 1 in comments (n/N)" in status, status
        assert len(status) <= 118 and "…" in status  # what came before it was cut to make room
        app.screen.search_query = "whom " + "and so on " * 8  # a long query gives way inside its quotes
        app.screen._update_status()
        status = str(app.screen.query_one("#status").render())
        assert "…' 1 in comments (n/N)" in status and len(status) <= 118, status


async def test_search_no_hits_and_escape(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"qqxxzz")
        await settle(pilot)
        assert app.screen.hits == []
        assert "No matches" in str(app.screen.query_one("#search-status").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, SearchScreen)


async def test_search_n_moves_between_matches(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"ishiba")
        await settle(pilot)
        hit = next(h for h in app.screen.hits if h.comments >= 2)  # a story with several matching comments
        await pilot.press(*["down"] * (app.screen.hits.index(hit) + 1), "enter")  # the first ↓ picks the first
        await settle(pilot)
        await pilot.press("3")
        matches = tree(app).matches
        assert len(matches) >= 2
        start = current(app)
        await pilot.press("n")
        assert current(app) in matches and current(app) != start


async def test_search_enter_filters_the_list_and_esc_clears(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "1 story matches" in await search_for(pilot, "whom")
        await pilot.press("enter")
        await settle(pilot)
        lst = app.screen.query_one(StoryList)
        assert [e.file[:3] for e in lst.entries] == ["000"]
        assert "only matching stories" in str(app.screen.query_one("#status").render())
        await pilot.press("escape")
        assert len(lst.entries) == 5


async def test_bookmark_survives_restart(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.screen.query_one(StoryList).current.key
        await pilot.press("b")
        await settle(pilot)
    assert [e.key for e in Store(db_path).entries() if e.bookmarked] == [key]
    app2 = seeded_app(db_path)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app2.screen.query_one(StoryList).entries[0].bookmarked
        await pilot.press("B")
        assert [e.key for e in app2.screen.query_one(StoryList).entries] == [key]
        await pilot.press("b")  # unbookmark while filtered: the list empties and says so
        await settle(pilot)
        lst = app2.screen.query_one(StoryList)
        assert lst.entries == [] and "No bookmarked stories" in lst.empty_message


async def test_opening_marks_read_and_u_toggles(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "000")
        key = app.screen.open_entry.key
        assert Store(db_path).entry(app.screen.open_entry.id).read
        await pilot.press("u")
        await settle(pilot)
        assert not Store(db_path).entry(app.screen.open_entry.id).read
        assert not next(e for e in app.screen.all_entries if e.key == key).read


async def test_panes_by_keys_in_every_width(db_path):
    for size, mode in (((160, 48), "wide"), ((120, 40), "medium"), ((80, 24), "narrow")):
        app = seeded_app(db_path)
        async with app.run_test(size=size) as pilot:
            await open_file(pilot, "004")
            assert app.screen.mode == mode
            assert app.focused.id == "article"
            await pilot.press("tab")
            assert app.focused.id == "comments" and app.focused.display
            await pilot.press("shift+tab", "shift+tab")
            assert app.focused.id == "list"
            await pilot.press("2")
            assert app.focused.id == "article"
            await pilot.press("escape")
            assert app.focused.id == "list"
            visible = {w.id for w in app.screen.query("#list, #article, #comments") if w.display}
            expected = {"wide": {"list", "article", "comments"}, "medium": {"list", "article"}, "narrow": {"list"}}
            assert visible == expected[mode]


async def test_article_scrolls(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_file(pilot, "003")
        art = app.screen.query_one("#article")
        await pilot.press("j", "j")
        await pilot.pause()
        assert art.scroll_y > 0
        await pilot.press("space")
        await pilot.pause()
        y = art.scroll_y
        await pilot.press("pageup")
        await pilot.pause()
        assert art.scroll_y < y


async def test_help_lists_every_key(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.plain_text()
        for words in ("Next sibling", "Fold or unfold", "Cycle comment sort", "Cycle story sort",
                      "Show only bookmarked", "Mark this story read", "Fuzzy search", "Go to the top of this thread",
                      "Page down", "Next pane", "Command palette"):
            assert words in text, words
        from reader.ui.screens.main import MainScreen
        from reader.ui.widgets.comment_tree import CommentTree

        for owner, bid in ((MainScreen, "main.prev_pane"), (CommentTree, "comments.next_sibling")):
            binding = next(b for b in owner.BINDINGS if b.id == bid)
            assert app.binding_keys(binding) in text, bid
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_scrolls_to_its_ends_with_g_and_G(db_path):
    from textual.containers import VerticalScroll

    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        scroll = app.screen.query_one(VerticalScroll)
        await pilot.press("G")  # the bottom, as in the list and the comments; g the top
        await pilot.pause()
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert scroll.scroll_y == 0


async def test_theme_is_remembered(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert Store(db_path).settings().get("theme") == "nord"
    app2 = seeded_app(db_path)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app2.theme == "nord"


async def test_picks_up_stories_imported_by_another_process(db_path, tmp_path):
    app = seeded_app(db_path, watch_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        page = tmp_path / "new.txt"
        page.write_text("A brand new story\nIts body", encoding="utf-8")
        from reader.importer import import_paths

        import_paths(Store(db_path), [page])
        for _ in range(100):  # the app looks for other processes' writes every watch_interval (a slow spell: up to ~10 s)
            await pilot.pause(0.1)
            await settle(pilot)
            if "A brand new story" in [e.title for e in app.screen.query_one(StoryList).entries]:
                break
        assert "A brand new story" in [e.title for e in app.screen.query_one(StoryList).entries]


async def test_user_keymap(db_path, tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "keymap.json").write_text(json.dumps({"comments.next": "x"}))
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "004")
        await pilot.press("3", "g", "x")
        assert current(app) == tree(app).rows[1].comment.id


async def test_empty_database_says_so(tmp_path):
    from reader.ui.app import make_app

    store = Store(tmp_path / "empty")
    app = make_app(Reader(store), blink=False, watch_interval=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(StoryList)
        assert lst.entries == [] and "No stories yet" in lst.empty_message
        await pilot.press("enter", "3")
        assert "Open a story" in str(tree(app).empty_text())


async def test_search_typed_before_the_index_is_ready_still_answers(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        while app.search_index is None:  # let the start-up load finish first
            await pilot.pause(0.05)
        index, app.search_index = app.search_index, None  # then pretend it is still loading
        await pilot.press("slash", *"whom")
        await settle(pilot)
        assert "Loading the search index" in str(app.screen.query_one("#search-status").render())
        app.search_index = index
        await pilot.pause(0.4)
        await settle(pilot)
        assert app.screen.hits and app.screen.hits[0].where == "comment #6"


async def test_keys_typed_quickly_go_to_the_pane_they_chose(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:  # medium: list + one reading pane
        await settle(pilot)
        screen = app.screen
        # Switching panes focuses at once, so the very next queued key already goes there.
        screen.action_show_pane("comments")
        assert app.focused is tree(app)
        screen.action_show_pane("list")
        assert app.focused is screen.query_one(StoryList)
        # A story that finishes loading after the reader pressed 3 keeps them in the comments.
        entry = screen.query_one(StoryList).entries[1]
        article = app.reader.article(entry)
        screen.action_show_pane("comments")
        screen.show_story(entry, article, None, "article")
        assert screen.active == "comments" and app.focused is tree(app)
        assert tree(app).article.title == entry.title
        # Opened from the list, it goes to the article as usual.
        screen.action_show_pane("list")
        screen.show_story(entry, article, None, "article")
        assert screen.active == "article"


async def test_typing_slash_and_a_query_quickly_loses_no_keys(db_path):
    from textual import events
    from textual.widgets import Input

    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # All queued before any is handled, as when typed fast or pasted by a terminal.
        for key, char in [("slash", "/"), ("w", "w"), ("h", "h"), ("o", "o"), ("slash", "/"), ("m", "m")]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.3)
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one(Input).value == "who/m"  # and "/" types itself in the box


async def test_end_reaches_the_last_paragraph_of_a_long_article_and_home_its_title(tmp_path):
    from reader.importer import import_paths
    from reader.store import Store

    paras = [f"Paragraph {i} says something about the harbour and the tide, at some length." for i in range(600)]
    page = tmp_path / "long.txt"
    page.write_text("Japan Today\npolitics\n\nA very long story\n\n0 Comments\n\n" + "\n\n".join(paras)
                    + "\n\n© KYODO\n\n©2025 GPlusMedia Inc.\n")
    db = tmp_path / "longdb"
    import_paths(Store(db), [page])
    app = seeded_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        art = app.screen.query_one("#article")
        assert art.lines and art.lines[0].plain == "A very long story"
        await pilot.press("2", "G")
        await pilot.pause()
        assert art.scroll_y == art.max_scroll_y > 0
        shown = [art.lines[i].plain for i in range(int(art.scroll_y), min(len(art.lines), int(art.scroll_y) + 20))]
        assert any("Paragraph 599 " in line for line in shown)
        await pilot.press("g")
        await pilot.pause()
        assert art.scroll_y == 0


async def test_a_small_archive_is_listed_before_the_first_paint_and_a_big_one_by_a_worker(db_path, monkeypatch):
    """The whole list of a small archive is there when the screen mounts (no worker round trip
    before the first paint); an archive too big for that is listed by the loading worker."""
    first_frame: list[int] = []
    real_render_line = StoryList.render_line

    def spy(self, y):
        if not first_frame:
            first_frame.append(len(self.entries))
        return real_render_line(self, y)

    monkeypatch.setattr(StoryList, "render_line", spy)
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert first_frame == [5] and len(app.screen.all_entries) == 5
    monkeypatch.setattr("reader.usecases.QUICK_LIST_BYTES", 0)  # as if big (and no cached head yet)
    first_frame.clear()
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert first_frame == [0]  # painted while the worker loaded the list
        assert len(app.screen.all_entries) == 5 and len(app.screen.query_one(StoryList).entries) == 5


async def test_the_collector_is_off_from_the_app_made_to_its_first_paint_and_on_after(db_path):
    import gc

    from reader.ui.widgets.story_list import StoryList as _List

    app = seeded_app(db_path)
    assert not gc.isenabled()  # made: start-up runs without cyclic collections
    painted: list[bool] = []
    render_line = _List.render_line

    def spy(self, y):
        if not painted:
            painted.append(gc.isenabled())
        return render_line(self, y)

    _List.render_line = spy
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert painted == [False]  # the first frame painted with the collector still off
            assert gc.isenabled()  # and it is back on once that frame is out
    finally:
        _List.render_line = render_line
    assert gc.isenabled()
    gc.unfreeze()


async def test_an_app_that_ends_before_its_first_paint_turns_the_collector_back_on(db_path, monkeypatch):
    import gc

    import reader.ui.screens.main as main_screen

    monkeypatch.setattr(main_screen, "started_up", lambda: None)  # the first paint's callback never comes
    app = seeded_app(db_path)
    assert not gc.isenabled()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not gc.isenabled()
        app.exit()
    assert gc.isenabled()  # leaving the app ended start-up
    gc.unfreeze()

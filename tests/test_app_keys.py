"""Familiar keys (Pilot): h/l and arrows between panes, Ctrl-D/U half pages, Space through the
article into the comments."""

from __future__ import annotations

from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.story_list import StoryList

from apphelpers import current, open_file, seeded_app, settle, tree

SIZE = (160, 48)


async def test_h_l_and_arrows_move_between_panes_without_wrapping(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "004")
        await pilot.press("1")
        await pilot.press("h")
        assert app.screen.active == "list"  # the left end
        await pilot.press("l")
        assert app.screen.active == "article"
        await pilot.press("right")
        assert app.screen.active == "comments" and app.focused is tree(app)
        await pilot.press("l")
        assert app.screen.active == "comments"  # the right end
        await pilot.press("left", "h")
        assert app.screen.active == "list" and isinstance(app.focused, StoryList)


async def test_ctrl_d_and_ctrl_u_move_half_a_screen(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_file(pilot, "004")
        await pilot.press("3")
        assert current(app) == tree(app).rows[0].comment.id
        await pilot.press("ctrl+d")
        after = tree(app).cursor
        assert after >= 1
        await pilot.press("ctrl+u")
        assert tree(app).cursor < after
        await pilot.press("2", "ctrl+d")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert 0 < view.scroll_offset.y <= view.scrollable_content_region.height // 2 + 1
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert view.scroll_offset.y == 0


async def test_space_at_the_end_of_the_article_goes_on_to_the_comments(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_file(pilot, "003")
        await pilot.press("2")
        view = app.screen.query_one(ArticleView)
        for _ in range(40):
            if app.screen.active != "article":
                break
            await pilot.press("space")
            await settle(pilot)
        assert app.screen.active == "comments" and app.focused is tree(app)
        assert view.scroll_offset.y == view.max_scroll_y > 0  # it read to the end first


async def test_sorting_shows_the_new_top(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(StoryList)
        lst.focus()
        await pilot.press("j", "j", "s")
        assert lst.cursor == 0 and lst.scroll_offset.y == 0
        await open_file(pilot, "003")
        await pilot.press("3", "j", "j", "c")
        await settle(pilot)
        assert tree(app).cursor == 0 and tree(app).sort == "top"


async def test_zoom_and_header_tabs(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "004")
        await pilot.press("3", "f")
        shown = [p for p in ("list", "article", "comments") if app.screen.query_one(f"#{p}").display]
        assert shown == ["comments"]
        status = app.screen.query_one("#status")
        start, _end, _pane = next(t for t in app.screen._tabs if t[2] == "list")
        await pilot.click(status, offset=(start + 2, 0))
        assert app.screen.active == "list" and app.screen.query_one("#list").display
        await pilot.press("f")
        assert all(app.screen.query_one(f"#{p}").display for p in ("list", "article", "comments"))


async def test_dense_headers_only_and_the_parent_quote(db_path):
    app = seeded_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "004")
        await pilot.press("3")
        t = tree(app)
        t.focus_comment(13)
        at = t.cursor
        text = "\n".join(line.plain for line in t.unit_lines(at, 100))
        assert "↳ quoting #12:" in text and len([ln for ln in text.splitlines() if "↳" in ln]) == 1
        await pilot.press("e")  # expanded: the whole quote, labelled
        text = "\n".join(line.plain for line in t.unit_lines(t.cursor, 100))
        assert "↳" not in text and "quoting #12" in text
        await pilot.press("v")
        assert all(len(t.unit_lines(i, 100)) == 1 for i in range(len(t.rows)))  # one line a comment
        assert current(app) == 13
        await pilot.press("v")
        t.focus_comment(12)
        await pilot.press("V")  # headers only under #12
        rows = {r.comment.id: i for i, r in enumerate(t.rows)}
        assert len(t.unit_lines(rows[13], 100)) == 1 and len(t.unit_lines(rows[2], 100)) > 1


async def test_the_footer_shows_the_focused_panes_keys_and_is_not_rebuilt_for_nothing(db_path):
    """The footer follows the focus (its keys are rebuilt when the keys change), but a burst of
    binding announcements that change no key leaves its widgets as they are."""
    from textual.widgets._footer import FooterKey

    app = seeded_app(db_path)

    def footer_keys() -> list[FooterKey]:
        return list(app.screen.query(FooterKey))

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        on_list = footer_keys()
        assert "open" in [k.action for k in on_list] and "parent" not in [k.action for k in on_list]
        for _ in range(5):
            app.screen.refresh_bindings()
        await settle(pilot)
        assert footer_keys() == on_list  # the same widgets: nothing was rebuilt
        await open_file(pilot, "004")
        await pilot.press("3")
        await settle(pilot)
        actions = [k.action for k in footer_keys()]
        assert "parent" in actions and "fold" in actions and "open" not in actions
        await pilot.press("1")
        await settle(pilot)
        assert "open" in [k.action for k in footer_keys()]


async def test_the_footer_shows_whole_keys_that_fit_and_always_quit_help_and_search(db_path):
    from textual.widgets._footer import FooterKey

    from reader.ui.widgets.footer import _width

    app = seeded_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_file(pilot, "004")
        await pilot.press("3")
        for _ in range(3):
            await settle(pilot)
        keys = [k for k in app.screen.query(FooterKey) if not k.has_class("-command-palette")]
        shown = {k.description for k in keys}
        assert {"Next", "Quit", "Help", "Search"} <= shown and "★ only" not in shown
        assert sum(_width(k) for k in keys) <= 80 - 14  # (the palette key on the right)

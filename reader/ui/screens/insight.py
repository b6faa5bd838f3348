"""Screens that look at stories from above: what the votes say (one story or the archive), and
two articles side by side. Each gets its figures ready-made (attributes down) and draws them
with reader.charts at its own width, again on resize."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from reader.ui.widgets.footer import CalmFooter

_SCROLL_BINDINGS = [
    Binding("j,down", "scroll(1)", "Scroll down", id="insight.down", show=False),
    Binding("k,up", "scroll(-1)", "Scroll up", id="insight.up", show=False),
    Binding("space,pagedown", "page(1)", "Page down", id="insight.page_down", show=False),
    Binding("pageup", "page(-1)", "Page up", id="insight.page_up", show=False),
    Binding("g,home", "top", "Top", id="insight.top", show=False),
    Binding("G,end", "bottom", "Bottom", id="insight.bottom", show=False),
]


class _LinesScreen(Screen[None]):
    """A title line, a scrolling body of lines drawn for the screen's width, and the footer."""

    DEFAULT_CSS = """
    _LinesScreen #insight-title { height: 1; background: $panel; padding: 0 1; }
    _LinesScreen VerticalScroll { padding: 0 1; scrollbar-gutter: stable; }
    _LinesScreen #insight-body { width: 1fr; height: auto; }
    """

    def __init__(self, title: Text, draw: Callable[[int], list[Text]]) -> None:
        super().__init__()
        self.title_text = title
        self.draw = draw
        self._drawn_at = -1
        self.lines: list[Text] = []  # as last drawn

    def compose(self) -> ComposeResult:
        yield Static(self.title_text, id="insight-title")
        with VerticalScroll():
            yield Static(id="insight-body")
        yield CalmFooter()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        width = max(40, self.size.width - 4)
        if width == self._drawn_at:
            return
        self._drawn_at = width
        lines = self.lines = self.draw(width)
        for line in lines:
            line.no_wrap, line.overflow = True, "ellipsis"
        self.query_one("#insight-body", Static).update(Group(*lines))

    def action_scroll(self, n: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=n, animate=False)

    def action_page(self, n: int) -> None:
        view = self.query_one(VerticalScroll)
        view.scroll_relative(y=n * max(1, view.scrollable_content_region.height - 1), animate=False)

    def action_top(self) -> None:
        self.query_one(VerticalScroll).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one(VerticalScroll).scroll_end(animate=False)


class StatsScreen(_LinesScreen):
    """What the votes say: one story's comments (from the article or the comments), or the
    archive at a glance (from the list)."""

    BINDINGS = [
        Binding("escape,q,S", "dismiss", "Close", id="stats.close", tooltip="Back to where you were"),
        *_SCROLL_BINDINGS,
    ]


class CompareScreen(_LinesScreen):
    """Two related articles side by side: what each says that the other does not."""

    BINDINGS = [
        Binding("escape,q,D", "dismiss", "Close", id="compare.close", tooltip="Back to the story"),
        Binding("greater_than_sign,n", "other(1)", "Next related", id="compare.next",
                tooltip="Compare with the next related story"),
        Binding("less_than_sign,p", "other(-1)", "Prev related", id="compare.prev",
                tooltip="Compare with the previous related story"),
        *_SCROLL_BINDINGS,
    ]

    def __init__(self, title: Text, draw: Callable[[int], list[Text]],
                 other: Callable[[int], None] | None = None) -> None:
        super().__init__(title, draw)
        self.other = other

    def action_other(self, step: int) -> None:
        if self.other is not None:
            self.other(step)

    def show(self, title: Text, draw: Callable[[int], list[Text]]) -> None:
        """Another pair (n / p): drawn in place, scrolled to the top."""
        self.title_text, self.draw, self._drawn_at = title, draw, -1
        self.query_one("#insight-title", Static).update(title)
        self._redraw()
        self.action_top()

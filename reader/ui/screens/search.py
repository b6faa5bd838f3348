"""Fuzzy search as you type: a modal with a query box and live results."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

import numpy as np
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reader.errors import SearchIndexDamaged
from reader.render import hit_text
from reader.search.engine import SearchIndex
from reader.search.hits import Hit

if TYPE_CHECKING:
    from reader.ui.host import ReaderHost


class SearchScreen(ModalScreen[tuple[str, Hit | None] | None]):
    """Returns (query, hit) for the chosen result, (query, None) to filter the story list by
    the query, or None when dismissed."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="search.close"),
        Binding("down", "results(1)", "Next result", id="search.next", show=False),
        Binding("up", "results(-1)", "Prev result", id="search.prev", show=False),
        Binding("enter", "choose", "Filter / open", id="search.open",
                tooltip="Typed a query: show only the matching stories in the list (Esc there clears). "
                        "Chose a result with ↑↓: open it (and the matched comment)"),
    ]
    DEFAULT_CSS = """
    SearchScreen { align: center top; }
    SearchScreen > Vertical {
        width: 90%; max-width: 120; height: 80%; margin-top: 2;
        border: round $accent; background: $panel; padding: 0 1;
    }
    SearchScreen Input { margin-bottom: 1; }
    SearchScreen OptionList { height: 1fr; border: none; background: $panel; }
    SearchScreen #search-status { height: 1; color: $text-muted; }
    """

    def __init__(self, index_provider: Callable[[], SearchIndex | None], query: str = "", *, blink: bool = True,
                 listed: Callable[[str], bool] = lambda key: True,
                 deleted: Callable[[], set[str]] = set) -> None:
        super().__init__()
        self.index_provider = index_provider
        self.listed = listed  # is a story (by key) in the list: deleted ones are not shown
        self.deleted = deleted  # the deleted stories' keys (still in the index: not counted)
        self._deleted: set[str] | None = None  # asked once: no story is deleted while the search is open
        self._uncounted: tuple[object, np.ndarray] | None = None  # (index, the deleted stories' numbers in it)
        self.initial = query
        self.blink = blink
        self.hits: list[Hit] = []
        self.total = 0  # stories matching, in all
        self.chosen = False  # a result was picked with the arrows: Enter opens it

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(value=self.initial, placeholder="Search titles, bodies and comments…", id="search-input")
            yield Static("", id="search-status")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        inp = self.query_one(Input)
        inp.cursor_blink = self.blink
        self.set_focus(inp)  # at once: keys typed right after / are already queued
        self.query_one("#search-results", OptionList).can_focus = False
        self._status("Type to search." if not self.initial else "")
        if self.initial:
            self.run_search(self.initial)

    def _status(self, msg: str) -> None:
        self.query_one("#search-status", Static).update(Text(msg))

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        """Runs off the UI thread; a newer keystroke cancels this one (exclusive worker)."""
        worker = get_current_worker()
        index = self.index_provider()
        if index is None:  # still loading: say so, and try again shortly with the same query
            self.app.call_from_thread(self._status, "Loading the search index…")
            self.app.call_from_thread(self.set_timer, 0.25, lambda: self._retry(query))
            return
        try:
            found = (index.search_stories(query, limit=40, cancelled=lambda: worker.is_cancelled,
                                          uncounted=self._uncounted_docs(index))
                     if query.strip() else None)
        except SearchIndexDamaged as exc:  # a story's packed text: rebuild the index, then ask again
            self.app.call_from_thread(self._damaged, exc, query)
            return
        hits = [h for h in found.hits if self.listed(h.key)][:25] if found else []
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, query, hits, found.stories if found else 0)

    def _uncounted_docs(self, index: SearchIndex) -> np.ndarray:
        """The deleted stories' numbers in `index`: the keys asked for once, the numbers worked
        out again only for another index (rebuilt) - not on every keystroke."""
        if self._deleted is None:
            self._deleted = self.deleted()
        got = self._uncounted
        if got is None or got[0] is not index:
            got = self._uncounted = (index, index.docs_of(self._deleted))
        return got[1]

    def _damaged(self, damage: SearchIndexDamaged, query: str) -> None:
        host = cast("ReaderHost", self.app)
        if host.search_index is not None:  # once per damaged index, whatever the keystrokes
            host.search_index = None
            host.build_search_index(damage)
        self._status("Loading the search index…")
        self.set_timer(0.25, lambda: self._retry(query))

    def _retry(self, query: str) -> None:
        if self.is_attached and query == self.query_one(Input).value:
            self.run_search(query)

    def _show(self, query: str, hits: list[Hit], total: int = 0) -> None:
        if query != self.query_one(Input).value:
            return  # stale
        self.hits, self.total, self.chosen = hits, max(total, len(hits)), False
        results = self.query_one("#search-results", OptionList)
        width = (results.size.width or 100) - 2
        results.clear_options()
        results.add_options([Option(hit_text(h, width), id=str(i)) for i, h in enumerate(hits)])
        if hits:
            results.highlighted = 0
            n = self.total
            shown = f" · the best {len(hits)}" if n > len(hits) else ""
            self._status(f"{n:,} stor{'y' if n == 1 else 'ies'} match{'es' if n == 1 else ''}{shown} · "
                         "Enter: only these in the list · ↑↓ then Enter: open one · Esc close")
        else:
            self._status("No matches." if query.strip() else "Type to search.")

    def action_results(self, delta: int) -> None:
        results = self.query_one("#search-results", OptionList)
        if self.hits:
            cur = results.highlighted or 0
            results.highlighted = max(0, min(len(self.hits) - 1, cur + (delta if self.chosen else 0)))
            self.chosen = True

    def action_choose(self) -> None:
        results = self.query_one("#search-results", OptionList)
        query = self.query_one(Input).value
        if self.hits and self.chosen and results.highlighted is not None:
            self.dismiss((query, self.hits[results.highlighted]))
        elif self.hits:
            self.dismiss((query, None))  # filter the list to the matching stories

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss((self.query_one(Input).value, self.hits[event.option_index]))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_choose()

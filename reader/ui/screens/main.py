"""The main screen: story list, article and comment tree, laid out for the terminal's width."""

from __future__ import annotations

import contextlib
from operator import attrgetter
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from reader.errors import ReaderError
from reader.heap import long_lived_load, started_up
from reader.listing import LIST_SORTS, SortedViews
from reader.models import Article, StoryEntry
from reader.render import date_label
from reader.text import words
from reader.threads_view import SORT_LABELS
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.comment_tree import CommentTree
from reader.ui.widgets.footer import CalmFooter
from reader.ui.widgets.story_list import StoryList
from reader.usecases import HEAD_ROWS, Position, Related, grouped

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.compare import Comparison
    from reader.render import Change
    from reader.search.hits import Hit
    from reader.ui.host import ReaderHost
    from reader.ui.screens.insight import CompareScreen
    from reader.usecases import Reader

PANES = ("list", "article", "comments")
UNDO_SECONDS = 8.0
PANE_TITLES = {"list": "Stories", "article": "Article", "comments": "Comments"}
WIDE, MEDIUM = 140, 100


_READ, _HIST = attrgetter("read"), attrgetter("hist")


def _counted(e: StoryEntry) -> tuple[int, int]:
    """What a story adds to the status line's counts: (unread, read with new comments)."""
    return int(not e.read), int(bool(e.hist) and e.read and bool(e.new_comments))


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("tab", "cycle_pane(1)", "Next pane", id="main.next_pane", show=False),
        Binding("shift+tab", "cycle_pane(-1)", "Prev pane", id="main.prev_pane", show=False),
        Binding("h,left", "step_pane(-1)", "Pane left", id="main.pane_left", show=False,
                tooltip="The pane to the left (Stories ← Article ← Comments)"),
        Binding("l,right", "step_pane(1)", "Pane right", id="main.pane_right", show=False,
                tooltip="The pane to the right (Stories → Article → Comments)"),
        Binding("1", "show_pane('list')", "Stories", id="main.pane_list", show=False),
        Binding("2", "show_pane('article')", "Article", id="main.pane_article", show=False),
        Binding("3", "show_pane('comments')", "Comments", id="main.pane_comments", show=False),
        Binding("escape", "back", "Back", id="main.back", show=False, tooltip="Back to the story list; clears an active search"),
        Binding("s", "cycle_sort", "Sort", id="main.sort",
                tooltip="Cycle story sort: votes, score, comments, controversy, date, title"),
        Binding("B", "toggle_bookmarked_only", "★ only", id="main.bookmarked_only", tooltip="Show only bookmarked stories"),
        Binding("U", "toggle_unread_only", "Unread only", id="main.unread_only", show=False,
                tooltip="Show only unread stories and those with new comments"),
        Binding("full_stop", "next_unread", "Next unread", id="main.next_unread",
                tooltip="Open the next unread story, or one with new comments (also from inside a story)"),
        Binding("A", "mark_all_read", "All read", id="main.mark_all_read", show=False,
                tooltip="Mark every story shown read and its comments seen (asks first)"),
        Binding("d", "delete", "Delete", id="main.delete", show=False,
                tooltip="Delete this story (Ctrl+Z undoes; importing the page again brings it back)"),
        Binding("ctrl+z", "undo_delete", "Undo delete", id="main.undo_delete", show=False,
                tooltip="Bring back the story just deleted"),
        Binding("b", "toggle_bookmark", "Bookmark", id="main.bookmark", tooltip="Bookmark or unbookmark this story"),
        Binding("u", "toggle_unread", "Unread", id="main.unread", show=False, tooltip="Mark this story read or unread"),
        Binding("i", "import_page", "Import", id="main.import", show=False,
                tooltip="Import a page: a path, a URL, or pasted text"),
        Binding("o", "open_link", "Open link", id="main.open_link", show=False,
                tooltip="Open the story's address in the browser"),
        Binding("Y", "copy_link", "Copy link", id="main.copy_link", show=False,
                tooltip="Copy the story's address (to the terminal's clipboard, OSC 52)"),
        Binding("f", "zoom", "Zoom", id="main.zoom", show=False,
                tooltip="Widen the focused pane to the whole screen, and back"),
        Binding("E", "export", "Export", id="main.export", show=False,
                tooltip="Export this story and its comments as Markdown (to the exports folder)"),
        Binding("greater_than_sign", "next_related(1)", "Next related", id="main.next_related", show=False,
                tooltip="Open the next story on the same news (another outlet's, or a follow-up)"),
        Binding("less_than_sign", "next_related(-1)", "Related back", id="main.prev_related", show=False,
                tooltip="Back along the related stories, to the one you started from"),
        Binding("D", "compare", "Compare", id="main.compare", show=False,
                tooltip="This story and a related one side by side: the facts each has that the other does not"),
        Binding("S", "stats", "Stats", id="main.stats", show=False,
                tooltip="What the votes say: this story's comments (from the list: the whole archive)"),
        Binding("C", "toggle_grouped", "Group coverage", id="main.group", show=False,
                tooltip="Group each story with other coverage of the same news in the list, and back"),
        Binding("q", "app.quit", "Quit", id="main.quit"),
    ]

    mode: reactive[str] = reactive("wide", init=False)
    active: reactive[str] = reactive("list", init=False)

    def __init__(self) -> None:
        super().__init__(classes="-wide")  # the first mode's class from the start: no restyle on mount
        self.all_entries: list[StoryEntry] = []
        self._sorted = SortedViews([])  # the whole archive in each order, made once
        self.by_key: dict[str, StoryEntry] = {}
        self._opening: tuple[StoryEntry, tuple[int, int]] | None = None  # the story being opened, as counted before
        self.sort = "votes"
        self.bookmarked_only = False
        self.reading_tab = "article"
        self.open_entry: StoryEntry | None = None
        self._open_after_load: str | None = None  # a story just imported: open it once the list reloads
        self.open_article: Article | None = None
        self.search_query: str | None = None
        self.search_terms: list[str] = []
        self.search_keys: set[str] | None = None  # the list shows only these (Enter in the search box)
        self.unread_only = False
        self._deleted: list[StoryEntry] = []  # the last delete, while it can be undone
        self._undo_timer: Timer | None = None
        self._resume: str | None = None  # the story open when the app was last left: reopened once loaded
        self._last_position: dict[str, Position] = {}
        self.zoomed = False
        self._tabs: list[tuple[int, int, str]] = []  # the header's pane tabs: (first cell, end, pane)
        self._counts: tuple[int, int] | None = None  # unread stories, read ones with new comments
        self.open_related: list[Related] = []  # other coverage of the open story, the closest first
        self._walk: tuple[str, list[str], int] | None = None  # > and <: (first story, its related keys, where)
        self.grouped = False
        self._related_map: dict[str, list[str]] | None = None  # every story's related keys (grouping)

    @property
    def reader_app(self) -> ReaderHost:
        return cast("ReaderHost", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="panes"):
            yield StoryList(id="list")
            yield ArticleView(id="article")
            yield CommentTree(id="comments")
        yield CalmFooter()

    def on_mount(self) -> None:
        settings = self.reader_app.settings
        self.sort = settings.sort
        self.unread_only = settings.unread_only
        self.grouped = settings.grouped
        self._resume = settings.resume
        self.query_one("#comments", CommentTree).sort = settings.comment_sort
        self._layout(self.size.width)
        self._apply_layout()  # the mode watcher does not fire when the first mode is the default
        self.set_focus(self.query_one("#list"))  # at once (focus() is deferred: a key could come first)
        self.call_after_refresh(started_up)  # the first screen is painted: the collector is back on
        # A big archive: paint the list's first screen from the cached head, then load it all.
        head = self.reader_app.with_reader(lambda r: r.cached_head(self.sort, self.bookmarked_only))
        if head:
            self.query_one(StoryList).set_entries(head)
            self._update_status(loading=True)
            # Let the cached screen paint before the full load takes the interpreter for a while.
            self.call_after_refresh(self.load_entries)
        elif self.reader_app.with_reader(lambda r: r.lists_at_once()):
            # A small archive loads in a few ms: before the first paint, not by a worker's round trip
            try:
                got = self._views()
            except ReaderError as exc:
                self._load_failed(str(exc))
            else:
                self._entries_loaded(*got)
                self._refresh_list_cache()
        else:
            self.load_entries()

    # ---- data

    @work(thread=True, exclusive=True, group="entries")
    def load_entries(self) -> None:
        try:
            got = self._views()
        except ReaderError as exc:
            self.app.call_from_thread(self._load_failed, str(exc))
            return
        self.app.call_from_thread(self._entries_loaded, *got)
        self._refresh_list_cache()

    def _refresh_list_cache(self) -> None:
        """Listed from the index itself (its columns missing or behind): write them for the next
        start. A cache: failing costs only time."""
        with contextlib.suppress(ReaderError):
            self.reader_app.with_reader(lambda r: r.refresh_list_cache())

    def _views(self) -> tuple[list[StoryEntry], SortedViews, dict[str, StoryEntry]]:
        """Every story, sorted, mapped by key and measured (in the loading worker for a big archive)."""
        with long_lived_load():
            views = self.reader_app.with_reader(lambda r: r.list_views())
            views.get(self.sort)
            views.widest_title()
            by_key = dict(zip(map(attrgetter("key"), views.entries), views.entries, strict=True))
        return views.entries, views, by_key

    def _load_failed(self, message: str) -> None:
        story_list = self.query_one(StoryList)
        story_list.empty_message = ("The database needs repair: run `reader doctor --rebuild`."
                                    if "doctor --rebuild" in message else "The archive cannot be read (see the message).")
        story_list.set_entries([])
        self._update_status()
        self.reader_app.fail(message)

    def _entries_loaded(self, entries: list[StoryEntry], views: SortedViews | None = None,
                        by_key: dict[str, StoryEntry] | None = None) -> None:
        first = not self.all_entries
        self.all_entries = entries
        self._sorted = views if views is not None and views.entries is entries else SortedViews(entries)
        self.by_key = by_key if by_key is not None else {e.key: e for e in entries}
        if self.grouped:
            self._load_related_map()
        self._refresh_list()
        if self._open_after_load and (entry := self.by_key.get(self._open_after_load)) is not None:
            self._open_after_load = None
            self.query_one(StoryList).set_entries(self.query_one(StoryList).entries, keep_key=entry.key)
            self.open_story(entry)
        elif (self.open_entry is not None and (entry := self.by_key.get(self.open_entry.key)) is not None
              and entry.hash != self.open_entry.hash):
            # The story being read was imported again (by another process): show the new version
            # where the reader is; what is new is still counted from their last look.
            self.notify(f"This story was updated: {entry.new_comments} new comments (] to see them)"
                        if entry.new_comments else "This story was updated.", timeout=4)
            self.open_entry = entry
            self._load_story(entry, self.query_one(CommentTree).current_id, self.reading_tab, False)
        elif first and self._resume and (entry := self.by_key.get(self._resume)) is not None:
            self.query_one(StoryList).set_entries(self.query_one(StoryList).entries, keep_key=entry.key)
            self.open_story(entry, resume=True)
        self._resume = None
        # The search index loads in a worker once the list has been painted, not before.
        if first:
            self.set_timer(0.3, self.reader_app.build_search_index)
        else:
            self.reader_app.build_search_index()

    def _refresh_list(self, keep_key: str | None = None) -> None:
        story_list = self.query_one(StoryList)
        story_list.empty_message = (
            "No bookmarked stories. Press B to show all, b to bookmark one." if self.bookmarked_only
            else "All read. U shows every story." if self.unread_only
            else "No stories yet. Press i to import a page, or run `reader import PATH`.")
        rows = self._sorted.get(self.sort)
        if self.bookmarked_only:
            rows = [e for e in rows if e.bookmarked]
        if self.search_keys is not None:
            rows = [e for e in rows if e.key in self.search_keys]
        if self.unread_only:
            # the story being read stays in the list until the reader goes back to it
            rows = [e for e in rows if e.fresh or (e is self.open_entry and self.active != "list")]
        children: frozenset[str] = frozenset()
        if self.grouped and self._related_map is not None:
            pairs = grouped(rows, self._related_map)
            rows = [e for e, _ in pairs]
            children = frozenset(e.key for e, depth in pairs if depth)
        # every story in some order (not a filtered few): the archive's widest title, measured once
        story_list.set_entries(rows, keep_key=keep_key, children=children,
                               longest=self._sorted.widest_title() if len(rows) == len(self.all_entries) else None)
        self._update_status(recount=True)
        # Only the head goes to the worker: Textual describes a worker by its arguments' reprs.
        self.reader_app.save_head(rows[:HEAD_ROWS], self.sort, self.bookmarked_only, len(self.all_entries))

    def _update_status(self, loading: bool = False, *, recount: bool = False) -> None:
        if recount:
            self._counts = None
        shown = None if loading else len(self.query_one(StoryList).entries)
        tree = self.query_one(CommentTree)
        text = Text.assemble(("reader ", "bold"))
        self._tabs = []
        if self.mode != "wide" or self.zoomed:
            for i, pane in enumerate(PANES, 1):
                style = "bold reverse" if pane == self.active else "dim"
                start = text.cell_len
                text.append(f" {i} {PANE_TITLES[pane]} ", style=style)
                self._tabs.append((start, text.cell_len, pane))
            text.append(" ")
        if self.mode != "narrow" or self.active == "list":
            text.append(" loading the archive…" if shown is None else f" {shown:,} stor{'y' if shown == 1 else 'ies'}")
            text.append(" · sort ", style="dim")
            text.append(self.sort, style="bold")
            if self.bookmarked_only:
                text.append(" · ★ only", style="yellow")
            if self.unread_only:
                text.append(" · unread only", style="cyan")
            if self.grouped:
                text.append(" · grouped", style="cyan")
            if self.all_entries:
                if self._counts is None:
                    self._opening = None  # counted as it is now: a story being opened included
                    # counted in C (map, filter) over 100,000 stories: a genexpr took ~25 ms a count
                    entries = self.all_entries
                    self._counts = (len(entries) - sum(map(_READ, entries)),
                                    sum(1 for e in filter(_HIST, entries) if e.read and e.new_comments))
                unread, fresh = self._counts
                text.append(f" · {unread:,} unread", style="cyan" if unread else "dim")
                if fresh:
                    text.append(f" · {fresh:,} with new", style="magenta")
        if self.mode != "narrow" or self.active == "comments":
            text.append(" · comments " if self.mode != "narrow" or self.active == "list" else " comments ", style="dim")
            text.append(SORT_LABELS[tree.sort], style="bold")
        room = max(10, self.size.width - 2)
        if (search := self._search_status(tree, room)) is not None:
            if text.cell_len + search.cell_len > room:  # a search on is said whole: the rest is cut
                text.truncate(room - search.cell_len - 1, overflow="ellipsis")
            text.append_text(search)
        text.truncate(room, overflow="ellipsis")
        self._show_status(text)

    def _search_status(self, tree: CommentTree, room: int) -> Text | None:
        """The status line's part for a search on (None: no search)."""
        if not self.search_query:
            return None
        if self.search_keys is not None and self.active == "list":
            hint = " only matching stories (Esc: all)"
        else:
            hint = f" {len(tree.matches)} in comments (n/N)"
        query = repr(self.search_query)
        # The query gives way first (cut inside its quotes), then the hint: the count and the keys stay
        fits = max(5, room - 10 - len(" · search ") - len(hint))
        if len(query) > fits:
            query = query[: max(2, fits - 2)] + "…" + query[-1]
        search = Text.assemble((" · search ", "dim"), (query, "bold yellow"), (hint, "dim"))
        search.truncate(room - 10, overflow="ellipsis")
        return search

    def _show_status(self, text: Text) -> None:
        """(No status line while the screen is torn down: a reload from another process's write
        may land as the app quits.)"""
        for status in self.query("#status").results(Static):
            status.update(text)

    # ---- layout

    def on_resize(self) -> None:
        self._layout(self.size.width)

    def _layout(self, width: int) -> None:
        self.mode = "wide" if width >= WIDE else "medium" if width >= MEDIUM else "narrow"

    def watch_mode(self) -> None:
        self._apply_layout()

    def watch_active(self) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        widgets = {p: self.query_one(f"#{p}") for p in PANES}
        if self.zoomed:
            shown = {self.active}
        elif self.mode == "wide":
            shown = set(PANES)
        elif self.mode == "medium":
            shown = {"list", self.reading_tab}
        else:
            shown = {self.active}
        for pane, w in widgets.items():
            if w.display != (pane in shown):
                w.display = pane in shown
        mode_class = "-narrow" if self.zoomed else f"-{self.mode}"
        if not self.has_class(mode_class):  # restyling the screen is costly: only on a real change
            self.remove_class("-wide", "-medium", "-narrow")
            self.add_class(mode_class)
        self._titles()
        self._update_status()

    def _titles(self) -> None:
        tree = self.query_one(CommentTree)
        n = len(self.open_article.live) if self.open_article else 0
        new = len(tree.new_ids)
        comments_title = f"3 Comments ({n}{f' · {new} new: ]' if new else ''}) · {SORT_LABELS[tree.sort]}"
        self.query_one("#list").border_title = (f"1 Stories · {self.sort}" + (" · ★" if self.bookmarked_only else "")
                                                + (" · unread" if self.unread_only else ""))
        self.query_one("#list").border_subtitle = "● unread  ★ bookmarked  +N new comments"
        self.query_one("#article").border_title = "2 Article"
        self.query_one("#comments").border_title = comments_title
        if self.mode == "medium":
            other = "comments" if self.reading_tab == "article" else "article"
            hint = f"  ({'3' if other == 'comments' else '2'}: {PANE_TITLES[other]})"
            pane = self.query_one(f"#{self.reading_tab}")
            pane.border_title = f"{pane.border_title or ''}{hint}"

    def action_show_pane(self, pane: str) -> None:
        if pane in ("article", "comments"):
            self.reading_tab = pane
        self.active = pane
        self._apply_layout()
        # Focus at once, not after the queued events (Widget.focus defers): keys typed right
        # after `1`/`2`/`3`/Tab/Enter must go to the pane they switched to.
        self.set_focus(self.query_one(f"#{pane}"))

    def action_cycle_pane(self, direction: int) -> None:
        current = self.focused.id if self.focused is not None and self.focused.id in PANES else self.active
        self.action_show_pane(PANES[(PANES.index(current) + direction) % len(PANES)])

    @on(events.Click, "#status")
    def _tab_clicked(self, event: events.Click) -> None:
        for start, end, pane in self._tabs:
            if start <= event.x - 1 < end:  # the header has one cell of padding
                self.action_show_pane(pane)
                return

    def action_zoom(self) -> None:
        self.zoomed = not self.zoomed
        self._apply_layout()
        self.notify("Zoomed: f again for all panes" if self.zoomed else "All panes", timeout=1.5)

    def action_step_pane(self, direction: int) -> None:
        """h/l: the pane beside this one (no wrapping round: Stories is the left end)."""
        current = self.focused.id if self.focused is not None and self.focused.id in PANES else self.active
        i = PANES.index(current) + direction
        if 0 <= i < len(PANES):
            self.action_show_pane(PANES[i])

    @on(ArticleView.Finished)
    def _article_read(self) -> None:
        self.action_show_pane("comments")

    @on(StoryList.Selected)
    def _open_selected(self, event: StoryList.Selected) -> None:
        self.open_story(event.entry)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        wid = getattr(event.widget, "id", None)
        if wid in PANES and wid != self.active:
            if wid in ("article", "comments"):
                self.reading_tab = wid
            self.active = wid

    def action_back(self) -> None:
        if self.active != "list":
            self.leave_story(to_list=True)
            self.action_show_pane("list")
        elif self.search_query:
            self.clear_search()

    # ---- opening a story, and leaving it

    def open_story(self, entry: StoryEntry, *, focus_comment: int | None = None, pane: str = "article",
                   resume: bool = False) -> None:
        if self.open_entry is not None and self.open_entry is not entry:
            self.leave_story()
        if self._opening is None or self._opening[0] is not entry:  # (opened twice: counted before the first)
            self._opening = (entry, _counted(entry))
        self._load_story(entry, focus_comment, pane, resume)

    @work(thread=True, exclusive=True, group="open")
    def _load_story(self, entry: StoryEntry, focus_comment: int | None, pane: str, resume: bool) -> None:
        def load(r: Reader) -> tuple[Article, dict[int, Change], Position | None, list[Related]]:
            article = r.open_story(entry)  # opening a story marks it read
            try:
                related = r.related(entry, self.by_key or None)
            except ReaderError:  # derived data that cannot be rebuilt now: the story still opens
                related = []
            return article, r.changes(entry, article), r.position(entry), related

        try:
            article, changes, position, related = self.reader_app.with_reader(load)
        except ReaderError as exc:
            self.app.notify(str(exc), title="Cannot open this story", severity="error", markup=False, timeout=10)
            return
        if position is not None and position.pane == "list" and not resume:
            position.pane = pane
        self.app.call_from_thread(self.show_story, entry, article, focus_comment, pane, changes, position, related)

    def show_story(self, entry: StoryEntry, article: Article, focus_comment: int | None, pane: str,
                   changes: dict[int, Change] | None = None, position: Position | None = None,
                   related: list[Related] | None = None) -> None:
        self.open_entry, self.open_article = entry, article
        self.open_related = related or []
        self.query_one(StoryList).refresh_entry(entry.key)
        self.query_one(ArticleView).show(article, self.search_terms,
                                         [(r.entry.source or "web", date_label(r.entry), r.entry.title)
                                          for r in self.open_related])
        tree = self.query_one(CommentTree)
        back_at = position.comment if position is not None and focus_comment is None else None
        tree.show(article, focus_comment=focus_comment if focus_comment is not None else back_at,
                  terms=self.search_terms, changes=changes)
        if position is not None and position.scroll and focus_comment is None:
            self.query_one(ArticleView).restore_scroll(position.scroll)
        if position is not None and focus_comment is None:
            pane = position.pane
        if pane == "list":  # left on the list last time: the story is ready, the list keeps the focus
            self._titles()
            self._update_status()
        # From the list, go to the story; but a key typed while it loaded (3, Tab) has already
        # chosen a reading pane: keep it. A search hit always shows its comment.
        elif focus_comment is not None or self.active == "list":
            self.action_show_pane("comments" if focus_comment is not None else pane)
        else:
            self._titles()
        self.reader_app.save_setting("resume", entry.key)
        opening, self._opening = self._opening, None
        if opening is not None and opening[0] is entry and self._counts is not None:
            # the counts moved by this story's change only (opening marks it read): a recount of
            # 100,000 stories took ~8 ms of every open
            (was_unread, was_fresh), (unread, fresh) = opening[1], _counted(entry)
            self._counts = (self._counts[0] - was_unread + unread, self._counts[1] - was_fresh + fresh)
            self._update_status()
        else:
            self._update_status(recount=True)

    def position(self) -> Position:
        """Where the reader is in the open story."""
        pane = self.active if self.active in ("article", "comments") else "list"
        return Position(pane, self.query_one(CommentTree).current_id,
                        round(self.query_one(ArticleView).scroll_offset.y))

    def leave_story(self, *, to_list: bool = False, now: bool = False) -> None:
        """The reader is done with the open story: its new comments stop being new (the row
        shows it at once) and where they were is kept. Written in a worker (or at once when
        the app is closing)."""
        entry = self.open_entry
        if entry is None:
            return
        position = self.position()
        if to_list:
            position.pane = "list"
        if entry.versions == entry.seen and entry.read and not self._moved(entry, position):
            return
        entry.read, entry.seen = True, entry.versions
        self._last_position[entry.key] = position
        self.query_one(StoryList).refresh_entry(entry.key)
        self._update_status(recount=True)
        if now:
            self.reader_app.with_reader(lambda r: r.leave_story(entry, position))
        else:
            self.reader_app.write_leave(entry, position)

    def _moved(self, entry: StoryEntry, position: Position) -> bool:
        return self._last_position.get(entry.key) != position

    # ---- search results

    def apply_search(self, query: str, hit: Hit | None) -> None:
        if hit is None:
            self._filter_by(query)
            return
        self.search_query, self.search_terms = query, list(hit.terms)
        entry = self.by_key.get(hit.key)
        if entry is None:
            return
        self.query_one(StoryList).set_entries(self.query_one(StoryList).entries, keep_key=hit.key)
        self.open_story(entry, focus_comment=hit.comment)

    @work(thread=True, exclusive=True, group="search-filter")
    def _filter_by(self, query: str) -> None:
        """Show only the stories matching `query` (all of them, in the list's order)."""
        index = self.reader_app.search_index
        keys = set(index.story_keys(query)) if index is not None else set()
        self.app.call_from_thread(self._filtered, query, keys)

    def _filtered(self, query: str, keys: set[str]) -> None:
        self.search_query, self.search_terms, self.search_keys = query, words(query), keys
        self.action_show_pane("list")
        self._refresh_list()
        self.query_one(CommentTree).set_terms(self.search_terms)

    def clear_search(self) -> None:
        had_filter = self.search_keys is not None
        self.search_query, self.search_terms, self.search_keys = None, [], None
        if had_filter:
            self._refresh_list()
        self.query_one(CommentTree).set_terms([])
        if self.open_article:
            self.query_one(ArticleView).show(self.open_article)
        self._update_status()

    # ---- list state

    def _loading(self) -> bool:
        if not self.all_entries and self.query_one(StoryList).entries:
            self.notify("Still loading the archive…", timeout=1.5)
            return True
        return False

    def action_cycle_sort(self) -> None:
        if self._loading():
            return
        self.sort = LIST_SORTS[(LIST_SORTS.index(self.sort) + 1) % len(LIST_SORTS)]
        self._refresh_list()
        self.query_one(StoryList).cursor = 0  # show the new top of the list
        self._titles()
        self.reader_app.save_setting("sort", self.sort)
        self.notify(f"Stories sorted by {self.sort}", timeout=1.5)

    def action_toggle_bookmarked_only(self) -> None:
        if self._loading():
            return
        self.bookmarked_only = not self.bookmarked_only
        self._refresh_list()
        self._titles()

    # ---- the unread workflow

    def action_toggle_unread_only(self) -> None:
        if self._loading():
            return
        self.unread_only = not self.unread_only
        self._refresh_list()
        self._titles()
        self.reader_app.save_setting("unread_only", self.unread_only)
        self.notify("Unread stories and new comments only" if self.unread_only else "All stories", timeout=1.5)

    def action_next_unread(self) -> None:
        """Open the next story (in the list's order, after the current one, wrapping) that is
        unread or has new comments; from inside a story, the reading pane stays."""
        story_list = self.query_one(StoryList)
        rows = story_list.entries
        if not rows:
            return
        in_story = self.active != "list" and self.open_entry is not None
        current = self.open_entry if in_story else story_list.current
        start = story_list.index_of(current.key) if current is not None else -1
        # from inside a story: the next one after it; from the list: the one under the cursor first
        order = rows[start + 1:] + rows[:max(0, start) + (0 if in_story else 1)] if in_story \
            else rows[max(0, start):] + rows[:max(0, start)]
        target = next((e for e in order if e.fresh and e is not self.open_entry), None)
        if target is None:
            self.notify("No unread stories and no new comments.", timeout=2)
            return
        story_list.set_entries(rows, keep_key=target.key)
        pane = self.active if self.active in ("article", "comments") else "article"
        self.open_story(target, pane=pane)

    def action_mark_all_read(self) -> None:
        from reader.ui.screens.confirm import ConfirmScreen

        rows = [e for e in self.query_one(StoryList).entries if e.fresh]
        if not rows:
            self.notify("Everything shown is read.", timeout=2)
            return

        def done(yes: bool | None) -> None:
            if yes:
                self._mark_all_read(rows)

        what = "story" if len(rows) == 1 else f"{len(rows):,} stories"
        self.app.push_screen(ConfirmScreen(f"Mark {what} read, and their new comments seen?"), done)

    @work(thread=True, exclusive=True, group="state")
    def _mark_all_read(self, rows: list[StoryEntry]) -> None:
        try:
            n = self.reader_app.with_reader(lambda r: r.mark_all_read(rows))
        except ReaderError as exc:
            self.app.notify(str(exc), title="Not marked", severity="error", markup=False, timeout=8)
            return
        self.app.call_from_thread(self._all_read, n)

    def _all_read(self, n: int) -> None:
        self.notify(f"Marked {n:,} stor{'y' if n == 1 else 'ies'} read", timeout=2)
        self._refresh_list()

    # ---- deleting

    def action_delete(self) -> None:
        entry = self._target()
        if entry is None:
            return
        if entry is self.open_entry:
            self.leave_story()
            self.open_entry = self.open_article = None
            self.query_one(ArticleView).show(None)
            self.query_one(CommentTree).show(None)
            if self.active != "list":
                self.action_show_pane("list")
        self._deleted = [entry]
        row = self.query_one(StoryList).index_of(entry.key)
        self._drop([entry])
        story_list = self.query_one(StoryList)
        if story_list.entries and row >= 0:  # the story that moved up into its place
            story_list.cursor = min(row, len(story_list.entries) - 1)
        self.reader_app.write_delete([entry], True)
        if self._undo_timer is not None:
            self._undo_timer.stop()
        self._undo_timer = self.set_timer(UNDO_SECONDS, self._forget_undo)
        title = entry.title if len(entry.title) <= 60 else entry.title[:59].rstrip() + "…"
        self.notify(f"Deleted: {title}\nCtrl+Z brings it back", title="Deleted", timeout=UNDO_SECONDS, markup=False)

    def _forget_undo(self) -> None:
        self._deleted = []

    def action_undo_delete(self) -> None:
        if not self._deleted:
            self.notify("Nothing to undo now. Importing a deleted story's page again brings it back.", timeout=3)
            return
        entries, self._deleted = self._deleted, []
        self.reader_app.write_delete(entries, False)
        self._restore(entries)
        self.notify("Restored: " + entries[0].title, timeout=2, markup=False)

    def _drop(self, entries: list[StoryEntry]) -> None:
        keys = {e.key for e in entries}
        self.all_entries = [e for e in self.all_entries if e.key not in keys]
        self._sorted = SortedViews(self.all_entries)
        for k in keys:
            self.by_key.pop(k, None)
        self._refresh_list()

    def _restore(self, entries: list[StoryEntry]) -> None:
        self.all_entries = [*self.all_entries, *entries]
        self._sorted = SortedViews(self.all_entries)
        self.by_key.update({e.key: e for e in entries})
        self._refresh_list(keep_key=entries[0].key)

    def _target(self) -> StoryEntry | None:
        if self.active != "list" and self.open_entry is not None:
            return self.open_entry
        return self.query_one(StoryList).current

    def _toggle(self, mark: str) -> tuple[StoryEntry, bool] | None:
        """Flip a mark on the current story: its row at once, the disk in a worker."""
        entry = self._target()
        if entry is None:
            return None
        value = not getattr(entry, mark)
        setattr(entry, mark, value)
        self.query_one(StoryList).refresh_entry(entry.key)
        self._update_status(recount=True)
        self.reader_app.write_mark(entry.key, mark, value)
        return entry, value

    # ---- getting pages in, and the story's address

    def action_import_page(self) -> None:
        from reader.ui.screens.import_dialog import ImportScreen

        def done(text: str | None) -> None:
            if text:
                self.notify("Importing…", timeout=2)
                self._import(text)

        self.app.push_screen(ImportScreen(), done)

    @work(thread=True, exclusive=True, group="import")
    def _import(self, text: str) -> None:
        try:
            result = self.reader_app.with_reader(lambda r: r.import_input(text))
        except ReaderError as exc:
            self.app.notify(str(exc), title="Import failed", severity="error", markup=False, timeout=10)
            return
        if result.status == "error" or result.key is None:
            self.app.notify(f"{result.name}: {result.detail}", title="Not imported", severity="error",
                            markup=False, timeout=10)
            return
        self.app.call_from_thread(self._imported, result.key, result.status, result.detail)

    def _imported(self, key: str, status: str, detail: str = "") -> None:
        failed = "Not imported:" in detail  # a folder with pages that failed: long enough to read them
        self.notify(f"Imported: {detail or status}", timeout=10 if failed else 3, markup=False,
                    severity="warning" if failed else "information")
        self._open_after_load = key
        self.load_entries()

    def _link(self) -> str | None:
        entry = self._target()
        url = entry.url if entry is not None else None
        if url is None and self.open_article is not None and entry is not None and self.open_article.url:
            url = self.open_article.url
        if not url:
            self.notify("This story has no address.", timeout=2)
        return url

    def action_open_link(self) -> None:
        import webbrowser

        if url := self._link():
            try:
                webbrowser.get()
            except webbrowser.Error:
                self.notify(f"No browser found to open {url}; Y copies it.", timeout=4, markup=False)
                return
            self.app.open_url(url)
            self.notify(f"Opening {url}", timeout=2, markup=False)

    def action_export(self) -> None:
        entry = self._target()
        if entry is not None:
            self._export(entry, self.query_one(CommentTree).sort)

    @work(thread=True, group="export")
    def _export(self, entry: StoryEntry, sort: str) -> None:
        try:
            path = self.reader_app.with_reader(lambda r: r.export_to_file(entry, "md", sort=sort))
        except (ReaderError, OSError) as exc:
            self.app.notify(f"Not exported: {exc}", severity="error", markup=False, timeout=8)
            return
        self.app.notify(f"Exported to {path}", timeout=5, markup=False)

    def action_copy_link(self) -> None:
        if url := self._link():
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", timeout=2, markup=False)

    def set_mark(self, key: str, mark: str, value: bool) -> None:
        """Show a story's mark as `value` (the app takes back a mark the disk refused)."""
        for entry in {id(e): e for e in (self.by_key.get(key), self._target()) if e is not None and e.key == key}.values():
            setattr(entry, mark, value)
        self.query_one(StoryList).refresh_entry(key)

    def action_toggle_bookmark(self) -> None:
        toggled = self._toggle("bookmarked")
        if toggled is None:
            return
        entry, on_ = toggled
        title = entry.title if len(entry.title) <= 48 else entry.title[:47].rstrip() + "…"
        self.notify(("★ Bookmarked" if on_ else "Bookmark removed") + f"\n{title}", timeout=2, markup=False)
        if self.bookmarked_only and not on_:
            self._refresh_list()

    def action_toggle_unread(self) -> None:
        self._toggle("read")

    @on(CommentTree.SortChanged)
    def _comment_sort(self, event: CommentTree.SortChanged) -> None:
        self._titles()
        self._update_status()
        self.reader_app.save_setting("comment_sort", event.sort)

    # ---- related coverage, comparing, and what the votes say

    @work(thread=True, exclusive=True, group="related-map")
    def _load_related_map(self) -> None:
        try:
            links = self.reader_app.with_reader(lambda r: r.related_map())
        except ReaderError as exc:
            self.app.notify(str(exc), title="Cannot group the list", severity="error", markup=False)
            return
        self.app.call_from_thread(self._related_map_loaded, links)

    def _related_map_loaded(self, links: dict[str, list[str]]) -> None:
        self._related_map = links
        if self.grouped:
            self._refresh_list()

    def action_toggle_grouped(self) -> None:
        if self._loading():
            return
        self.grouped = not self.grouped
        self.reader_app.save_setting("grouped", self.grouped)
        if self.grouped and self._related_map is None:
            self._load_related_map()
        self._refresh_list()  # the status line says "grouped"; rows of other coverage are drawn under ↳

    def action_next_related(self, step: int) -> None:
        entry = self.open_entry
        if entry is None:
            self.notify("Open a story first: > walks through its coverage by other outlets.", timeout=3)
            return
        walk = self._walk
        if walk is None or (walk[0] if walk[2] < 0 else walk[1][walk[2]]) != entry.key:
            if step < 0:
                self.notify("You are where you started (> goes to the next related story).", timeout=2)
                return
            if not self.open_related:
                self.notify("No other story covers this one.", timeout=3)
                return
            walk = (entry.key, [r.entry.key for r in self.open_related], -1)
        origin, keys, pos = walk
        pos += step
        if pos >= len(keys):
            self.notify(f"That was the last of {len(keys)} related stories (< goes back).", timeout=3)
            return
        if pos < -1:
            self.notify("You are where you started.", timeout=2)
            return
        target = self.by_key.get(origin if pos < 0 else keys[pos])
        while target is None and -1 <= pos + step < len(keys):  # deleted since: skipped
            pos += step
            target = self.by_key.get(origin if pos < 0 else keys[pos])
        if target is None:
            self.notify("The other related stories were deleted.", timeout=3)
            return
        self._walk = (origin, keys, pos)
        story_list = self.query_one(StoryList)
        if (row := story_list.index_of(target.key)) >= 0:
            story_list.cursor = row
        self.open_story(target, pane=self.active if self.active in ("article", "comments") else "article")
        where = "back to the first story" if pos < 0 else f"related story {pos + 1} of {len(keys)}"
        self.notify(f"{target.source or 'web'}: {where}", timeout=2)

    def action_compare(self) -> None:
        entry = self.open_entry
        if entry is None or not self.open_related:
            self.notify("Open a story that other outlets cover too: D compares it with one of them."
                        if entry is None else "No other story covers this one: nothing to compare with.", timeout=3)
            return
        walk = self._walk
        if walk is not None and walk[2] >= 0 and walk[1][walk[2]] == entry.key and (first := self.by_key.get(walk[0])):
            left, others = first, [self.by_key[k] for k in walk[1] if k in self.by_key]
            at = next(i for i, e in enumerate(others) if e.key == entry.key)  # deleted ones left out
        else:
            left, others, at = entry, [r.entry for r in self.open_related], 0
        self._compare(left, others, at, None)

    @work(thread=True, exclusive=True, group="compare")
    def _compare(self, left: StoryEntry, others: list[StoryEntry], at: int, screen: CompareScreen | None) -> None:
        right = others[at]
        try:
            cmp = self.reader_app.with_reader(lambda r: r.compare(left, right))
        except ReaderError as exc:
            self.app.notify(str(exc), title="Cannot compare", severity="error", markup=False)
            return
        self.app.call_from_thread(self._show_compare, left, others, at, cmp, screen)

    def _show_compare(self, left: StoryEntry, others: list[StoryEntry], at: int, cmp: Comparison,
                      screen: CompareScreen | None) -> None:
        from reader.charts import compare_columns
        from reader.ui.screens.insight import CompareScreen  # off the start-up path, like the charts

        right = others[at]
        title = Text.assemble(("Compare  ", "bold"), (left.source or "web", "bold cyan"), "  ", left.title[:60],
                              ("  vs  ", "dim"), (right.source or "web", "bold magenta"), "  ", right.title[:60],
                              (f"   ({at + 1} of {len(others)}: n/p)", "dim"))

        def draw(width: int) -> list[Text]:
            return compare_columns(cmp, width, f"{left.source or 'web'} · {left.id}", f"{right.source or 'web'} · {right.id}")

        def other(step: int) -> None:
            self._compare(left, others, (at + step) % len(others), self.app.screen)

        if screen is not None:  # n / p on an open comparison: drawn there (dropped if it was closed meanwhile)
            if screen is self.app.screen:
                screen.other = other
                screen.show(title, draw)
            return
        self.app.push_screen(CompareScreen(title, draw, other))

    def action_stats(self) -> None:
        if self.active in ("article", "comments") and self.open_entry is not None and self.open_article is not None:
            self._stats(self.open_entry, self.open_article, [])
        else:
            self._stats(None, None, self.all_entries or list(self.query_one(StoryList).entries))

    @work(thread=True, exclusive=True, group="stats")
    def _stats(self, entry: StoryEntry | None, article: Article | None, entries: list[StoryEntry]) -> None:
        """One story's stats screen (`entry`), or the archive's (`entries`)."""
        from reader.charts import archive_stats_lines, story_stats_lines
        from reader.ui.screens.insight import StatsScreen

        if entry is not None and article is not None:
            st = self.reader_app.with_reader(lambda r: r.story_stats(entry, article))
            title = Text.assemble(("What the votes say  ", "bold"), entry.title, (f"  {entry.source or 'web'}", "dim"))
            screen = StatsScreen(title, lambda width: story_stats_lines(st, width))
        else:
            ast = self.reader_app.with_reader(lambda r: r.archive_stats(entries))
            title = Text.assemble(("The archive at a glance  ", "bold"), (f"{len(entries):,} stories", "dim"))
            screen = StatsScreen(title, lambda width: archive_stats_lines(ast, width))
        self.app.call_from_thread(self.app.push_screen, screen)

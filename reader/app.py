"""ReaderApp: a thin Textual shell over the core. Built by one factory for the CLI, tests and
screenshots."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from reader.heap import long_lived_load
from reader.locations import config_dir
from reader.screens.main import MainScreen
from reader.store import Store, StoreError
from reader.widgets.article_view import ArticleView
from reader.widgets.comment_tree import CommentTree
from reader.widgets.story_list import StoryList

if TYPE_CHECKING:
    from reader.search import SearchIndex

T = TypeVar("T")


class ReaderApp(App):
    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Show every key"),
        # A priority binding opens the search before the keys typed after it are routed, so
        # typing "/kaden" quickly puts "kaden" in the query box (see check_action).
        Binding("slash", "search", "Search", id="app.search", priority=True,
                tooltip="Fuzzy search titles, bodies and comments"),
        Binding("T", "change_theme", "Theme", id="app.theme", show=False, tooltip="Pick a colour theme (remembered)"),
    ]

    def __init__(self, store: Store, *, blink: bool = True, watch_interval: float | None = 2.0) -> None:
        super().__init__()
        self.store = store
        self.blink = blink
        self.watch_interval = watch_interval
        self.search_index: SearchIndex | None = None
        self._store_lock = threading.RLock()
        self._settings: dict[str, Any] = {}

    # ---- store access (workers call these from threads)

    def with_store(self, fn: Callable[[Store], T]) -> T:
        with self._store_lock:
            return fn(self.store)

    def store_setting(self, name: str, default: Any) -> Any:
        return self._settings.get(name, default)

    @work(thread=True, group="settings")
    def save_setting(self, name: str, value: Any) -> None:
        self._settings[name] = value
        self._guard(lambda s: s.set_setting(name, value))

    @work(thread=True, exclusive=True, group="head")
    def save_head(self, rows: list[dict[str, Any]], sort: str, bookmarked_only: bool) -> None:
        self._guard(lambda s: s.write_head(rows, sort, bookmarked_only))

    @work(thread=True, group="state")
    def write_state(self, what: str, key: str, value: bool) -> None:
        """Bookmarks and read marks go to disk at once (a small file, never the archive)."""
        if what == "bookmarked":
            self._guard(lambda s: s.set_bookmark(key, value))
        else:
            self._guard(lambda s: s.set_read(key, value))

    def _guard(self, fn: Callable[[Store], Any]) -> Any:
        try:
            return self.with_store(fn)
        except StoreError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", markup=False, timeout=8)
            return None

    @work(thread=True, exclusive=True, group="index")
    def build_search_index(self) -> None:
        try:
            with long_lived_load():
                self.search_index = self.with_store(lambda s: s.search_index())
        except (StoreError, OSError) as exc:
            self.call_from_thread(self.notify, f"search index: {exc}", severity="error", markup=False)

    # ---- lifecycle

    def on_mount(self) -> None:
        try:
            for name in ("theme", "sort", "comment_sort"):
                value = self.store.setting(name)
                if value is not None:
                    self._settings[name] = value
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
        theme = self._settings.get("theme")
        if theme and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, lambda t: self.save_setting("theme", t.name))
        self._load_keymap()
        self.push_screen(MainScreen())
        if self.watch_interval:
            self.set_interval(self.watch_interval, self._poll_store)

    def _load_keymap(self) -> None:
        path = config_dir() / "keymap.json"
        if not path.exists():
            return
        try:
            keymap = orjson.loads(path.read_bytes())
            if isinstance(keymap, dict):
                self.set_keymap({str(k): str(v) for k, v in keymap.items()})
        except (orjson.JSONDecodeError, OSError) as exc:
            self.notify(f"{path}: ignored ({exc})", severity="warning", markup=False)

    def _poll_store(self) -> None:
        """Another process (say `reader import`) wrote to the database: pick up its stories."""
        try:
            changed = self.with_store(lambda s: s.changed())
        except StoreError:
            return
        if changed and isinstance(self.screen, MainScreen):
            self.screen.load_entries()

    # ---- actions

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_groups(self)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search" and not isinstance(self.screen, MainScreen):
            return False  # "/" is a character in the search box, and means nothing over help
        return True

    def action_search(self) -> None:
        from reader.screens.search import SearchScreen

        main = self.screen if isinstance(self.screen, MainScreen) else None
        if main is None:
            return

        def done(result: tuple[str, Any] | None) -> None:
            if result is not None:
                main.apply_search(*result)

        self.push_screen(SearchScreen(lambda: self.search_index, main.search_query or "", blink=self.blink), done)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for title, help_, action in (
                ("Search stories", "Fuzzy search titles, bodies and comments (/)", self.action_search),
                ("Cycle story sort", "votes, score, comments, date, title (s)", screen.action_cycle_sort),
                ("Bookmarked only", "Show only bookmarked stories (B)", screen.action_toggle_bookmarked_only),
                ("Toggle bookmark", "Bookmark the current story (b)", screen.action_toggle_bookmark),
                ("Toggle read", "Mark the current story read or unread (u)", screen.action_toggle_unread),
                ("Cycle comment sort", "score, top, controversial, oldest, newest (c)",
                 screen.query_one(CommentTree).action_cycle_sort),
                ("Fold all comments", "Fold every thread (z)", lambda: screen.query_one(CommentTree).action_fold_all(True)),
                ("Unfold all comments", "Unfold every thread (Z)", lambda: screen.query_one(CommentTree).action_fold_all(False)),
                ("Keys", "Show every key (?)", self.action_help),
            ):
                yield SystemCommand(title, help_, action)


def help_groups(app: App) -> list[tuple[str, list[Binding]]]:
    from reader.screens.search import SearchScreen

    def listed(bindings: list[Binding]) -> list[Binding]:
        return [b for b in bindings if isinstance(b, Binding)]

    return [
        ("Everywhere", listed(ReaderApp.BINDINGS) + [Binding("ctrl+p", "command_palette", "Command palette: every action")]),
        ("Panes and stories", listed(MainScreen.BINDINGS)),
        ("Story list", listed(StoryList.BINDINGS)),
        ("Article", listed(ArticleView.BINDINGS)),
        ("Comments", listed(CommentTree.BINDINGS)),
        ("Search box", listed(SearchScreen.BINDINGS)),
    ]


def make_app(store: Store, **kwargs: Any) -> ReaderApp:
    """The one factory: the CLI, the tests and the screenshot script all build the app here."""
    return ReaderApp(store, **kwargs)


def run_app(store: Store) -> None:
    make_app(store).run()

"""ReaderApp: a thin Textual shell over the core. Built by one factory for the CLI, tests and
screenshots."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from reader.errors import ReaderError, SearchIndexDamaged
from reader.heap import long_lived_load, start_up, started_up
from reader.locations import config_dir, database_path
from reader.models import StoryEntry
from reader.ui.host import ReaderHost
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.comment_tree import CommentTree
from reader.ui.widgets.story_list import StoryList
from reader.usecases import Position, Reader, Settings

if TYPE_CHECKING:
    from reader.search.engine import SearchIndex

T = TypeVar("T")


class ReaderApp(App[None]):
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

    def __init__(self, reader: Reader, *, blink: bool = True, watch_interval: float | None = 2.0) -> None:
        super().__init__()
        start_up()  # no cyclic collection until the first paint (MainScreen ends it; so does leaving)
        self.reader = reader
        self.blink = blink
        self.watch_interval = watch_interval
        self.search_index: SearchIndex | None = None
        self._reader_lock = threading.RLock()
        self.settings = Settings()
        self.user_keymap: dict[str, str] = {}
        self.failed: str | None = None

    # ---- the use cases (workers call these from threads; one caller at a time)

    def with_reader(self, fn: Callable[[Reader], T]) -> T:
        """Run a use case (from a worker thread or the UI thread); what it did on the user's
        behalf (a search index rebuilt, a mark not saved) becomes a notification."""
        with self._reader_lock:
            try:
                return fn(self.reader)
            finally:
                for notice in self.reader.notices():
                    self.notify(notice, severity="warning", markup=False, timeout=8)

    def fail(self, message: str) -> None:
        """The archive cannot be read: say so, keep running, and exit non-zero at the end."""
        if message == self.failed:
            return  # said already (the list reloads when the database changes)
        self.failed = message
        self.notify(message, title="The database needs attention", severity="error", markup=False, timeout=30)

    async def action_quit(self) -> None:
        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is not None and not self.failed:
            try:  # where the reader was, written now: the app is going away
                main.leave_story(now=True)
                self.reader.save_setting("resume", main.open_entry.key if main.open_entry else "")
            except ReaderError:
                pass
        self.exit(return_code=1 if self.failed else 0, message=f"reader: {self.failed}" if self.failed else None)

    @work(thread=True, group="settings")
    def save_setting(self, name: str, value: Any) -> None:
        setattr(self.settings, name, value)
        self._guard(lambda r: r.save_setting(name, value))

    @work(thread=True, exclusive=True, group="head")
    def save_head(self, rows: list[StoryEntry], sort: str, bookmarked_only: bool, total: int) -> None:
        self._guard(lambda r: r.remember_head(rows, sort, bookmarked_only, total))

    @work(thread=True, group="state")
    def write_mark(self, key: str, mark: str, value: bool) -> None:
        """Bookmarks and read marks go to disk at once (a small file, never the archive); a mark
        that could not be saved is taken back on screen too."""
        def save(r: Reader) -> bool:
            r.save_mark(key, mark, value)
            return True

        if self._guard(save) is None and isinstance(self.screen, MainScreen):
            self.call_from_thread(self.screen.set_mark, key, mark, not value)

    @work(thread=True, group="state")
    def write_leave(self, entry: StoryEntry, position: Position) -> None:
        """The reader left a story: its comments are seen, and where they were is kept."""
        self._guard(lambda r: r.leave_story(entry, position))

    @work(thread=True, group="state")
    def write_delete(self, entries: list[StoryEntry], deleted: bool) -> None:
        """Delete stories, or undo that; a delete the disk refused puts them back on screen."""
        def save(r: Reader) -> bool:
            if deleted:
                r.delete(entries)
            else:
                r.undelete([e.key for e in entries])
            return True

        if self._guard(save) is None and deleted and isinstance(self.screen, MainScreen):
            self.call_from_thread(self.screen._restore, entries)

    def _guard(self, fn: Callable[[Reader], Any]) -> Any:
        try:
            return self.with_reader(fn)
        except ReaderError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", markup=False, timeout=8)
            return None

    @work(thread=True, exclusive=True, group="index")
    def build_search_index(self, damage: SearchIndexDamaged | None = None) -> None:
        """Load the search index; after `damage` met in it during a search, rebuild it first."""
        try:
            with long_lived_load():
                self.search_index = self.with_reader(
                    lambda r: r.search_index() if damage is None else r.rebuilt_search_index(damage))
        except (ReaderError, OSError) as exc:
            self.call_from_thread(self.notify, f"search index: {exc}", severity="error", markup=False)

    # ---- lifecycle

    def on_mount(self) -> None:
        try:
            self.settings = self.reader.settings()
        except ReaderError as exc:
            self.fail(str(exc))
        theme = self.settings.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, lambda t: self.save_setting("theme", t.name))
        self._load_keymap()
        self.push_screen(MainScreen())
        if self.watch_interval:
            self.set_interval(self.watch_interval, self._poll_store)

    def on_unmount(self) -> None:
        started_up()  # an app that never painted its first screen still turns the collector back on

    def _load_keymap(self) -> None:
        path = config_dir() / "keymap.json"
        if not path.exists():
            return
        try:
            keymap = orjson.loads(path.read_bytes())
            if isinstance(keymap, dict):
                self.user_keymap = {str(k): str(v) for k, v in keymap.items()}
                self.set_keymap(self.user_keymap)
        except (orjson.JSONDecodeError, OSError) as exc:
            self.notify(f"{path}: ignored ({exc})", severity="warning", markup=False)

    def _poll_store(self) -> None:
        """Another process (say `reader import`) wrote to the database: pick up its stories."""
        try:
            changed = self.with_reader(lambda r: r.changed())
        except ReaderError:
            return
        if changed and isinstance(self.screen, MainScreen):
            self.screen.load_entries()

    # ---- actions

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen([(title, [(self.binding_keys(b), b.description, b.tooltip or b.description)
                                              for b in bindings])
                                     for title, _, bindings in help_groups(self)]))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "/" is a character in the search box, and means nothing over help.
        return not (action == "search" and not isinstance(self.screen, MainScreen))

    def action_search(self) -> None:
        from reader.ui.screens.search import SearchScreen

        main = self.screen if isinstance(self.screen, MainScreen) else None
        if main is None:
            return

        def done(result: tuple[str, Any] | None) -> None:
            if result is not None:
                main.apply_search(*result)

        self.push_screen(SearchScreen(lambda: self.search_index, main.search_query or "", blink=self.blink,
                                      listed=lambda key: key in main.by_key or not main.all_entries,
                                      deleted=lambda: self.with_reader(lambda r: r.deleted_keys())), done)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette lists every key's action, made from the same bindings as the help screen,
        so a remapped key shows its new keys here too."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for _title, owner, bindings in help_groups(self):
            if isinstance(owner, type) and issubclass(owner, Screen) and owner is not MainScreen:
                continue  # a dialog's own keys work inside the dialog only
            node = self if owner is ReaderApp else screen if owner is MainScreen else screen.query_one(owner)
            for b in bindings:
                if b.id in PALETTE_SKIP:
                    continue
                keys = self.binding_keys(b)
                yield SystemCommand(b.description, f"{b.tooltip or b.description} ({keys})",
                                    partial(self.run_action, b.action, node))

    def binding_keys(self, b: Binding) -> str:
        """The keys that run a binding now (after the user's keymap), as people write them."""
        keys = self.user_keymap.get(b.id or "", b.key)
        return " / ".join(self.get_key_display(Binding(k.strip(), b.action)) for k in keys.split(","))


PALETTE_BINDING = Binding("ctrl+p", "command_palette", "Command palette", id="palette",
                          tooltip="Command palette: every action, searchable by name")
PALETTE_SKIP = {"app.quit", "app.help", "main.quit", "main.back", "palette"}


def help_groups(app: App[Any]) -> list[tuple[str, type[Any], list[Binding]]]:
    """Every binding, grouped by where it works: the help screen and the palette are made from this."""
    from reader.ui.screens.import_dialog import ImportScreen
    from reader.ui.screens.search import SearchScreen

    def listed(bindings: list[Any]) -> list[Binding]:
        return [b for b in bindings if isinstance(b, Binding)]

    return [
        ("Everywhere", ReaderApp, [*listed(ReaderApp.BINDINGS), PALETTE_BINDING]),
        ("Panes and stories", MainScreen, listed(MainScreen.BINDINGS)),
        ("Story list", StoryList, listed(StoryList.BINDINGS)),
        ("Article", ArticleView, listed(ArticleView.BINDINGS)),
        ("Comments", CommentTree, listed(CommentTree.BINDINGS)),
        ("Search box", SearchScreen, listed(SearchScreen.BINDINGS)),
        ("Import dialog", ImportScreen, listed(ImportScreen.BINDINGS)),
    ]


def make_app(reader: Reader, **kwargs: Any) -> ReaderApp:
    """The one factory: the CLI, the tests and the screenshot script all build the app here."""
    return ReaderApp(reader, **kwargs)


def open_app(db: str | None) -> int:
    """Open the app on the database at `db` (or the default one); the exit code. A database that
    cannot be opened is a one-line error (the app itself opens on a damaged one, and says what to
    run); what the core noticed on the way (a repair, a rebuilt index) is said on leaving."""
    reader = None
    try:
        try:
            path = database_path(db)
        except ValueError as exc:
            return _fail(str(exc))
        reader = Reader.open(path, seed=True, check=False, on_wait=lambda: print(
            f"reader: waiting for another reader process to finish writing to {path} …", file=sys.stderr))
        return run_app(reader)
    except ReaderError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    finally:
        if reader is not None:
            for notice in reader.notices():
                print(f"reader: {notice}", file=sys.stderr)


def _fail(msg: str, code: int = 1) -> int:
    print(f"reader: {msg}", file=sys.stderr)
    return code


def run_app(reader: Reader) -> int:
    """Run the app; its exit code is non-zero when it ends on an error."""
    app = make_app(reader)
    app.run()
    return app.return_code or 0


def _is_a_host(app: ReaderApp) -> ReaderHost:
    """mypy checks here that ReaderApp gives the screens everything ReaderHost promises."""
    return app

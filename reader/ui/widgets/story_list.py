"""The story list: one line per story, virtualised, with a cursor."""

from __future__ import annotations

from collections.abc import Hashable

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive

from reader.listing import widest_title
from reader.models import StoryEntry
from reader.render import story_lines
from reader.ui.widgets.lineview import LineView


class StoryList(LineView):
    BINDINGS = [
        Binding("j,down", "cursor(1)", "Down", id="list.down", show=False),
        Binding("k,up", "cursor(-1)", "Up", id="list.up", show=False),
        Binding("g,home", "jump(0)", "First story", id="list.first", show=False),
        Binding("G,end", "jump(-1)", "Last story", id="list.last", show=False),
        Binding("pagedown,space", "page(1)", "Page down", id="list.page_down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="list.page_up", show=False),
        Binding("ctrl+d", "half_page(1)", "Half page down", id="list.half_down", show=False),
        Binding("ctrl+u", "half_page(-1)", "Half page up", id="list.half_up", show=False),
        Binding("enter", "open", "Open", id="list.open", tooltip="Open the story under the cursor"),
    ]
    COMPONENT_CLASSES = {"story-list--cursor"}
    DEFAULT_CSS = """
    StoryList { scrollbar-gutter: stable; }
    StoryList > .story-list--cursor { background: $block-cursor-blurred-background; }
    StoryList:focus > .story-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Selected(Message):
        def __init__(self, entry: StoryEntry) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[StoryEntry] = []
        self._row_cache: dict[tuple[object, ...], tuple[Text, ...]] = {}
        self._row_of: dict[str, int] | None = {}  # key -> row, made when first asked for
        self.empty_message = "No stories yet. Import pages with `reader import PATH`."
        self._longest = 0  # the widest title (cells): rows take a third line when one needs it
        self.child_keys: frozenset[str] = frozenset()  # rows shown as coverage of the story above (grouped)
        self.ROW_HEIGHT = 2

    # ---- data in (attributes down)

    def set_entries(self, entries: list[StoryEntry], keep_key: str | None = None,
                    children: frozenset[str] = frozenset(), *, longest: int | None = None) -> None:
        """The rows to show; `children`: keys of rows drawn as coverage of the story above;
        `longest`: the widest title's cells when the caller has measured it (in a worker)."""
        old = self.current
        if entries is not self.entries or longest is not None:
            self._longest = widest_title(entries) if longest is None else longest
        self.entries = entries
        self.child_keys = children
        self._row_of = None
        key = keep_key or (old.key if old else None)
        # one key: found by a scan from the top (it is most often near it), no 100k-entry dict
        index = next((i for i, e in enumerate(entries) if e.key == key), 0) if key else 0
        self.update_size()
        self.cursor = min(index, max(0, len(entries) - 1))

    @property
    def _rows(self) -> dict[str, int]:
        if self._row_of is None:
            self._row_of = {e.key: i for i, e in enumerate(self.entries)}
        return self._row_of

    def refresh_entry(self, key: str) -> None:
        """Repaint a story's row after its marks changed. Only rows on screen need it (a row is
        drawn afresh when it scrolls in: its marks are part of its cache key), so they are
        looked through rather than making a 100,000-entry key -> row map for one key."""
        if self._row_of is not None:
            i = self._row_of.get(key)
        else:
            first = self.scroll_offset.y // self.ROW_HEIGHT
            last = min(len(self.entries), first + self.size.height // self.ROW_HEIGHT + 2)
            i = next((r for r in range(first, last) if self.entries[r].key == key), None)
        if i is not None:
            self._refresh_row(i)

    def index_of(self, key: str) -> int:
        """The row of a story (-1 when it is not in the list)."""
        return self._rows.get(key, -1)

    @property
    def current(self) -> StoryEntry | None:
        return self.entries[self.cursor] if 0 <= self.cursor < len(self.entries) else None

    # ---- LineView

    def _fit_rows(self, width: int) -> None:
        """Two lines a story when every title fits the pane; three (titles wrap) when one does not."""
        height = 3 if self._longest > max(8, width - 4) else 2
        if height != self.ROW_HEIGHT:
            self.ROW_HEIGHT = height
            self.update_size()
            self.call_after_refresh(self._show_cursor)

    def line_count(self) -> int:
        self._fit_rows(self.content_width)
        return len(self.entries) * self.ROW_HEIGHT

    def line_text(self, index: int, width: int) -> Text:
        row = index // self.ROW_HEIGHT
        e = self.entries[row]
        child = e.key in self.child_keys
        ck = (e.key, width, e.read, e.bookmarked, e.hash, e.seen, self.ROW_HEIGHT, child)
        lines = self._row_cache.get(ck)
        if lines is None:  # the lines of a row are built together: cache them for the others
            if len(self._row_cache) > 512:
                self._row_cache.clear()
            lines = self._row_cache[ck] = story_lines(e, width, self.ROW_HEIGHT, child)
        return lines[index % self.ROW_HEIGHT]

    def line_key(self, index: int, width: int) -> Hashable:
        e = self.entries[index // self.ROW_HEIGHT]
        return (e.key, e.hash, e.read, e.bookmarked, e.seen, index % self.ROW_HEIGHT, self.ROW_HEIGHT, width,
                e.key in self.child_keys)

    def line_style(self, index: int) -> Style | None:
        if index // self.ROW_HEIGHT == self.cursor:
            return self.get_component_rich_style("story-list--cursor")
        return None

    def _refresh_row(self, row: int) -> None:
        self.refresh_lines(row * self.ROW_HEIGHT, self.ROW_HEIGHT)

    def empty_text(self) -> Text:
        return Text("  " + self.empty_message, style="dim italic")

    def on_resize(self, event: events.Resize) -> None:
        self.update_size()

    # ---- behaviour

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._show_cursor()

    def _show_cursor(self) -> None:
        self.scroll_to_region(Region(0, self.cursor * self.ROW_HEIGHT, 1, self.ROW_HEIGHT), animate=False)

    def action_cursor(self, delta: int) -> None:
        if self.entries:
            self.cursor = max(0, min(len(self.entries) - 1, self.cursor + delta))

    def action_jump(self, where: int) -> None:
        if self.entries:
            self.cursor = 0 if where == 0 else len(self.entries) - 1

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height // self.ROW_HEIGHT - 1))

    def action_half_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height // (2 * self.ROW_HEIGHT)))

    def action_open(self) -> None:
        if self.current:
            self.post_message(self.Selected(self.current))

    def on_click(self, event: events.Click) -> None:
        index = (self.scroll_offset.y + event.y) // self.ROW_HEIGHT
        if 0 <= index < len(self.entries):
            if index == self.cursor and event.chain >= 2:
                self.action_open()
            self.cursor = index

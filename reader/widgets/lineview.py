"""A scrolling view that renders only the visible lines (Textual's Line API).

Filling it costs nothing per item: 100,000 stories or 2,000 comments paint as fast as ten.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LineView(ScrollView, can_focus=True):
    """Subclasses say how many lines there are and what each one shows."""

    DEFAULT_CSS = """
    LineView { background: $surface; }
    LineView:focus { background-tint: $foreground 3%; }
    """

    def line_count(self) -> int:
        raise NotImplementedError

    def line_text(self, index: int, width: int) -> Text:
        raise NotImplementedError

    def line_style(self, index: int) -> Style | None:
        return None

    def empty_text(self) -> Text:
        return Text("")

    @property
    def content_width(self) -> int:
        return max(10, self.scrollable_content_region.width)

    def update_size(self) -> None:
        self.virtual_size = Size(self.content_width, self.line_count())
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.content_width
        index = self.scroll_offset.y + y
        base = self.rich_style
        count = self.line_count()
        if count == 0:
            text = self.empty_text() if y == 1 else Text("")
        elif index >= count:
            return Strip.blank(width, base)
        else:
            text = self.line_text(index, width)
        segments = list(text.render(self.app.console, end=""))
        strip = Strip(segments).crop_extend(0, width, None)
        extra = self.line_style(index) if count else None
        if extra is not None:
            strip = strip.apply_style(extra)
        return strip.apply_style(base)

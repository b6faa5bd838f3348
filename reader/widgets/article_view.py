"""The article pane: title, meta, image caption, body and related headlines.

A Line-API view like the comment tree: paragraphs are wrapped at the pane's width a screenful
at a time (the rest in the background), and only the visible lines are painted, so opening a
story never waits for its whole text to be wrapped twice (once to measure, once to paint).
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size

from reader.models import Article
from reader.render import Line, article_parts, paragraph_lines
from reader.widgets.lineview import LineView

PLACEHOLDER = Text("Select a story and press Enter to read it.", style="dim italic")


class ArticleView(LineView):
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", id="article.down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", id="article.up", show=False),
        Binding("space,pagedown", "page_down", "Page down", id="article.page_down", show=False),
        Binding("pageup", "page_up", "Page up", id="article.page_up", show=False),
        Binding("g,home", "scroll_home", "Top", id="article.top", show=False),
        Binding("G,end", "scroll_end", "Bottom", id="article.bottom", show=False),
    ]
    DEFAULT_CSS = """
    ArticleView { padding: 0 1; scrollbar-gutter: stable; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.parts: list[Text] = [PLACEHOLDER]
        self.lines: list[Line] = []
        self._done = 0  # paragraphs wrapped so far
        self._width = 0  # the width they were wrapped at (0: not yet)
        self._generation = 0

    def show(self, article: Article | None, highlight: list[str] | None = None) -> None:
        self.article = article
        self.parts = article_parts(article, highlight or []) if article is not None else [PLACEHOLDER]
        self._width = 0  # wrapped at the next paint, at the width the pane has then
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    @property
    def plain_text(self) -> str:
        return "\n".join(p.plain for p in self.parts)

    # ---- layout

    def _ensure(self) -> None:
        if self._width == self.content_width:
            return
        self._width = self.content_width
        self._generation += 1
        self.lines, self._done = [], 0
        self._extend(max(10, self.size.height) + 10)
        if self._done < len(self.parts):
            generation = self._generation
            self.set_timer(0.05, lambda: self._continue(generation))

    def _extend(self, min_lines: int) -> None:
        while self._done < len(self.parts) and len(self.lines) < min_lines:
            self.lines += paragraph_lines(self.parts[self._done], self._width)
            self._done += 1
        left = self.parts[self._done :]
        # Until every paragraph is wrapped, a fair guess at the rest (a line per width of text).
        guess = sum(len(p.plain) // max(1, self._width) + 1 for p in left) if left else 0
        height = len(self.lines) + guess
        if height != self.virtual_size.height or self.virtual_size.width != self._width:
            self.virtual_size = Size(self._width, height)

    def _continue(self, generation: int) -> None:
        if generation != self._generation:
            return
        self._extend(len(self.lines) + 400)
        if self._done < len(self.parts):
            self.set_timer(0.02, lambda: self._continue(generation))

    def _all(self) -> None:
        self._ensure()
        self._extend(1 << 62)

    def action_scroll_end(self) -> None:
        self._all()
        self.scroll_end(animate=False)

    # ---- LineView

    def line_count(self) -> int:
        self._ensure()
        return self.virtual_size.height if self.lines else 0

    def _laid_out(self, index: int) -> bool:
        self._ensure()
        while index >= len(self.lines) and self._done < len(self.parts):
            self._extend(index + 50)
        return index < len(self.lines)

    def line_key(self, index: int, width: int) -> tuple | None:
        return (self._generation, index, width) if self._laid_out(index) else None

    def line_text(self, index: int, width: int) -> Text:
        return self.lines[index].text() if self._laid_out(index) else Text("")

"""The article pane: title, meta, image caption, body and related headlines.

A lazily laid-out Line-API view like the comment tree (see LazyLineView): paragraphs are
wrapped at the pane's width a screenful at a time, so opening a story never waits for its whole
text to be wrapped twice (once to measure, once to paint).
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from reader.models import Article
from reader.render import Line, article_parts, paragraph_lines
from reader.ui.widgets.lineview import LazyLineView

PLACEHOLDER = Text("Select a story and press Enter to read it.", style="dim italic")


class ArticleView(LazyLineView):
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", id="article.down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", id="article.up", show=False),
        Binding("space", "page_or_comments", "Page down", id="article.page_down", show=False,
                tooltip="Page down; at the end of the article, on to the comments"),
        Binding("pagedown", "page_down", "Page down", id="article.page_down_key", show=False),
        Binding("pageup", "page_up", "Page up", id="article.page_up", show=False),
        Binding("ctrl+d", "half_page(1)", "Half page down", id="article.half_down", show=False),
        Binding("ctrl+u", "half_page(-1)", "Half page up", id="article.half_up", show=False),
        Binding("g,home", "scroll_home", "Top", id="article.top", show=False),
        Binding("G,end", "scroll_end", "Bottom", id="article.bottom", show=False),
    ]
    DEFAULT_CSS = """
    ArticleView { padding: 0 1; scrollbar-gutter: stable; }
    """

    class Finished(Message):
        """Space at the end of the article: the reader wants the comments next."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.coverage: list[tuple[str, str, str]] = []  # other outlets' stories on it: (outlet, date, title)
        self.parts: list[Text] = [PLACEHOLDER]

    def show(self, article: Article | None, highlight: list[str] | None = None,
             coverage: list[tuple[str, str, str]] | None = None) -> None:
        self.article = article
        if coverage is not None or article is None:
            self.coverage = coverage or []
        self.parts = article_parts(article, highlight or [], self.coverage) if article is not None else [PLACEHOLDER]
        self.forget_layout()
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def unit_count(self) -> int:
        return len(self.parts)

    def unit_lines(self, unit: int, width: int) -> list[Line]:
        return paragraph_lines(self.parts[unit], width)

    def restore_scroll(self, y: int) -> None:
        """Scroll to line `y` (where the reader left the story), once the lines are laid out."""
        def go(tries: int) -> None:
            if not self.display or not self.size.height or not self.content_width:
                if tries:  # hidden (a narrow terminal shows one pane) or not laid out yet: soon
                    self.call_after_refresh(go, tries - 1)
                return
            self.ensure_layout()
            self.extend(len(self.parts), min_lines=y + max(1, self.scrollable_content_region.height))
            self.call_after_refresh(self.scroll_to, 0, y, animate=False)  # once the new height is known

        self.call_after_refresh(go, 20)

    def action_page_or_comments(self) -> None:
        self.ensure_layout()
        self.extend(len(self.parts))
        if self.article is not None and self.scroll_offset.y >= self.max_scroll_y:
            self.post_message(self.Finished())
        else:
            self.action_page_down()

    def action_half_page(self, direction: int) -> None:
        self.ensure_layout()
        self.extend(len(self.parts))
        half = max(1, self.scrollable_content_region.height // 2)
        self.scroll_to(0, max(0, self.scroll_offset.y + direction * half), animate=False)

    def action_scroll_end(self) -> None:
        self.ensure_layout()
        self.extend(len(self.parts))
        self.scroll_end(animate=False)

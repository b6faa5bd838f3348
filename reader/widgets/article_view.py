"""The article pane: title, meta, image caption, body and related headlines."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.models import Article
from reader.render import article_renderable


class ArticleView(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", id="article.down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", id="article.up", show=False),
        Binding("space,pagedown", "page_down", "Page down", id="article.page_down", show=False),
        Binding("pageup", "page_up", "Page up", id="article.page_up", show=False),
        Binding("g,home", "scroll_home", "Top", id="article.top", show=False),
        Binding("G,end", "scroll_end", "Bottom", id="article.bottom", show=False),
    ]
    DEFAULT_CSS = """
    ArticleView { padding: 0 1; background: $surface; }
    ArticleView:focus { background-tint: $foreground 3%; }
    ArticleView > Static { width: 100%; }
    """

    def compose(self):
        yield Static(Text("Select a story and press Enter to read it.", style="dim italic"), id="article-body")

    def show(self, article: Article | None, highlight: list[str] | None = None) -> None:
        body = self.query_one("#article-body", Static)
        if article is None:
            body.update(Text("Select a story and press Enter to read it.", style="dim italic"))
        else:
            body.update(article_renderable(article, highlight=highlight or []))
        self.scroll_home(animate=False)

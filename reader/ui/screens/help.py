"""Every key, grouped, read from the bindings themselves so help can never drift from them."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
        Binding("j,down", "scroll(1)", "Scroll down", id="help.down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", id="help.up", show=False),
        Binding("space,pagedown", "scroll(10)", "Page down", id="help.page_down", show=False),
        Binding("pageup", "scroll(-10)", "Page up", id="help.page_up", show=False),
        Binding("g,home", "ends(0)", "Top", id="help.top", show=False),
        Binding("G,end", "ends(1)", "Bottom", id="help.bottom", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 96%; max-width: 180; height: 96%; border: round $accent; background: $panel; padding: 0 1;
    }
    HelpScreen Horizontal { height: auto; }
    HelpScreen .help-column { width: 1fr; height: auto; padding-right: 2; }
    HelpScreen #help-legend { margin-top: 1; color: $text-muted; }
    """

    LEGEND = ("● unread   ★ bookmarked   +N new: comments since your last look   ✦ new comment   "
              "(▲+5) score moved since then   ✎ edited   ↳ quote of the comment just above   "
              "net: up votes minus down votes.  Mouse: click a story, a comment or a header tab; the wheel scrolls.")

    def __init__(self, groups: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
        """`groups`: (title, [(keys, short name, what they do)]) as the app's bindings say, keymap applied."""
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True, min_width=14)
        table.add_column(ratio=1)
        for title, bindings in self.groups:
            table.add_row(Text(title, style="bold underline"), "")
            for keys, _name, what in bindings:
                table.add_row(keys, Text(what))
            table.add_row("", "")
        self.table = table
        width = self.app.size.width
        columns = 3 if width >= 110 else 2 if width >= 76 else 1
        with VerticalScroll():
            yield Static(Text("reader — keys", style="bold"), id="help-title")
            if columns == 1:
                yield Static(table)
            else:  # everything on one screen: short names in columns (the palette, Ctrl+P, has the long ones)
                with Horizontal():
                    for part in _columns(self.groups, columns):
                        yield Static(part, classes="help-column")
            yield Static(Text(self.LEGEND), id="help-legend")
            yield Static(Text("Remap any key in keymap.json in the config folder, e.g. {\"comments.next\": \"j,down\"}.",
                              style="dim"))

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_ends(self, end: int) -> None:
        """To the top (0) or the bottom (1), as in the list and the comments."""
        scroll = self.query_one(VerticalScroll)
        if end:
            scroll.scroll_end(animate=False)
        else:
            scroll.scroll_home(animate=False)

    def plain_text(self, width: int = 120) -> str:
        from rich.console import Console

        console = Console(width=width, record=True, file=None, color_system=None)
        with console.capture() as cap:
            console.print(self.table)
        return cap.get()


def _columns(groups: list[tuple[str, list[tuple[str, str, str]]]], columns: int) -> list[Table]:
    """Every group's title and keys as lines, cut into `columns` columns of about equal height
    (a title never ends a column, a blank line never starts one)."""
    lines: list[tuple[str, str, str]] = []  # (kind, keys, name)
    for title, bindings in groups:
        if lines:
            lines.append(("blank", "", ""))
        lines.append(("title", title, ""))
        lines += [("key", keys, name) for keys, name, _what in bindings]
    per = -(-len(lines) // columns)
    cuts: list[list[tuple[str, str, str]]] = []
    i = 0
    while i < len(lines):
        j = min(len(lines), i + per) if len(cuts) < columns - 1 else len(lines)
        while j < len(lines) and j > i + 1 and lines[j - 1][0] == "title":
            j -= 1
        cuts.append(lines[i:j])
        i = j
        while i < len(lines) and lines[i][0] == "blank":
            i += 1
    out = []
    for part in cuts:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True, min_width=max((len(k) for kind, k, _n in part if kind == "title"), default=0))
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        for kind, keys, name in part:
            if kind == "title":
                table.add_row(Text(keys, style="bold underline"))
            else:
                table.add_row(Text(keys, style="bold cyan"), Text(name))
        out.append(table)
    return out

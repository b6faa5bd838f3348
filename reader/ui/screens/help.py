"""Every key, grouped, read from the bindings themselves so help can never drift from them."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
        Binding("j,down", "scroll(1)", "Scroll down", id="help.down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", id="help.up", show=False),
        Binding("space,pagedown", "scroll(10)", "Page down", id="help.page_down", show=False),
        Binding("pageup", "scroll(-10)", "Page up", id="help.page_up", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%; border: round $accent; background: $panel; padding: 0 1;
    }
    """

    def __init__(self, groups: list[tuple[str, list[tuple[str, str]]]]) -> None:
        """`groups`: (title, [(keys, what they do)]) as the app's bindings say, keymap applied."""
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True, min_width=14)
        table.add_column(ratio=1)
        for title, bindings in self.groups:
            table.add_row(Text(title, style="bold underline"), "")
            for keys, what in bindings:
                table.add_row(keys, Text(what))
            table.add_row("", "")
        self.table = table
        with VerticalScroll():
            yield Static(Text("reader — keys", style="bold"), id="help-title")
            yield Static(table)
            yield Static(Text("Remap any key in keymap.json in the config folder, e.g. {\"comments.next\": \"j,down\"}.",
                              style="dim"))

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def plain_text(self, width: int = 120) -> str:
        from rich.console import Console

        console = Console(width=width, record=True, file=None, color_system=None)
        with console.capture() as cap:
            console.print(self.table)
        return cap.get()

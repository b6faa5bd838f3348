"""The import dialog: a path, a URL, or a whole page pasted in (bracketed paste)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea


class ImportScreen(ModalScreen[str | None]):
    """Returns what was typed or pasted (a path, a URL or page text), or None when dismissed."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="import.cancel"),
        Binding("ctrl+s", "submit", "Import", id="import.submit", tooltip="Import the path, URL or pasted page"),
    ]
    DEFAULT_CSS = """
    ImportScreen { align: center middle; }
    ImportScreen > Vertical {
        width: 90%; max-width: 110; height: 70%; border: round $accent; background: $panel; padding: 0 1;
    }
    ImportScreen TextArea { height: 1fr; }
    ImportScreen #import-help { color: $text-muted; height: auto; margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Import a page: type a path or an http(s) URL and press Enter, or paste a whole page "
                         "and press Ctrl+S. Esc cancels.", id="import-help")
            yield TextArea(id="import-text", soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one(TextArea))

    _done = False  # dismissed already: Changed events still queued (fast typing, a paste) must not dismiss again

    def _finish(self, result: str | None) -> None:
        if not self._done:
            self._done = True
            self.dismiss(result)

    @on(TextArea.Changed)
    def _one_line_submits(self, event: TextArea.Changed) -> None:
        text = event.text_area.text  # (the text now, not when the event was sent: each queued one sees the Enter)
        if text.endswith("\n") and text.count("\n") == 1 and text.strip():  # Enter after one line: a path or URL
            self._finish(text.strip())

    def action_submit(self) -> None:
        text = self.query_one(TextArea).text
        self._finish(text if text.strip() else None)

    def action_cancel(self) -> None:
        self._finish(None)

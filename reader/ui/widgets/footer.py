"""The key footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Keys the footer leaves out first, in this order, when all do not fit (help lists every key):
# the list's own filters, then what a narrow terminal can spare.
OPTIONAL = ("toggle_bookmarked_only", "next_unread", "toggle_bookmark", "cycle_sort", "fold", "dense")


class CalmFooter(Footer):
    """Textual's Footer rebuilds all its keys after every binding change it hears of, and a
    screen announces several at once (it is pushed, resumed and focused in the same moment):
    at start-up that was five rebuilds of ~25 keys, ~80 ms of the event loop while the archive
    loads. Changes heard before the next refresh are coalesced into one rebuild, and a rebuild
    that would show the same keys as now is skipped."""

    _rebuild_pending = False
    _shown: Hashable = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    def _keys(self) -> Hashable:
        """Everything the footer's keys are made from (see Footer.compose)."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return self.app.size.width, tuple(
            (b.key, b.action, b.description, b.tooltip, b.show, enabled, tooltip, self.app.get_key_display(b),
             None if b.group is None else (b.group.description, b.group.compact))
            for _, b, enabled, tooltip in self.screen.active_bindings.values() if b.show or b.key == palette)

    def on_resize(self) -> None:
        """A new width fits other keys: rebuilt (once, and only if what shows would change)."""
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    def compose(self) -> ComposeResult:
        """Textual's keys, less the optional ones that would not fit (it cut the last key mid-word:
        `q Qu`), so every key shown is whole."""
        widgets: list[Widget] = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        room = self.app.size.width - (14 if len(keys) < len(widgets) else 0)
        used = sum(_width(k) for k in keys)
        for action in OPTIONAL:
            if used <= room:
                break
            for k in [k for k in keys if k.action == action]:
                widgets.remove(k)
                used -= _width(k)
        yield from widgets

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await self.recompose()


def _width(key: FooterKey) -> int:
    """The cells a key takes in the footer: ` k Description ` and the gap after it."""
    return len(key.key_display) + len(key.description) + 3

"""The key footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer


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
        return tuple(
            (b.key, b.action, b.description, b.tooltip, b.show, enabled, tooltip, self.app.get_key_display(b),
             None if b.group is None else (b.group.description, b.group.compact))
            for _, b, enabled, tooltip in self.screen.active_bindings.values() if b.show or b.key == palette)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await self.recompose()

"""What the screens need of the app (ReaderApp implements it): a Protocol, so screens depend on
this small surface and not on the app module (which imports the screens)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.worker import Worker

from reader.errors import SearchIndexDamaged
from reader.models import StoryEntry
from reader.usecases import Position, Reader, Settings

if TYPE_CHECKING:
    from reader.search.engine import SearchIndex

T = TypeVar("T")


class ReaderHost(Protocol):
    settings: Settings
    search_index: SearchIndex | None

    def fail(self, message: str) -> None: ...

    def with_reader(self, fn: Callable[[Reader], T]) -> T: ...
    def build_search_index(self, damage: SearchIndexDamaged | None = None) -> Worker[None]: ...
    def save_head(self, rows: list[StoryEntry], sort: str, bookmarked_only: bool, total: int) -> Worker[None]: ...
    def save_setting(self, name: str, value: Any) -> Worker[None]: ...
    def write_mark(self, key: str, mark: str, value: bool) -> Worker[None]: ...
    def write_leave(self, entry: StoryEntry, position: Position) -> Worker[None]: ...
    def write_delete(self, entries: list[StoryEntry], deleted: bool) -> Worker[None]: ...

"""The bundled seed pages: the demo stories a new, empty database starts with."""

from __future__ import annotations

from reader.importer.pipeline import import_paths
from reader.locations import seed_files
from reader.store import ImportResult, Store


def seed_if_new(store: Store) -> list[ImportResult]:
    """Fill a database that has never been written with the seed pages; otherwise do nothing."""
    if store.index_file.exists() or store.needs_repair():
        return []
    return import_paths(store, seed_files())

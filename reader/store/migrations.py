"""Bringing an older index forward, one schema version at a time, after a backup."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from tinydb import Query

from reader.models import Article
from reader.store.files import DB, open_db


class Store(Protocol):
    """What a migration needs of the archive (reader.store.archive.Store)."""

    @property
    def path(self) -> Path: ...
    @property
    def index_file(self) -> Path: ...
    def segment_file(self, seg: int) -> Path: ...


def _migrate_0_to_1(store: Store, db: DB) -> None:
    """Schema 0 (reader 0.0.x) kept no meta record: derive where the next import appends."""
    segs = sorted(int(p.stem) for p in store.path.glob("pages/*.json") if p.stem.isdigit())
    last = segs[-1] if segs else 0
    count = len(open_db(store.segment_file(last)).table("articles")) if last else 0
    db.table("meta").truncate()
    db.table("meta").insert({"seg": last, "seg_count": count})
    for doc in db.table("articles"):
        if "votes" not in doc or "score" not in doc:
            art = open_db(store.segment_file(doc["seg"])).table("articles").get(Query().key == doc["key"])
            if isinstance(art, dict):
                try:
                    a = Article.from_dict(art)
                except (KeyError, TypeError, ValueError, AttributeError):
                    continue  # a damaged story keeps its record as it is: doctor reports it
                db.table("articles").update({"votes": a.votes, "score": a.score}, doc_ids=[doc.doc_id])


def _migrate_1_to_2(store: Store, db: DB) -> None:
    """Schema 2 keeps each story's up votes and controversy in its record (the stats and the
    controversy sort): read from the page files, each file once."""
    from reader.stats import controversy

    table = db.table("articles")
    by_seg: dict[int, list[tuple[int, str]]] = {}
    for doc in table:
        if "up" not in doc:
            by_seg.setdefault(int(doc["seg"]), []).append((doc.doc_id, doc["key"]))
    for seg, docs in by_seg.items():
        path = store.segment_file(seg)
        if not path.exists():
            continue  # doctor reports the missing file
        try:
            stored = {d.get("key"): d for d in open_db(path).table("articles")}
        except Exception:  # a damaged page file: its stories keep 0 until doctor --rebuild reads them
            continue
        for doc_id, key in docs:
            if isinstance(art := stored.get(key), dict):
                try:
                    a = Article.from_dict(art)
                except (KeyError, TypeError, ValueError):
                    continue
                table.update({"up": sum(c.up or 0 for c in a.live), "contested": controversy(a.live)},
                             doc_ids=[doc_id])


def _migrate_2_to_3(store: Store, db: DB) -> None:
    """Version 3: records hold `src`, the source digest of the page file a story was made from
    (None until the story's page is imported again). An older reader refuses the new field."""
    def add(table: Any) -> None:
        for doc_id in list(table):
            table[doc_id].setdefault("src", None)

    db.table("articles")._update_table(add)


SCHEMA_VERSION = 3  # the index's layout; MIGRATIONS[n] brings version n to n + 1

MIGRATIONS: dict[int, Callable[[Store, DB], None]] = {0: _migrate_0_to_1, 1: _migrate_1_to_2, 2: _migrate_2_to_3}


def migrate(store: Store, db: DB, version: int) -> None:
    """Migrate the index `db` (at `version`) to the current schema, keeping `index.json.schemaN.bak`."""
    backup = store.index_file.with_name(f"index.json.schema{version}.bak")
    shutil.copy2(store.index_file, backup)
    with db.storage.deferred():
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](store, db)
            version += 1
        meta = db.table("meta")
        doc = meta.get(doc_id=1)
        info = dict(doc) if isinstance(doc, dict) else {}
        info["schema"] = SCHEMA_VERSION
        meta.truncate()
        meta.insert(info)

"""Checking a database's health, and rebuilding its index from the page files (`reader doctor`)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from typing import Any

import orjson

from reader.atomic import atomic_write
from reader.errors import StoreError
from reader.models import Article
from reader.store.archive import SEGMENT_CAP, Store
from reader.store.files import open_db
from reader.store.migrations import SCHEMA_VERSION
from reader.store.records import index_record, serialise


def doctor(store: Store, rebuild: bool = False) -> list[str]:
    """Check every file; with rebuild, make a new index from the stored pages."""
    report: list[str] = []
    segs = sorted(store.path.glob("pages/*.json"))
    stories: dict[str, tuple[int, dict[str, Any]]] = {}
    for p in segs:
        try:
            docs = list(open_db(p).table("articles"))
        except StoreError as exc:
            report.append(f"bad page file: {exc}")
            continue
        for d in docs:
            stories[d["key"]] = (int(p.stem), d)  # later segments hold newer copies
    report.append(f"{len(segs)} page files hold {len(stories)} distinct stories")
    for label, path in (("index", store.index_file), ("user state", store.user_file)):
        try:
            open_db(path).storage.read()
            report.append(f"{label}: ok ({path.name})")
        except StoreError as exc:
            report.append(f"{label}: {exc}")
    if rebuild:
        report.append(rebuild_index(store, stories, max((int(p.stem) for p in segs), default=0)))
    return report


def rebuild_index(store: Store, stories: dict[str, tuple[int, dict[str, Any]]], last_seg: int) -> str:
    """A new index (and search index) from the stories found in the page files."""
    with store.locked():
        if store.index_file.exists():
            shutil.copy2(store.index_file, store.index_file.with_name(
                f"index.json.before-rebuild-{datetime.now().strftime('%Y%m%d-%H%M%S')}"))
        now = datetime.now(UTC).isoformat(timespec="seconds")
        recs = []
        for key, (seg, d) in stories.items():
            rec = index_record(Article.from_dict(d), key)
            rec.update(seg=seg, hash=d.get("hash") or serialise(d)[0], imported=now, updated=now)
            recs.append(rec)
        data = {"articles": {str(i): r for i, r in enumerate(recs, 1)},
                "meta": {"1": {"schema": SCHEMA_VERSION, "seg": last_seg,
                               "seg_count": SEGMENT_CAP if last_seg else 0}}}
        atomic_write(store.index_file, orjson.dumps(data))
        store.reload()
        store.rebuild_search()
    return f"rebuilt the index and the search index: {len(recs)} stories"

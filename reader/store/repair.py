"""`reader doctor`: every file checked, problems reported truthfully, and repair.

    check(store)    reads every file and cross-checks the index against the page files
    rebuild(store)  a new index from the page files (newest copy of each story, same ids),
                    user state restored from its backup, search index rebuilt, temp files gone
    compact(store)  drops superseded copies of stories and stale temp files
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from reader.atomic import atomic_write, is_temp_file
from reader.errors import StoreError
from reader.models import Article
from reader.store.archive import SEGMENT_BYTES, SEGMENT_CAP, Store
from reader.store.columns import write_columns
from reader.store.files import PAGE_SHAPE, CorruptFile, open_db, page_bytes, stamp
from reader.store.migrations import SCHEMA_VERSION
from reader.store.records import index_record, serialise


@dataclass
class Report:
    """What doctor found: `problems` make the exit code non-zero; `notes` are for information."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # problems a repair found (and fixed)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"found: {p}" for p in self.found] + [f"done: {d}" for d in self.done]
        out += [f"problem: {p}" for p in self.problems] + [f"note: {n}" for n in self.notes]
        if self.problems:
            out.append("to repair it, run `reader doctor --rebuild`" if not self.done else
                       "some damage could not be repaired (see above)")
        else:
            out.append("all is well")
        return out


@dataclass
class _Copy:
    """One stored copy of a story in a page file."""

    seg: int
    local: int
    doc: dict[str, Any]
    story_id: int | None
    seq: int


def _page_files(store: Store) -> list[tuple[int, Path]]:
    return sorted((int(p.stem), p) for p in store.path.glob("pages/*.json") if p.stem.isdigit())


def _committed_seq(store: Store) -> int | None:
    """The number of the last import the index committed (None when the index cannot say)."""
    try:
        store.reload()
        seq = store.meta().get("seq") if store.index_file.exists() else None
    except StoreError:
        return None
    return seq if isinstance(seq, int) else None


def _read_pages(store: Store, report: Report, committed: int | None = None) -> tuple[dict[str, _Copy], list[Path], int]:
    """The newest readable copy of every story; the damaged page files; how many copies in all.

    Copies written by an import the index never committed (a crash between the page files and
    the index) are not part of the archive: they are counted in a note and left out."""
    newest: dict[str, _Copy] = {}
    damaged: list[Path] = []
    copies = uncommitted = 0
    for seg, path in _page_files(store):
        try:
            data = open_db(path, PAGE_SHAPE).storage.read() or {}
        except (CorruptFile, StoreError) as exc:
            report.problems.append(str(exc))
            damaged.append(path)
            continue
        placed = data.get("placed", {})
        for local, doc in data.get("articles", {}).items():
            copies += 1
            info = placed.get(local, {})
            # Files written before import numbers were kept: file order stands in (later is newer).
            c = _Copy(seg, int(local), doc, info.get("id"), info.get("seq", 0))
            if committed is not None and c.seq > committed:
                uncommitted += 1
                copies -= 1
                continue
            old = newest.get(doc["key"])
            if old is None or (c.seq, c.seg, c.local) > (old.seq, old.seg, old.local):
                newest[doc["key"]] = c
    if uncommitted:
        report.notes.append(f"{uncommitted} copies left by an interrupted import (never part of the archive; "
                            "`reader compact` drops them)")
    return newest, damaged, copies


def check(store: Store) -> Report:
    """Read every file of the database and cross-check them; change nothing."""
    report = Report()
    if not store.path.exists():
        report.notes.append(f"{store.path}: no database here yet")
        return report
    newest, _, copies = _read_pages(store, report, _committed_seq(store))
    index = _check_index(store, report, newest)
    _check_user(store, report)
    if index is not None:
        _check_search(store, report, index)
        _check_related(store, report, index)
    if copies > len(newest):
        report.notes.append(f"{copies - len(newest)} superseded copies of re-imported stories; "
                            "`reader compact` drops them")
    temps = [p for p in store.path.rglob(".*") if is_temp_file(p)]
    if temps:
        report.notes.append(f"{len(temps)} temporary files left by interrupted writes; `reader compact` removes them")
    report.notes.append(f"{len(_page_files(store))} page files hold {len(newest)} stories")
    return report


def _check_index(store: Store, report: Report, newest: dict[str, _Copy]) -> dict[str, Any] | None:
    if not store.index_file.exists():
        if newest:
            report.problems.append(f"{store.index_file}: missing, but the page files hold {len(newest)} stories")
        else:
            report.notes.append(f"{store.index_file}: not written yet (nothing imported)")
        return None
    try:
        store.reload()
        raw = store.raw_records()
        meta = store.meta()
    except StoreError as exc:
        report.problems.append(str(exc))
        return None
    missing = []
    stale = 0
    for rec in raw.values():
        c = newest.get(rec["key"])
        if c is None:
            missing.append(rec)
        elif c.doc.get("hash") != rec["hash"] and c.seq == 0:
            stale += 1
    if missing:
        names = ", ".join(sorted({str(r.get("file") or r["key"]) for r in missing})[:5])
        report.problems.append(f"{len(missing)} stories in the index are in no readable page file "
                               f"(re-import their pages after the repair: {names}{' …' if len(missing) > 5 else ''})")
    extra = set(newest) - {r["key"] for r in raw.values()}
    if extra:
        report.problems.append(f"{len(extra)} stories in the page files are missing from the index")
    report.notes.append(f"index: {len(raw)} stories{_deleted_note(store, raw)}, schema {meta.get('schema', 0)}")
    return meta


def _check_user(store: Store, report: Report) -> None:
    for path in (store.user_file, store.user_backup):
        if not path.exists():
            if path == store.user_file and store.user_backup.exists():
                report.problems.append(f"{path}: missing, but its backup is there")
            continue
        try:
            open_db(path, store.shape_of(store.user_file)).storage.read()
        except StoreError as exc:
            report.problems.append(str(exc))


def _check_search(store: Store, report: Report, meta: dict[str, Any]) -> None:
    manifest = meta.get("search", [])
    if not manifest:
        if not store.is_empty():
            report.notes.append("search index: not built yet (the next search builds it)")
        return
    if problem := store.search_files().check(manifest, texts=True):
        report.problems.append(f"search index: {problem} (it is rebuilt from the stories)")


def _check_related(store: Store, report: Report, meta: dict[str, Any]) -> None:
    from reader.store import related_files

    try:
        got = related_files.load(store.related_dir)
    except related_files.RelatedDamaged as exc:
        report.problems.append(f"related stories: {exc} (they are linked again from the stories)")
        return
    if got is None:
        if not store.is_empty():
            report.notes.append("related stories: not linked yet (the next import or view links them)")
    elif got[1] != meta.get("seq", 0):
        report.notes.append("related stories: behind the index (the next import or view links them again)")


def rebuild(store: Store) -> Report:
    """Repair: a new index from the page files, user state from its backup, a new search index."""
    report = Report(found=check(store).problems)
    with store.locked():
        newest, damaged, _ = _read_pages(store, Report(), _committed_seq(store))
        lost = _stories_only_in(store, damaged, newest)
        for path in damaged:  # kept, but out of the way: its stories are listed for re-import
            aside = path.with_name(f"{path.name}.corrupt-{datetime.now().strftime('%Y%m%d-%H%M%S')}")
            os.replace(path, aside)
            report.done.append(f"moved the damaged {path.name} aside as {aside.name}")
        _write_index(store, newest, report)
        _restore_user(store, report)
        for p in [p for p in store.path.rglob(".*") if is_temp_file(p)]:
            p.unlink(missing_ok=True)
        store.reload()
        store.rebuild_search()
        report.done.append(f"rebuilt the search index ({len(newest)} stories)")
        linked = store.rebuild_related()
        report.done.append(f"linked related coverage again ({linked} stories have related stories)")
    after = check(store)
    report.problems += [p for p in after.problems if p not in report.problems]
    if lost:
        names = ", ".join(lost[:8]) + (f" and {len(lost) - 8} more" if len(lost) > 8 else "")
        report.problems.append(f"{len(lost)} stories were only in damaged or missing page files: import their pages again "
                               f"({names}); their bookmarks and read marks come back with them")
    report.notes = after.notes
    return report


def _write_index(store: Store, newest: dict[str, _Copy], report: Report) -> None:
    old_ids: dict[str, int] = {}
    if store.index_file.exists():
        backup = store.index_file.with_name(f"index.json.before-rebuild-{datetime.now().strftime('%Y%m%d-%H%M%S')}")
        shutil.copy2(store.index_file, backup)
        try:
            store.reload()
            old_ids = {r["key"]: int(i) for i, r in store.raw_records().items()}
        except StoreError:
            pass
    now = datetime.now(UTC).isoformat(timespec="seconds")
    taken: set[int] = set()
    recs: dict[str, dict[str, Any]] = {}
    pending: list[tuple[str, _Copy]] = []
    for key, c in sorted(newest.items(), key=lambda kv: (kv[1].seq, kv[1].seg, kv[1].local)):
        sid = c.story_id if c.story_id is not None else old_ids.get(key)
        if sid is None or sid in taken:
            pending.append((key, c))
            continue
        taken.add(sid)
        recs[str(sid)] = _record(key, c, now)
    next_id = max(taken, default=0) + 1
    for key, c in pending:  # stories from files written before ids were kept
        recs[str(next_id)] = _record(key, c, now)
        next_id += 1
    segs = _page_files(store)
    last = segs[-1][0] if segs else 0
    seq = max((c.seq for c in newest.values()), default=0)
    data = {"articles": recs, "meta": {"1": {"schema": SCHEMA_VERSION, "seg": last + 1 if last else 0, "seg_count": 0,
                                             "seg_bytes": 0, "seq": seq, "last_id": next_id - 1, "search": []}}}
    atomic_write(store.index_file, orjson.dumps(data))
    if (st := stamp(store.index_file)) is not None:
        write_columns(store.index_file, data, st)
    report.done.append(f"rebuilt the index from the page files: {len(recs)} stories, ids kept")


def _record(key: str, c: _Copy, now: str) -> dict[str, Any]:
    rec = index_record(Article.from_dict(c.doc), key)
    rec.update(seg=c.seg, hash=c.doc.get("hash") or serialise(c.doc)[0], imported=now, updated=now)
    return rec


def _restore_user(store: Store, report: Report) -> None:
    shape = store.shape_of(store.user_file)
    for path in (store.user_file, store.user_backup):
        try:
            good = path.exists() and open_db(path, shape).storage.read() is not None
        except StoreError:
            good = False
        if good:
            if path == store.user_file and store.user_backup.exists() and not _readable(store.user_backup, shape):
                atomic_write(store.user_backup, path.read_bytes())
                report.done.append("rewrote the damaged user.json.bak from user.json")
            if path == store.user_backup:
                shutil.copy2(store.user_file, store.user_file.with_name("user.json.damaged")) \
                    if store.user_file.exists() else None
                atomic_write(store.user_file, path.read_bytes())
                report.done.append("restored bookmarks, read marks and settings from user.json.bak")
            return
    if store.user_file.exists() or store.user_backup.exists():
        report.problems.append("user.json and its backup are both damaged: bookmarks and read marks start empty")
        store.user_file.replace(store.user_file.with_name("user.json.damaged"))


def compact(store: Store) -> Report:
    """Drop superseded copies (rewriting the page files that hold them) and stale temp files.

    Crash-safe like an import: the current copies go to new page files, the index is written
    last, and only then are the old page files removed."""
    report = Report()
    with store.locked():
        store.reload()
        if problem := store.needs_repair():
            raise StoreError(problem)
        raw = store.raw_records()
        info = store.meta()
        segs = _page_files(store)
        keep = {r["key"]: (int(i), r) for i, r in raw.items()}
        base = (segs[-1][0] if segs else 0) + 1
        new_files: dict[int, dict[str, Any]] = {}
        seg, count, size = base, 0, 0
        moved = 0
        for _, path in segs:
            data = store.open_checked(path).storage.read() or {}
            placed = data.get("placed", {})
            for local, doc in data.get("articles", {}).items():
                cur = keep.get(doc["key"])
                if cur is None or cur[1]["hash"] != doc.get("hash") or cur[1]["seg"] != int(path.stem):
                    continue
                if count >= SEGMENT_CAP or (count and size >= SEGMENT_BYTES):
                    seg, count, size = seg + 1, 0, 0
                tables = new_files.setdefault(seg, {"articles": {}, "placed": {}})
                n = str(len(tables["articles"]) + 1)
                tables["articles"][n] = doc
                tables["placed"][n] = placed.get(local, {"id": cur[0], "seq": info.get("seq", 0)})
                cur[1]["seg"] = seg
                count += 1
                size += len(orjson.dumps(doc))
                moved += 1
        for s, tables in new_files.items():
            atomic_write(store.segment_file(s), page_bytes(tables))
        info.update(seg=seg, seg_count=count, seg_bytes=size)
        with store.index.storage.deferred():
            table = store.index.table("articles")
            for doc_id, rec in keep.values():
                table.update({"seg": rec["seg"]}, doc_ids=[doc_id])
            store.write_meta(info)
        for _, path in segs:
            path.unlink(missing_ok=True)
        temps = [p for p in store.path.rglob(".*") if is_temp_file(p)]
        for p in temps:
            p.unlink(missing_ok=True)
        store.reload()
    report.done.append(f"kept {moved} current stories{_deleted_note(store, raw)} in {len(new_files)} page files "
                       f"(from {len(segs)}); removed {len(temps)} temporary files")
    return report


def _deleted_note(store: Store, raw: dict[str, Any]) -> str:
    """` (N deleted: kept for …)` when some of the stored stories were deleted (`reader rm`, `d`
    in the app): they leave the list and search, but stay stored until their page comes again."""
    try:
        deleted = store.deleted_keys()
    except StoreError:  # (a damaged user.json: the check of it says so, and doctor --rebuild mends it)
        return ""
    n = sum(1 for r in raw.values() if r.get("key") in deleted) if deleted else 0
    if not n:
        return ""
    pages = "its page is" if n == 1 else "their pages are"
    return f" ({n} of them deleted: kept, and back in the list if {pages} imported again)"


def _readable(path: Path, shape: Any) -> bool:
    try:
        return open_db(path, shape).storage.read() is not None
    except StoreError:
        return False


def _stories_only_in(store: Store, damaged: list[Path], newest: dict[str, _Copy]) -> list[str]:
    """The pages (as imported) of stories the index lists that no readable page file holds (they
    were in a damaged or missing page file)."""
    try:
        store.reload()
        records = list(store.raw_records().values())
    except StoreError:
        return []
    return sorted({str(r.get("url") or r.get("file") or r["key"]) for r in records
                   if r["key"] not in newest})

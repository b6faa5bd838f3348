"""The archive: a reader database directory, read lock-free and written under a file lock.

    index.json         TinyDB: one small metadata record per story (what the list needs), the
                       page-file cursor and the search manifest, in one file written last
    index.columns      the same records one column per field (binary), stamped with index.json's
                       (mtime, size): what start-up reads while the stamp matches (a cache; columns.py)
    pages/NNNNNN.json  TinyDB page files: the full stories, <= 256 and ~1 MB of JSON per file,
                       append-only, gzipped (`zcat` reads one; plain ones from older versions too)
    search/            the search index (reader.search.ondisk), listed by the index's manifest
    user.json          TinyDB: bookmarks, read marks and settings; never rewritten by an import
    head.json          the list's first screen as last shown (a cache for big archives)
    .lock              a file lock taken for every write

An import writes page files and search segments first and the index last, so a crash leaves
the old state or the new one, never a mix.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from collections import OrderedDict
from collections.abc import Callable, Container, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from tinydb import Query
from tinydb.table import Document

from reader.atomic import atomic_write
from reader.errors import SearchIndexDamaged, StoreError
from reader.models import ENTRY_NAMES, Article, Comment, StoryEntry
from reader.store.columns import KINDS, UNREAD, Columns, columns_file, read_columns, read_meta, write_columns, written_for
from reader.store.files import (
    DB,
    INDEX_SHAPE,
    PAGE_SHAPE,
    USER_SHAPE,
    AtomicJSONStorage,
    CorruptFile,
    Shape,
    cut_docs,
    doc_spans,
    identity,
    open_db,
    page_bytes,
    stamp,
)
from reader.store.migrations import SCHEMA_VERSION, migrate
from reader.store.packed import PackedPage, read_page_file
from reader.store.records import ImportResult, PreparedStory

if TYPE_CHECKING:  # the search package pulls in numpy and rapidfuzz: keep them off the start-up path
    from filelock import FileLock  # (and the lock: only writes need it)

    from reader.related import RelatedIndex
    from reader.search.engine import SearchIndex
    from reader.search.fields import SearchPayload
    from reader.search.ondisk import SearchFiles

REPAIR = "run `reader doctor --rebuild` to repair it"
SEGMENT_CAP = 256  # stories per page file
SEGMENT_BYTES = 1 << 20  # and about this much JSON: opening any story parses a small file
HEAD_ROWS = 200  # rows of the list's first screen kept in head.json
SNAPSHOT_UNREAD = frozenset(KINDS) - {"key", "src", "seg", "hash", "imported", "file"}  # columns import_snapshot never needs
PARALLEL_MERGES = 400  # stories to merge here in a batch from which it is done on every core (most are merged where parsed)


def segment_path(db: Path, seg: int) -> Path:
    """A page file of the database folder `db`."""
    return db / "pages" / f"{seg:06d}.json"


class Store:
    """A reader database. Reads are lock-free; every write holds the file lock."""

    def __init__(self, path: Path, *, lock_timeout: float = 30.0, on_wait: Callable[[], None] | None = None):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.on_wait = on_wait
        _check_location(self.path)
        self._index: DB | None = None
        self._user: DB | None = None
        self._segments: OrderedDict[int, DB] = OrderedDict()
        self._packed: tuple[int, tuple[int, int, int] | None, PackedPage] | None = None  # (_packed_page)
        self._lock: FileLock | None = None
        self.notices: list[str] = []  # things done on the user's behalf that they should hear of
        self._related: tuple[RelatedIndex, int] | None = None  # the related index and its import number
        self._related_saved: int | None = None  # the import number the related files hold `_related` for
        self._related_keys: tuple[int, Container[str]] | None = None  # (import, the stories the files link) read alone
        self._search_files: SearchFiles | None = None
        self._meta: tuple[tuple[tuple[int, int, int] | None, tuple[int, int, int] | None], dict[str, Any]] | None = None
        # links.json as last read: (its identity and seq.json's, the links, the import they hold for)
        self._links: tuple[tuple[Ident, Ident | None], dict[str, list[list[Any]]], int | None] | None = None
        self._columns_later, self._columns_owed = 0, False  # inside columns_at_end(); an index write since
        self.timings: dict[str, float] = {"related_s": 0.0}  # seconds spent linking related stories (benchmark)
        self._maps: _KeyMaps | None = None  # the index's stories by key (and address, title) between batches

    # ---- files and locking

    @property
    def index_file(self) -> Path:
        return self.path / "index.json"

    @property
    def user_file(self) -> Path:
        return self.path / "user.json"

    @property
    def head_file(self) -> Path:
        return self.path / "head.json"

    @property
    def search_dir(self) -> Path:
        return self.path / "search"

    def segment_file(self, seg: int) -> Path:
        return segment_path(self.path, seg)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the database's write lock (re-entrant within this process). Every write happens
        inside it, and a write the file system refuses becomes a one-line StoreError."""
        try:
            with self._lock_held():
                yield
        except OSError as exc:
            if isinstance(exc, PermissionError) or exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise StoreError(f"{self.path}: the database is read-only ({exc.strerror}); "
                                 "reading works, changes cannot be saved") from None
            if exc.errno == errno.ENOSPC:
                raise StoreError(f"{self.path}: the disk is full; nothing was changed") from None
            raise StoreError(f"{exc.filename or self.path}: cannot write ({exc.strerror or exc})") from None

    @contextmanager
    def _lock_held(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        from filelock import FileLock, Timeout

        if self._lock is None:
            self._lock = FileLock(str(self.path / ".lock"))  # one object: re-entrant within a process
        lock = self._lock
        try:
            lock.acquire(timeout=0.5)
        except Timeout:
            if self.on_wait:
                self.on_wait()
            try:
                lock.acquire(timeout=self.lock_timeout)
            except Timeout:
                raise StoreError(f"{self.path}: another reader process holds the database lock") from None
        try:
            yield
        finally:
            lock.release()

    def shape_of(self, path: Path) -> Shape:
        return INDEX_SHAPE if path == self.index_file else USER_SHAPE if path == self.user_file else PAGE_SHAPE

    def open_checked(self, path: Path) -> DB:
        """Open one of the database's files. A damaged one is reported with what to run; its
        bytes are never changed (a copy is kept beside it, `NAME.corrupt-TIME`, for the record)."""
        db = open_db(path, self.shape_of(path))
        if path == self.index_file:  # the index as this program wrote it (its columns file says so)
            db.storage.vouch = partial(written_for, path)
        try:
            db.storage.read()
        except CorruptFile as exc:
            _keep_a_copy(path)
            raise StoreError(f"{path}: {exc.problem}; {REPAIR}") from None
        return db

    def needs_repair(self) -> str | None:
        """Why the database cannot be used as it is (a missing index while stories are stored)."""
        if not self.index_file.exists():
            pages = list(self.path.glob("pages/*.json"))
            if pages:
                return (f"{self.index_file}: missing, but {len(pages)} page files hold stories; {REPAIR} "
                        "(nothing has been changed)")
        return None

    @property
    def index(self) -> DB:
        if self._index is None or self._index.storage.stale():
            if problem := self.needs_repair():
                raise StoreError(problem)
            self._index = self.open_checked(self.index_file)
            self._index.storage.after_flush = self._index_written
            self._check_schema(self._index)
        return self._index

    def _index_written(self, data: dict[str, Any], st: tuple[int, int]) -> None:
        if self._columns_later:
            self._columns_owed = True
        else:
            write_columns(self.index_file, data, st)

    def refresh_columns(self) -> bool:
        """Write the index's columns when they are missing or behind the index as this store read
        it (a database copied without its files' times, or a crash between the two writes): the
        next start reads them instead of every JSON record (~1.5 s more and ~95 MB at 100k).
        True when written."""
        db = self._index
        if db is None or db.storage.stale() or (st := db.storage.loaded_stamp) is None:
            return False  # not read from the index itself this time: the columns were current
        if read_meta(self.index_file) is not None:
            return False
        write_columns(self.index_file, db.storage.read() or {}, st)
        return True

    @contextmanager
    def columns_at_end(self) -> Iterator[None]:
        """Several index writes in a row (a big import commits every 2,000 pages): the index's
        columns are written once, after the last, not after each (~0.5 s each at 100,000 stories)."""
        self._columns_later += 1
        try:
            yield
        finally:
            self._columns_later -= 1
            if not self._columns_later and self._columns_owed:
                self._columns_owed = False
                with suppress(StoreError), self.locked():
                    db = self._index
                    if db is not None and not db.storage.stale() and (st := stamp(self.index_file)) is not None:
                        write_columns(self.index_file, db.storage.read() or {}, st)

    @property
    def user(self) -> DB:
        if self._user is None or self._user.storage.stale():
            if not self.user_file.exists() and self.user_backup.exists():
                raise StoreError(f"{self.user_file}: missing, but its backup is there; {REPAIR}")
            self._user = self.open_checked(self.user_file)
        return self._user

    @property
    def user_backup(self) -> Path:
        return self.path / "user.json.bak"

    def reload(self) -> None:
        """Forget what was read: the next read goes to disk (another process may have written)."""
        self._index = None
        self._user = None

    def _check_schema(self, db: DB) -> None:
        if db.storage.read() is None:
            return  # a new database: the first import writes schema SCHEMA_VERSION
        meta = db.table("meta").get(doc_id=1)
        version = meta.get("schema", 0) if isinstance(meta, dict) else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.index_file}: written by a newer reader (schema {version}, this one knows {SCHEMA_VERSION}); "
                "upgrade reader to open it"
            )
        if version < SCHEMA_VERSION:
            with self.locked():
                if db.storage.stale():  # another process wrote (or migrated) it after we read it: read again
                    db = self._index = self.open_checked(self.index_file)
                    db.storage.after_flush = self._index_written
                    meta = db.table("meta").get(doc_id=1)
                    version = meta.get("schema", 0) if isinstance(meta, dict) else 0
                if version < SCHEMA_VERSION:
                    migrate(self, db, version)

    def changed(self) -> bool:
        """Has another process written to the database since we last read it?"""
        for db in (self._index, self._user):
            if db is not None and db.storage.stale():
                return True
        return self._index is None and self.index_file.exists()

    def meta(self) -> dict[str, Any]:
        """The index's bookkeeping: schema, where the next page file write goes, the search manifest."""
        if self._index is None or self._index.storage.stale():  # not loaded: the columns' header has it
            # kept while both files are as they were: the header carries every story's vote
            # history (~10 ms to parse at 100k) and opening a story asks for the meta
            at = (identity(self.index_file), identity(columns_file(self.index_file)))
            if self._meta is not None and self._meta[0] == at:
                return dict(self._meta[1])
            meta = read_meta(self.index_file)
            if meta is not None and meta.get("schema") == SCHEMA_VERSION:
                self._meta = (at, meta) if None not in at else None
                return dict(meta)
        doc = self.index.table("meta").get(doc_id=1)
        return dict(doc) if isinstance(doc, dict) else {}

    def _index_columns(self, unread: frozenset[str] = UNREAD) -> Columns | None:
        """The index's columns (`index.columns`) when they are the index as it is on disk and
        this reader's schema; None otherwise (read the index itself). The `unread` columns
        hold None (the list never needs the source digests)."""
        got = read_columns(self.index_file, unread)
        return got if got is not None and got.meta.get("schema") == SCHEMA_VERSION else None

    def write_meta(self, info: dict[str, Any]) -> None:
        meta = self.index.table("meta")
        meta.truncate()
        meta.insert(info)

    # ---- reading

    def is_empty(self) -> bool:
        return len(self.index.table("articles")) == 0

    def raw_records(self) -> dict[str, dict[str, Any]]:
        """The index's story records as loaded (str doc id -> record), with no TinyDB copies."""
        records: dict[str, dict[str, Any]] = (self.index.storage.read() or {}).get("articles", {})
        return records

    def _states(self) -> dict[str, dict[str, Any]]:
        return {d["key"]: d for d in (self.user.storage.read() or {}).get("state", {}).values()}

    def entries(self) -> list[StoryEntry]:
        """Every story's list row: its index record plus the user's marks."""
        return self.entries_by_title()[0]

    def entries_by_title(self) -> tuple[list[StoryEntry], list[StoryEntry] | None]:
        """Every story's list row (its index record plus the user's marks), and the same rows in
        the list's title order when the index's columns have it (else None: sort them).

        Built from the index's columns when they are current (one map() over 20 lists), else
        straight from the cached index data (no TinyDB Document objects): at 100,000 stories
        this is the start-up path.
        """
        state = self._states()
        if (self._index is None or self._index.storage.stale()) and (got := self._index_columns()) is not None:
            return _entries_from_columns(got, state)
        return self._entries_from_index(state), None

    def _entries_from_index(self, state: dict[str, dict[str, Any]]) -> list[StoryEntry]:
        none: dict[str, Any] = {}
        out: list[StoryEntry] = []
        append = out.append
        for k, rec in self.raw_records().items():
            s = state.get(rec["key"], none)
            if s and s.get("deleted"):
                continue
            append(StoryEntry(int(k), **rec, bookmarked=bool(s.get("bookmarked")), read=bool(s.get("read")),
                              bookmarked_at=s.get("bookmarked_at"), seen=_seen(s)))
        return out

    def entry(self, ref: str | int) -> StoryEntry:
        """One story's list row by its short id or a prefix (>= 4 characters) of its key."""
        raw = self.raw_records()
        ref_s = str(ref).strip()
        found: tuple[str, dict[str, Any]] | None = None
        if ref_s.isdigit() and ref_s.lstrip("0") in raw:
            found = (ref_s.lstrip("0"), raw[ref_s.lstrip("0")])
        if found is None and len(ref_s) >= 4:
            matches = [(k, r) for k, r in raw.items() if r["key"].startswith(ref_s.lower())]
            if len(matches) > 1:
                raise StoreError(f"{ref_s!r} matches {len(matches)} stories; give more of the key")
            found = matches[0] if matches else None
        if found is None:
            raise StoreError(f"no story with id {ref_s!r} (see `reader list`)")
        k, rec = found
        s = self._states().get(rec["key"], {})
        if s.get("deleted"):
            raise StoreError(f"story {k} was deleted (importing its page again brings it back)")
        return StoryEntry(int(k), **rec, bookmarked=bool(s.get("bookmarked")), read=bool(s.get("read")),
                          bookmarked_at=s.get("bookmarked_at"), seen=_seen(s))

    def state(self, key: str) -> dict[str, Any]:
        """The user's marks on one story (read, bookmarked, seen, deleted, position)."""
        return dict(self._states().get(key, {}))

    def deleted_keys(self) -> set[str]:
        return {k for k, s in self._states().items() if s.get("deleted")}

    def _segment(self, seg: int) -> DB:
        db = self._segments.get(seg)
        if db is None or db.storage.stale():
            path = self.segment_file(seg)
            if not path.exists():
                raise StoreError(f"{path}: missing; run `reader doctor --rebuild`")
            db = self.open_checked(path)
            self._segments[seg] = db
            while len(self._segments) > 8:
                self._segments.popitem(last=False)
        self._segments.move_to_end(seg)
        return db

    def article(self, entry: StoryEntry) -> Article:
        """The whole story (body and comments), read from its page file: its own gzip member
        when the file lists it (store.packed), else the whole file."""
        if entry.seg not in self._segments and (page := self._packed_page(entry.seg)) is not None:
            got = page.docs({entry.key: entry.hash})
            if got is not None:
                try:
                    return Article.from_dict(got[entry.key])
                except (KeyError, TypeError, ValueError, AttributeError):
                    pass  # the whole file is read below, and its damage reported
        docs = self._segment(entry.seg).table("articles").search(Query().key == entry.key)
        doc = next((d for d in reversed(docs) if d.get("hash") == entry.hash), docs[-1] if docs else None)
        if doc is None:
            raise StoreError(f"story {entry.key} is missing from its page file; run `reader doctor --rebuild`")
        try:
            return Article.from_dict(doc)
        except (KeyError, TypeError, ValueError, AttributeError):  # (compiled, a value of the wrong type is refused too)
            raise StoreError(f"story {entry.key} is damaged in its page file; {REPAIR}") from None

    def _packed_page(self, seg: int) -> PackedPage | None:
        """A page file laid out in members (store.packed), kept while it is the file on disk:
        reading a file's stories one after another (iter_articles) reads it once."""
        path = self.segment_file(seg)
        ident = identity(path)
        if self._packed is not None and self._packed[:2] == (seg, ident):
            return self._packed[2]
        page = read_page_file(path)
        if page is not None:
            self._packed = (seg, ident, page)
        return page

    def _stored_docs(self, seg: int, wanted: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
        """The stories in a page file by key: the newest copy of each (later copies win); or
        only those `wanted` (key -> hash), cut out of the file without parsing all of it when
        they can be (files.cut_docs)."""
        path = self.segment_file(seg)
        if not path.exists():
            raise StoreError(f"{path}: missing; {REPAIR}")
        if wanted:
            if (page := self._packed_page(seg)) is not None and (got := page.docs(wanted)) is not None:
                return got
            try:
                raw = AtomicJSONStorage(path, PAGE_SHAPE).raw_json()
            except CorruptFile:
                raw = None  # reported as the whole file is read below
            if raw is not None and (got := cut_docs(raw, wanted)) is not None:
                return got
        tables = self.open_checked(path).storage.read() or {}
        return {d["key"]: d for d in tables.get("articles", {}).values()}

    def iter_articles(self, *, deleted: bool = False) -> Iterator[tuple[StoryEntry, Article]]:
        """Every story (`deleted`: those the reader deleted too), page file by page file (each
        file is read once)."""
        rows = ([StoryEntry(int(k), **rec) for k, rec in self.raw_records().items()] if deleted
                else self.entries())
        for e in sorted(rows, key=lambda e: e.seg):
            yield e, self.article(e)

    # ---- writing stories

    def import_stories(self, stories: list[tuple[str, PreparedStory]]) -> list[ImportResult]:
        """Store prepared pages in one transaction: one index write, one write per touched page file.

        A page that is a stored story again (the same key, address, or source and title) and
        changed is merged into it (reader.history): its comments keep their ids and history.
        Another page of a story changed by an earlier one of these (found by its address or
        title) starts a second transaction, to be merged with the first's result."""
        results, rest = self._import_part(stories)
        while rest:
            more, rest = self._import_part(rest)
            results += more
        return results

    def _import_part(self, stories: list[tuple[str, PreparedStory]]
                     ) -> tuple[list[ImportResult], list[tuple[str, PreparedStory]]]:
        """import_stories up to the first page of a story another page of these changed: the
        results, and the pages from there on (not stored)."""
        with self.locked():
            # Read again under the lock only if another process has written it since (its
            # mtime, size or inode changed): a big import commits every 2,000 pages, and
            # re-reading a 100,000-story index for each batch took ~0.75 s of the main process.
            with self._timed("classify_s"):
                maps = self._key_maps()
                by_key = maps.by_key
                stories = _merged_with_stored(stories, by_key)
                results, fresh, sources, rest = _classify(stories, maps)
                for prep in fresh.values():
                    prep.page_doc = None  # (merged where parsed and taken: ~20 KB a page not needed any more)
            back = self._undelete([r.key for r in results if r.key and r.status in ("new", "updated", "unchanged")])
            for r in results:
                if r.key in back and r.status == "unchanged":
                    r.status, r.detail = "restored", "it had been deleted"
            if not fresh:
                if sources:
                    with self._timed("index_s"), self.index.storage.deferred():
                        self._note_sources(sources)
                return results, rest
            now = datetime.now(UTC).isoformat(timespec="seconds")
            with self._timed("history_s"):
                fresh = self._merge_updates(fresh, by_key, now)
            for r in results:  # what each updated page brought, from its merged history
                if r.status == "updated" and r.key in fresh:
                    r.detail = _what_moved(fresh[r.key].record)
            info = self.meta() or {"schema": SCHEMA_VERSION, "seg": 0, "seg_count": 0}
            info["seq"] = info.get("seq", 0) + 1  # this import's number: rebuild keeps the newest copy
            doc_ids = _assign_ids(fresh, by_key, info)
            with self._timed("search_s"):
                info["search"] = self._add_to_search(info.get("search", []),
                                                     [(doc_ids[k], k, p.search) for k, p in fresh.items()])
            with self._timed("pages_s"):
                placed = self._place(info, list(fresh.values()), doc_ids)
            with self._timed("related_s"):
                # Stories to link anew? Asked first of the stories the files link (related.json
                # alone): a batch where only comments and votes moved needs nothing more.
                rows = self._related_rows(info["seq"] - 1)
                linked = _fingerprints(fresh, rows) if rows is not None else None
                related: RelatedIndex | None = None
                on_disk = False
                if linked is None or linked:
                    related = self._related_for_import(info["seq"] - 1)
                    on_disk = self._related_saved == info["seq"] - 1  # (the files hold it as it was loaded)
                    self._related = self._related_saved = None  # changed in place below: not the state of any import until saved
                    self._related_keys = None
                    linked = _fingerprints(fresh, related.rows)
                    related.add(linked)
            try:
                with self._timed("index_s"):
                    self._commit(info, fresh, placed, by_key, doc_ids, now, sources)
            except BaseException:
                self._maps = None
                raise
            with self._timed("search_s"):
                self.search_files().drop_unlisted(info["search"])
            with self._timed("related_s"):
                try:
                    if related is None or (not linked and on_disk):  # the files as they are hold for it
                        self._advance_related(info["seq"], related)
                    else:
                        self._save_related(related, info["seq"])
                except (OSError, StoreError) as exc:  # derived data: the stories are stored; linked again later
                    if related is not None:
                        self._related = (related, info["seq"])
                    self.notices.append(f"could not save the related-stories index ({exc}); it is made again when needed")
            return results, rest

    def import_snapshot(self) -> tuple[dict[str, str], Mapping[str, StoredRef], dict[str, str]]:
        """What an import's parsing workers are given: the stored stories by the source digest of
        the page file each was last made from (importer.pipeline.source_digest: such a file,
        unchanged, need not be parsed again), each story's StoredRef (StoredCopies), and the
        stories by the name of the page file they came from (the last one of each name: a
        changed page's earlier version, whose threads it may reuse). Read from the index's
        columns when they are current (~0.3 s at 100,000 stories, against ~1.8 s for the JSON
        index, which the first batch reads while the workers parse)."""
        got = self._index_columns(SNAPSHOT_UNREAD)
        if got is not None:
            c = got.cols
            keys = c["key"]
            return (_given(c["src"], keys), StoredRefs(keys, c["seg"], c["hash"], c["imported"]),
                    _given(c["file"], keys))
        recs = self.raw_records().values()
        return ({src: rec["key"] for rec in recs if (src := rec.get("src"))},
                {rec["key"]: (rec["seg"], rec["hash"], rec.get("imported")) for rec in recs},
                {file: rec["key"] for rec in recs if (file := rec.get("file"))})

    def unchanged_sources(self, pages: list[tuple[str, str, str]]) -> tuple[list[ImportResult], list[str]]:
        """Results for page files found to be the unchanged sources of stored stories ((page,
        source digest, story key), not parsed): unchanged, or restored when the story had been
        deleted. Also the pages whose story is no longer stored from that source (another
        process changed it since the import began): those are to be parsed after all."""
        ok: list[tuple[str, str]] = []
        stale: list[str] = []
        with self.locked():
            by_key = self._key_maps().by_key
            for name, src, key in pages:
                if key in by_key and by_key[key][1].get("src") == src:
                    ok.append((name, key))
                else:
                    stale.append(name)
            back = self._undelete([key for _, key in ok])
        return [ImportResult(name, "restored", key, "it had been deleted") if key in back
                else ImportResult(name, "unchanged", key) for name, key in ok], stale

    @contextmanager
    def _timed(self, what: str) -> Iterator[None]:
        """Add the block's time to `timings[what]` (`reader import --timings`, the benchmark)."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[what] = self.timings.get(what, 0.0) + time.perf_counter() - t0

    def _key_maps(self) -> _KeyMaps:
        """The index's stories by key (and, made when first needed, by address and by title),
        kept between the batches of an import: made again only when the index data was read
        again. (Mapping 100,000 records for each 2,000-page batch took ~0.3 s of the main
        process.)"""
        raw = self.raw_records()
        if self._maps is None or self._maps.records is not raw or self._maps.size != len(raw):
            self._maps = _KeyMaps(raw)
        return self._maps

    def _merge_updates(self, fresh: dict[str, PreparedStory], by_key: dict[str, tuple[int, dict[str, Any]]],
                       now: str) -> dict[str, PreparedStory]:
        """Fold each changed page into its stored story, page file by page file (each read once),
        unless it was merged where it was parsed (StoredCopies) with the copy still stored. Many
        updates are merged on every core: a page file is read, checked and parsed, and its
        stories' comments matched, where it is merged (~1.3 ms a story in one process)."""
        groups: dict[int, list[_Update]] = {}
        for key, prep in fresh.items():
            if key in by_key and prep.base is None:  # (merged where it was parsed, with the copy stored)
                rec = by_key[key][1]
                groups.setdefault(rec["seg"], []).append((key, rec["hash"], prep.doc, prep.hash, rec.get("imported")))
        if not groups:
            return fresh
        jobs = sorted(groups.items())
        n = sum(len(items) for _seg, items in jobs)
        done: list[list[_Merged]] | None = None
        if n >= PARALLEL_MERGES and len(jobs) > 1 and (os.cpu_count() or 1) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            from concurrent.futures.process import BrokenProcessPool

            try:  # spawned, not forked: the parsing pool's threads are running in this process
                with ProcessPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1),
                                         mp_context=multiprocessing.get_context("spawn")) as pool:
                    done = list(pool.map(_merge_in_file, repeat(str(self.path)), [seg for seg, _ in jobs],
                                         [items for _, items in jobs], repeat(now), chunksize=4))
            except (BrokenProcessPool, OSError):  # no processes to be had (or one died): merged here
                done = None
        if done is None:
            done = [_merge_file_docs(self._stored_docs(seg, _wanted(items)), items, now) for seg, items in jobs]
        for merged in done:
            for key, doc, record, search in merged:
                prep = fresh[key]
                record["src"] = prep.record.get("src")  # the page's file: the story's source now
                fresh[key] = PreparedStory(key, doc, prep.hash, record, prep.search if search is None else search,
                                           prep.related)
        return fresh

    def _place(self, info: dict[str, Any], pending: list[PreparedStory], ids: dict[str, int]) -> dict[str, int]:
        """Append stories to page files (a new file after SEGMENT_CAP stories or SEGMENT_BYTES);
        return the page file of each, and leave the new write position in `info`."""
        seg, count = info.get("seg", 0), info.get("seg_count", 0)
        if seg == 0:
            seg, count = 1, 0
        size = info.get("seg_bytes")
        if size is None:  # written before sizes were kept
            size = self.segment_file(seg).stat().st_size if self.segment_file(seg).exists() else 0
        placed: dict[str, int] = {}
        i = 0
        while i < len(pending):
            if count >= SEGMENT_CAP or (count and size >= SEGMENT_BYTES):
                seg, count, size = seg + 1, 0, 0
            start = i
            while i < len(pending):
                n = count + i - start
                if n >= SEGMENT_CAP or (n and size >= SEGMENT_BYTES):
                    break
                size += len(pending[i].doc)
                i += 1
            chunk = pending[start:i]
            # Page files only ever gain documents: an updated story is a new document, and the
            # old one stays until the index (written last) stops pointing at it. So a crash at
            # any moment leaves the old index reading exactly the old stories.
            self._append_to_segment(seg, [(p.doc, ids[p.key]) for p in chunk], info["seq"])
            for p in chunk:
                placed[p.key] = seg
            count += len(chunk)
            self._segments.pop(seg, None)
        info.update(seg=seg, seg_count=count, seg_bytes=size)
        return placed

    def _note_sources(self, sources: dict[int, str]) -> None:
        """Note unchanged stories' source digests in their records (in place: the key maps hold
        the same records)."""
        if sources:
            def note(table: Any) -> None:
                for doc_id, src in sources.items():
                    table[doc_id]["src"] = src

            self.index.table("articles")._update_table(note)

    def _commit(self, info: dict[str, Any], fresh: dict[str, PreparedStory], placed: dict[str, int],
                by_key: dict[str, tuple[int, dict[str, Any]]], doc_ids: dict[str, int], now: str,
                sources: dict[int, str]) -> None:
        """Write the index: the new and updated records, the unchanged ones' source digests and the
        meta, in one atomic write."""
        table = self.index.table("articles")
        with self.index.storage.deferred():
            self._note_sources(sources)
            inserts = []
            for key, prep in fresh.items():
                rec = dict(prep.record)
                rec.update(seg=placed[key], hash=prep.hash, updated=now)
                old = by_key.get(key)
                if old is not None:
                    rec["imported"] = old[1].get("imported", now)
                    table.remove(doc_ids=[old[0]])  # replaced whole: a field the page lost is not kept
                    inserts.append(Document(rec, doc_id=old[0]))
                else:
                    rec["imported"] = now
                    inserts.append(Document(rec, doc_id=doc_ids[key]))
            if inserts:
                table.insert_multiple(inserts)
            info["schema"] = SCHEMA_VERSION
            self.write_meta(info)
        maps, raw = self._maps, self.raw_records()
        if maps is not None and maps.records is raw:
            maps.added([(k, doc_ids[k], raw[str(doc_ids[k])]) for k in fresh], replaced=any(k in by_key for k in fresh))
        else:
            self._maps = None

    def _append_to_segment(self, seg: int, docs: list[tuple[bytes, int]], seq: int) -> None:
        """Add serialised stories to a page file, replacing the file atomically. Documents already
        there are kept as they are.

        A page file is a TinyDB file: `articles` holds the stories, `placed` each one's short id
        and the number of the import that wrote it, so the index can be rebuilt from the page
        files alone with the same ids and the newest copy of every story."""
        path = self.segment_file(seg)
        tables: dict[str, Any] = {}
        if path.exists():
            tables = dict(self.open_checked(path).storage.read() or {})
        table = dict(tables.get("articles", {}))
        placed = dict(tables.get("placed", {}))
        next_id = max((int(k) for k in table), default=0) + 1
        for n, (doc, story_id) in enumerate(docs):
            table[str(next_id + n)] = orjson.Fragment(doc)
            placed[str(next_id + n)] = {"id": story_id, "seq": seq}
        tables["articles"] = table
        tables["placed"] = placed
        atomic_write(path, page_bytes(tables))

    # ---- the search index (its manifest lives in the index's meta, so one write commits both)

    def search_files(self) -> SearchFiles:
        """The search folder (one object per store: it remembers what its last import wrote)."""
        from reader.search.ondisk import SearchFiles

        if self._search_files is None:
            self._search_files = SearchFiles(self.search_dir)
        return self._search_files

    def search_index(self) -> SearchIndex:
        """The on-disk search index. An older or repaired database is indexed first; a damaged
        index (it is derived data) is rebuilt from the stored stories, and `notices` says so."""
        manifest = self.meta().get("search", [])
        if not manifest and not self.is_empty():
            self.rebuild_search()
            manifest = self.meta().get("search", [])
        for _ in range(3):
            try:
                return self.search_files().load(manifest)
            except SearchIndexDamaged as exc:
                damage = exc
            # Reads take no lock: another process's import may have merged (and removed) the
            # segments this manifest listed. A newer manifest means no damage: read it instead.
            self.reload()
            fresh = self.meta().get("search", [])
            if fresh == manifest:
                break
            manifest = fresh
        return self.rebuilt_search_index(damage)

    def rebuilt_search_index(self, damage: SearchIndexDamaged) -> SearchIndex:
        """The search index rebuilt from the stored stories, after `damage` was found in it (on
        loading it, or in a story's packed text during a search); `notices` says so."""
        self.notices.append(f"the search index was damaged ({damage}); rebuilt it from the stored stories")
        self.rebuild_search()
        return self.search_files().load(self.meta().get("search", []))

    def _add_to_search(self, manifest: list[list[int]], items: list[tuple[int, str, SearchPayload]]) -> list[list[int]]:
        """This import's search segment; if the search files are damaged, an empty manifest
        instead (the next search rebuilds the whole index from the stories)."""
        files = self.search_files()
        try:
            if problem := files.check(manifest):
                raise SearchIndexDamaged(problem)
            return files.add(manifest, items)
        except SearchIndexDamaged as exc:
            self.notices.append(f"the search index was damaged ({exc}); it will be rebuilt on the next search")
            return []

    def rebuild_search(self) -> None:
        """A fresh one-segment search index from the stored stories (doctor, damage, migrations)."""
        with self.locked():
            self._index = None
            info = self.meta() or {"schema": SCHEMA_VERSION}
            if info.get("search"):
                info["search"] = []  # committed first: the old segments stop counting at once
                with self.index.storage.deferred():
                    self.write_meta(info)
            files = self.search_files()
            manifest = files.rebuild((e.id, e.key, a) for e, a in self.iter_articles())
            info["search"] = manifest
            with self.index.storage.deferred():
                self.write_meta(info)
            files.drop_unlisted(manifest)

    # ---- related coverage (derived: rebuilt from the stories when missing, damaged or behind)

    @property
    def related_dir(self) -> Path:
        return self.path / "related"

    def _related_for_import(self, seq: int) -> RelatedIndex:
        """The related index as of import `seq` (kept in memory between the batches of one
        import); rebuilt from the stored stories if the files are missing, damaged or behind."""
        from reader.related import RelatedIndex
        from reader.store import related_files

        if self._related is not None and self._related[1] == seq:
            return self._related[0]
        try:
            got = related_files.load(self.related_dir)
        except related_files.RelatedDamaged as exc:
            self.notices.append(f"the related-stories index was damaged ({exc}); rebuilt it from the stories")
            got = None
        if got is not None and got[1] == seq:
            self._related_saved = seq
            return got[0]
        if not self.raw_records():
            return RelatedIndex.empty()
        return self._compute_related()

    def _compute_related(self) -> RelatedIndex:
        from reader.related import RelatedIndex, fingerprint

        index = RelatedIndex.empty()
        batch: list[tuple[str, list[tuple[str, float]]]] = []
        for e, a in self.iter_articles(deleted=True):  # deleted stories too: undeleting one brings its links back
            batch.append((e.key, fingerprint(a)))
            if len(batch) >= 2000:
                index.add(batch)
                batch = []
        index.add(batch)
        return index

    def _related_rows(self, seq: int) -> Container[str] | None:
        """The stories the related files link (have a fingerprint row for), when the files hold
        for import `seq`: from the index in memory, or from related.json alone (not its arrays
        and links: ~0.2 s at 100,000 stories). None when they do not hold for it, or cannot be
        read so (the whole index is loaded, or made again, then)."""
        from reader.store import related_files

        if self._related is not None and self._related[1] == seq:
            return self._related[0].rows if self._related_saved == seq else None
        if self._related_keys is None or self._related_keys[0] != seq:
            got = related_files.keys_of(self.related_dir)
            self._related_keys = None if got is None or got[1] != seq else (seq, got[0])
        return None if self._related_keys is None else self._related_keys[1]

    def _advance_related(self, seq: int, index: RelatedIndex | None = None) -> None:
        """Import `seq` linked nothing anew: the related files, which held for the import before
        (`index`, when it was loaded: as they hold it), are said to hold for it too. Files that
        cannot say so are saved again (made from the stories when not loaded)."""
        from reader.store import related_files

        try:
            related_files.advance(self.related_dir, seq, seq - 1)
        except related_files.RelatedDamaged:
            self._related = self._related_saved = self._related_keys = None
            self._save_related(index if index is not None else self._compute_related(), seq)
            return
        if index is None and self._related is not None and self._related[1] == seq - 1 and self._related_saved == seq - 1:
            index = self._related[0]
        if index is not None:
            self._related, self._related_saved = (index, seq), seq
        if self._related_keys is not None and self._related_keys[0] == seq - 1:
            self._related_keys = (seq, self._related_keys[1])

    def _save_related(self, index: RelatedIndex, seq: int) -> None:
        from reader.store import related_files

        self.related_dir.mkdir(exist_ok=True)
        related_files.save(self.related_dir, index, seq)
        self._related = (index, seq)
        self._related_saved = seq
        self._related_keys = None  # (the index in memory says which stories it links)

    def rebuild_related(self) -> int:
        """Link every stored story again (doctor --rebuild, damage); the number of linked stories."""
        with self.locked():
            self._index = None
            self._related = None
            index = self._compute_related()
            self._save_related(index, self.meta().get("seq", 0))
            return len(index.links)

    def related_links(self) -> dict[str, list[list[Any]]]:
        """Each story key's related stories, [[key, score], ...] strongest first (what views read:
        the links only). Missing, damaged or behind the index: rebuilt first."""
        from reader.store import related_files

        # (identities: each write is a new file, so two of the same size in one clock tick differ)
        at_links, at_seq = identity(self.related_dir / "links.json"), identity(self.related_dir / related_files.SEQ_FILE)
        at = None if at_links is None else (at_links, at_seq)
        if at is not None and self._links is not None and self._links[0] == at:
            links, seq = self._links[1], self._links[2]  # read once per change, not on every story opened
        else:
            links, seq = related_files.links_of(self.related_dir)
            self._links = (at, links, seq) if at is not None else None
        if seq == self.meta().get("seq", 0) or (seq is None and self.is_empty()):
            return links
        try:
            with self.locked():  # another process's import may be writing them: look again under the lock
                self._index = None
                links, seq = related_files.links_of(self.related_dir)
                if seq == self.meta().get("seq", 0):
                    return links
                try:
                    current = related_files.load(self.related_dir)
                except related_files.RelatedDamaged:
                    current = None
                if current is not None and current[1] == self.meta().get("seq", 0):
                    return current[0].links
                self.notices.append("linked the stories again (the related-stories index was missing or behind)")
                self.rebuild_related()
                return related_files.links_of(self.related_dir)[0]
        except StoreError:  # read-only or full: linked in memory for this session, once
            seq_now = self.meta().get("seq", 0)
            if self._related is None or self._related[1] != seq_now:
                self._related, self._related_saved = (self._compute_related(), seq_now), None
            return self._related[0].links

    # ---- the list's first screen, cached so a big archive paints at once

    def index_size(self) -> int:
        """The index file's bytes (0 when there is none)."""
        st = stamp(self.index_file)
        return st[1] if st is not None else 0

    def read_head(self, sort: str, bookmarked_only: bool) -> list[StoryEntry] | None:
        """The first rows of the list as last shown, if the index has not changed since.

        Read marks and bookmarks in it may be a moment old: the full list replaces it at once.
        """
        try:
            head = orjson.loads(self.head_file.read_bytes())
        except (orjson.JSONDecodeError, OSError):
            return None
        if (not isinstance(head, dict) or head.get("stamp") != list(stamp(self.index_file) or [])
                or head.get("sort") != sort or head.get("bookmarked_only") != bookmarked_only):
            return None
        rows = head.get("rows")
        try:
            return [StoryEntry.from_cache(r) for r in rows] if isinstance(rows, list) else None
        except (TypeError, AttributeError):
            return None

    def write_head(self, rows: list[StoryEntry], sort: str, bookmarked_only: bool) -> None:
        """Remember the list's first rows (a cache: losing it only costs start-up time)."""
        st = stamp(self.index_file)
        if st is None:
            return
        data = {"stamp": list(st), "sort": sort, "bookmarked_only": bookmarked_only,
                "rows": [r.to_cache() for r in rows[:HEAD_ROWS]]}
        with suppress(OSError):
            atomic_write(self.head_file, orjson.dumps(data))

    # ---- user state

    def _set_state(self, key: str, **fields: Any) -> None:
        self.set_states({key: fields})

    def set_states(self, changes: dict[str, dict[str, Any]]) -> None:
        """Set fields of the user's marks on stories (key -> fields), in one write."""
        if not changes:
            return
        with self.locked():
            self._user = None
            table = self.user.table("state")
            with self.user.storage.deferred():
                have = {d["key"]: d.doc_id for d in table.all()}
                for key, fields in changes.items():
                    if key in have:
                        table.update(fields, doc_ids=[have[key]])
                    else:
                        table.insert({"key": key, **fields})
            self._back_up_user()

    def _undelete(self, keys: list[str]) -> set[str]:
        """Importing a deleted story's page again brings the story back; the keys brought back."""
        gone = self.deleted_keys() & set(keys) if keys else set()
        if gone:
            self.set_states({k: {"deleted": False, "deleted_at": None} for k in gone})
        return gone

    def _back_up_user(self) -> None:
        """user.json's twin: a damaged user.json is restored from it by `reader doctor --rebuild`."""
        atomic_write(self.user_backup, self.user_file.read_bytes())

    def set_bookmark(self, key: str, on: bool) -> None:
        self._set_state(key, bookmarked=on, bookmarked_at=time.time() if on else None)

    def set_read(self, key: str, read: bool) -> None:
        self._set_state(key, read=read)

    def settings(self) -> dict[str, Any]:
        """Every stored setting, by name."""
        return {d["name"]: d.get("value") for d in (self.user.storage.read() or {}).get("settings", {}).values()
                if isinstance(d, dict) and "name" in d}

    def set_setting(self, name: str, value: Any) -> None:
        with self.locked():
            self._user = None
            self.user.table("settings").upsert({"name": name, "value": value}, Query().name == name)
            self._back_up_user()


try:  # the list's rows made in C (see _story_entries)
    from reader._native import instances as _instances

    NATIVE_ROWS = True
except ImportError:  # pragma: no cover - a build without a C compiler
    NATIVE_ROWS = False

_LAST_RECORD_FIELD = max(ENTRY_NAMES.index(n) for n in KINDS)


def _story_entries(got: Columns) -> list[StoryEntry]:
    """A StoryEntry for every record of the columns (the fields no column holds: their defaults).
    Made in C where it was built (`_native.instances`: the slots set without calling the
    dataclass's __init__, which only assigns): 100,000 rows in ~0.04-0.05 s against 0.07-0.13 s."""
    fields = dataclass_fields(StoryEntry)
    columns: list[list[Any] | None] = [got.ids]
    columns += [got.cols.get(f.name) if i <= _LAST_RECORD_FIELD else None for i, f in enumerate(fields) if i]
    if NATIVE_ROWS:
        return _instances(StoryEntry, tuple(f.name for f in fields), tuple(columns),
                          tuple(f.default for f in fields), len(got.ids))
    args = [c if c is not None else repeat(f.default) for c, f in zip(columns, fields, strict=True)]
    return list(map(StoryEntry, *args[: _LAST_RECORD_FIELD + 1]))


def _entries_from_columns(got: Columns, state: dict[str, dict[str, Any]]
                          ) -> tuple[list[StoryEntry], list[StoryEntry]]:
    """The list's rows from the index's columns and the user's marks (deleted stories left out),
    and the same rows in title order."""
    out = _story_entries(got)
    by_title = list(map(out.__getitem__, got.title_order))
    if not state:
        return out, by_title
    by_key = {e.key: e for e in out}
    gone: set[str] = set()
    for key, s in state.items():
        e = by_key.get(key)
        if e is None:
            continue
        if s.get("deleted"):
            gone.add(key)
            continue
        e.bookmarked, e.read = bool(s.get("bookmarked")), bool(s.get("read"))
        e.bookmarked_at, e.seen = s.get("bookmarked_at"), _seen(s)
    if gone:
        return [e for e in out if e.key not in gone], [e for e in by_title if e.key not in gone]
    return out, by_title


def _seen(state: dict[str, Any]) -> int:
    seen = state.get("seen", 1)
    return seen if isinstance(seen, int) and not isinstance(seen, bool) and seen >= 1 else 1


_Update = tuple[str, str, bytes, str, str | None]  # key, stored copy's hash, page's document and hash, first imported
_Merged = tuple[str, bytes, dict[str, Any], "SearchPayload | None"]  # key, document, record, search (None: as parsed)


def merge_page(doc: dict[str, Any], page: Article, page_hash: str, now: str, imported: str | None,
               *, stored: Article | None = None, threads: str | None = None
               ) -> tuple[bytes, dict[str, Any], Article, bool]:
    """A changed page (`page`, changed in place) folded into its stored story (`doc`, as stored;
    `stored`: the same, already made into an Article): the merged story's document and index
    record, the story, and whether its comments kept the page's ids (the page's search terms
    then hold). `threads`: the page's threads tag (importer.pipeline), kept in the document
    only when the comments kept the page's ids (then they are the page's threads as built)."""
    from reader.history import merge
    from reader.store.records import index_record, serialise

    if stored is None:
        try:
            stored = Article.from_dict(doc)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise StoreError(f"story {doc.get('key')} is damaged in its page file; {REPAIR}") from None
    shown = list(page.comments)  # (the page's comments in page order: merge renumbers them in place)
    before = [c.id for c in shown]
    merged = merge(stored, page, now, imported)
    # Each of the page's comments kept its id, and no stored comment was added beside them (merge
    # sorts the comments by id: a page that only reordered stored comments still lists 1..n).
    same_ids = [c.id for c in shown] == before and len(merged.comments) == len(before)
    d = merged.to_dict(internal=True)
    d["file"] = page.file
    if threads is not None and same_ids:
        d["tb"] = threads
    return serialise(d, digest=page_hash)[1], index_record(merged, merged.key), merged, same_ids


def _merge_file_docs(docs: dict[str, dict[str, Any]], items: list[_Update], now: str) -> list[_Merged]:
    """Changed pages folded into their stored stories (`docs`: one page file's, by key)."""
    from reader.search.fields import SearchPayload

    out: list[_Merged] = []
    for key, stored_hash, page_doc, page_hash, imported in items:
        doc = docs.get(key)
        if doc is None or doc.get("hash") != stored_hash:
            raise StoreError(f"story {key} is missing from its page file; {REPAIR}")
        page = Article.from_dict(orjson.loads(page_doc))
        body, record, merged, same_ids = merge_page(doc, page, page_hash, now, imported)
        out.append((key, body, record, None if same_ids else SearchPayload.of(merged)))
    return out


def _merged_with_stored(stories: list[tuple[str, PreparedStory]], by_key: dict[str, tuple[int, dict[str, Any]]]
                        ) -> list[tuple[str, PreparedStory]]:
    """The pages, those merged where they were parsed with a copy no longer stored as parsed.
    The same hash is not enough: the page stored then may have been imported again since, after
    another version (its hash again, with more history). Every import of a changed page adds a
    version, so the merged story must have exactly one more than the copy stored now."""
    def still(prep: PreparedStory) -> bool:
        old = by_key.get(prep.key)
        return (old is not None and old[1].get("hash") == prep.base
                and len(prep.record.get("hist") or ()) == len(old[1].get("hist") or (0,)) + 1)

    return [(name, prep if prep.base is None or still(prep) else _as_parsed(prep)) for name, prep in stories]


def _fingerprints(fresh: dict[str, PreparedStory], linked: Container[str]) -> list[tuple[str, list[tuple[str, float]]]]:
    """The stories' fingerprints for related linking. A story merged where it was parsed with
    its title and article text unchanged (`related` None) has the fingerprint it had: it keeps
    its row and links when it has them (`linked`: the related index's rows), as a story not
    imported again does (~0.15 ms of a worker and the linking of every changed page, in a
    re-import where only comments and votes moved). Without a row it is fingerprinted from
    its document, as a rebuild would."""
    from reader.related import fingerprint

    out: list[tuple[str, list[tuple[str, float]]]] = []
    for key, prep in fresh.items():
        if prep.related is not None:
            out.append((key, prep.related))
        elif key not in linked:
            out.append((key, fingerprint(Article.from_dict(orjson.loads(prep.doc)))))
    return out


def _as_parsed(prep: PreparedStory) -> PreparedStory:
    """A page merged where it was parsed with a stored copy that is no longer the one stored
    (another import came between, or a page of the story in an earlier batch of this one): the page as it was parsed."""
    from reader.related import fingerprint
    from reader.search.fields import SearchPayload
    from reader.store.records import index_record

    assert prep.page_doc is not None
    page = Article.from_dict(orjson.loads(prep.page_doc))
    return PreparedStory(prep.key, prep.page_doc, prep.hash, {**index_record(page, prep.key), "src": prep.record.get("src")},
                         SearchPayload.of(page), fingerprint(page) if prep.related is None else prep.related)


def _merge_in_file(db: str, seg: int, items: list[_Update], now: str) -> list[_Merged]:
    """_merge_file_docs in a worker process: it reads the page file itself (read only; the
    importing process holds the lock and writes nothing there until the merges are back)."""
    return _merge_file_docs(Store(Path(db))._stored_docs(seg, _wanted(items)), items, now)


def _wanted(items: list[_Update]) -> dict[str, str]:
    """The stored stories an update needs (key -> the stored copy's hash)."""
    return {key: stored_hash for key, stored_hash, *_ in items}


Ident = tuple[int, int, int]  # a file's (mtime, size, inode): files.identity
StoredRef = tuple[int, str, "str | None"]  # a stored story's page file, hash and first import time


def _given(names: list[str | None], keys: list[str]) -> dict[str, str]:
    """{name: key} for each name given (not None or empty; the last key of a name wins), made in
    C (dict of zip: half the time of a comprehension's, at 100,000 stories)."""
    out: dict[Any, str] = dict(zip(names, keys, strict=True))
    out.pop(None, None)
    out.pop("", None)
    return out


class StoredRefs(Mapping[str, StoredRef]):
    """Each stored story's StoredRef by key, read from the index's columns as they are (a
    story's place in them by key, and its ref made when asked for): a dict of 100,000 refs
    made before the parsing workers could start took ~0.1 s, on one core while the other
    waited."""

    __slots__ = ("_at", "_hash", "_imported", "_seg")

    def __init__(self, keys: list[str], seg: list[int], hashes: list[str], imported: list[str | None]) -> None:
        self._at = dict(zip(keys, range(len(keys)), strict=True))
        self._seg, self._hash, self._imported = seg, hashes, imported

    def __getitem__(self, key: str) -> StoredRef:
        i = self._at[key]
        return self._seg[i], self._hash[i], self._imported[i]

    def __len__(self) -> int:
        return len(self._at)

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)


class StoredCopies:
    """The stored stories as an import found them (key -> StoredRef), for a parsing worker to
    fold a changed page into its stored story where the page was parsed (read only: it writes
    nothing). The importing process takes the result only if that copy is still the one stored
    (Store.import_stories); otherwise it merges the page itself.

    Merging there took the importing process ~5 of the 15 s of a re-import of 10,000 changed
    pages into a 100,000-story archive, in processes spawned for each batch, with a round trip
    of each page's document. Pages of a folder come in the order they were stored, so the last
    few page files read are kept unpacked."""

    KEEP = 4  # page files kept (~0.4 MB each as stored; ~1 MB unpacked, written before store.packed)
    MADE = 128  # stories earlier() made, kept for their merge

    def __init__(self, db: Path, refs: Mapping[str, StoredRef], names: dict[str, str] | None = None) -> None:
        self.db, self.refs, self.names = Path(db), refs, names or {}
        self._files: OrderedDict[int, PackedPage | _Unpacked | None] = OrderedDict()
        # Stories earlier() read (key -> stored hash, document, story if made), for the merge after
        # it (a worker parses a chunk of pages, then prepares them: ~32 at a time).
        self._made: dict[str, tuple[str, dict[str, Any], Article | None]] = {}

    def earlier(self, name: str, tag: str) -> tuple[str, list[Comment]] | None:
        """The stored story last made from a page file of this name, if its document says its
        comments are threads built by the code of `tag` (its `tb`: the tag, then the key of what
        they were threaded from, parsing.threads.threads_key): that key and the comments. None
        otherwise (no such story, or threads built by other code, or not kept as built)."""
        key = self.names.get(name)
        ref = self.refs.get(key) if key is not None else None
        if key is None or ref is None:
            return None
        seg, stored_hash, _imported = ref
        doc = self._doc(seg, key, stored_hash)
        if doc is None:
            return None
        built = doc.get("tb")
        threaded = built[len(tag):] if isinstance(built, str) and built.startswith(tag) else ""
        story: Article | None = None
        if threaded:
            with suppress(KeyError, TypeError, ValueError, AttributeError):
                story = Article.from_dict(doc)
        self._made[key] = (stored_hash, doc, story)  # (read once: the merge after takes it)
        while len(self._made) > self.MADE:
            del self._made[next(iter(self._made))]
        return None if story is None else (threaded, story.comments)

    def merge(self, key: str, page: Article, page_hash: str, threads: str | None = None
              ) -> tuple[bytes, dict[str, Any], Article, str, bool] | None:
        """The page (changed in place) merged into its stored story: document, record, merged
        story, the stored copy's hash, and whether its title and article text are the stored
        story's (then so is its related-stories fingerprint). None when the story is not stored,
        is unchanged, or its stored copy cannot be read here (the importing process then does
        it, or reports it)."""
        ref = self.refs.get(key)
        made = self._made.pop(key, None)
        if ref is None or ref[1] == page_hash:
            return None
        seg, stored_hash, imported = ref
        stored: Article | None = None
        doc: dict[str, Any] | None
        if made is not None and made[0] == stored_hash:  # (read, and made, by earlier(): not again)
            doc, stored = made[1], made[2]
        else:
            doc = self._doc(seg, key, stored_hash)
        if doc is None:
            return None
        now = datetime.now(UTC).isoformat(timespec="seconds")
        same_text = doc.get("title") == page.title and doc.get("body") == page.body
        try:
            body, record, merged, _same = merge_page(doc, page, page_hash, now, imported, stored=stored, threads=threads)
        except Exception:  # a damaged stored copy: the importing process merges it, or says what is wrong
            return None
        return body, record, merged, stored_hash, same_text

    def _doc(self, seg: int, key: str, stored_hash: str) -> dict[str, Any] | None:
        wanted = {key: stored_hash}
        for again in (False, True):  # a file kept unpacked, then read again (it may have grown)
            if again or seg not in self._files:
                self._files[seg] = self._read(seg)
                while len(self._files) > self.KEEP:
                    self._files.popitem(last=False)
            self._files.move_to_end(seg)
            kept = self._files[seg]
            if kept is not None and (got := kept.docs(wanted)) is not None:
                return got[key]
        return None

    def _read(self, seg: int) -> PackedPage | _Unpacked | None:
        """The page file as stored when laid out in members (store.packed), else unpacked."""
        path = segment_path(self.db, seg)
        if (page := read_page_file(path)) is not None:
            return page
        try:
            raw = AtomicJSONStorage(path, PAGE_SHAPE).raw_json()
        except (CorruptFile, StoreError):
            return None
        spans = doc_spans(raw) if raw is not None else None
        return None if raw is None or spans is None else _Unpacked(raw, spans)


class _Unpacked:
    """A page file written before store.packed, unpacked, and where its stories are: read as a
    PackedPage is (cut_docs)."""

    __slots__ = ("raw", "spans")

    def __init__(self, raw: bytes, spans: dict[bytes, tuple[int, int]]) -> None:
        self.raw, self.spans = raw, spans

    def docs(self, wanted: dict[str, str]) -> dict[str, dict[str, Any]] | None:
        return cut_docs(self.raw, wanted, self.spans)


class _KeyMaps:
    """The index's records by story key; by address and by normalised (source, title) made when
    a page's key is not stored (the first record with an address or title wins)."""

    __slots__ = ("_by_title", "_by_url", "by_key", "records", "size")

    def __init__(self, records: dict[str, dict[str, Any]]) -> None:
        self.records, self.size = records, len(records)
        self.by_key = {d["key"]: (int(i), d) for i, d in records.items()}
        self._by_url: dict[str, str] | None = None
        self._by_title: dict[tuple[str | None, str], str] | None = None

    def _map(self) -> None:
        self._by_url, self._by_title = {}, {}
        for key, (_i, rec) in self.by_key.items():
            self._note(key, rec)

    def _note(self, key: str, rec: dict[str, Any]) -> None:
        assert self._by_url is not None and self._by_title is not None
        if rec.get("url"):
            self._by_url.setdefault(rec["url"], key)
        self._by_title.setdefault((rec.get("source"), _title_key(rec)), key)

    @property
    def by_url(self) -> dict[str, str]:
        if self._by_url is None:
            self._map()
        assert self._by_url is not None
        return self._by_url

    @property
    def by_title(self) -> dict[tuple[str | None, str], str]:
        if self._by_title is None:
            self._map()
        assert self._by_title is not None
        return self._by_title

    def added(self, stored: list[tuple[str, int, dict[str, Any]]], *, replaced: bool) -> None:
        """Records just written (`replaced`: some replaced a story's old record, which moves it
        in the index's order: the address and title maps are made again when next needed)."""
        for key, doc_id, rec in stored:
            self.by_key.pop(key, None)  # a replaced record moved to the end of the index: so here
            self.by_key[key] = (doc_id, rec)
        self.size = len(self.records)
        if replaced:
            self._by_url = self._by_title = None
        elif self._by_url is not None:
            for key, _i, rec in stored:
                self._note(key, rec)


def _title_key(rec: dict[str, Any]) -> str:
    return " ".join(str(rec.get("title", "")).casefold().split())


def _classify(stories: list[tuple[str, PreparedStory]], maps: _KeyMaps
              ) -> tuple[list[ImportResult], dict[str, PreparedStory], dict[int, str], list[tuple[str, PreparedStory]]]:
    """Which pages are new, updated or unchanged (by content hash); the ones to write; the
    source digests to note for unchanged stories (doc id -> digest: stored before digests were);
    and the pages from the first one of a story another page here changed (for the next
    transaction: in this one the later page would replace the earlier).

    A page is a stored story again when it has its key, or its address, or (when the two do
    not both have different addresses) its source and title: a story whose date line changed
    or went missing is still the same story."""
    results: list[ImportResult] = []
    fresh: dict[str, PreparedStory] = {}
    sources: dict[int, str] = {}
    by_key = maps.by_key
    for i, (name, prep) in enumerate(stories):  # (a re-import finds every page by key and never maps the rest)
        key = prep.key if prep.key in by_key else _stored_key(prep, by_key, maps.by_url, maps.by_title)
        if key in fresh and fresh[key].hash != prep.hash:
            return results, fresh, sources, stories[i:]
        if key != prep.key:
            prep = replace(prep, key=key, record={**prep.record, "key": key})
        old = by_key.get(key)
        if (old is not None and old[1].get("hash") == prep.hash) or (key in fresh and fresh[key].hash == prep.hash):
            results.append(ImportResult(name, "unchanged", key))
            if old is not None and key not in fresh and (src := prep.record.get("src")) and old[1].get("src") != src:
                sources[old[0]] = src  # this file, unchanged, need not be parsed next time
            continue
        results.append(ImportResult(name, "updated" if old is not None else "new", key))
        fresh[key] = prep
    return results, fresh, sources, []


def _what_moved(record: dict[str, Any]) -> str:
    """What an updated story's page brought, from its history's last two versions (each
    [when, comments added, net score, votes]): `2 new comments; net -92 → -88`."""
    hist = record.get("hist")
    if not isinstance(hist, list) or len(hist) < 2:
        return ""
    try:
        (_, added, net, _), (_, _, before, _) = hist[-1], hist[-2]
        said = [f"{int(added)} new comment{'' if added == 1 else 's'}"] if added else []
        if net != before:
            said.append(f"net {int(before):+d} → {int(net):+d}")
    except (TypeError, ValueError):
        return ""
    return "; ".join(said)


def _stored_key(prep: PreparedStory, by_key: dict[str, tuple[int, dict[str, Any]]], by_url: dict[str, str],
                by_title: dict[tuple[str | None, str], str]) -> str:
    if prep.key in by_key:
        return prep.key
    url = prep.record.get("url")
    if url and url in by_url:
        return by_url[url]
    key = by_title.get((prep.record.get("source"), _title_key(prep.record)))
    if key is not None and not (url and by_key[key][1].get("url") and by_key[key][1]["url"] != url):
        return key
    return prep.key


def _assign_ids(fresh: dict[str, PreparedStory], by_key: dict[str, tuple[int, dict[str, Any]]],
                info: dict[str, Any]) -> dict[str, int]:
    """Short ids: a known story keeps its own, a new one takes the next number never used (the
    meta remembers the highest, so a story's id is never given to another)."""
    next_doc = max([i for i, _ in by_key.values()] + [info.get("last_id", 0)], default=0) + 1
    ids: dict[str, int] = {}
    for key in fresh:
        if key in by_key:
            ids[key] = by_key[key][0]
        else:
            ids[key], next_doc = next_doc, next_doc + 1
    info["last_id"] = next_doc - 1
    return ids


DB_FILES = ("index.json", "index.columns", "user.json", "user.json.bak", "head.json", "pages", "search",
            "related", ".lock")


def _check_location(path: Path) -> None:
    """Refuse a path that cannot be a database: under a file, a file, or a folder of other things."""
    for parent in [path, *path.parents]:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                what = "is a file" if parent == path else f"is under {parent}, which is a file"
                raise StoreError(f"{path}: {what}; a reader database is a folder")
            break
    if path.is_dir():
        names = {p.name for p in path.iterdir()}
        ours = any(n in DB_FILES or n.startswith(("index.json", "user.json")) for n in names)
        if names and not ours:
            raise StoreError(f"{path}: a folder of other files, not a reader database; "
                             "give an empty or new folder with --db")


def _keep_a_copy(path: Path) -> None:
    """Keep the damaged file's bytes beside it (once per distinct content)."""
    try:
        data = path.read_bytes()
    except OSError:
        return
    for old in path.parent.glob(f"{path.name}.corrupt-*"):
        try:
            if old.read_bytes() == data:
                return
        except OSError:
            continue
    aside = path.with_name(f"{path.name}.corrupt-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}")
    with suppress(OSError):
        shutil.copy2(path, aside)

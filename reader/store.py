"""The archive, on TinyDB, laid out so start-up cost does not grow with the archive.

A database is a directory:

    index.json      TinyDB: one small metadata record per story (what the list needs)
    pages/NNNNNN.json  TinyDB segments: the full stories (body, comments), <= 256 and ~1 MB per file
    user.json       TinyDB: bookmarks, read marks and settings; never rewritten by an import
    .lock           a file lock taken for every write, so processes never lose each other's work

Every file is replaced atomically (temp file, fsync, rename). An import writes its segments
first and the index last, so a crash leaves either the old or the new state, never a mix.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from reader.models import Article

if TYPE_CHECKING:  # the search module pulls in numpy and rapidfuzz: keep them off the start-up path
    from reader import search as searchmod

SCHEMA_VERSION = 1
SEGMENT_CAP = 256
SEGMENT_BYTES = 1 << 20


class StoreError(Exception):
    """A database problem, with a one-line message meant for people."""


# --------------------------------------------------------------------------- files


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so a crash leaves the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    try:
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson, one read per process (until the file changes), atomic writes.

    Inside `deferred()` writes only touch memory; the file is written once at the end.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._data: dict[str, Any] | None = None
        self._stamp: tuple[int, int] | None = None
        self._defer = 0
        self._dirty = False
        self._loaded = False

    def read(self) -> dict[str, Any] | None:
        if not self._loaded:
            self._data = self._load()
            self._loaded = True
        return self._data

    def _load(self) -> dict[str, Any] | None:
        self._stamp = None
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read ({exc.strerror})") from None
        self._stamp = _stamp(self.path)
        if not raw.strip():
            raise CorruptFile(self.path, "is empty (zero bytes)")
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            what = "truncated" if raw.lstrip()[:1] in (b"{", b"[") else "not JSON"
            raise CorruptFile(self.path, f"is {what} ({str(exc).split(':')[0]})") from None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise CorruptFile(self.path, "is JSON but not a reader database")
        return data

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        if self._defer:
            self._dirty = True
        else:
            self._flush()

    def _flush(self) -> None:
        atomic_write(self.path, orjson.dumps(self._data))
        self._stamp = _stamp(self.path)
        self._dirty = False

    @contextmanager
    def deferred(self) -> Iterator[None]:
        self._defer += 1
        try:
            yield
        except BaseException:
            self._data, self._loaded = None, False  # drop half-made changes; the file on disk is still good
            self._dirty = False
            raise
        finally:
            self._defer -= 1
        if not self._defer and self._dirty:
            self._flush()

    def stale(self) -> bool:
        """True when another process has replaced the file since we read it."""
        return self._loaded and _stamp(self.path) != self._stamp

    def close(self) -> None:
        pass


class CorruptFile(StoreError):
    def __init__(self, path: Path, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


class _IdView(MutableMapping):
    """The stored table (str ids) seen with int ids, so updates mutate it in place."""

    __slots__ = ("raw",)

    def __init__(self, raw: dict[str, Any]):
        self.raw = raw

    def __getitem__(self, k: int) -> Any:
        return self.raw[str(k)]

    def __setitem__(self, k: int, v: Any) -> None:
        self.raw[str(k)] = v

    def __delitem__(self, k: int) -> None:
        del self.raw[str(k)]

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in self.raw)

    def __len__(self) -> int:
        return len(self.raw)


class FastTable(Table):
    """A TinyDB table whose writes update the cached data in place: O(changed), not O(table)."""

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        tables = self._storage.read()
        if tables is None:
            tables = {}
        raw = tables.setdefault(self.name, {})
        updater(_IdView(raw))  # type: ignore[arg-type]
        self._storage.write(tables)
        self.clear_cache()


class _DB(TinyDB):
    table_class = FastTable


def _open_db(path: Path) -> _DB:
    return _DB(path, storage=AtomicJSONStorage)


# --------------------------------------------------------------------------- store


@dataclass(slots=True)
class ImportResult:
    name: str
    status: str  # new / updated / unchanged / error
    key: str | None = None
    detail: str = ""


def _serialise(d: dict[str, Any]) -> tuple[str, bytes]:
    """The story's content hash (its JSON without `file`, keys sorted) and its stored JSON.

    The stored document is that same JSON with `file` and `hash` added: serialised once, in
    the worker that parsed the page, and spliced into its page file as is.
    """
    body = {k: v for k, v in d.items() if k not in ("file", "hash")}
    data = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    digest = hashlib.blake2b(data, digest_size=10).hexdigest()
    extra = b'"file":' + orjson.dumps(d.get("file")) + b',"hash":"' + digest.encode() + b'"'
    doc = data[:-1] + (b"," if len(data) > 2 else b"") + extra + b"}"
    return digest, doc


@dataclass(slots=True)
class Prepared:
    """A parsed page made ready to store: everything costly is done here, in a worker process."""

    key: str
    doc: bytes  # the stored document, as JSON (cheap to send between processes and to write)
    hash: str
    record: dict[str, Any]
    search: searchmod.SearchPayload

    @classmethod
    def of(cls, article: Article) -> Prepared:
        from reader import search as searchmod

        stored = article.to_dict(internal=True)
        digest, doc = _serialise(stored)
        return cls(stored["key"], doc, digest, index_record(article, stored), searchmod.SearchPayload.of(article))


def index_record(article: Article, stored: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": stored["key"],
        "title": article.title,
        "source": article.source,
        "category": article.category,
        "layout": article.layout,
        "published": article.published,
        "year": article.copyright_year,
        "comments": len(article.comments),
        "stated": article.stated_comment_count,
        "votes": article.votes,
        "score": article.score,
        "file": article.file,
    }


class Store:
    """A reader database. Reads are lock-free; every write holds the file lock."""

    def __init__(self, path: Path, *, lock_timeout: float = 30.0, on_wait: Callable[[], None] | None = None):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.on_wait = on_wait
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: is a file, but a reader database is a directory")
        self._index: _DB | None = None
        self._user: _DB | None = None
        self._segments: OrderedDict[int, _DB] = OrderedDict()
        self._lock: FileLock | None = None

    # ---- files and locking

    @property
    def index_file(self) -> Path:
        return self.path / "index.json"

    @property
    def user_file(self) -> Path:
        return self.path / "user.json"

    def segment_file(self, seg: int) -> Path:
        return self.path / "pages" / f"{seg:06d}.json"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
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

    def _open_checked(self, path: Path) -> _DB:
        db = _open_db(path)
        try:
            db.storage.read()
        except CorruptFile as exc:
            aside = path.with_name(f"{path.name}.corrupt-{datetime.now().strftime('%Y%m%d-%H%M%S')}")
            os.replace(path, aside)
            if path == self.index_file:
                fix = "run `reader doctor --rebuild` to rebuild the index from the stored pages"
            elif path == self.user_file:
                fix = "bookmarks and read marks start empty; restore them from a backup of user.json"
            else:
                fix = "the stories in it are gone from the index; re-import their pages"
            raise StoreError(f"{path}: {exc.problem}; kept it aside as {aside.name}; {fix}") from None
        return db

    @property
    def index(self) -> _DB:
        if self._index is None or self._index.storage.stale():
            self._index = self._open_checked(self.index_file)
            self._check_schema(self._index)
        return self._index

    @property
    def user(self) -> _DB:
        if self._user is None or self._user.storage.stale():
            self._user = self._open_checked(self.user_file)
        return self._user

    def _check_schema(self, db: _DB) -> None:
        data = db.storage.read()
        if data is None:
            return  # a new database: the first import writes schema SCHEMA_VERSION
        meta = db.table("meta").get(doc_id=1)
        version = meta.get("schema", 0) if meta else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.index_file}: written by a newer reader (schema {version}, this one knows {SCHEMA_VERSION}); "
                "upgrade reader to open it"
            )
        if version < SCHEMA_VERSION:
            with self._locked():
                self._migrate(db, version)

    def _migrate(self, db: _DB, version: int) -> None:
        """Bring an older index forward one version at a time, keeping a backup first."""
        backup = self.index_file.with_name(f"index.json.schema{version}.bak")
        shutil.copy2(self.index_file, backup)
        with db.storage.deferred():
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](self, db)
                version += 1
            meta = db.table("meta")
            info = dict(meta.get(doc_id=1) or {})
            info["schema"] = SCHEMA_VERSION
            meta.truncate()
            meta.insert(info)

    def changed(self) -> bool:
        """Has another process written to the database since we last read it?"""
        for db in (self._index, self._user):
            if db is not None and db.storage.stale():
                return True
        return self._index is None and self.index_file.exists()

    # ---- reading

    def is_empty(self) -> bool:
        return len(self.index.table("articles")) == 0

    def _raw_records(self) -> dict[str, dict[str, Any]]:
        """The index's story records as loaded (str doc id -> record), with no TinyDB copies."""
        return (self.index.storage.read() or {}).get("articles", {})

    def entries(self) -> list[dict[str, Any]]:
        """Every story's list metadata plus user state, each with its short `id`.

        Built straight from the cached index data in one dict copy per story (no TinyDB
        Document objects): at 100,000 stories this is the start-up path.
        """
        raw = self._raw_records()
        state = {d["key"]: d for d in (self.user.storage.read() or {}).get("state", {}).values()}
        none: dict[str, Any] = {}
        out = []
        append = out.append
        for k, e in raw.items():
            s = state.get(e["key"], none)
            append({**e, "id": int(k), "bookmarked": bool(s.get("bookmarked")), "read": bool(s.get("read")),
                    "bookmarked_at": s.get("bookmarked_at")})
        return out

    def entry(self, ref: str | int) -> dict[str, Any]:
        """One story's metadata by its short id or a prefix of its key."""
        table = self.index.table("articles")
        ref_s = str(ref).strip()
        doc = None
        if ref_s.isdigit():
            doc = table.get(doc_id=int(ref_s))
        if doc is None and len(ref_s) >= 4:
            matches = [d for d in table if d["key"].startswith(ref_s.lower())]
            if len(matches) > 1:
                raise StoreError(f"{ref_s!r} matches {len(matches)} stories; give more of the key")
            doc = matches[0] if matches else None
        if doc is None:
            raise StoreError(f"no story with id {ref_s!r} (see `reader list`)")
        e = dict(doc)
        e["id"] = doc.doc_id
        s = self.user.table("state").get(Query().key == e["key"]) or {}
        e["bookmarked"], e["read"] = bool(s.get("bookmarked")), bool(s.get("read"))
        return e

    def _segment(self, seg: int) -> _DB:
        db = self._segments.get(seg)
        if db is None or db.storage.stale():
            path = self.segment_file(seg)
            if not path.exists():
                raise StoreError(f"{path}: missing; run `reader doctor --rebuild`")
            db = self._open_checked(path)
            self._segments[seg] = db
            while len(self._segments) > 8:
                self._segments.popitem(last=False)
        self._segments.move_to_end(seg)
        return db

    def article(self, ref: str | int | dict[str, Any]) -> Article:
        e = ref if isinstance(ref, dict) else self.entry(ref)
        docs = self._segment(e["seg"]).table("articles").search(Query().key == e["key"])
        doc = next((d for d in reversed(docs) if d.get("hash") == e.get("hash")), docs[-1] if docs else None)
        if doc is None:
            raise StoreError(f"story {e['key']} is missing from its page file; run `reader doctor --rebuild`")
        return Article.from_dict(doc)

    def iter_articles(self) -> Iterator[tuple[dict[str, Any], Article]]:
        """Every story, segment by segment (each segment file is read once)."""
        entries = sorted(self.entries(), key=lambda e: e["seg"])
        for e in entries:
            yield e, self.article(e)

    # ---- writing

    def import_articles(self, articles: Iterable[tuple[str, Article | Prepared]]) -> list[ImportResult]:
        """Store parsed pages in one transaction: one index write, one write per touched segment."""
        with self._locked():
            self._index = None  # always re-read under the lock: another process may have written
            index = self.index
            table = index.table("articles")
            # (doc id, record) per story, read from the loaded data as is: iterating the TinyDB
            # table would copy all 100,000 records into Documents on every transaction.
            by_key = {d["key"]: (int(i), d) for i, d in self._raw_records().items()}
            results: list[ImportResult] = []
            fresh: dict[str, Prepared] = {}
            for name, item in articles:
                prep = item if isinstance(item, Prepared) else Prepared.of(item)
                old = by_key.get(prep.key)
                if (old is not None and old[1].get("hash") == prep.hash) or (prep.key in fresh and fresh[prep.key].hash == prep.hash):
                    results.append(ImportResult(name, "unchanged", prep.key))
                    continue
                status = "updated" if old is not None or prep.key in fresh else "new"
                results.append(ImportResult(name, status, prep.key))
                fresh[prep.key] = prep
            if not fresh:
                return results
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            meta = index.table("meta")
            info = dict(meta.get(doc_id=1) or {"schema": SCHEMA_VERSION, "seg": 0, "seg_count": 0})
            next_doc = max((i for i, _ in by_key.values()), default=0) + 1
            doc_ids: dict[str, int] = {}
            for key in fresh:
                if key in by_key:
                    doc_ids[key] = by_key[key][0]
                else:
                    doc_ids[key], next_doc = next_doc, next_doc + 1
            info["search"] = self._write_search(info, [(doc_ids[k], k, p.search) for k, p in fresh.items()])
            seg, count = info.get("seg", 0), info.get("seg_count", 0)
            if seg == 0:
                seg, count = 1, 0
            # A page file holds at most SEGMENT_CAP stories and about SEGMENT_BYTES of JSON, so
            # opening any story parses a small file (a 500-comment story is alone in ~1 MB).
            size = info.get("seg_bytes")
            if size is None:  # written before sizes were kept
                size = self.segment_file(seg).stat().st_size if self.segment_file(seg).exists() else 0
            pending = list(fresh.values())
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
                # Segments only ever gain documents: an updated story is a new document, and the
                # old one stays until the index (written last) stops pointing at it. So a crash at
                # any moment leaves the old index reading exactly the old stories.
                self._append_to_segment(seg, [p.doc for p in chunk])
                for p in chunk:
                    placed[p.key] = seg
                count += len(chunk)
                self._segments.pop(seg, None)
            with index.storage.deferred():
                inserts = []
                for key, prep in fresh.items():
                    rec = dict(prep.record)
                    rec.update(seg=placed[key], hash=prep.hash, updated=now)
                    old = by_key.get(key)
                    if old is not None:
                        rec["imported"] = old[1].get("imported", now)
                        table.update(rec, doc_ids=[old[0]])
                    else:
                        rec["imported"] = now
                        inserts.append(Document(rec, doc_id=doc_ids[key]))
                if inserts:
                    table.insert_multiple(inserts)
                info.update(schema=SCHEMA_VERSION, seg=seg, seg_count=count, seg_bytes=size)
                meta.truncate()
                meta.insert(info)
            self._drop_unused_search_files(info["search"])
            return results

    def _append_to_segment(self, seg: int, docs: list[bytes]) -> None:
        """Add serialised stories to a page file (a TinyDB file: {"articles": {"id": doc}}),
        replacing the file atomically. Documents already there are kept as they are."""
        path = self.segment_file(seg)
        tables: dict[str, Any] = {}
        if path.exists():
            tables = dict(self._open_checked(path).storage.read() or {})
        table = dict(tables.get("articles", {}))
        next_id = max((int(k) for k in table), default=0) + 1
        for n, doc in enumerate(docs):
            table[str(next_id + n)] = orjson.Fragment(doc)
        tables["articles"] = table
        atomic_write(path, orjson.dumps(tables))

    # ---- search index (segments listed in the index's meta, so one write commits both)

    @property
    def search_dir(self) -> Path:
        return self.path / "search"

    def _search_manifest(self) -> list[list[int]]:
        meta = self.index.table("meta").get(doc_id=1) or {}
        return [list(x) for x in meta.get("search", [])]

    def _write_search(self, info: dict[str, Any], items: list[tuple[int, str, Any]]) -> list[list[int]]:
        """Write this import's search segment (merging small tail segments); return the manifest.

        Nothing here is visible until the index (written last) lists the new manifest.
        """
        from reader import search as searchmod

        manifest = [list(x) for x in info.get("search", [])]
        next_sid = max([sid for sid, _ in manifest] + list(searchmod.segment_ids_on_disk(self.search_dir)),
                       default=0) + 1
        folder = self.search_dir
        folder.mkdir(parents=True, exist_ok=True)
        vocab = searchmod.Vocab.load(folder)
        seg = searchmod.Segment.build(next_sid, items, vocab)
        seg.write(folder, atomic_write)
        vocab.write(folder, atomic_write)  # ids only grow: the old manifest still reads correctly
        manifest.append([next_sid, len(seg.docs)])
        k = searchmod.merge_plan([(a, b) for a, b in manifest])
        if k > 1:
            parts = [seg if sid == next_sid else searchmod.Segment.load(folder, sid) for sid, _ in manifest[-k:]]
            others = [searchmod.Segment.load(folder, sid) for sid, _ in manifest[:-k]]
            owner = searchmod.owner_map(others + parts)
            merged = searchmod.Segment.merge(next_sid + 1, parts, owner, folder, atomic_write)
            manifest = manifest[:-k] + [[merged.sid, len(merged.docs)]]
        return manifest

    def _drop_unused_search_files(self, manifest: list[list[int]]) -> None:
        from reader import search as searchmod

        keep = {sid for sid, _ in manifest}
        for sid in searchmod.segment_ids_on_disk(self.search_dir) - keep:
            searchmod.remove_segment_files(self.search_dir, sid)

    def search_index(self) -> Any:
        """The on-disk search index (its arrays memory-mapped; no story text is read until a hit is shown)."""
        from reader import search as searchmod

        manifest = self._search_manifest()
        if not manifest and not self.is_empty():  # an older or repaired database: index it now
            self.rebuild_search()
            manifest = self._search_manifest()
        return searchmod.load_index(self.search_dir, [sid for sid, _ in manifest])

    def rebuild_search(self) -> None:
        """A fresh one-segment search index from the stored stories (doctor, migrations)."""
        from reader import search as searchmod

        with self._locked():
            self._index = None
            items = [(e["id"], e["key"], a) for e, a in self.iter_articles()]
            old = self._search_manifest()
            sid = max([s for s, _ in old] + list(searchmod.segment_ids_on_disk(self.search_dir)), default=0) + 1
            self.search_dir.mkdir(parents=True, exist_ok=True)
            vocab = searchmod.Vocab.load(self.search_dir)
            seg = searchmod.Segment.build(sid, items, vocab)
            seg.write(self.search_dir, atomic_write)
            vocab.write(self.search_dir, atomic_write)
            meta = self.index.table("meta")
            info = dict(meta.get(doc_id=1) or {"schema": SCHEMA_VERSION})
            info["search"] = [[sid, len(seg.docs)]]
            with self.index.storage.deferred():
                meta.truncate()
                meta.insert(info)
            self._drop_unused_search_files(info["search"])

    # ---- the list's first screen, cached so a big archive paints at once

    HEAD_ROWS = 200
    HEAD_CACHE_FROM = 2000  # archives larger than this cache their first screen for start-up

    def read_head(self, sort: str, bookmarked_only: bool) -> list[dict[str, Any]] | None:
        """The first rows of the list as last shown, if the index has not changed since.

        Read marks and bookmarks in it may be a moment old: the full list replaces it at once.
        """
        path = self.path / "head.json"
        try:
            head = orjson.loads(path.read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError, OSError):
            return None
        if (not isinstance(head, dict) or head.get("stamp") != list(_stamp(self.index_file) or [])
                or head.get("sort") != sort or head.get("bookmarked_only") != bookmarked_only):
            return None
        rows = head.get("rows")
        return rows if isinstance(rows, list) else None

    def write_head(self, rows: list[dict[str, Any]], sort: str, bookmarked_only: bool) -> None:
        """Remember the list's first rows (a cache: losing it only costs start-up time)."""
        stamp = _stamp(self.index_file)
        if stamp is None:
            return
        data = {"stamp": list(stamp), "sort": sort,
                "bookmarked_only": bookmarked_only,
                "rows": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows[: self.HEAD_ROWS]]}
        try:
            atomic_write(self.path / "head.json", orjson.dumps(data))
        except OSError:
            pass

    def _set_state(self, key: str, **fields: Any) -> None:
        with self._locked():
            self._user = None
            state = self.user.table("state")
            if state.get(Query().key == key) is None:
                state.insert({"key": key, **fields})
            else:
                state.update(fields, Query().key == key)

    def set_bookmark(self, key: str, on: bool) -> None:
        self._set_state(key, bookmarked=on, bookmarked_at=time.time() if on else None)

    def set_read(self, key: str, read: bool) -> None:
        self._set_state(key, read=read)

    def setting(self, name: str, default: Any = None) -> Any:
        doc = self.user.table("settings").get(Query().name == name)
        return doc["value"] if doc else default

    def set_setting(self, name: str, value: Any) -> None:
        with self._locked():
            self._user = None
            self.user.table("settings").upsert({"name": name, "value": value}, Query().name == name)

    # ---- health

    def doctor(self, rebuild: bool = False) -> list[str]:
        """Check every file; with rebuild, make a new index from the stored pages."""
        report: list[str] = []
        segs = sorted(self.path.glob("pages/*.json"))
        stories: dict[str, tuple[int, dict[str, Any]]] = {}
        for p in segs:
            try:
                db = _open_db(p)
                docs = list(db.table("articles"))
            except StoreError as exc:
                report.append(f"bad page file: {exc}")
                continue
            for d in docs:
                stories[d["key"]] = (int(p.stem), d)  # later segments hold newer copies
        report.append(f"{len(segs)} page files hold {len(stories)} distinct stories")
        for label, path in (("index", self.index_file), ("user state", self.user_file)):
            try:
                _open_db(path).storage.read()
                report.append(f"{label}: ok ({path.name})")
            except StoreError as exc:
                report.append(f"{label}: {exc}")
        if rebuild:
            with self._locked():
                if self.index_file.exists():
                    shutil.copy2(self.index_file, self.index_file.with_name(
                        f"index.json.before-rebuild-{datetime.now().strftime('%Y%m%d-%H%M%S')}"))
                now = datetime.now(timezone.utc).isoformat(timespec="seconds")
                recs = []
                for key, (seg, d) in stories.items():
                    art = Article.from_dict(d)
                    rec = index_record(art, d)
                    rec.update(seg=seg, hash=d.get("hash") or _serialise(d)[0], imported=now, updated=now)
                    recs.append(rec)
                last = max((int(p.stem) for p in segs), default=0)
                data = {"articles": {str(i): r for i, r in enumerate(recs, 1)},
                        "meta": {"1": {"schema": SCHEMA_VERSION, "seg": last, "seg_count": SEGMENT_CAP if last else 0}}}
                atomic_write(self.index_file, orjson.dumps(data))
                self._index = None
                self.rebuild_search()
                report.append(f"rebuilt the index and the search index: {len(recs)} stories")
        return report


def _migrate_0_to_1(store: Store, db: _DB) -> None:
    """Schema 0 (reader 0.0.x) kept no meta record: derive where the next import appends."""
    segs = sorted(int(p.stem) for p in store.path.glob("pages/*.json") if p.stem.isdigit())
    last = segs[-1] if segs else 0
    count = len(_open_db(store.segment_file(last)).table("articles")) if last else 0
    db.table("meta").truncate()
    db.table("meta").insert({"seg": last, "seg_count": count})
    for doc in db.table("articles"):
        if "votes" not in doc or "score" not in doc:
            art = store._segment(doc["seg"]).table("articles").get(Query().key == doc["key"])
            if art:
                a = Article.from_dict(art)
                db.table("articles").update({"votes": a.votes, "score": a.score}, doc_ids=[doc.doc_id])


MIGRATIONS: dict[int, Callable[[Store, _DB], None]] = {0: _migrate_0_to_1}


def open_store(path: Path, *, seed: bool = True, on_wait: Callable[[], None] | None = None) -> Store:
    """Open (and on first run, fill with the bundled seeds) the database at `path`."""
    store = Store(path, on_wait=on_wait)
    if seed and not store.index_file.exists():
        from reader.importer import import_paths
        from reader.locations import seed_files

        import_paths(store, seed_files())
    return store

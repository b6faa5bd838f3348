"""The database's JSON files: TinyDB on an atomic, orjson-backed storage, read once per change."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from reader.atomic import atomic_write
from reader.errors import StoreError
from reader.store.packed import pack_page, story_at

# What each kind of file must hold, table by table: the fields every record needs, with their types.
# Checked when a file is read, so a record without its `key` is reported as damage, not a KeyError.
Shape = dict[str, dict[str, tuple[type, ...]]]
_STR_OR_NONE = (str, type(None))
_INT_OR_NONE = (int, type(None))
INDEX_SHAPE: Shape = {
    "articles": {"key": (str,), "title": (str,), "seg": (int,), "hash": (str,), "comments": (int,), "votes": (int,),
                 "up": (int,), "contested": (float, int),
                 "score": (int,), "published": _STR_OR_NONE, "source": _STR_OR_NONE, "category": _STR_OR_NONE,
                 "layout": (str,), "year": _INT_OR_NONE, "stated": _INT_OR_NONE, "file": _STR_OR_NONE,
                 "url": _STR_OR_NONE, "imported": _STR_OR_NONE, "updated": _STR_OR_NONE,
                 "hist": (list,), "src": _STR_OR_NONE},
    "meta": {"seg": (int,), "seg_count": (int,), "seg_bytes": (int,), "seq": (int,), "last_id": (int,),
             "schema": (int,), "search": (list,)},
}
PAGE_SHAPE: Shape = {"articles": {"key": (str,), "title": (str,), "comments": (list,), "body": (list,)},
                     "placed": {"id": (int,), "seq": (int,)}}
# Fields a record must have; the others may be missing (older files), but not of another type.
REQUIRED = {"key", "title", "seg", "hash", "id", "name"}
# Tables whose records may hold no other fields than the shape names (they become dataclasses).
CLOSED = {"articles"}
USER_SHAPE: Shape = {"state": {"key": (str,)}, "settings": {"name": (str,)}}


GZIP_MAGIC = b"\x1f\x8b"


def page_bytes(tables: dict[str, Any]) -> bytes:
    """A page file's bytes: its JSON, gzipped at the fastest level (`zcat` shows it), in members
    that let one story be read alone (store.packed). News text packs to a third or half its
    size, which is most of the database. Page files written plain or as one gzip member (older
    databases) are read as they are. ISA-L's gzip (isal): 3.6 ms to pack a 1 MB page file
    against 19.6 ms for the standard library's zlib at its fastest level, 2.9 against 7.1 ms to
    unpack, the same format."""
    return pack_page(tables)


def shape_problem(data: dict[str, Any], shape: Shape) -> str | None:
    """Why `data` (a TinyDB file's tables) does not have `shape`, or None.

    The index is read at every start (100,000 records in a big archive): a fast pass looks at
    the few distinct (field types, field names) signatures the records have; only when one of
    them is off does the slow pass look for the record to name."""
    if _looks_right(data, shape):
        return None
    return _first_problem(data, shape)


def _looks_right(data: dict[str, Any], shape: Shape) -> bool:
    for table, fields in shape.items():
        records = data.get(table, {})
        if not isinstance(records, dict) or not all(map(str.isdigit, records)):
            return False
        if not all(isinstance(r, dict) for r in records.values()):
            return False
        names = tuple(fields)
        signatures = {tuple(map(type, map(r.get, names))) for r in records.values()}
        for sig in signatures:
            for name, kind in zip(names, sig, strict=True):
                if kind is bool or not (issubclass(kind, fields[name])
                                        or (kind is type(None) and name not in REQUIRED)):
                    return False
        if table in CLOSED and shape is INDEX_SHAPE:
            allowed = set(names)
            if not all(allowed.issuperset(k) for k in {tuple(r) for r in records.values()}):
                return False
    return True


def _first_problem(data: dict[str, Any], shape: Shape) -> str | None:
    for table, fields in shape.items():
        records = data.get(table, {})
        if not isinstance(records, dict):
            return f"its {table!r} table is not a table"
        for doc_id, rec in records.items():
            if not doc_id.isdigit():
                return f"its {table!r} table has a record with the id {doc_id[:20]!r}"
            if not isinstance(rec, dict):
                return f"record {doc_id} of {table!r} is not a record"
            for name, types in fields.items():
                if name not in rec and name not in REQUIRED:
                    continue
                value = rec.get(name)
                if not isinstance(value, types) or isinstance(value, bool):
                    what = "has no" if name not in rec else "has a wrong"
                    return f"record {doc_id} of {table!r} {what} {name!r}"
            if table in CLOSED and shape is INDEX_SHAPE and (extra := set(rec) - set(fields)):
                return f"record {doc_id} of {table!r} has unknown fields ({', '.join(sorted(extra)[:3])})"
    return None


def identity(path: Path) -> tuple[int, int, int] | None:
    """(mtime, size, inode), or None when there is no file: every write here is an atomic rename,
    so a rewritten file has a new inode even when its size and clock tick are the same."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson, one read per process (until the file changes), atomic writes.

    Inside `deferred()` writes only touch memory; the file is written once at the end.
    """

    def __init__(self, path: str | os.PathLike[str], shape: Shape | None = None):
        self.path = Path(path)
        self.shape = shape
        self._data: dict[str, Any] | None = None
        self._id: tuple[int, int, int] | None = None  # identity() of the file as last read or written
        self._defer = 0
        self._dirty = False
        self._loaded = False
        self.after_flush: Callable[[dict[str, Any], tuple[int, int]], None] | None = None  # (data, stamp) written
        # the identity of the copy read (mtime, size, inode, ctime) -> is it one this program
        # wrote (then its shape is not checked again: ~0.25 s for a 100,000-story index, at each
        # import and in the app)?
        self.vouch: Callable[[list[int]], bool] | None = None
        self._read_ident: list[int] | None = None

    def read(self) -> dict[str, Any] | None:
        if not self._loaded:
            self._data = self._load()
            self._loaded = True
        return self._data

    def raw_json(self) -> bytes | None:
        """The file's JSON as bytes (unpacked), not parsed; None when there is no file."""
        self._id = None
        try:
            with self.path.open("rb") as fh:
                # the identity of the very file read (another process may replace the path meanwhile)
                st = os.fstat(fh.fileno())
                raw = fh.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read ({exc.strerror})") from None
        self._id = st.st_mtime_ns, st.st_size, st.st_ino
        self._read_ident = [st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns]
        if not raw.strip():
            raise CorruptFile(self.path, "is empty (zero bytes)")
        if raw[:2] == GZIP_MAGIC:
            from isal import igzip  # (here: off the app's start-up path)

            try:
                raw = igzip.decompress(raw)  # type: ignore[no-untyped-call]
            except EOFError:
                raise CorruptFile(self.path, "is truncated (its compressed data ends early)") from None
            except Exception as exc:  # OSError, zlib.error, isal's IsalError (not an OSError)
                raise CorruptFile(self.path, f"is damaged compressed data ({str(exc)[:60]})") from None
        return raw

    def _load(self) -> dict[str, Any] | None:
        raw = self.raw_json()
        if raw is None:
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            what = "truncated" if raw.lstrip()[:1] in (b"{", b"[") else "not JSON"
            raise CorruptFile(self.path, f"is {what} ({str(exc).split(':')[0]})") from None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise CorruptFile(self.path, "is JSON but not a reader database")
        vouched = self.vouch is not None and self._read_ident is not None and self.vouch(self._read_ident)
        if self.shape is not None and not vouched and (problem := shape_problem(data, self.shape)):
            raise CorruptFile(self.path, f"is JSON of the wrong shape ({problem})")
        return data

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        if self._defer:
            self._dirty = True
        else:
            self._flush()

    def _flush(self) -> None:
        data = self._data or {}
        try:
            atomic_write(self.path, page_bytes(data) if self.shape is PAGE_SHAPE else orjson.dumps(data))
        except BaseException:
            self._data, self._loaded = None, False  # not written: the next read is the file's, not this
            raise
        self._id = identity(self.path)
        self._dirty = False
        if self.after_flush is not None and (st := self.loaded_stamp) is not None:
            self.after_flush(data, st)

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

    @property
    def loaded_stamp(self) -> tuple[int, int] | None:
        """(mtime, size) of the file as last read or written by this storage."""
        return None if self._id is None else (self._id[0], self._id[1])

    def stale(self) -> bool:
        """True when another process has replaced the file since we read or wrote it."""
        return self._loaded and identity(self.path) != self._id

    def close(self) -> None:
        pass


def cut_docs(raw: bytes, wanted: dict[str, str], spans: dict[bytes, tuple[int, int]] | None = None
             ) -> dict[str, dict[str, Any]] | None:
    """Stories cut out of a page file's JSON (`raw`) by key and hash, without parsing the rest;
    None when one of them cannot be found so (the caller parses the whole file).

    A stored document ends with its `"hash":"…"}` (records.serialise), and the `articles`
    table's documents follow one another as `"N":{…},"N":{…}`: so a document starts after the
    `:` that follows the end of the one before it (or the table's opening). (A `"` inside a
    string is always escaped, so such a mark with raw quotes is structure, never text.) What is
    cut out must parse and carry the wanted key and hash, or the whole file is parsed instead;
    a later copy of a story wins, as when the file is read whole. Merging a few stories of a
    1 MB page file parsed all of it (~2 ms), most of what re-reading changed stories cost.
    `spans`: the file's doc_spans, when the caller keeps them for more stories."""
    if not wanted:
        return None
    ends = doc_spans(raw) if spans is None else spans
    if ends is None:
        return None
    out: dict[str, dict[str, Any]] = {}
    for key, digest in wanted.items():
        span = ends.get(digest.encode())
        if span is None:
            return None
        doc = story_at(raw, span[0], span[1], key, digest)
        if doc is None:
            return None
        out[key] = doc
    return out


def doc_spans(raw: bytes) -> dict[bytes, tuple[int, int]] | None:
    """Where each document of a page file's JSON is (cut_docs): hash -> (start, end) of the last
    one with that hash; None when the file is not laid out so."""
    mark = b'"hash":"'
    table = raw.find(b'"articles":{')
    if table < 0:
        return None
    ends: dict[bytes, tuple[int, int]] = {}  # hash -> (start, end) of its last document
    start_after = table + len(b'"articles":{')
    at = raw.find(mark, start_after)
    while at >= 0:
        close = raw.find(b'"}', at + len(mark))
        if close < 0:
            return None
        end = close + 2
        colon = raw.find(b":", start_after)
        ends[raw[at + len(mark) : close]] = (colon + 1, end)
        start_after = end
        if raw[end : end + 1] != b",":
            break  # the end of the table
        at = raw.find(mark, end)
    return ends


class CorruptFile(StoreError):
    def __init__(self, path: Path, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


class _IdView(MutableMapping[int, Any]):
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


class DB(TinyDB):
    table_class = FastTable

    @property
    def storage(self) -> AtomicJSONStorage:
        return cast(AtomicJSONStorage, self._storage)


def open_db(path: Path, shape: Shape | None = None) -> DB:
    return DB(path, storage=AtomicJSONStorage, shape=shape)

"""`index.columns`: the index's story records one column per field, in binary: what start-up reads.

A cache derived from `index.json`, stamped with that file's (mtime, size) as it was written, and
used only while the stamp matches (otherwise the index is read, and nothing is lost). Reading
100,000 records as 100,000 JSON objects, checking each one's shape and making a row from it with
keyword arguments took ~1.8 s; this file is turned into the same rows in ~0.15 s:

- numbers are raw little-endian int64/float64 arrays (`array` turns each into a list in C);
- strings are one UTF-8 blob per column, split on NUL (control characters never reach the index:
  sanitising removes them; a string holding one is not written, and the index is read instead);
- outlets, sections, layouts and import times (few distinct values) are numbers into a list of
  their values, so each is one string object shared by every row;
- the list's title order is kept, computed once per import rather than at each start.

Layout: MAGIC, an 8-byte header length, the header (JSON: version, stamp, count, meta, coded
values, histories, sections as [name, kind, offset, length]), then the sections.
"""

from __future__ import annotations

import contextlib
import os
import sys
from array import array
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from reader.atomic import atomic_write

try:  # the columns of every record in one pass, each record's table read once (see _native.c)
    from reader._native import codes as _codes
    from reader._native import pluck as _pluck

    NATIVE = True
except ImportError:  # pragma: no cover - built without a C compiler
    NATIVE = False

MAGIC = b"reader index columns\n"
VERSION = 4  # 4: the source digest (src)
NONE_INT = -(2**63)  # a missing year or stated count
NONE_STR = "\x01"  # a missing date, file or address
# Each record field (StoryEntry's order) and how its column is kept.
KINDS: dict[str, str] = {
    "key": "str", "title": "str", "source": "coded", "category": "coded", "layout": "coded",
    "published": "str?", "year": "int?", "comments": "int", "stated": "int?", "votes": "int", "score": "int",
    "up": "int", "contested": "float", "file": "str?", "url": "str?", "seg": "int", "hash": "str",
    "imported": "coded", "updated": "coded", "hist": "hist", "src": "str?"}
DEFAULTS: dict[str, Any] = {  # what an older record without the field has
    "key": "", "title": "", "source": None, "category": None, "layout": "generic", "published": None, "year": None,
    "comments": 0, "stated": None, "votes": 0, "score": 0, "up": 0, "contested": 0.0, "file": None, "url": None,
    "seg": 0, "hash": "", "imported": None, "updated": None, "hist": None, "src": None}
CODED_TYPES = (str, type(None))
LITTLE = sys.byteorder == "little"


class Columns(NamedTuple):
    ids: list[int]
    cols: dict[str, list[Any]]  # field -> one value per story
    meta: dict[str, Any]
    title_order: list[int]  # positions in title order (casefolded; ties in stored order)


def columns_file(index: Path) -> Path:
    return index.with_name("index.columns")


def write_columns(index: Path, data: dict[str, Any], st: tuple[int, int]) -> None:
    """Write the columns of `data` (the index's tables) beside `index`, stamped `st`: the stamp
    the index file got when `data` was written to it (taken by the writer, under the lock).
    Losing the file or failing to write it only costs start-up time."""
    target = columns_file(index)
    try:
        # The index file's whole identity too (inode and ctime: any write, rename or change of
        # its times moves them), when it is still the file `st` stamps: what vouches for it
        # (written_for). A later writer's file has another identity, and vouches for nothing.
        now = os.stat(index)
        same = (now.st_mtime_ns, now.st_size) == tuple(st)
        ident = [now.st_mtime_ns, now.st_size, now.st_ino, now.st_ctime_ns] if same else None
    except OSError:
        ident = None
    try:
        raw = pack(data, st, ident)
    except (TypeError, ValueError, OverflowError):
        raw = None  # a value this format cannot hold: start-up reads the index itself
    try:
        if raw is None:
            target.unlink(missing_ok=True)
        else:
            atomic_write(target, raw)
    except OSError:
        with contextlib.suppress(OSError):
            target.unlink()


def pack(data: dict[str, Any], st: tuple[int, int], ident: list[int] | None = None) -> bytes:
    records = data.get("articles", {})
    rows = list(records.values())
    n = len(rows)
    names = [name for name in KINDS if name != "hist"]  # only a story imported again has a history
    cols = _fields(rows, [*names, "hist"])
    sections: list[tuple[str, str, bytes]] = [("ids", "int", _ints([int(k) for k in records]))]
    coded: dict[str, list[Any]] = {}
    for name in names:
        kind, col = KINDS[name], cols[name]
        if kind == "coded":
            body, distinct = _coded(col)
            if not all(isinstance(v, CODED_TYPES) for v in distinct):
                raise TypeError(name)
            coded[name] = distinct
            sections.append((name, "int", body))
        elif kind in ("int", "int?"):
            sections.append((name, "int", _ints([NONE_INT if v is None else v for v in col] if kind == "int?" else col)))
        elif kind == "float":
            sections.append((name, "float", _floats(col)))
        else:
            if kind == "str?" and NONE_STR in col:
                raise ValueError(name)
            sections.append((name, "str", _strs([NONE_STR if v is None else v for v in col] if kind == "str?" else col)))
    folded = list(map(str.casefold, cols["title"]))
    sections.append(("title_order", "int", _ints(sorted(range(n), key=folded.__getitem__))))
    hist = {str(i): h for i, h in enumerate(cols["hist"]) if h is not None}
    offsets, at = [], 0
    for name, kind, body in sections:
        offsets.append([name, kind, at, len(body)])
        at += len(body)
    header = orjson.dumps({"version": VERSION, "stamp": list(st), "ident": ident, "n": n,
                           "meta": data.get("meta", {}).get("1", {}), "coded": coded, "hist": hist, "sections": offsets})
    return b"".join([MAGIC, len(header).to_bytes(8, "little"), header, *(body for _, _, body in sections)])


UNREAD = frozenset({"src"})  # columns the list does not need: checked, not read (None each) unless asked for


def read_columns(index: Path, unread: frozenset[str] = UNREAD) -> Columns | None:
    """The columns written for `index` as it is now, or None: missing, behind the index, or not
    of the right shape (then the caller reads the index itself)."""
    try:
        raw = columns_file(index).read_bytes()
        st = index.stat()
    except OSError:
        return None
    try:
        got = unpack(raw, unread)
    except (ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError, orjson.JSONDecodeError):
        return None
    if got is None or got[0] != [st.st_mtime_ns, st.st_size]:
        return None
    return got[1]


def read_meta(index: Path) -> dict[str, Any] | None:
    """The index's meta record as the columns file has it (its header only: a few KB read), or
    None when the file is missing, damaged or behind `index`."""
    try:
        header = _read_header(index)
        st = index.stat()
    except (OSError, ValueError, OverflowError, MemoryError, orjson.JSONDecodeError):
        return None
    if header is None or header.get("stamp") != [st.st_mtime_ns, st.st_size]:
        return None
    meta = header.get("meta")
    return meta if isinstance(meta, dict) else None


def written_for(index: Path, ident: list[int]) -> bool:
    """Were the columns written for the very index file whose copy was just read (`ident`: its
    mtime, size, inode and ctime, taken from the file read)? Then that copy is one this program
    wrote, of the shape it writes. (The header is read: it holds the stories' vote histories,
    ~10 ms at 100,000 stories.)"""
    try:
        header = _read_header(index)
    except (OSError, ValueError, OverflowError, MemoryError, orjson.JSONDecodeError):
        return False
    return header is not None and header.get("ident") == ident  # (None, for columns written without it)


def _read_header(index: Path) -> dict[str, Any] | None:
    """The columns file's header, or None when the file does not start as one of this version."""
    with columns_file(index).open("rb") as fh:
        head = fh.read(len(MAGIC) + 8)
        if len(head) < len(MAGIC) + 8 or not head.startswith(MAGIC):
            return None
        size = int.from_bytes(head[len(MAGIC):], "little")
        if size > os.fstat(fh.fileno()).st_size:
            return None
        return _header(head + fh.read(size))


def _header(raw: bytes) -> dict[str, Any] | None:
    """The header of a columns file of this version (`raw` holds at least all of it), or None."""
    if not raw.startswith(MAGIC):
        return None
    at = len(MAGIC)
    size = int.from_bytes(raw[at : at + 8], "little")
    header = orjson.loads(raw[at + 8 : at + 8 + size])
    return header if isinstance(header, dict) and header.get("version") == VERSION else None


def unpack(raw: bytes, unread: frozenset[str] = frozenset()) -> tuple[list[int], Columns] | None:
    """(stamp, columns) from the file's bytes, or None when they are not a whole, consistent file
    of this version. Malformed parts raise ValueError (or a sibling) for the caller to catch."""
    header = _header(raw)
    if header is None:
        return None
    at = len(MAGIC)
    size = int.from_bytes(raw[at : at + 8], "little")
    n, meta, coded, hist = header["n"], header["meta"], header["coded"], header["hist"]
    if not isinstance(n, int) or not isinstance(meta, dict) or not isinstance(coded, dict) or not isinstance(hist, dict):
        return None
    parts = _sections(memoryview(raw)[at + 8 + size :], header["sections"], n, unread)
    if parts is None or set(parts) != {"ids", "title_order", *(k for k in KINDS if k != "hist")}:
        return None
    ids, order = parts.pop("ids"), parts.pop("title_order")
    if n and (min(order) < 0 or max(order) >= n or len(set(order)) != n):
        return None
    cols: dict[str, list[Any]] = {"hist": _histories(hist, n)}
    for name, kind in KINDS.items():
        if kind == "hist":
            continue
        col = parts[name]
        if name in unread:
            cols[name] = col  # (None each: not read)
            continue
        if kind == "coded":
            values = coded.get(name)
            if (not isinstance(values, list) or not all(isinstance(v, CODED_TYPES) for v in values)
                    or (n and (min(col) < 0 or max(col) >= len(values)))):
                return None
            col = list(map(values.__getitem__, col))
        elif kind in ("int?", "str?"):  # the missing-value mark back to None (map in C)
            col = list(map({NONE_INT if kind == "int?" else NONE_STR: None}.get, col, col))
        cols[name] = col
    return header["stamp"], Columns(ids, cols, meta, order)


def _sections(body: memoryview, sections: list[list[Any]], n: int, unread: frozenset[str] = frozenset()
              ) -> dict[str, list[Any]] | None:
    """Each section's values, checked to follow one another, fill the body and hold n values.
    A section in `unread` is only counted (None each): 100,000 digests are ~8 MB of strings the
    app's list never looks at, and an import's snapshot needs 5 of the 20 columns."""
    parts: dict[str, list[Any]] = {}
    end = 0
    for name, kind, offset, length in sections:
        if offset != end or length < 0 or offset + length > len(body):
            return None
        end = offset + length
        chunk = body[offset:end]
        if name in unread and kind in ("int", "float"):
            if length % 8:
                return None
            parts[name] = [None] * (length // 8)
        elif kind in ("int", "float"):
            arr = array("q" if kind == "int" else "d")
            arr.frombytes(chunk)
            if not LITTLE:
                arr.byteswap()
            parts[name] = arr.tolist()
        elif kind == "str" and name in unread:
            parts[name] = [None] * (bytes(chunk).count(0) + 1 if n else 0)
        elif kind == "str":
            parts[name] = bytes(chunk).decode("utf-8").split("\x00") if n else []
        else:
            return None
        if len(parts[name]) != n:
            return None
    return parts if end == len(body) else None


def _histories(hist: dict[str, Any], n: int) -> list[Any]:
    col: list[Any] = [None] * n
    for pos, h in hist.items():
        if not isinstance(h, list) or not 0 <= int(pos) < n:
            raise ValueError("a history that is not a list, or of no story")
        col[int(pos)] = h
    return col


def _fields(rows: list[dict[str, Any]], names: list[str]) -> dict[str, list[Any]]:
    """One list per field name of that field of each record (its default where it lacks it:
    records from older versions). In C each record is read once for all its fields, not once a
    field (~0.12 against ~0.35-0.55 s at 100,000 stories)."""
    if NATIVE:
        return dict(zip(names, _pluck(rows, tuple(names), tuple(DEFAULTS[name] for name in names)), strict=True))
    cols: dict[str, list[Any]] = {}
    for name in names:
        try:  # every record has the field (all this version writes): a column made in C
            cols[name] = list(map(itemgetter(name), rows))
        except KeyError:
            cols[name] = [r.get(name, DEFAULTS[name]) for r in rows]
    return cols


def _coded(col: list[Any]) -> tuple[bytes, list[Any]]:
    """Each value's number in the list of the column's distinct values (int64s), and that list."""
    if NATIVE and LITTLE:
        return _codes(col)
    values: dict[Any, int] = {}
    numbers = [values.setdefault(v, len(values)) for v in col]
    return _ints(numbers), list(values)


def _ints(values: list[int]) -> bytes:
    arr = array("q", values)
    if not LITTLE:
        arr.byteswap()
    return arr.tobytes()


def _floats(values: list[float]) -> bytes:
    arr = array("d", values)
    if not LITTLE:
        arr.byteswap()
    return arr.tobytes()


def _strs(values: list[str]) -> bytes:
    joined = "\x00".join(values)
    if joined.count("\x00") != max(0, len(values) - 1) or (values and not isinstance(values[0], str)):
        raise ValueError("a string holds a NUL")  # or is not a string: "\x00".join raised TypeError already
    return joined.encode("utf-8")

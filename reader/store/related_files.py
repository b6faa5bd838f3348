"""The related-coverage index on disk: derived data, rebuilt from the stories when it is missing,
damaged or behind the index.

    related.npz    fp (term ids) and fw (weights): one row of FINGERPRINT_SIZE per story
    related.json   {"seq", "rows", "terms", "keys"}: `rows` must match the arrays
    links.json     {"seq", "links"}: each story key's closest related stories, [[key, score]]
                   (what the app reads); written last. All three carry the import they reflect.
    seq.json       {"seq", "of"}: the three files, written at import `of`, hold for import `seq`
                   too (imports since linked nothing anew: only comments and votes moved). Not
                   there, or of other files (its `of` is not theirs): they hold for their own.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson

from reader.atomic import atomic_write
from reader.related import FINGERPRINT_SIZE, FINGERPRINT_VERSION, RelatedIndex


class RelatedDamaged(Exception):
    pass


def load(folder: Path) -> tuple[RelatedIndex, int] | None:
    """The stored index and the import number it reflects; None if there is none;
    RelatedDamaged if it cannot be read or does not hang together."""
    import numpy as np

    meta_p, arr_p, links_p = folder / "related.json", folder / "related.npz", folder / "links.json"
    if not meta_p.exists() and not links_p.exists():
        return None
    try:
        meta = orjson.loads(meta_p.read_bytes())
        if isinstance(meta, dict) and meta.get("fingerprint", 1) != FINGERPRINT_VERSION:
            return None  # fingerprints of another version: made again from the stories
        links = orjson.loads(links_p.read_bytes())
        with np.load(arr_p, allow_pickle=False) as z:
            fp, fw = z["fp"], z["fw"]
    except Exception as exc:  # derived data: any damage (a bad zip, a bad header) means "make it again"
        raise RelatedDamaged(f"{folder.name}/: unreadable ({type(exc).__name__})") from None
    if not _well_formed(meta, links, fp, fw):
        raise RelatedDamaged(f"{folder.name}/: its files do not match")
    return RelatedIndex(meta["terms"], meta["keys"], fp, fw, links["links"]), _holds_for(folder, int(meta["seq"]))


SEQ_FILE = "seq.json"


def keys_of(folder: Path) -> tuple[set[str], int] | None:
    """The stories the index links (those with a fingerprint row) and the import the files hold
    for, from related.json alone (not the arrays or the links); None when it cannot be read so."""
    try:
        meta = orjson.loads((folder / "related.json").read_bytes())
    except (OSError, ValueError):
        return None
    if (not isinstance(meta, dict) or meta.get("fingerprint", 1) != FINGERPRINT_VERSION
            or not isinstance(keys := meta.get("keys"), list) or not isinstance(seq := meta.get("seq"), int)):
        return None
    return {k for k in keys if isinstance(k, str)}, _holds_for(folder, seq)


def _holds_for(folder: Path, written: Any) -> Any:
    """The import the files written at import `written` hold for (seq.json: a later one)."""
    try:
        data = orjson.loads((folder / SEQ_FILE).read_bytes())
    except (OSError, ValueError):
        return written
    if (isinstance(data, dict) and isinstance(of := data.get("of"), int) and isinstance(seq := data.get("seq"), int)
            and not isinstance(of, bool) and of == written and seq >= of):
        return seq
    return written


def advance(folder: Path, seq: int, held: int) -> None:
    """Say that the files, which hold for import `held` (as the caller read them: related.json,
    keys_of), hold for import `seq` too (it linked nothing anew): a small file written rather
    than the three (~0.06-0.12 s a batch at 100,000 stories). RelatedDamaged when links.json
    does not hold for `held` too (missing, unreadable, or of another save: then save them whole)."""
    try:
        written = orjson.loads((folder / "links.json").read_bytes()).get("seq")
    except (OSError, ValueError, AttributeError):
        raise RelatedDamaged(f"{folder.name}/links.json: unreadable") from None
    if not isinstance(written, int) or isinstance(written, bool) or _holds_for(folder, written) != held or seq < held:
        raise RelatedDamaged(f"{folder.name}/links.json: not of the import the other files hold for")
    atomic_write(folder / SEQ_FILE, orjson.dumps({"seq": seq, "of": written}))


def _well_formed(meta: Any, links: Any, fp: Any, fw: Any) -> bool:
    if not isinstance(meta, dict) or not all(k in meta for k in ("seq", "rows", "terms", "keys")):
        return False
    if not isinstance(links, dict) or links.get("seq") != meta["seq"] or not isinstance(links.get("links"), dict):
        return False
    if not all(_link_rows(v) for v in links["links"].values()):
        return False
    n = meta["rows"]
    if fp.shape != (n, FINGERPRINT_SIZE) or fw.shape != (n, FINGERPRINT_SIZE) or len(meta["keys"]) != n:
        return False
    return fp.dtype.kind == "i" and not (n and int(fp.max()) >= len(meta["terms"]))


def _link_rows(rows: Any) -> bool:
    return isinstance(rows, list) and all(
        isinstance(r, list) and len(r) == 2 and isinstance(r[0], str) and isinstance(r[1], (int, float)) for r in rows)


def save(folder: Path, index: RelatedIndex, seq: int) -> None:
    import numpy as np

    # First: seq.json spoke of the files replaced here, and links.json (written last) is missing
    # until the other two are whole, so a save cut short (a full disk, a kill) never leaves files
    # of two saves that advance() could take for one.
    (folder / SEQ_FILE).unlink(missing_ok=True)
    (folder / "links.json").unlink(missing_ok=True)
    buf = io.BytesIO()
    np.savez(buf, fp=index.fp, fw=index.fw)
    atomic_write(folder / "related.npz", buf.getvalue())
    meta = {"seq": seq, "fingerprint": FINGERPRINT_VERSION, "rows": len(index.keys), "terms": index.terms,
            "keys": index.keys}
    atomic_write(folder / "related.json", orjson.dumps(meta))
    atomic_write(folder / "links.json", orjson.dumps({"seq": seq, "links": index.links}))


def links_of(folder: Path) -> tuple[dict[str, list[list[Any]]], int | None]:
    """Only the links and the import they reflect (what the app reads): no arrays, no words."""
    try:
        data = orjson.loads((folder / "links.json").read_bytes())
    except (OSError, ValueError):
        return {}, None
    if not isinstance(data, dict) or not isinstance(data.get("links"), dict):
        return {}, None
    if not all(_link_rows(v) for v in data["links"].values()):
        return {}, None  # damaged: seen as missing, so it is made again
    return data["links"], _holds_for(folder, data.get("seq"))

"""What the archive keeps per story: the index record, the stored document, import results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from reader.models import Article

if TYPE_CHECKING:  # numpy and rapidfuzz stay off the start-up path
    from reader.search.fields import SearchPayload


@dataclass(slots=True)
class ImportResult:
    name: str
    status: str  # new / updated / unchanged / error / skipped
    key: str | None = None
    detail: str = ""


@dataclass(slots=True)
class PreparedStory:
    """A parsed page made ready to store (built by the importer, in a worker process)."""

    key: str
    doc: bytes  # the stored document, as JSON (cheap to send between processes and to write)
    hash: str
    record: dict[str, Any]  # the index record (see `index_record`)
    search: SearchPayload
    # the story's fingerprint (reader.related); None for a page merged where it was parsed whose
    # title and article text are the stored story's (its fingerprint is the stored one)
    related: list[tuple[str, float]] | None
    # Merged where it was parsed with the stored copy of this hash (archive.StoredCopies; None:
    # as parsed): doc, record and search are then the merged story's, and `page_doc` the page's own.
    base: str | None = None
    page_doc: bytes | None = None


def serialise(d: dict[str, Any], digest: str | None = None) -> tuple[str, bytes]:
    """The story's content hash (its JSON without `file` and `tb`, keys sorted) and its stored JSON.

    The stored document is that same JSON with `file`, `tb` (when given) and `hash` added: serialised once, in
    the worker that parsed the page, and spliced into its page file as is. A story merged with
    its history keeps the hash of the page as parsed (`digest`): the next import of the same
    page is then seen to be unchanged.
    """
    body = {k: v for k, v in d.items() if k not in ("file", "hash", "tb")}
    data = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    import hashlib  # here: loading it (OpenSSL) took ~3 ms of every start of the app

    digest = digest or hashlib.blake2b(data, digest_size=10).hexdigest()
    extra = b'"file":' + orjson.dumps(d.get("file"))
    if (threads := d.get("tb")) is not None:  # (importer.pipeline: which code threaded its comments)
        extra += b',"tb":' + orjson.dumps(threads)
    extra += b',"hash":"' + digest.encode() + b'"'
    doc = data[:-1] + (b"," if len(data) > 2 else b"") + extra + b"}"
    return digest, doc


def index_record(article: Article, key: str) -> dict[str, Any]:
    """The index's record of a story: what the list shows and sorts by (no body, no comments)."""
    from reader.history import story_hist  # (both here: off the app's start-up path)
    from reader.stats import controversy

    rec: dict[str, Any] = {
        "key": key,
        "title": article.title,
        "source": article.source,
        "category": article.category,
        "layout": article.layout,
        "published": article.published,
        "year": article.copyright_year,
        "comments": len(article.live),
        "stated": article.stated_comment_count,
        "votes": article.votes,
        "up": sum(c.up or 0 for c in article.live),
        "contested": controversy(article.live),
        "score": article.score,
        "file": article.file,
        "url": article.url,
        "src": None,  # the page file's source digest, set by the importer (importer.pipeline)
    }
    if (hist := story_hist(article)) is not None:
        rec["hist"] = hist  # only for stories imported more than once: the index stays small
    return rec

"""Plain data: articles, comments and the blocks a comment is made of. No I/O, no Textual."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

_C = TypeVar("_C")

QuoteOf = int | Literal["article"] | None


@dataclass(slots=True)
class Block:
    """One paragraph of a comment: the writer's own words, or a quote of something earlier."""

    text: str
    quote: bool = False
    of: QuoteOf = None  # comment id, "article", or None for an unidentified quote


@dataclass(slots=True)
class Comment:
    """One reader's comment: its words (as blocks), its votes, who wrote it and when, and where it
    stands in the thread (`parent`; `revision_of` when it is an edited copy of an earlier one)."""

    id: int
    blocks: list[Block]
    score: int | None = None
    up: int | None = None
    down: int | None = None
    author: str | None = None
    posted: str | None = None
    parent: int | None = None
    revision_of: int | None = None
    header: str | None = None  # the quote-header line this comment carried (kept, not shown as text)
    posted_at: str | None = None  # `posted` as an ISO time when it was relative ("Today 07:12 am JST"): approximate
    # History across imports of the page (reader.history): versions are numbered from 0, the first import.
    first: int = 0  # the version the comment first appeared in
    vh: list[list[int | None]] | None = None  # [[version, score, up, down], ...] when the votes ever changed
    removed: int | None = None  # the version it was gone from the page in (kept, marked)
    edits: list[list[Any]] | None = None  # [[version, text before that version], ...] when it was edited

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if not b.quote)

    @property
    def quotes(self) -> list[dict[str, Any]]:
        """Quotes in page order; adjacent paragraphs quoting the same thing form one quote."""
        out: list[dict[str, Any]] = []
        prev: Block | None = None
        for b in self.blocks:
            if b.quote and prev is not None and prev.quote and prev.of == b.of:
                out[-1]["text"] += "\n\n" + b.text
            elif b.quote:
                out.append({"text": b.text, "of": b.of})
            prev = b
        return out

    @property
    def votes(self) -> int:
        return (self.up or 0) + (self.down or 0)

    def to_dict(self, *, internal: bool = False) -> dict[str, Any]:
        if internal:
            return self._stored()
        d = self._head()
        d["text"] = self.text
        d["quotes"] = self.quotes
        return d

    def _head(self) -> dict[str, Any]:
        return {"id": self.id, "parent": self.parent, "revision_of": self.revision_of, "author": self.author,
                "posted": self.posted, "posted_at": self.posted_at, "score": self.score, "up": self.up,
                "down": self.down}

    def _stored(self) -> dict[str, Any]:
        """What the store keeps: blocks only (text and quotes are derived from them, and not
        made here: ~40% of this on a page of the benchmark)."""
        d = self._head()
        d["blocks"] = [[b.text, b.quote, b.of] for b in self.blocks]
        d["header"] = self.header
        # History only where there is some: a page imported once stores what it always did.
        if self.first:
            d["first"] = self.first
        if self.vh:
            d["vh"] = self.vh
        if self.removed is not None:
            d["removed"] = self.removed
        if self.edits:
            d["edits"] = self.edits
        return d

    @property
    def triple(self) -> tuple[int | None, int | None, int | None]:
        return self.score, self.up, self.down

    def votes_at(self, version: int) -> tuple[int | None, int | None, int | None] | None:
        """The (score, up, down) the comment had in `version`, or None if it was not there yet."""
        if version < self.first:
            return None
        found: tuple[int | None, int | None, int | None] = self.triple
        if self.vh:
            found = tuple(self.vh[0][1:4])  # type: ignore[assignment]
            for v, score, up, down in self.vh:
                if v is not None and v <= version:
                    found = (score, up, down)
        return found

    def present_in(self, version: int) -> bool:
        return self.first <= version and (self.removed is None or self.removed > version)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Comment:
        blocks = [Block(t, bool(q), of) for t, q, of in d.get("blocks", [])]
        if not blocks and d.get("text"):
            blocks = [Block(p) for p in d["text"].split("\n\n")]
        return cls(
            id=d["id"],
            blocks=blocks,
            score=d.get("score"),
            up=d.get("up"),
            down=d.get("down"),
            author=d.get("author"),
            posted=d.get("posted"),
            parent=d.get("parent"),
            revision_of=d.get("revision_of"),
            header=d.get("header"),
            posted_at=d.get("posted_at"),
            first=d.get("first", 0),
            vh=d.get("vh"),
            removed=d.get("removed"),
            edits=d.get("edits"),
        )


@dataclass(slots=True)
class Article:
    """A story as parsed from one page: its title, body and source, and its comments."""

    file: str | None
    layout: str
    title: str
    source: str | None = None
    category: str | None = None
    byline: str | None = None
    credit: str | None = None
    published: str | None = None  # ISO 8601
    copyright_year: int | None = None
    image: dict[str, str | None] | None = None  # {caption, credit}
    body: list[str] = field(default_factory=list)
    stated_comment_count: int | None = None
    related: list[dict[str, str]] = field(default_factory=list)  # [{section, title}]
    comments: list[Comment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # parse warnings, e.g. "page ends mid-comment"
    url: str | None = None  # the story's address (canonical URL, the fetched URL, a URL line)
    versions: list[str] = field(default_factory=list)  # when each changed import happened (empty: one version)
    ident: str | None = None  # the key of the stored story this page was matched to (by address, say)

    @property
    def key(self) -> str:
        """Stable identity: the same story re-imported (with new comments) keeps its key."""
        if self.ident:
            return self.ident
        ident = "\x1f".join([self.source or "", " ".join(self.title.casefold().split()), self.published or ""])
        import hashlib  # here: loading it (OpenSSL) took ~3 ms of every start of the app

        return hashlib.blake2b(ident.encode(), digest_size=8).hexdigest()

    @property
    def live(self) -> list[Comment]:
        """The comments on the page as last imported (not those since removed from it)."""
        return [c for c in self.comments if c.removed is None]

    @property
    def score(self) -> int:
        return sum(c.score or 0 for c in self.comments if c.removed is None)

    @property
    def votes(self) -> int:
        return sum(c.votes for c in self.comments if c.removed is None)

    def to_dict(self, *, internal: bool = False) -> dict[str, Any]:
        """The `reader parse --json` shape (internal=True adds what the store needs)."""
        d: dict[str, Any] = {
            "file": self.file,
            "layout": self.layout,
            "source": self.source,
            "title": self.title,
            "category": self.category,
            "byline": self.byline,
            "credit": self.credit,
            "published": self.published,
            "url": self.url,
            "copyright_year": self.copyright_year,
            "image": self.image,
            "body": list(self.body),
            "stated_comment_count": self.stated_comment_count,
            "related": [dict(r) for r in self.related],
            "comments": [c.to_dict(internal=internal) for c in self.comments],
        }
        if internal:
            d["key"] = self.key
            d["notes"] = list(self.notes)
            if self.versions:
                d["versions"] = list(self.versions)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return cls(
            file=d.get("file"),
            layout=d.get("layout", "generic"),
            title=d.get("title") or "(untitled)",
            source=d.get("source"),
            category=d.get("category"),
            byline=d.get("byline"),
            credit=d.get("credit"),
            published=d.get("published"),
            copyright_year=d.get("copyright_year"),
            image=d.get("image"),
            body=list(d.get("body", [])),
            stated_comment_count=d.get("stated_comment_count"),
            related=list(d.get("related", [])),
            comments=[Comment.from_dict(c) for c in d.get("comments", [])],
            notes=list(d.get("notes", [])),
            url=d.get("url"),
            versions=list(d.get("versions") or []),
            ident=d.get("key"),
        )


def _interpreted(cls: type[_C]) -> type[_C]:
    """A class decorator that changes nothing, and so keeps a class an ordinary Python class
    where this module is compiled (setup.py: mypyc makes only classes with no decorator of
    their own native): the story list's rows are made in C through their slot descriptors
    (reader._native.instances), which a native class does not have."""
    return cls


@_interpreted
@dataclass(slots=True, eq=False)
class StoryEntry:
    """One row of the story list: a story's index record and the user's marks on it.

    Built for every story at start-up (100,000 of them in a big archive), so it holds only
    what the list shows and sorts by; the story itself is read when it is opened.
    """

    id: int  # the short id people type (`reader show 12`); stable for the story's life
    key: str  # the story's identity (source, title and date hashed); survives re-imports
    title: str
    source: str | None = None
    category: str | None = None
    layout: str = "generic"
    published: str | None = None
    year: int | None = None  # the copyright year, when no date is known
    comments: int = 0
    stated: int | None = None  # the comment count the page states
    votes: int = 0  # up + down, over all comments
    score: int = 0  # the net: up - down
    up: int = 0
    contested: float = 0.0  # controversy (reader.stats): how evenly many votes split, over the comments
    file: str | None = None
    url: str | None = None
    seg: int = 0  # the page file holding the story
    hash: str = ""
    imported: str | None = None
    updated: str | None = None
    bookmarked: bool = False
    read: bool = False
    bookmarked_at: float | None = None
    hist: list[list[Any]] | None = None  # [[at, comments added, score, votes], ...] per import, if ever changed
    # The source digest of the page file the story was last made from (importer.pipeline): in
    # the index records for the importer; the list leaves it unread (None from index.columns).
    src: str | None = field(default=None, compare=False, repr=False)
    seen: int = 1  # how many of the story's versions the reader had seen when they last looked
    title_key: str | None = field(default=None, repr=False)  # the casefolded title, made when sorting

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of a list row (`reader list --json`)."""
        return {"id": self.id, "key": self.key, "title": self.title, "source": self.source,
                "category": self.category, "published": self.published, "year": self.year,
                "comments": self.comments, "stated": self.stated, "votes": self.votes, "score": self.score,
                "up": self.up, "down": self.votes - self.up, "controversy": float(self.contested),
                "bookmarked": self.bookmarked, "read": self.read, "unread": not self.read,
                "new_comments": self.new_comments, "score_moved": self.moved, "versions": self.versions,
                "file": self.file, "url": self.url}

    @property
    def versions(self) -> int:
        """How many changed imports of the page the story has had."""
        return len(self.hist) if self.hist else 1

    @property
    def new_comments(self) -> int:
        """Comments that appeared since the reader last looked at the story."""
        if not self.hist:
            return 0
        return sum(int(h[1]) for h in self.hist[max(1, self.seen):])

    @property
    def moved(self) -> int:
        """How the story's score moved since the reader last looked."""
        if not self.hist:
            return 0
        return self.score - int(self.hist[min(max(1, self.seen), len(self.hist)) - 1][2])

    @property
    def fresh(self) -> bool:
        """Unread, or read with new comments since: what "next unread" and the unread filter find."""
        return not self.read or self.new_comments > 0

    def to_cache(self) -> dict[str, Any]:
        """Every field but the sort cache and the source digest (the list's cached first screen)."""
        return {name: getattr(self, name) for name in ENTRY_NAMES if name not in ("title_key", "src")}

    @classmethod
    def from_cache(cls, d: dict[str, Any]) -> StoryEntry:
        return cls(**{k: v for k, v in d.items() if k in _ENTRY_FIELDS})


ENTRY_NAMES: tuple[str, ...] = tuple(f.name for f in fields(StoryEntry))  # StoryEntry's fields, in order
_ENTRY_FIELDS = frozenset(ENTRY_NAMES)

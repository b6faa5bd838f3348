"""A story over time: what each import of its page added, removed, edited and re-voted.

When a page is imported again and it changed, `merge` folds the new parse into the stored
story. Comments are matched by their words (as the thread builder matches quotes), never by
position, so comments added, removed or reordered keep their identity; a matched comment keeps
its id, so what a reader was looking at, bookmarks of a comment and search hits stay put.

Versions are numbered from 0 (the first import); `Article.versions` holds when each happened.
A user's "seen" mark is how many versions they had seen when they last looked at the story:
a comment is new when it first appeared in a version at or after that mark. Pure: no I/O.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from reader.models import Article, Block, Comment

EDIT_SAME_AUTHOR = 55.0  # how alike (rapidfuzz ratio) an edited comment is to what it was, same writer
EDIT_NO_AUTHOR = 85.0  # and when the page names no writers
FUZZY_LIMIT = 200_000  # pairs compared to find edits; beyond this, unmatched comments are new/removed


def fingerprint(c: Comment) -> str:
    return " ".join(" ".join(b.text for b in c.blocks).casefold().split())


def match(old: list[Comment], new: list[Comment], *, same_start: bool = True) -> dict[int, Comment]:
    """Which stored comment each new comment is (new id -> old comment): same words first (same
    writer, then any), then edits (alike words, same writer). Duplicates pair up in page order.
    (`same_start`: the comments both start with are paired at once, as the passes would pair
    them; False: every comment goes through the passes, what the tests compare with.)"""
    k = _same_start(old, new) if same_start else 0
    pairs: dict[int, Comment] = {c.id: o for o, c in zip(old[:k], new[:k], strict=True)}
    taken: set[int] = {o.id for o in old[:k]}
    old_rest, new_rest = old[k:], new[k:]
    old_prints = [fingerprint(o) for o in old_rest]  # (each made once for both passes)
    new_prints = [fingerprint(c) for c in new_rest]
    for with_author in (True, False):
        buckets: dict[tuple[str | None, str], list[Comment]] = defaultdict(list)
        for o, print_ in zip(old_rest, old_prints, strict=True):
            if o.id not in taken:
                buckets[(o.author if with_author else None, print_)].append(o)
        for c, print_ in zip(new_rest, new_prints, strict=True):
            if c.id in pairs:
                continue
            bucket = buckets.get((c.author if with_author else None, print_))
            while bucket:
                o = bucket.pop(0)
                if o.id not in taken:
                    pairs[c.id] = o
                    taken.add(o.id)
                    break
    left_new = [c for c in new if c.id not in pairs]
    left_old = [o for o in old if o.id not in taken]
    if left_new and left_old and len(left_new) * len(left_old) <= FUZZY_LIMIT:
        from rapidfuzz import fuzz

        for c in left_new:
            best, best_score = None, 0.0
            for o in left_old:
                if o.id in taken or ((c.author or o.author) and c.author != o.author):
                    continue
                cutoff = EDIT_SAME_AUTHOR if c.author else EDIT_NO_AUTHOR
                score = fuzz.ratio(c.text, o.text, score_cutoff=max(cutoff, best_score))
                if score and score > best_score:
                    best, best_score = o, score
            if best is not None:
                pairs[c.id] = best
                taken.add(best.id)
    return pairs


def _same_start(old: list[Comment], new: list[Comment]) -> int:
    """How many of the page's first comments are the stored story's first ones, word for word
    and by the same writer (most often all the stored ones). They are paired as they stand,
    without fingerprints: match's passes would pair them so too, each being the first untaken
    stored comment of its writer and words. (~0.14 ms less a changed page of the benchmark.)"""
    k = 0
    for o, c in zip(old, new, strict=False):
        if o.author != c.author or [b.text for b in o.blocks] != [b.text for b in c.blocks]:
            break
        k += 1
    return k


def merge(old: Article, new: Article, at: str, first_at: str | None) -> Article:
    """The stored story `old` brought up to the page `new` imported at `at` (ISO time); `new`
    is changed in place and returned.

    `first_at` is when the stored story was imported, for a story imported once so far. The
    result keeps `old`'s identity (its key) and every comment `old` had: those gone from the
    page are marked removed in this version, edited ones keep their earlier words."""
    versions = list(old.versions) or [first_at or at]
    v = len(versions)
    versions.append(at)
    pairs = match(old.comments, new.comments)
    next_id = max((o.id for o in old.comments), default=0) + 1
    ids: dict[int, int] = {}
    for c in new.comments:
        if c.id in pairs:
            ids[c.id] = pairs[c.id].id
        else:
            ids[c.id], next_id = next_id, next_id + 1
    for c in new.comments:
        o = pairs.get(c.id)
        c.id = ids[c.id]
        _renumber(c, ids)
        if o is None:
            c.first, c.vh, c.removed, c.edits = v, None, None, None
            continue
        c.first, c.removed = o.first, None
        if c.score is None and c.up is None and c.down is None:
            c.score, c.up, c.down = o.triple  # no vote line this time: the votes are not known to have moved
        history = o.vh or [[o.first, *o.triple]]
        c.vh = [*history, [v, *c.triple]] if c.triple != o.triple else (o.vh or None)
        edits = list(o.edits or [])
        if c.text != o.text:
            edits.append([v, o.text])
        c.edits = edits or None
    matched = {o.id for o in pairs.values()}
    gone = [o for o in old.comments if o.id not in matched]
    for o in gone:
        if o.removed is None:
            o.removed = v
    new.comments = sorted([*new.comments, *gone], key=lambda c: c.id)
    new.versions = versions
    new.ident = old.key
    return new


def _renumber(c: Comment, ids: dict[int, int]) -> None:
    """The comment's references under the stored ids. Its blocks are made again only when a
    quote's reference changes (most re-imports keep every id: the stored comments first, in
    order, then the new ones)."""
    if c.parent is not None:
        c.parent = ids.get(c.parent)
    if c.revision_of is not None:
        c.revision_of = ids.get(c.revision_of)
    if any(isinstance(b.of, int) and ids.get(b.of) != b.of for b in c.blocks):
        c.blocks = [Block(b.text, b.quote, ids.get(b.of) if isinstance(b.of, int) else b.of) for b in c.blocks]


# ---- what the reader sees of it


def story_hist(article: Article) -> list[list[object]] | None:
    """The index's compact history of a story, one entry per version: [at, comments added,
    score, votes] (None for a story imported once: the record itself is its only version).

    One pass over the comments, each adding to the versions it was on the page in (what
    `present_in` and `votes_at` say of it, version by version): ~4x quicker than asking each
    comment of each version, in the index record of every changed page of a re-import."""
    n = len(article.versions)
    if n < 2:
        return None
    added, score, votes = [0] * n, [0] * n, [0] * n
    for c in article.comments:
        first = c.first
        if 0 <= first < n:
            added[first] += 1
        end = n if c.removed is None else min(n, c.removed)
        if first >= end:
            continue
        rows = c.vh
        if not rows:
            net, both = c.score or 0, (c.up or 0) + (c.down or 0)
            for v in range(max(first, 0), end):
                score[v] += net
                votes[v] += both
            continue
        for v in range(max(first, 0), end):
            found = rows[0][1:4]
            for row in rows:
                if row[0] is not None and row[0] <= v:
                    found = row[1:4]
            s, up, down = found
            score[v] += s or 0
            votes[v] += (up or 0) + (down or 0)
    return [[at, added[v], score[v], votes[v]] for v, at in enumerate(article.versions)]


def is_new(c: Comment, seen: int) -> bool:
    """Did the comment appear after the reader last looked (having seen `seen` versions)?"""
    return c.first >= max(1, seen) and c.removed is None


def vote_delta(c: Comment, seen: int) -> int | None:
    """How the comment's score moved since the reader last looked (None: not known or new)."""
    before = c.votes_at(max(1, seen) - 1)
    if before is None or before[0] is None or c.score is None:
        return None
    return c.score - before[0]


def version_time(article: Article, version: object, imported: str | None) -> str | None:
    """When `version` of the story was imported (a story imported once: `imported`)."""
    if isinstance(version, int) and 0 <= version < len(article.versions):
        return article.versions[version]
    return imported


def first_seen(article: Article, c: Comment, imported: str | None) -> str | None:
    """When the comment first appeared (ISO time of the import)."""
    return version_time(article, c.first, imported)


def vote_history(article: Article, c: Comment, imported: str | None) -> list[dict[str, object]]:
    """The comment's votes at each import where they changed, oldest first."""
    rows = c.vh or [[c.first, *c.triple]]
    out: list[dict[str, object]] = []
    for v, score, up, down in rows:
        at = version_time(article, v, imported)
        out.append({"at": at, "score": score, "up": up, "down": down})
    return out


@dataclass(slots=True)
class Version:
    """What one import changed."""

    number: int
    at: str | None
    added: list[Comment] = field(default_factory=list)
    removed: list[Comment] = field(default_factory=list)
    edited: list[Comment] = field(default_factory=list)
    moved: list[tuple[Comment, int, int]] = field(default_factory=list)  # comment, score before, after
    comments: int = 0
    score: int = 0

    def to_json(self) -> dict[str, object]:
        def ref(c: Comment) -> dict[str, object]:
            return {"id": c.id, "author": c.author, "text": c.text}

        def edit(c: Comment) -> dict[str, object]:
            before = next((t for v, t in c.edits or [] if v == self.number), None)
            return {**ref(c), "before": before}

        return {"version": self.number + 1, "at": self.at, "comments": self.comments, "score": self.score,
                "added": [ref(c) for c in self.added], "removed": [ref(c) for c in self.removed],
                "edited": [edit(c) for c in self.edited],
                "votes": [{"id": c.id, "before": b, "after": a} for c, b, a in self.moved]}


def timeline(article: Article, imported: str | None = None) -> list[Version]:
    """The story import by import: version 0 is the first import; each later one lists what changed."""
    n = max(1, len(article.versions))
    out = [Version(v, version_time(article, v, imported)) for v in range(n)]
    for c in article.comments:
        out[min(c.first, n - 1)].added.append(c)
        if c.removed is not None and c.removed < n:
            out[c.removed].removed.append(c)
        for v, _text in c.edits or []:
            if isinstance(v, int) and v < n:
                out[v].edited.append(c)
        rows = c.vh or []
        for (_v0, s0, _u0, _d0), (v1, s1, _u1, _d1) in itertools.pairwise(rows):
            if isinstance(v1, int) and v1 < n and (s0 or 0) != (s1 or 0):
                out[v1].moved.append((c, s0 or 0, s1 or 0))
    for ver in out:
        present = [c for c in article.comments if c.present_in(ver.number)]
        ver.comments = len(present)
        ver.score = sum((c.votes_at(ver.number) or (0, 0, 0))[0] or 0 for c in present)
        ver.moved.sort(key=lambda m: -abs(m[2] - m[1]))
    return out

"""Comment trees for display: children, sibling sorting at every level, folding. Pure, iterative."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reader.models import Comment

COMMENT_SORTS = ("score", "top", "controversial", "old", "new")
SORT_LABELS = {"score": "score", "top": "top", "controversial": "controversial", "old": "oldest", "new": "newest"}


def controversy(c: Comment) -> float:
    """Many votes, evenly split, rank highest (magnitude ** balance, as reddit does)."""
    up, down = c.up or 0, c.down or 0
    if up <= 0 or down <= 0:
        return 0.0
    return float(float(up + down) ** (min(up, down) / max(up, down)))


SORT_KEYS: dict[str, Callable[[Comment], tuple[float, ...]]] = {
    "score": lambda c: (-(c.score or 0), c.id),
    "top": lambda c: (-(c.up or 0), -(c.score or 0), c.id),
    "controversial": lambda c: (-controversy(c), -c.votes, c.id),
    "old": lambda c: (c.id,),
    "new": lambda c: (-c.id,),
}


@dataclass(slots=True)
class Row:
    comment: Comment
    depth: int
    replies: int  # direct replies (earlier versions of an edited comment are not replies)
    descendants: int
    folded: bool
    earlier: int = 0  # how many earlier versions this (edited) comment has
    version_of: int | None = None  # set on an earlier version shown under its latest
    voteless: bool = False  # no comment of the story has votes (Hacker News, blogs): say nothing of them


class Thread:
    """A comment tree with sorted siblings. Build once per (article, sort).

    An edited re-post (a revision, `revision_of`) stands in for the comment it revises: the
    latest version is the one shown, where the first one was, with every reply to any version
    under it; earlier versions are listed under it only when asked for (`rows(earlier=...)`).
    """

    def __init__(self, comments: Iterable[Comment], sort: str = "score"):
        self.comments = {c.id: c for c in comments}
        self.sort = sort
        self.voteless = all(c.score is None and c.up is None and c.down is None for c in self.comments.values())
        key = SORT_KEYS[sort]
        # Revision chains: each version's first version, and the latest of each chain.
        first: dict[int, int] = {}
        self.latest: dict[int, int] = {}  # any version -> the version shown
        self.earlier: dict[int, list[int]] = {}  # the version shown -> earlier versions, oldest first
        for cid in sorted(self.comments):
            r = self.comments[cid].revision_of
            if r is not None and r in self.comments and r < cid:
                root = first[r]
                first[cid] = root
                prev = self.latest[root]
                self.earlier.setdefault(cid, [*self.earlier.pop(prev, []), prev])
                for v in self.earlier[cid]:
                    self.latest[v] = cid
                self.latest[root] = self.latest[cid] = cid
            else:
                first[cid] = self.latest[cid] = cid
        self.position = first  # where a version sits in page order: where its first version did
        shown = [c for c in self.comments.values() if self.latest[c.id] == c.id]
        kids: dict[int | None, list[Comment]] = {}
        self.parent: dict[int, int | None] = {}
        for c in shown:
            p = self._parent_of(c)
            self.parent[c.id] = p
            kids.setdefault(p, []).append(c)
        if sort in ("old", "new"):  # page order: an edited comment sits where it was first written
            sign = 1 if sort == "old" else -1
            key = lambda c: (sign * self.position[c.id],)  # noqa: E731
        for lst in kids.values():
            lst.sort(key=key)
        self.children = kids
        # Descendant counts, bottom-up without recursion (positions grow with depth: parents first).
        self.descendants = {c.id: 0 for c in shown}
        for c in sorted(shown, key=lambda c: self.position[c.id], reverse=True):
            p = self.parent[c.id]
            if p is not None:
                self.descendants[p] += 1 + self.descendants[c.id]

    def _parent_of(self, c: Comment) -> int | None:
        """The shown comment `c` replies to: its first version's parent (or its own), as shown now,
        if that sits earlier on the page (so the tree has no cycles)."""
        root = self.comments[self.position[c.id]]
        p = root.parent if root.parent is not None else c.parent
        if p is None or p not in self.comments:
            return None
        p = self.latest[p]
        return p if p != c.id and self.position[p] < self.position[c.id] else None

    def roots(self) -> list[Comment]:
        return self.children.get(None, [])

    def rows(self, folded: set[int] | frozenset[int] = frozenset(),
             earlier: set[int] | frozenset[int] | bool = frozenset()) -> list[Row]:
        """Depth-first display order, skipping the insides of folded comments; the earlier
        versions of the comments in `earlier` (or of all, with True) are listed under them."""
        out: list[Row] = []
        stack: list[tuple[Comment, int]] = [(c, 0) for c in reversed(self.roots())]
        while stack:
            c, depth = stack.pop()
            kids = self.children.get(c.id, [])
            is_folded = c.id in folded
            versions = self.earlier.get(c.id, [])
            out.append(Row(c, depth, len(kids), self.descendants[c.id], is_folded, len(versions),
                           voteless=self.voteless))
            if is_folded:
                continue
            if versions and (earlier is True or (not isinstance(earlier, bool) and c.id in earlier)):
                out += [Row(self.comments[v], depth + 1, 0, 0, False, version_of=c.id, voteless=self.voteless)
                        for v in reversed(versions)]
            stack.extend((k, depth + 1) for k in reversed(kids))
        return out

    def shown(self, cid: int) -> int:
        """The comment shown for `cid` (its latest version)."""
        return self.latest.get(cid, cid)

    def ancestors(self, cid: int) -> list[int]:
        out = []
        p = self.parent.get(self.shown(cid))
        while p is not None:
            out.append(p)
            p = self.parent.get(p)
        return out

    def root_of(self, cid: int) -> int:
        a = self.ancestors(cid)
        return a[-1] if a else self.shown(cid)

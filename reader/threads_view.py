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


def display_parent(c: Comment) -> int | None:
    """Where a comment hangs in the tree: under what it replies to, or what it revises."""
    return c.revision_of if c.revision_of is not None else c.parent


def _tree_parent(c: Comment, comments: dict[int, Comment]) -> int | None:
    """The comment it hangs under, if that one is on the page and earlier (so the tree has no cycles)."""
    p = display_parent(c)
    return p if p is not None and p in comments and p < c.id else None


@dataclass(slots=True)
class Row:
    comment: Comment
    depth: int
    replies: int  # direct children (replies and revisions)
    descendants: int
    folded: bool


class Thread:
    """A comment tree with sorted siblings. Build once per (article, sort)."""

    def __init__(self, comments: Iterable[Comment], sort: str = "score"):
        self.comments = {c.id: c for c in comments}
        self.sort = sort
        key = SORT_KEYS[sort]
        kids: dict[int | None, list[Comment]] = {}
        for c in self.comments.values():
            p = display_parent(c)
            if p is not None and (p not in self.comments or p >= c.id):
                p = None  # a dangling or forward reference: show it at top level
            kids.setdefault(p, []).append(c)
        for lst in kids.values():
            lst.sort(key=key)
        self.children = kids
        self.parent = {c.id: _tree_parent(c, self.comments) for c in self.comments.values()}
        # Descendant counts, bottom-up without recursion (ids grow with depth: parents come first).
        self.descendants = {cid: 0 for cid in self.comments}
        for cid in sorted(self.comments, reverse=True):
            p = self.parent[cid]
            if p is not None:
                self.descendants[p] += 1 + self.descendants[cid]

    def roots(self) -> list[Comment]:
        return self.children.get(None, [])

    def rows(self, folded: set[int] | frozenset[int] = frozenset()) -> list[Row]:
        """Depth-first display order, skipping the insides of folded comments."""
        out: list[Row] = []
        stack: list[tuple[Comment, int]] = [(c, 0) for c in reversed(self.roots())]
        while stack:
            c, depth = stack.pop()
            kids = self.children.get(c.id, [])
            is_folded = c.id in folded
            out.append(Row(c, depth, len(kids), self.descendants[c.id], is_folded))
            if not is_folded:
                stack.extend((k, depth + 1) for k in reversed(kids))
        return out

    def ancestors(self, cid: int) -> list[int]:
        out = []
        p = self.parent.get(cid)
        while p is not None:
            out.append(p)
            p = self.parent.get(p)
        return out

    def root_of(self, cid: int) -> int:
        a = self.ancestors(cid)
        return a[-1] if a else cid

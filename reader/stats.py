"""What the votes say (pure): one story's comment section, and the archive at a glance.

Measures (also in the README):

- **net** = up - down.
- **agreed**: the comments with the highest net among those with more up than down votes.
- **contested** = (up + down) x balance, where balance = smaller side / larger side (0 when
  either side is 0). A comment is contested only when many agree *and* many disagree: 20 up
  and 18 down scores 38 x 0.9 = 34.2; 100 up and 20 down scores 120 x 0.2 = 24; 50 up and 0
  down scores 0. A story's **controversy** is the sum over its comments (the list's sort).
- **replies** of a thread: every comment below a top-level comment (revisions not counted; a reply
  to an edited re-post counts under the original).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reader.models import Article, Comment, StoryEntry

TOP = 5  # rows in each "most ..." table


def contested(up: int | None, down: int | None) -> float:
    """Total votes times how evenly they split (see the module's text)."""
    u, d = up or 0, down or 0
    if not u or not d:
        return 0.0
    return (u + d) * min(u, d) / max(u, d)


def controversy(comments: Iterable[Comment]) -> float:
    """A story's controversy: the sum of its comments' contested measures."""
    return round(sum(contested(c.up, c.down) for c in comments), 1)


@dataclass(slots=True, frozen=True)
class CommentStat:
    id: int
    author: str | None
    up: int
    down: int
    net: int
    contested: float
    replies: int
    excerpt: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "author": self.author, "up": self.up, "down": self.down, "net": self.net,
                "contested": round(self.contested, 1), "replies": self.replies, "excerpt": self.excerpt}


@dataclass(slots=True)
class StoryStats:
    comments: int = 0
    voted: int = 0  # comments with a vote line
    up: int = 0
    down: int = 0
    net: int = 0
    controversy: float = 0.0
    agreed: list[CommentStat] = field(default_factory=list)
    contested: list[CommentStat] = field(default_factory=list)
    threads: list[CommentStat] = field(default_factory=list)  # the most replied-to top-level comments
    writers: list[tuple[str, int, int]] = field(default_factory=list)  # (author, comments, net)
    distribution: list[tuple[int, int, int]] = field(default_factory=list)  # (low, high, comments) by net
    per_comment: list[CommentStat] = field(default_factory=list)  # every voted comment, page order

    def to_json(self) -> dict[str, Any]:
        return {
            "totals": {"comments": self.comments, "voted": self.voted, "up": self.up, "down": self.down,
                       "net": self.net, "controversy": self.controversy},
            "most_agreed": [c.to_json() for c in self.agreed],
            "most_contested": [c.to_json() for c in self.contested],
            "most_replied": [c.to_json() for c in self.threads],
            "writers": [{"author": a, "comments": n, "net": net} for a, n, net in self.writers],
            "net_distribution": [{"low": lo, "high": hi, "comments": n} for lo, hi, n in self.distribution],
            "per_comment": [{"id": c.id, "up": c.up, "down": c.down, "net": c.net} for c in self.per_comment],
        }


def story_stats(article: Article) -> StoryStats:
    live = article.live
    revision_of = {c.id: c.revision_of for c in live if c.revision_of is not None}
    revisions = set(revision_of)
    children: dict[int, list[int]] = defaultdict(list)
    for c in live:
        if c.parent is not None and c.id not in revisions:
            parent, hops = c.parent, 0
            while parent in revision_of and hops < 64:  # a reply to an edited re-post counts under the original
                parent, hops = revision_of[parent], hops + 1
            children[parent].append(c.id)
    below: dict[int, int] = {}
    for c in reversed(live):  # replies come after their parents: one pass from the end
        below[c.id] = sum(1 + below.get(k, 0) for k in children.get(c.id, ()))
    stats = [_stat(c, below.get(c.id, 0)) for c in live]
    voted = [s for s, c in zip(stats, live, strict=True) if c.up is not None or c.down is not None or c.score is not None]
    st = StoryStats(comments=len(live), voted=len(voted), up=sum(s.up for s in stats), down=sum(s.down for s in stats),
                    controversy=controversy(live))
    st.net = sum(s.net for s in stats)  # up - down, or the score where a site shows only that
    st.agreed = sorted((s for s in voted if s.net > 0), key=lambda s: (-s.net, -s.up, s.id))[:TOP]
    st.contested = sorted((s for s in voted if s.contested > 0), key=lambda s: (-s.contested, s.id))[:TOP]
    tops = [s for s, c in zip(stats, live, strict=True) if c.parent is None and c.id not in revisions]
    st.threads = sorted((s for s in tops if s.replies), key=lambda s: (-s.replies, s.id))[:TOP]
    by_writer: Counter[str] = Counter()
    writer_net: Counter[str] = Counter()
    for s in stats:
        if s.author:
            by_writer[s.author] += 1
            writer_net[s.author] += s.net
    st.writers = [(a, n, writer_net[a]) for a, n in sorted(by_writer.items(), key=lambda x: (-x[1], x[0]))[:TOP]]
    st.distribution = histogram([s.net for s in voted])
    st.per_comment = voted
    return st


def _stat(c: Comment, replies: int) -> CommentStat:
    up, down = c.up or 0, c.down or 0
    net = c.score if c.score is not None and not (c.up or c.down) else up - down
    text = " ".join(c.text.split())
    return CommentStat(c.id, c.author, up, down, net, contested(up, down), replies,
                       text[:77] + "…" if len(text) > 78 else text)


def histogram(values: list[int], bins: int = 9) -> list[tuple[int, int, int]]:
    """(low, high, count) over whole-number bins of equal width covering every value; a bin
    boundary falls at 0 so negative and positive scores never share a bar."""
    if not values:
        return []
    lo, hi = min(values), max(values)
    width = max(1, -(-(hi - lo + 1) // bins))
    start = lo - ((lo % width) if lo % width else 0)  # aligned so 0 starts a bin
    counts = Counter((v - start) // width for v in values)
    return [(start + k * width, start + k * width + width - 1, counts[k]) for k in range((hi - start) // width + 1)]


# ---- the archive at a glance (from the list's records: no story is opened)


@dataclass(slots=True)
class ArchiveStats:
    stories: int = 0
    comments: int = 0
    up: int = 0
    down: int = 0
    outlets: list[tuple[str, int]] = field(default_factory=list)
    days: list[tuple[str, int, int, int]] = field(default_factory=list)  # (day, stories, comments, votes)
    discussed: list[StoryEntry] = field(default_factory=list)
    contested: list[StoryEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def row(e: StoryEntry) -> dict[str, Any]:
            return {"id": e.id, "title": e.title, "source": e.source, "comments": e.comments, "votes": e.votes,
                    "net": e.score, "controversy": e.contested}

        return {
            "totals": {"stories": self.stories, "comments": self.comments, "up": self.up, "down": self.down,
                       "net": self.up - self.down},
            "outlets": [{"outlet": o, "stories": n} for o, n in self.outlets],
            "days": [{"day": d, "stories": s, "comments": c, "votes": v} for d, s, c, v in self.days],
            "most_discussed": [row(e) for e in self.discussed],
            "most_contested": [row(e) for e in self.contested],
        }


def day_of(e: StoryEntry) -> str:
    """The story's day: when it was published, else when it was first imported."""
    return (e.published or e.imported or "")[:10] or "undated"


def archive_stats(entries: list[StoryEntry], top: int = 10) -> ArchiveStats:
    st = ArchiveStats(stories=len(entries))
    outlets: Counter[str] = Counter()
    days: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for e in entries:
        st.comments += e.comments
        st.up += e.up
        st.down += e.votes - e.up
        outlets[e.source or "web"] += 1  # (as the list and the article name a story with no outlet)
        d = days[day_of(e)]
        d[0] += 1
        d[1] += e.comments
        d[2] += e.votes
    st.outlets = sorted(outlets.items(), key=lambda x: (-x[1], x[0]))
    st.days = [(d, *v) for d, v in sorted(days.items())]  # type: ignore[misc]
    st.discussed = sorted(entries, key=lambda e: (-e.comments, -e.votes, e.id))[:top]
    st.contested = sorted((e for e in entries if e.contested > 0), key=lambda e: (-e.contested, e.id))[:top]
    return st

"""Shared helpers for driving the app in tests and the screenshot script."""

from __future__ import annotations

import re
from pathlib import Path

from reader.ui.app import make_app
from reader.ui.widgets.comment_tree import CommentTree
from reader.ui.widgets.story_list import StoryList
from reader.usecases import Reader

from conftest import SEEDS


def seeded_app(db: Path, **kw):
    kw.setdefault("blink", False)
    kw.setdefault("watch_interval", None)
    return make_app(Reader.open(db), **kw)


async def settle(pilot) -> None:
    import contextlib

    from textual.worker import WorkerCancelled

    app = pilot.app
    for _ in range(3):
        # (an exclusive worker replaced by a newer one is cancelled: the newer is waited for next time round)
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()


async def open_file(pilot, prefix: str) -> None:
    """Move the list cursor to the story from seed file `prefix` and press Enter."""
    await settle(pilot)
    lst = pilot.app.screen.query_one(StoryList)
    pilot.app.screen.set_focus(lst)  # at once: Widget.focus() is deferred, and could land after the story opened
    lst.cursor = next(i for i, e in enumerate(lst.entries) if e.file.startswith(prefix))
    key = lst.entries[lst.cursor].key
    await pilot.press("enter")
    for _ in range(20):  # the story is shown once its worker is done and the loop has run its call
        await settle(pilot)
        shown = getattr(pilot.app.screen, "open_entry", None)
        if shown is not None and shown.key == key:
            break


def tree(app) -> CommentTree:
    return app.screen.query_one(CommentTree)


def current(app) -> int | None:
    return tree(app).current_id


# ---- a story that grew: the seed page 003 as it was earlier, then as it is now

SEED = SEEDS / "003_9d92df5315b21dd4.txt"  # 19 comments with writers, votes and quotes
VOTE = re.compile(r"^(-?\d+) \( \+(\d+) / -(\d+) \)$", re.M)


def chunks(page: str) -> tuple[str, list[str]]:
    """The page before its first comment, and each comment's text up to and with its vote line."""
    head_end = page.index("Login to comment") + len("Login to comment\n")
    head, rest = page[:head_end], page[head_end:]
    out, start = [], 0
    for m in VOTE.finditer(rest):
        out.append(rest[start:m.end() + 1])
        start = m.end() + 1
    return head, [*out, rest[start:]]


def revote(chunk: str, up: int, down: int) -> str:
    return VOTE.sub(f"{up - down} ( +{up} / -{down} )", chunk)


DROPPED = (4, 9, 15)  # comments the older snapshot does not have yet
REVOTED = {0: (2, 10), 6: (1, 1)}  # comment index -> (up, down) in the older snapshot


def older_snapshot(page: str) -> str:
    head, parts = chunks(page)
    tail = parts.pop()
    kept = [revote(c, *REVOTED[i]) if i in REVOTED else c for i, c in enumerate(parts) if i not in DROPPED]
    return head + "".join(kept) + tail




def grown_db(db_path: Path, tmp_path: Path) -> Reader:
    """The seeds, with 003 imported first as it was earlier and then as it is now."""
    then = tmp_path / "then"
    then.mkdir()
    (then / SEED.name).write_text(older_snapshot(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    r = Reader.open(db_path, seed=False)
    r.import_pages([then / SEED.name, *[p for p in sorted(SEEDS.glob("*.txt")) if p.name != SEED.name]])
    r.import_pages([SEED])
    return r


async def search_for(pilot, query: str) -> str:
    """Open the search screen, type `query`, wait for the answer: the status line it shows."""
    await pilot.press("slash", *query)
    await settle(pilot)
    return str(pilot.app.screen.query_one("#search-status").render())

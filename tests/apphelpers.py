"""Shared helpers for driving the app in tests and the screenshot script."""

from __future__ import annotations

from pathlib import Path

from reader.ui.app import make_app
from reader.ui.widgets.comment_tree import CommentTree
from reader.ui.widgets.story_list import StoryList
from reader.usecases import Reader


def seeded_app(db: Path, **kw):
    kw.setdefault("blink", False)
    kw.setdefault("watch_interval", None)
    return make_app(Reader.open(db), **kw)


async def settle(pilot) -> None:
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def open_file(pilot, prefix: str) -> None:
    """Move the list cursor to the story from seed file `prefix` and press Enter."""
    await settle(pilot)
    lst = pilot.app.screen.query_one(StoryList)
    lst.focus()
    lst.cursor = next(i for i, e in enumerate(lst.entries) if e.file.startswith(prefix))
    await pilot.press("enter")
    await settle(pilot)


def tree(app) -> CommentTree:
    return app.screen.query_one(CommentTree)


def current(app) -> int | None:
    return tree(app).current_id

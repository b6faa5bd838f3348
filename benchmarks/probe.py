"""Measures the real app, headless, in a fresh process (run by benchmarks/run.py).

    python -m benchmarks.probe DB LAUNCH_EPOCH [--searches 20]

Prints one JSON line: seconds from process launch to the first paint with the story list filled
(from the cached first screen when the archive is big) and to the end of that first frame, to
the first frame painting the list with the whole archive in it (and to the app idle after it),
RSS after start, time to open the story with the most comments until the first frame with its
comment tree is painted (and until the rest of the tree is laid out in the background), and RSS after
20 searches through the app's own search index.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path


async def main(db: Path, launched: float, searches: int) -> dict:
    # (the settings the probe needs, start on the list and not grouped, are set by run.py before
    # this process starts; psutil is imported after the first paint: the floor pays for neither)
    import reader.launch  # noqa: F401  (what the `reader` command imports before it opens the app)
    from reader.heap import start_up

    start_up()  # as reader.launch.main does before it imports the app
    from reader.ui.app import make_app
    from reader.ui.widgets.comment_tree import CommentTree
    from reader.ui.widgets.story_list import StoryList
    from reader.usecases import Reader

    app = make_app(Reader.open(db, seed=True, check=False), blink=False, watch_interval=None)  # as `reader` opens it
    out: dict = {}
    painted: list[float] = []
    render_line = StoryList.render_line

    def spy(self, y):  # the moment the list first renders its rows for the screen
        if self.entries and not painted:
            painted.append(time.time())
        if self.entries and self.screen.all_entries:
            in_frame["list"] = True  # a frame showing the list with the whole archive loaded
        return render_line(self, y)

    StoryList.render_line = spy

    # A frame counts as painting the tree when the tree rendered lines of the story being opened.
    from textual._compositor import Compositor

    tree_frames: list[float] = []
    list_frames: list[float] = []  # frames that painted the list after the whole archive loaded
    wanted: list[str] = []
    tree_render_line = CommentTree.render_line
    render_update = Compositor.render_update
    in_frame = {"tree": False, "list": False}

    def tree_spy(self, y):
        if wanted and self.article is not None and self.article.title == wanted[0] and self.lines:
            in_frame["tree"] = True
        return tree_render_line(self, y)

    first_frame: list[float] = []  # when the frame holding the first paint was composed

    def frame_spy(self, *args, **kwargs):
        in_frame["tree"] = in_frame["list"] = False
        result = render_update(self, *args, **kwargs)
        if painted and not first_frame:
            first_frame.append(time.time())
        if in_frame["tree"]:
            tree_frames.append(time.perf_counter())
        if in_frame["list"] and not list_frames:
            list_frames.append(time.time())
        return result

    CommentTree.render_line = tree_spy
    Compositor.render_update = frame_spy
    # The waits below poll coarsely (20 ms): the moments are taken by the spies above, and a tight
    # polling loop on the event loop would take the interpreter from the app's loading workers
    # (it made the whole-list and open-story times look up to ~40% slower than they are).
    async with app.run_test(size=(160, 48)) as pilot:
        lst = app.screen.query_one(StoryList)
        while not painted:
            await asyncio.sleep(0.002)
        out["first_paint_s"] = painted[0] - launched
        while not first_frame:
            await asyncio.sleep(0.002)
        out["first_frame_s"] = first_frame[0] - launched
        import psutil
        while not list_frames:  # the first frame painting the list once the whole archive is in it
            await asyncio.sleep(0.02)
        out["list_ready_s"] = list_frames[0] - launched
        await pilot.pause()  # then idle: background work the load started (saving the head) is done
        out["list_idle_s"] = time.time() - launched
        out["stories"] = len(lst.entries)
        out["rss_start_mb"] = psutil.Process().memory_info().rss / 2**20
        # Open the story with the most comments and wait for its tree to paint, once start-up
        # work is over (the search index loads in a worker after the list: importing numpy and
        # reading the vocabulary would otherwise share the interpreter with the open).
        while app.search_index is None:
            await asyncio.sleep(0.01)
        await pilot.pause()
        biggest = max(lst.entries, key=lambda e: e.comments)
        tree = app.screen.query_one(CommentTree)
        wanted.append(biggest.title)
        t0 = time.perf_counter()
        app.screen.open_story(biggest, pane="comments")
        while not tree_frames:
            await asyncio.sleep(0.02)
        out["open_story_s"] = tree_frames[0] - t0  # the first frame showing the new tree
        while len(tree.unit_start) < tree.unit_count():
            await asyncio.sleep(0.02)
        await pilot.pause()
        out["open_story_laid_out_s"] = time.perf_counter() - t0  # every comment laid out, idle
        out["open_story_comments"] = biggest.comments
        # Searches through the app's own index (built in a worker after start).
        words = [e.title.split()[0].lower() for e in lst.entries[:searches]]
        for w in words:
            app.search_index.search(w, limit=50)
        out["rss_after_searches_mb"] = psutil.Process().memory_info().rss / 2**20
    return out


def prepare(db: Path) -> None:
    """Before the timed start: open on the list (as every run before resume existed did), and the
    default list (grouping by coverage is measured apart)."""
    from reader.store import Store

    store = Store(db)
    if store.settings().get("resume"):
        store.set_setting("resume", "")
    if store.settings().get("grouped"):
        store.set_setting("grouped", False)


if __name__ == "__main__":
    db, launched = Path(sys.argv[1]), float(sys.argv[2])
    searches = int(sys.argv[sys.argv.index("--searches") + 1]) if "--searches" in sys.argv else 20
    print(json.dumps(asyncio.run(main(db, launched, searches))))

"""Garbage-collector hygiene for data that lives as long as the process (pure, no Textual)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_no_gc_depth = 0
_no_gc_lock = threading.Lock()
_starting = False


def _pause() -> None:
    global _no_gc_depth
    with _no_gc_lock:
        _no_gc_depth += 1
        gc.disable()


def _resume() -> None:
    global _no_gc_depth
    with _no_gc_lock:
        _no_gc_depth -= 1
        if _no_gc_depth == 0:
            gc.freeze()
            gc.enable()


@contextmanager
def long_lived_load() -> Iterator[None]:
    """Load data that lives as long as the app (the archive's list, the search index).

    The cyclic collector stays off while it loads, and the result is frozen afterwards: otherwise
    every full collection walks each of 100,000 story records, a 50-300 ms pause that lands on a
    keystroke or on opening a story. Frozen objects are still freed by reference counting.
    """
    _pause()
    try:
        yield
    finally:
        _resume()


def start_up() -> None:
    """The app is starting: the cyclic collector stays off until `started_up` (after the first
    paint), and what start-up made (modules, classes, styles, widgets) is frozen then.

    Importing Textual and the app makes ~10 young collections, and then a full one (~20 ms)
    fell in the middle of the first frame. Start-up makes next to no garbage cycles, and all it
    makes lives as long as the app: walking it again in every later full collection is waste.
    A second call before `started_up` does nothing."""
    global _starting
    if not _starting:
        _starting = True
        _pause()


def started_up() -> None:
    """The first screen is painted: the collector is back on (unless a long-lived load is still
    running: it turns it on when it ends). Does nothing unless `start_up` was called."""
    global _starting
    if _starting:
        _starting = False
        _resume()

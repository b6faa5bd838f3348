"""Garbage-collector hygiene for data that lives as long as the process (pure, no Textual)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_no_gc_depth = 0
_no_gc_lock = threading.Lock()


@contextmanager
def long_lived_load() -> Iterator[None]:
    """Load data that lives as long as the app (the archive's list, the search index).

    The cyclic collector stays off while it loads, and the result is frozen afterwards: otherwise
    every full collection walks each of 100,000 story records, a 50-300 ms pause that lands on a
    keystroke or on opening a story. Frozen objects are still freed by reference counting.
    """
    global _no_gc_depth
    with _no_gc_lock:
        _no_gc_depth += 1
        gc.disable()
    try:
        yield
    finally:
        with _no_gc_lock:
            _no_gc_depth -= 1
            if _no_gc_depth == 0:
                gc.freeze()
                gc.enable()

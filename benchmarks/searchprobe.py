"""Search latency per keystroke as the app has it: in a fresh process that holds only the
database's search index (the harness process carries its own state: corpora, earlier results).

    python -m benchmarks.searchprobe DB   ->  one JSON line: {"p50_ms", "p95_ms", "keystrokes", "load_s"}
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from benchmarks.run import QUERIES, keystrokes, percentile
from reader.heap import long_lived_load
from reader.store import Store


def main() -> None:
    store = Store(Path(sys.argv[1]))
    t = time.perf_counter()
    with long_lived_load():  # as the app loads it: no collection meanwhile, frozen afterwards
        index = store.search_index()
    load = time.perf_counter() - t
    lat = []
    for k in keystrokes(QUERIES):
        t = time.perf_counter()
        index.search(k, limit=25)  # what the app asks for: a screenful and a half
        lat.append(time.perf_counter() - t)
    print(json.dumps({"p50_ms": percentile(lat, 0.5) * 1e3, "p95_ms": percentile(lat, 0.95) * 1e3,
                      "keystrokes": len(lat), "load_s": load}))


if __name__ == "__main__":
    main()

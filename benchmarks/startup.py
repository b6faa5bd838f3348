"""Cold start on the bundled seeds: process launch to the first paint of the filled list.

    python -m benchmarks.startup [--runs 7]

Each run is a fresh process (`benchmarks.probe`) on a fresh seeded database; prints the runs
and their median. For comparison it also times a minimal one-widget Textual app.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = r"""
import asyncio, sys, time
launched = float(sys.argv[1])
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("hello")
async def main():
    async with Minimal().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print(time.time() - launched)
asyncio.run(main())
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "db"
        subprocess.run([sys.executable, "-m", "reader", "--db", str(db), "list"], check=True, capture_output=True)
        ours, minimal = [], []
        for _ in range(args.runs):
            t = time.time()
            r = subprocess.run([sys.executable, "-m", "benchmarks.probe", str(db), str(t), "--searches", "1"],
                               capture_output=True, text=True, cwd=ROOT, check=True)
            ours.append(json.loads(r.stdout.strip().splitlines()[-1])["first_paint_s"])
            t = time.time()
            r = subprocess.run([sys.executable, "-c", MINIMAL, str(t)], capture_output=True, text=True, check=True)
            minimal.append(float(r.stdout.strip()))
    print("reader on the seeds, first paint (s):", " ".join(f"{x:.2f}" for x in ours),
          f"| median {statistics.median(ours):.2f}")
    print("minimal Textual app, first paint (s):", " ".join(f"{x:.2f}" for x in minimal),
          f"| median {statistics.median(minimal):.2f}")


if __name__ == "__main__":
    main()

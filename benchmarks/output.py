"""How long `reader show` and `reader list` take on outsized input (issue: output at any size).

    python -m benchmarks.output            # a 10 MB one-line page, a 100,000-comment story, 5,000 stories

Each command runs in a fresh process, piped (plain text) and on a pseudo-terminal (`script`,
colour on, 80 columns). Prints a table; writes benchmarks/results/output.json.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["alpha", "beta", "gamma", "delta", "news", "story", "minister", "trade", "tariff", "market"]


def pages(folder: Path) -> None:
    rnd = random.Random(1)
    folder.mkdir(parents=True)
    line = " ".join(rnd.choice(WORDS) for _ in range(1_700_000))[:10_000_000]
    (folder / "oneline.txt").write_text(f"A very long page\n\n{line}\n", encoding="utf-8")
    parts = ["Huge thread story", "Body paragraph here."]
    for i in range(100_000):
        parts += [f"Comment number {i} says {rnd.choice(WORDS)} {rnd.choice(WORDS)}", f"{i % 7 - 3} ( +{i % 5} / -{i % 3} )"]
    (folder / "huge.txt").write_text("\n\n".join(parts), encoding="utf-8")
    many = folder / "many"
    many.mkdir()
    for i in range(5000):
        (many / f"s{i:05d}.txt").write_text(f"Story number {i} about {rnd.choice(WORDS)} and {rnd.choice(WORDS)}\n\n"
                                            f"Body of story {i}, {rnd.choice(WORDS)}.", encoding="utf-8")


def timed(cmd: list[str], tty: bool) -> float:
    if tty:
        cmd = ["script", "-qec", " ".join(cmd), "/dev/null"]
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   env={"COLUMNS": "80", "LINES": "24", "PATH": "/usr/bin:/bin", "TERM": "xterm-256color"})
    return time.perf_counter() - t


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="reader-output-"))
    try:
        pages(work / "pages")
        reader = [sys.executable, "-m", "reader"]
        big, many = work / "db-big", work / "db-many"
        subprocess.run([*reader, "--db", str(big), "import", str(work / "pages" / "oneline.txt"),
                        str(work / "pages" / "huge.txt")], check=True, capture_output=True, cwd=ROOT)
        subprocess.run([*reader, "--db", str(many), "import", str(work / "pages" / "many")], check=True,
                       capture_output=True, cwd=ROOT)
        ids = {e["title"]: e["id"] for e in json.loads(subprocess.run(
            [*reader, "--db", str(big), "list", "--json"], check=True, capture_output=True, cwd=ROOT).stdout)}
        cases = {"show a 10 MB one-line page": ["--db", str(big), "show", str(ids["A very long page"])],
                 "show a 100,000-comment story": ["--db", str(big), "show", str(ids["Huge thread story"])],
                 "list 5,000 stories": ["--db", str(many), "list"]}
        results = {}
        for name, args in cases.items():
            results[name] = {"piped_s": timed([*reader, *args], False), "terminal_s": timed([*reader, *args], True)}
        print("| command | piped (s) | terminal (s) |\n|---|---|---|")
        for name, r in results.items():
            print(f"| {name} | {r['piped_s']:.2f} | {r['terminal_s']:.2f} |")
        out = ROOT / "benchmarks" / "results" / "output.json"
        out.write_text(json.dumps(results, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

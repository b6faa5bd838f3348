"""The benchmark runs end to end on a tiny corpus (timings are not checked: that is its job)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def test_benchmark_completes_on_a_small_corpus(tmp_path):
    out = tmp_path / "r.json"
    r = subprocess.run([sys.executable, "-m", "benchmarks.run", "--sizes", "60", "--quick", "--naive-max", "60",
                        "--workdir", str(tmp_path / "work"), "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads(out.read_text())["sizes"]["60"]
    for side in ("reader", "naive"):
        for key in ("import_pages_per_s", "db_mb", "first_paint_s", "open_500_s", "search_p50_ms", "search_p95_ms",
                    "sort_votes_ms", "bookmark_ms"):
            assert res[side][key] > 0, (side, key)
    assert res["reader"]["app_rss_after_20_searches_mb"] > 0
    assert res["reader"]["open_500_comments"] == 500
    assert "| import (pages/s) |" in r.stdout

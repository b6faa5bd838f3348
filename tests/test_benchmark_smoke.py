"""The benchmark runs end to end on two tiny corpora (timings are not judged here: that is the
benchmark's job), and its output has every field, with relations that must hold."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

FIELDS = ("import_s", "import_pages_per_s", "import_peak_rss_mb", "db_mb", "first_paint_s", "list_ready_s",
          "open_500_s", "open_500_comments", "search_p50_ms", "search_p95_ms", "sort_votes_ms", "sort_score_ms",
          "sort_comments_ms", "sort_date_ms", "sort_title_ms", "bookmark_ms", "app_rss_start_mb",
          "app_rss_after_20_searches_mb", "reimport_pages", "reimport_s", "reimport_pages_per_s",
          "reimport_peak_rss_mb", "db_mb_before_reimport", "related_link_s", "related_link_share",
          "related_index_mb", "related_mb_disk", "related_linked_stories", "reimport_related_link_s", "sort_controversy_ms",
          "first_paint_floor_s", "first_paint_vs_floor", "list_idle_s", "reimport_folder_pages",
          "reimport_folder_s", "reimport_folder_pages_per_s", "reimport_folder_peak_rss_mb",
          "reimport_head_s", "reimport_tail_s", "cpu_probe_ms", "cpu_probe_reimport_ms", "import_cpu_s",
          "import_cpu_ms_per_page", "import_steal", "reimport_cpu_s", "reimport_cpu_ms_per_page", "reimport_steal",
          "reimport_runs_pages_per_s", "reimport_runs_probe_ms")


def test_benchmark_runs_and_reports_sane_figures(tmp_path):
    out = tmp_path / "r.json"
    r = subprocess.run([sys.executable, "-m", "benchmarks.run", "--sizes", "40,200", "--quick", "--naive-max", "40",
                        "--workdir", str(tmp_path / "work"), "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert r.returncode == 0, r.stderr[-2000:]
    sizes = json.loads(out.read_text())["sizes"]
    small, big = sizes["40"]["reader"], sizes["200"]["reader"]
    for res in (small, big):
        missing = [k for k in FIELDS if k not in res]
        assert not missing, missing
        assert res["open_500_comments"] == 500  # page 0 of the corpus is the 500-comment story
        assert res["search_p50_ms"] <= res["search_p95_ms"]
        assert 0 < res["first_paint_s"] <= res["list_ready_s"] <= res["list_idle_s"]
        # the bare Textual app's first paint, measured beside ours; the ratio is of the two
        assert 0 < res["first_paint_floor_s"] < 30
        assert abs(res["first_paint_vs_floor"] - res["first_paint_s"] / res["first_paint_floor_s"]) < 1e-9
        # ...and each pair's own ratio (two pairs in a quick run), with their median
        pairs = res["first_paint_pair_ratios"]
        assert len(pairs) == 2 and all(r > 0 for r in pairs)
        assert abs(res["first_paint_vs_floor_paired"] - (pairs[0] + pairs[1]) / 2) < 1e-9
        # the end of the first frame comes after its first paint (the list's first line drawn)
        assert res["first_paint_s"] <= res["first_frame_s"] and res["first_paint_floor_s"] <= res["first_frame_floor_s"]
        assert abs(res["first_frame_vs_floor"] - res["first_frame_s"] / res["first_frame_floor_s"]) < 1e-9
        assert res["app_rss_start_mb"] > 20  # a Python process with Textual loaded, measured
        assert res["db_mb"] > res["db_mb_before_reimport"]  # the re-import kept each story's history
        assert 0 < res["related_link_s"] < res["import_s"]  # linking is timed, and is part of the import
        assert 0 < res["related_link_share"] < 1 and res["related_mb_disk"] > 0
        # the re-import's own timings: its head and tail are parts of it
        assert res["reimport_head_s"] > 0 and res["reimport_tail_s"] > 0
        assert res["reimport_head_s"] + res["reimport_tail_s"] < res["reimport_s"]
        # the machine's speed beside the imports: a fixed loop's CPU time, measured (not zero)
        assert 1 < res["cpu_probe_ms"] < 60_000 and 1 < res["cpu_probe_reimport_ms"] < 60_000
        # the CPU the imports' processes used, and the host's share of the machine meanwhile
        assert res["import_cpu_s"] > 0 and res["reimport_cpu_s"] > 0
        assert abs(res["reimport_cpu_ms_per_page"] - res["reimport_cpu_s"] / res["reimport_pages"] * 1e3) < 1e-9
        assert 0 <= res["import_steal"] < 1 and 0 <= res["reimport_steal"] < 1  # (this machine has /proc/stat)
        # the changed pages' re-import timed three times (into copies, the last into the archive):
        # the median run's rate is the one reported, and its probe
        runs = res["reimport_runs_pages_per_s"]
        assert len(runs) == 3 and res["reimport_pages_per_s"] == sorted(runs)[1]
        assert res["cpu_probe_reimport_ms"] == res["reimport_runs_probe_ms"][runs.index(sorted(runs)[1])]
    # Five times the pages: a bigger database, and more time to import it.
    assert big["db_mb"] > 2 * small["db_mb"]
    assert big["import_s"] > small["import_s"]
    assert (small["reimport_pages"], big["reimport_pages"]) == (4, 20)  # a tenth of the archive
    assert (small["reimport_folder_pages"], big["reimport_folder_pages"]) == (40, 200)  # the whole folder again
    assert "naive" in sizes["40"] and "naive" not in sizes["200"]  # --naive-max is honoured
    assert "| import (pages/s) |" in r.stdout and "| first paint / floor |" in r.stdout
    assert "| first paint / floor, the median pair's own ratio |" in r.stdout
    assert "| machine CPU probe before the import (ms; lower is quicker) |" in r.stdout
    assert "| re-import 10% changed: CPU time the host took (steal) |" in r.stdout
    assert "| re-import 10% changed, each run (pages/s) |" in r.stdout


def test_a_copied_archive_starts_as_the_original_does(tmp_path):
    """The benchmark's copies of an archive (re-imports into copies) have columns that vouch for
    the copy's own index file: a plain copy's do not (another file), so its imports would check
    the shape of every record of the JSON index when they read it (~1 s at 100,000 stories)."""
    import os
    import shutil

    from benchmarks.run import copy_archive
    from reader.importer import import_paths
    from reader.store import Store
    from reader.store.columns import read_columns, written_for

    from conftest import SEEDS

    def vouched(db):
        st = os.stat(db / "index.json")
        return written_for(db / "index.json", [st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns])

    db = tmp_path / "db"
    import_paths(Store(db), [SEEDS])
    assert vouched(db)
    shutil.copytree(db, tmp_path / "plain")
    assert not vouched(tmp_path / "plain")
    copy_archive(db, tmp_path / "copy")
    assert vouched(tmp_path / "copy")
    assert read_columns(tmp_path / "copy" / "index.json").cols["key"] == read_columns(db / "index.json").cols["key"]

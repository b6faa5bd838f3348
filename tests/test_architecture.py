"""The architecture is checked, not just described: import-linter contracts (layers, Textual only
in reader.ui, no cycles), ruff and strict mypy all pass, and the seeds ship with the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def _tool(name: str) -> str:
    exe = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(exe).exists():
        pytest.fail(f"{name} is not installed (pip install -e '.[test]')")
    return exe


def test_import_contracts_hold():
    r = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("KEPT") == 3 and "BROKEN" not in r.stdout


def test_a_module_outside_the_layers_breaks_the_contract(tmp_path):
    """The layers contract is exhaustive: a new top-level module must be given a layer."""
    stray = ROOT / "reader" / "zz_stray_module.py"
    stray.write_text('"""A module no contract mentions."""\n')
    try:
        r = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    finally:
        stray.unlink()
    assert r.returncode != 0 and "zz_stray_module" in r.stdout


def test_ruff_passes():
    r = subprocess.run([_tool("ruff"), "check", "reader", "tests", "benchmarks", "scripts"], cwd=ROOT,
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout[-3000:]


def test_mypy_strict_passes():
    r = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout[-3000:]


def test_cli_fast_path_does_not_import_textual_or_numpy():
    code = "import sys, reader.cli; sys.exit(any(m in sys.modules for m in ('textual', 'numpy', 'rapidfuzz')))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_app_start_up_leaves_what_the_first_paint_does_not_need():
    """What the `reader` command imports before it opens the app: none of the modules only an
    import, a story's history, a page file or the seed pages need (each was 1-2 ms of every
    start, before the first paint), and the CJK pattern is not compiled yet (~2 ms)."""
    code = ("import sys, reader.launch, reader.ui.app, reader.usecases, reader.text\n"
            "late = ('isal', 'reader.history', 'importlib.resources', 'reader.parsing')\n"
            "print(sorted(m for m in late if m in sys.modules), reader.text.cjk_pattern.cache_info().currsize)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["[]", "0"]


def test_one_seeds_folder_shipped_inside_the_package():
    from reader.locations import seed_files

    assert (ROOT / "seeds").resolve() == (ROOT / "reader" / "seeds").resolve()
    assert [p.name for p in seed_files()] == sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    assert len(seed_files()) == 5

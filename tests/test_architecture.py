"""The core stays free of Textual (import-linter contract in pyproject.toml), and the seeds ship."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def test_core_never_imports_textual():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(exe).exists():
        pytest.fail("import-linter is not installed (pip install -e '.[test]')")
    r = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "KEPT" in r.stdout


def test_cli_fast_path_does_not_import_textual():
    code = "import sys, reader.cli; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_packaged_seeds_match_top_level_seeds():
    top = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    pkg = sorted(p.name for p in (ROOT / "reader" / "seeds").glob("*.txt"))
    assert top == pkg and len(top) == 5
    assert all(filecmp.cmp(ROOT / "seeds" / n, ROOT / "reader" / "seeds" / n, shallow=False) for n in top)

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXPECTED = json.loads((Path(__file__).parent / "seeds-expected.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    """A tester's own database and settings never leak into a test, nor the other way round."""
    monkeypatch.setenv("READER_DB", str(tmp_path / "db"))
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "db"


def run(*args, ok=True):
    """`reader ARGS...` through click's CliRunner; asserts success unless `ok=False`."""
    from click.testing import CliRunner

    from reader.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def as_json(*args):
    """`reader ARGS... --json`, parsed."""
    return json.loads(run(*args, "--json").output)

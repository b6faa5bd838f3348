"""The modules setup.py compiles with mypyc (where mypy is there to build them) are imported
before the .py beside them: a compiled module older than its source runs the old code. In a
checkout, `python setup.py build_ext --inplace` builds them again."""

import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "reader"


def compiled_modules() -> list[tuple[Path, Path]]:
    """(compiled file, its source) for each module built from a .py of the package."""
    out = []
    for so in ROOT.rglob("*.so"):
        source = so.with_name(so.name.split(".", 1)[0] + ".py")
        if source.exists():
            out.append((so, source))
    return out


def test_no_compiled_module_is_older_than_its_source():
    stale = [str(src.relative_to(ROOT.parent)) for so, src in compiled_modules()
             if so.stat().st_mtime < src.stat().st_mtime]
    assert not stale, f"compiled before their last edit (run `python setup.py build_ext --inplace`): {stale}"


def test_a_compiled_module_is_the_one_imported():
    for so, _ in compiled_modules():
        rel = so.relative_to(ROOT.parent)
        name = ".".join([*rel.parts[:-1], so.name.split(".", 1)[0]]).removesuffix(".__init__")
        module = importlib.import_module(name)
        assert Path(module.__file__ or "").resolve() == so.resolve(), name


_PARSE_ALL = """
import json, sys
from pathlib import Path
import reader.parsing.threads
from reader.parsing import parse_file
from reader.search.fields import SearchPayload

out = {"threads module": reader.parsing.threads.__file__}
for f in sys.argv[1:]:
    try:
        article = parse_file(f, force=True)
    except Exception as exc:
        out[Path(f).name] = f"{type(exc).__name__}: {exc}"
        continue
    payload = SearchPayload.of(article)
    out[Path(f).name] = [article.to_dict(), payload.title_terms, payload.other_terms]
print(json.dumps(out, default=str, sort_keys=True))
"""


def _parsed_by(package_root: Path, files: list[str]) -> dict:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(package_root), "PYTHONDONTWRITEBYTECODE": "1"}
    got = subprocess.run([sys.executable, "-c", _PARSE_ALL, *files], env=env, cwd=package_root,
                         capture_output=True, text=True, check=True)
    return json.loads(got.stdout)


def test_the_compiled_modules_parse_every_test_page_as_their_python_does(tmp_path):
    """The same source, compiled and not: every test page and seed parsed by each (a copy of
    the package without its compiled modules, in another process), to the same story, comment
    for comment, and the same search terms."""
    import shutil

    import pytest

    if not compiled_modules():
        pytest.skip("no compiled modules in this install: there is only the Python")
    pure = tmp_path / "pure"
    shutil.copytree(ROOT, pure / "reader", ignore=lambda _d, names: [
        n for n in names if n == "__pycache__" or (n.endswith(".so") and not n.startswith("_native"))])
    files = sorted(str(p) for p in [*(ROOT.parent / "tests" / "pages").iterdir(), *(ROOT / "seeds").glob("*.txt")]
                   if p.is_file())
    assert len(files) > 50
    compiled, python = _parsed_by(ROOT.parent, files), _parsed_by(pure, files)
    assert compiled.pop("threads module").endswith(".so") and python.pop("threads module").endswith(".py")
    assert compiled.keys() == python.keys()
    for name in compiled:
        assert compiled[name] == python[name], name


def test_compiled_modules_without_their_library_say_so_in_one_line(tmp_path):
    """An install whose compiled modules cannot find the library they share (an editable install
    made before they were built) is told to install again: one line, exit 1, no traceback."""
    import os
    import subprocess
    import sys

    import pytest

    if not compiled_modules():
        pytest.skip("no compiled modules in this install")
    env = {**os.environ, "READER_DB": str(tmp_path / "db")}
    from reader.launch import COMPILED_LIBRARY

    got = subprocess.run([sys.executable, "-c", f"import sys; sys.modules[{COMPILED_LIBRARY!r}] = None; "
                          "sys.argv = ['reader', 'list']; from reader.launch import main; main()"],
                         env=env, cwd=ROOT.parent, capture_output=True, text=True)
    assert got.returncode == 1, got.stderr
    assert got.stderr.count("\n") == 1 and "Traceback" not in got.stderr
    assert got.stderr.startswith(f"reader: {COMPILED_LIBRARY} is missing") and "install again" in got.stderr

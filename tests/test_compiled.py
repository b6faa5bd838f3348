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

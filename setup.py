"""Only the optional compiled parts (everything else is in pyproject.toml):

- reader/_native.c: the tokenisers of the thread builder and the search terms, and the thread
  builder's trigram index;
- the modules of COMPILED, compiled to C by mypyc (part of mypy, the type checker the code is
  already checked with in strict mode): a page's parse, threading and merge, the work of every
  page an import reads. The same source runs as Python where they are not compiled.

Both are optional: where they cannot be compiled (no C compiler, or a source mypyc refuses),
reader installs without them and runs the same code as Python, slower (_native.c is
`optional=True`; mypyc's modules are all or none, BuildExt). READER_PURE_PYTHON=1 skips mypyc
(the C part stays). After editing a compiled module in a checkout, build again (`python setup.py build_ext
--inplace`): the compiled module is imported before the .py beside it (tests/test_compiled.py
fails on one older than its source).

Measured (10,000 changed pages re-imported into a 100,000-story archive, two cores): 11.47 M ->
9.26 M instructions a changed page in the parsing workers (-19%, cachegrind), and the import's
wall time 13.3 -> 10.9 s and 14.1 -> 11.9 s in alternating pairs (README, round 18)."""

import glob
import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

COMPILED = [
    "reader/parsing/__init__.py",
    "reader/parsing/comments.py",
    "reader/parsing/common.py",
    "reader/parsing/detect.py",
    "reader/parsing/discussion.py",
    "reader/parsing/evidence.py",
    "reader/parsing/generic.py",
    "reader/parsing/hackernews.py",
    "reader/parsing/html.py",
    "reader/parsing/japannews.py",
    "reader/parsing/japantoday.py",
    "reader/parsing/refuse.py",
    "reader/parsing/social.py",
    "reader/parsing/threads.py",
    "reader/history.py",
    "reader/models.py",
    "reader/search/fields.py",
    "reader/sanitize.py",
    "reader/text.py",
    "reader/store/packed.py",
    "reader/importer/prepare.py",
]


def _compiled() -> list[Extension]:
    if os.environ.get("READER_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # (no mypy where this is built: the modules stay Python)
        return []
    # No config file: the project's is strict mypy over the whole package, for the tests; built in
    # pip's isolated environment, the package's dependencies are not there to check against.
    # --no-site-packages: the same build here as there (a checkout's venv has typed packages,
    # selectolax's among them, which would add checks of their values to the compiled code).
    flags = ["--config-file=", "--ignore-missing-imports", "--no-site-packages"]
    try:
        return list(mypycify([*flags, *COMPILED], group_name="reader_compiled", opt_level="3"))
    except (Exception, SystemExit) as exc:  # (mypyc refused the source: it stays Python, and says so)
        print(f"reader: the modules are not compiled (mypyc: {exc!r}); their Python runs instead")
        return []


class BuildExt(build_ext):
    """build_ext, with mypyc's modules all or none: their shared library first, and the module
    stubs only once it is built (a stub without it fails to import, where the .py would run).
    Also leaves each built module's time the build's: a compiled module whose C did not change
    is not compiled again, and kept its old time (tests/test_compiled.py compares it with its
    source's)."""

    def build_extensions(self) -> None:
        every = self.extensions
        shared = [e for e in every if e.name.endswith("__mypyc")]
        try:
            for ext in shared:
                self.build_extension(ext)
        except Exception as exc:  # (no C compiler, or mypyc's C refused: the modules stay Python)
            print(f"reader: the compiled modules are not built ({exc}); their Python runs instead")
            shared = []
            self.extensions = [e for e in every if e.name == "reader._native"]  # (for good: none is installed)
        if not shared:  # an earlier build's compiled modules would be installed (or imported) over the .py
            self._drop_compiled()
            super().build_extensions()
            return
        self.extensions = [e for e in every if e not in shared]
        try:
            super().build_extensions()
        finally:
            self.extensions = every  # (all of them copied beside the source, in an editable install)
        for ext in every:  # (before that copy, which keeps the times)
            path = self.get_ext_fullpath(ext.name)
            if os.path.exists(path):
                os.utime(path)

    def run(self) -> None:
        # (setuptools builds with inplace off, then copies beside the source: remember which)
        self._beside_source = bool(self.inplace or getattr(self, "editable_mode", False))
        super().run()

    def _drop_compiled(self) -> None:
        roots = [self.build_lib, "."] if getattr(self, "_beside_source", False) else [self.build_lib]
        for root in roots:
            for pattern in [f"{name[:-3]}.*.so" for name in COMPILED] + ["reader_compiled__mypyc.*.so"]:
                for path in glob.glob(os.path.join(root, pattern)):
                    os.remove(path)


setup(ext_modules=[Extension("reader._native", ["reader/_native.c"], optional=True), *_compiled()],
      cmdclass={"build_ext": BuildExt})

"""The `reader` command's entry point. With no command it opens the app at once: the CLI module
(click, and the modules only commands use) is loaded only for a command, ~20 ms of every start
of the app. Everything else is reader.cli's."""

from __future__ import annotations

import sys


def app_args(args: list[str]) -> tuple[bool, str | None]:
    """(True, the --db value or None) when the arguments only open the app; else (False, None)."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db" and args[1] and not args[1].startswith("-"):
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        return True, args[0][len("--db="):]
    return False, None


COMPILED_LIBRARY = "reader_compiled__mypyc"  # setup.py: what the compiled modules share


def main() -> None:
    try:
        _main()
    except ModuleNotFoundError as exc:
        if exc.name != COMPILED_LIBRARY:
            raise
        # (an install whose compiled modules were built after it: pip's editable install maps
        # the library only when it is made with them)
        from pathlib import Path

        print(f"reader: {exc.name} is missing beside the compiled modules of {Path(__file__).parent}; "
              "install again (`pip install .`, or `pip install -e .` in a checkout)", file=sys.stderr)
        sys.exit(1)


def _main() -> None:
    opens_app, db = app_args(sys.argv[1:])
    if not opens_app:
        from reader.cli import main as cli_main

        cli_main()
        return
    # The collector waits for the first paint (it made a ~20 ms pause in the first frame).
    from reader.heap import start_up

    start_up()
    try:
        from reader.ui.app import open_app
    except KeyboardInterrupt:  # Ctrl+C while the app loads: as the CLI says it
        print("reader: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(open_app(db))

"""Where reader keeps things. Functions, not import-time constants; nothing is created here."""

from __future__ import annotations

import os
from pathlib import Path

APP = "reader"


def database_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The database directory: --db, else $READER_DB, else the per-user data dir.

    A blank --db or READER_DB is a mistake, not "here": ValueError with a one-line reason."""
    if override is not None:
        if not str(override).strip():
            raise ValueError("--db is blank: give the folder of the database")
        return Path(override).expanduser()
    env = os.environ.get("READER_DB")
    if env is not None:
        if not env.strip():
            raise ValueError("READER_DB is set but blank: unset it, or give the folder of the database")
        return Path(env).expanduser()
    from platformdirs import user_data_dir  # (each here: only what is asked for is loaded)

    return Path(user_data_dir(APP, appauthor=False)) / "db"


def config_dir() -> Path:
    if env := os.environ.get("READER_CONFIG_DIR"):
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP, appauthor=False))


def export_dir() -> Path:
    """Where the app writes exported stories: $READER_EXPORT_DIR, else Documents/reader."""
    if env := os.environ.get("READER_EXPORT_DIR"):
        return Path(env).expanduser()
    from platformdirs import user_documents_dir

    return Path(user_documents_dir()) / APP


def seed_files() -> list[Path]:
    """The bundled pages a fresh database starts with (shipped inside the package)."""
    from importlib import resources  # (~1.5 ms of the app's start-up when imported above)

    root = resources.files("reader") / "seeds"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".txt"))

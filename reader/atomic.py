"""Atomic file replacement: the one way reader writes a file (pure stdlib, no Textual).

A crash at any moment leaves the old file or the new one, never half of either: the data goes
to a temporary file beside the target (named `.NAME.PID.tmp`), is flushed and fsynced, renamed
over the target, and the directory is fsynced so the rename itself survives a power cut.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

TMP_SUFFIX = ".tmp"


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}{TMP_SUFFIX}")


def is_temp_file(path: Path) -> bool:
    """A temporary file left behind by a write that never finished (a killed process)."""
    return path.name.startswith(".") and path.name.endswith(TMP_SUFFIX)


def _fsync_dir(folder: Path) -> None:
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """Write a file as a stream; it replaces `path` only if the block finishes without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        with open(tmp, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically."""
    with atomic_file(path) as fh:
        fh.write(data)

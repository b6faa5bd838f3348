"""One error hierarchy: every error a person can cause or meet carries a one-line message.

The CLI and the app catch `ReaderError` and show `str(exc)`; anything else is a bug.
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base class: str() is a short message meant for people."""


class StoreError(ReaderError):
    """A database problem (unreadable, damaged, locked, read-only, no such story)."""


class SearchIndexDamaged(ReaderError):
    """A search file is missing or does not agree with the others (the index is derived data:
    it is rebuilt from the stored stories)."""


class PageError(ReaderError, ValueError):
    """A page that cannot be read or is not a news page; str() is a one-line reason."""

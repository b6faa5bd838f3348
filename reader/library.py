"""Story-list operations shared by the CLI and the TUI (pure)."""

from __future__ import annotations

from typing import Any

LIST_SORTS = ("votes", "score", "comments", "date", "title")


def date_key(e: dict[str, Any]) -> str:
    """Published time when known, else the copyright year, else when it was imported."""
    if e.get("published"):
        return e["published"]
    if e.get("year"):
        return f"{e['year']}-00"
    return e.get("imported") or ""


_KEYS = {
    "votes": lambda e: (-(e.get("votes") or 0), e["title"].casefold()),
    "score": lambda e: (-(e.get("score") or 0), e["title"].casefold()),
    "comments": lambda e: (-(e.get("comments") or 0), e["title"].casefold()),
    "title": lambda e: (e["title"].casefold(), e.get("id", 0)),
}


def sort_entries(entries: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    if by == "date":
        return sorted(entries, key=lambda e: (date_key(e), -e.get("id", 0)), reverse=True)
    return sorted(entries, key=_KEYS[by])


def public_entry(e: dict[str, Any]) -> dict[str, Any]:
    """The stable JSON shape of a story-list row."""
    return {k: e.get(k) for k in ("id", "key", "title", "source", "category", "published", "year",
                                  "comments", "stated", "votes", "score", "bookmarked", "read", "file")}

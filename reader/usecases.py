"""What a person does with reader, as one typed object that the app and the CLI both call.

`Reader` is the use-case layer (as lemon24/reader's `Reader` is): opening a story marks it
read, bookmarks and read marks are toggled here, the list is ordered here, settings are typed
here, and the cached first screen's policy lives here. Neither UI touches the store directly.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.errors import SearchIndexDamaged, StoreError
from reader.listing import DEFAULT_SORT, LIST_SORTS, SortedViews, sort_entries
from reader.models import Article, StoryEntry
from reader.store import ImportResult, Store
from reader.store.archive import HEAD_ROWS
from reader.threads_view import COMMENT_SORTS

if TYPE_CHECKING:
    from reader.compare import Comparison
    from reader.history import Version
    from reader.search.engine import SearchIndex
    from reader.search.hits import Hit
    from reader.stats import ArchiveStats, StoryStats
    from reader.store.repair import Report

__all__ = ["HEAD_CACHE_FROM", "HEAD_ROWS", "Position", "Reader", "Related", "Settings", "grouped"]

QUICK_LIST_BYTES = 1 << 20  # an index this small (~2,000 stories) is listed before the first paint
HEAD_CACHE_FROM = 2000  # archives larger than this paint their first screen from head.json


@dataclass(slots=True)
class Settings:
    """The user's settings, kept in the database's user.json."""

    theme: str | None = None
    sort: str = DEFAULT_SORT
    comment_sort: str = "score"
    unread_only: bool = False
    grouped: bool = False  # the list groups each story with its coverage by other outlets
    resume: str | None = None  # the key of the story open when the app was last left (None: the list)

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> Settings:
        s = cls()
        if isinstance(stored.get("theme"), str):
            s.theme = stored["theme"]
        if stored.get("sort") in LIST_SORTS:
            s.sort = stored["sort"]
        if stored.get("comment_sort") in COMMENT_SORTS:
            s.comment_sort = stored["comment_sort"]
        if isinstance(stored.get("unread_only"), bool):
            s.unread_only = stored["unread_only"]
        if isinstance(stored.get("grouped"), bool):
            s.grouped = stored["grouped"]
        if isinstance(stored.get("resume"), str):
            s.resume = stored["resume"] or None
        return s


@dataclass(slots=True)
class Position:
    """Where the reader was in a story: the pane, the comment under the cursor, the article's scroll."""

    pane: str = "article"
    comment: int | None = None
    scroll: int = 0

    @classmethod
    def from_stored(cls, stored: Any) -> Position | None:
        if not isinstance(stored, dict):
            return None
        pane = stored.get("pane")
        comment = stored.get("comment")
        scroll = stored.get("scroll")
        return cls(pane if pane in ("article", "comments") else "article",
                   comment if isinstance(comment, int) and not isinstance(comment, bool) else None,
                   scroll if isinstance(scroll, int) and not isinstance(scroll, bool) and scroll >= 0 else 0)

    def to_stored(self) -> dict[str, Any]:
        return {"pane": self.pane, "comment": self.comment, "scroll": self.scroll}


SETTING_NAMES = frozenset(f.name for f in fields(Settings))


@dataclass(slots=True, frozen=True)
class Related:
    """A story linked to another as coverage of the same news story."""

    entry: StoryEntry
    score: float  # cosine similarity of the two fingerprints (reader.related), 0..1

    def to_json(self) -> dict[str, Any]:
        e = self.entry
        return {"id": e.id, "key": e.key, "title": e.title, "source": e.source, "published": e.published,
                "score": round(self.score, 3)}


def grouped(rows: list[StoryEntry], related: dict[str, list[str]]) -> list[tuple[StoryEntry, int]]:
    """The list with each story followed by its coverage (depth 1), in the list's order; a story
    shows once, under the first story of its group that comes in the list."""
    pos = {e.key: i for i, e in enumerate(rows)}
    placed: set[str] = set()
    out: list[tuple[StoryEntry, int]] = []
    for e in rows:
        if e.key in placed:
            continue
        placed.add(e.key)
        out.append((e, 0))
        kids = sorted(pos[k] for k in related.get(e.key, ()) if k in pos and k not in placed)
        for i in kids:
            placed.add(rows[i].key)
            out.append((rows[i], 1))
    return out


class Reader:
    """One database, and everything a reader of it does."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def open(cls, path: Path, *, seed: bool = True, check: bool = True,
             on_wait: Callable[[], None] | None = None) -> Reader:
        """Open the database at `path`; a database never written before gets the seed pages."""
        store = Store(path, on_wait=on_wait)
        if seed and not store.index_file.exists():  # (the importer's modules cost ~0.2 s of every start)
            from reader.importer import seed_if_new

            seed_if_new(store)
        if check and store.path.exists():
            _ = store.user  # damaged user state is reported by every command, not only by those that read it
        return cls(store)

    @property
    def path(self) -> Path:
        return self.store.path

    # ---- the list

    def stories(self, sort: str = DEFAULT_SORT, *, bookmarked_only: bool = False, unread_only: bool = False,
                new_only: bool = False) -> list[StoryEntry]:
        """Every story in an order (see reader.listing.LIST_SORTS); `unread_only`: never opened;
        `new_only`: with comments new since the reader last looked."""
        rows = sort_entries(self.store.entries(), sort)
        if bookmarked_only:
            rows = [e for e in rows if e.bookmarked]
        if unread_only:
            rows = [e for e in rows if not e.read]
        if new_only:
            rows = [e for e in rows if e.new_comments]
        return rows

    def all_stories(self) -> list[StoryEntry]:
        """Every story, unordered (the app sorts and keeps each order itself)."""
        return self.store.entries()

    def list_views(self) -> SortedViews:
        """Every story, in each of the list's orders (made on first use; the title order comes
        ready-made from the index when it has it, and the others are cheap sorts of it)."""
        entries, by_title = self.store.entries_by_title()
        return SortedViews(entries, by_title=by_title)

    def story(self, ref: str | int) -> StoryEntry:
        """A story by its short id or a key prefix."""
        return self.store.entry(ref)

    def bookmarks(self) -> list[StoryEntry]:
        """Bookmarked stories, the newest bookmark first."""
        rows = [e for e in self.store.entries() if e.bookmarked]
        rows.sort(key=lambda e: -(e.bookmarked_at or 0))
        return rows

    def changed(self) -> bool:
        """Has another process written to the database since it was read?"""
        return self.store.changed()

    # ---- the list's first screen (big archives paint it before the whole list has loaded)

    def refresh_list_cache(self) -> bool:
        """After listing from the index itself (its columns were missing or behind), write them
        for the next start; True when written."""
        return self.store.refresh_columns()

    def lists_at_once(self) -> bool:
        """Is the archive small enough to list in a few ms (the app then lists it before its
        first paint rather than in a worker)? Told by the index file's size, not by reading it."""
        return self.store.index_size() < QUICK_LIST_BYTES

    def cached_head(self, sort: str, bookmarked_only: bool) -> list[StoryEntry] | None:
        return self.store.read_head(sort, bookmarked_only)

    def remember_head(self, rows: list[StoryEntry], sort: str, bookmarked_only: bool, total: int) -> None:
        """Keep the list's first screen for the next start, if the archive is big enough to need it."""
        if total > HEAD_CACHE_FROM:
            self.store.write_head(rows[:HEAD_ROWS], sort, bookmarked_only)

    # ---- reading a story

    def article(self, entry: StoryEntry) -> Article:
        """The whole story, without marking it read."""
        return self.store.article(entry)

    def open_story(self, entry: StoryEntry) -> Article:
        """Read a story: it is marked read (on disk and in `entry`). A read-only database still
        opens it; `notices()` then says the mark was not saved."""
        article = self.store.article(entry)
        if not entry.read:
            try:
                self.store.set_read(entry.key, True)
            except StoreError as exc:
                self.store.notices.append(f"not marked read: {exc}")
                return article
            entry.read = True
        return article

    def leave_story(self, entry: StoryEntry, position: Position | None = None) -> None:
        """The reader is done looking at a story (left it in the app, or `reader show` printed
        it): its comments stop being new, and where they were in it is kept for next time."""
        # Never back: another process (`reader show`) may have seen a newer version meanwhile.
        stored = self.store.state(entry.key).get("seen")
        seen = max(entry.versions, stored if isinstance(stored, int) and not isinstance(stored, bool) else 1)
        fields: dict[str, Any] = {"read": True, "seen": seen}
        if position is not None:
            fields["pos"] = position.to_stored()
        self.store.set_states({entry.key: fields})
        entry.read, entry.seen = True, seen

    def position(self, entry: StoryEntry) -> Position | None:
        """Where the reader left this story, if they have read it before."""
        return Position.from_stored(self.store.state(entry.key).get("pos"))

    def changes(self, entry: StoryEntry, article: Article) -> dict[int, tuple[bool, int | None]]:
        """Comment id -> (new since the reader last looked, score moved since then), for comments
        with either (a story imported once has none)."""
        if entry.versions < 2:
            return {}
        from reader.history import is_new, vote_delta  # (here: reader.history is off the start-up path)

        out = {}
        for c in article.comments:
            new = is_new(c, entry.seen)
            delta = None if new else vote_delta(c, entry.seen)
            if new or delta:
                out[c.id] = (new, delta)
        return out

    def story_json(self, entry: StoryEntry, article: Article, thread: list[tuple[int, int]]) -> dict[str, Any]:
        """`reader show --json`: the story, each comment with its history, and the thread order."""
        from reader import history

        d = article.to_dict()
        d.update(id=entry.id, key=entry.key, bookmarked=entry.bookmarked, read=entry.read, unread=not entry.read,
                 versions=entry.versions, new_comments=entry.new_comments,
                 thread=[{"id": cid, "depth": depth} for cid, depth in thread])
        by_id = {c.id: c for c in article.comments}
        for cd in d["comments"]:
            c = by_id[cd["id"]]
            cd["first_seen"] = history.first_seen(article, c, entry.imported)
            cd["new"] = entry.versions > 1 and history.is_new(c, entry.seen)
            cd["votes"] = history.vote_history(article, c, entry.imported)
            cd["removed"] = c.removed is not None
            cd["edits"] = [{"at": history.version_time(article, v, None), "text": t} for v, t in (c.edits or [])]
        return d

    def history(self, entry: StoryEntry) -> list[Version]:
        """How the story changed, import by import."""
        from reader.history import timeline

        return timeline(self.store.article(entry), entry.imported)

    # ---- related coverage, and what the votes say

    def related(self, entry: StoryEntry, stories: Mapping[str, StoryEntry] | None = None) -> list[Related]:
        """Other coverage of the same news story, the closest first (deleted stories left out).
        `stories`: the caller's list rows by key, if it has them (saves reading the index)."""
        links = self.store.related_links().get(entry.key, [])
        if not links:
            return []
        by_key = stories if stories is not None else {e.key: e for e in self.store.entries()}
        return [Related(by_key[str(k)], float(score)) for k, score in links if str(k) in by_key]

    def related_map(self) -> dict[str, list[str]]:
        """Every linked story's related keys, strongest first (the list's grouping)."""
        return {k: [str(x[0]) for x in v] for k, v in self.store.related_links().items()}

    def compare(self, left: StoryEntry, right: StoryEntry) -> Comparison:
        """Two stories' bodies sentence by sentence: what each says that the other does not."""
        from reader.compare import compare

        return compare(self.store.article(left), self.store.article(right))

    def story_stats(self, entry: StoryEntry, article: Article | None = None) -> StoryStats:
        """What the votes say on one story's comments."""
        from reader.stats import story_stats

        return story_stats(article if article is not None else self.store.article(entry))

    def archive_stats(self, stories: list[StoryEntry] | None = None) -> ArchiveStats:
        """The archive at a glance (from the list's records: no story is opened)."""
        from reader.stats import archive_stats

        return archive_stats(stories if stories is not None else self.store.entries())

    # ---- export

    def export(self, entry: StoryEntry, fmt: str, sort: str = "score") -> str:
        """The story as Markdown (`md`) or one self-contained HTML file (`html`)."""
        from reader.export import export

        return export(self.store.article(entry), fmt, sort)

    def export_to_file(self, entry: StoryEntry, fmt: str, folder: Path | None = None, sort: str = "score") -> Path:
        """Write the export beside the others (the exports folder) and say where."""
        from reader.atomic import atomic_write
        from reader.locations import export_dir

        folder = folder or export_dir()
        folder.mkdir(parents=True, exist_ok=True)
        slug = "-".join(re.findall(r"[a-z0-9]+", entry.title.casefold()))[:60].strip("-") or "story"
        path = folder / f"{entry.id}-{slug}.{fmt}"
        atomic_write(path, self.export(entry, fmt, sort).encode())
        return path

    # ---- the unread workflow, and deleting

    def mark_all_read(self, entries: list[StoryEntry]) -> int:
        """Mark stories read and their comments seen; how many changed."""
        todo = [e for e in entries if e.fresh]
        self.store.set_states({e.key: {"read": True, "seen": e.versions} for e in todo})
        for e in todo:
            e.read, e.seen = True, e.versions
        return len(todo)

    def delete(self, entries: list[StoryEntry]) -> None:
        """Take stories out of the list and search (importing the page again brings one back)."""
        now = time.time()
        self.store.set_states({e.key: {"deleted": True, "deleted_at": now} for e in entries})

    def undelete(self, keys: list[str]) -> None:
        """Undo a delete."""
        self.store.set_states({k: {"deleted": False, "deleted_at": None} for k in keys})

    # ---- marks

    def save_mark(self, key: str, mark: str, value: bool) -> None:
        """Write one mark ("bookmarked" or "read") of a story as given (the app flips its row at
        once and saves in the background)."""
        if mark == "bookmarked":
            self.store.set_bookmark(key, value)
        elif mark == "read":
            self.store.set_read(key, value)
        else:
            raise ValueError(f"unknown mark {mark!r}")

    def set_mark(self, entry: StoryEntry, mark: str, value: bool) -> bool:
        """Set a mark ("bookmarked" or "read"); False when the story already had it (nothing written)."""
        if getattr(entry, mark) == value:
            return False
        self.save_mark(entry.key, mark, value)
        setattr(entry, mark, value)
        return True

    def set_bookmark(self, entry: StoryEntry, on: bool) -> bool:
        return self.set_mark(entry, "bookmarked", on)

    def set_read(self, entry: StoryEntry, read: bool) -> bool:
        return self.set_mark(entry, "read", read)

    # ---- settings

    def settings(self) -> Settings:
        return Settings.from_stored(self.store.settings())

    def save_setting(self, name: str, value: Any) -> None:
        if name not in SETTING_NAMES:
            raise ValueError(f"unknown setting {name!r}")
        self.store.set_setting(name, value)

    # ---- search

    def search_index(self) -> SearchIndex:
        """The search index, loaded (it is built first for an older or repaired database)."""
        return self.store.search_index()

    def rebuilt_search_index(self, damage: SearchIndexDamaged) -> SearchIndex:
        """The search index rebuilt from the stories after a search met `damage` in it."""
        return self.store.rebuilt_search_index(damage)

    def search(self, query: str, limit: int = 20, *, as_typed: bool = True) -> list[tuple[StoryEntry | None, Hit]]:
        """Hits for `query`, best first, each with its story's list row. `as_typed`: the query
        is being typed (a one-letter last word waits for its second letter); False for a query
        given whole, as on the command line."""
        deleted = self.store.deleted_keys()
        want = limit + len(deleted) if deleted else limit
        try:
            hits = self.search_index().search(query, want, as_typed=as_typed)
        except SearchIndexDamaged as exc:  # found in a story's text: rebuilt, and asked again
            hits = self.rebuilt_search_index(exc).search(query, want, as_typed=as_typed)
        by_key = {e.key: e for e in self.store.entries()}
        return [(by_key.get(h.key), h) for h in hits if h.key not in deleted][:limit]

    def search_stories(self, query: str, limit: int = 20, *, as_typed: bool = True
                       ) -> tuple[int, list[tuple[StoryEntry, Hit]]]:
        """One row per story (its best hit; `Hit.comments` says how many comments matched), best
        first, and how many stories match in all (deleted ones are not counted). `as_typed`: as
        for search()."""
        deleted = self.store.deleted_keys()
        index = self.search_index()
        try:  # (deleted stories are still in the index: left out of the count, and their hits dropped)
            found = index.search_stories(query, limit + len(deleted), as_typed=as_typed, uncounted=index.docs_of(deleted))
        except SearchIndexDamaged as exc:  # found in a story's text: rebuilt, and asked again
            index = self.rebuilt_search_index(exc)
            found = index.search_stories(query, limit + len(deleted), as_typed=as_typed, uncounted=index.docs_of(deleted))
        by_key = {e.key: e for e in self.store.entries()}
        rows = [(by_key[h.key], h) for h in found.hits if h.key in by_key][:limit]
        return max(found.stories, len(rows)), rows

    def deleted_keys(self) -> set[str]:
        """The stories deleted (kept, out of the list and search until their page comes again)."""
        return self.store.deleted_keys()

    # ---- getting pages in, and health

    def import_pages(self, paths: Iterable[str | os.PathLike[str]], *, force: bool = False,
                     on_result: Callable[[ImportResult], None] | None = None,
                     on_total: Callable[[int], None] | None = None,
                     on_parsed: Callable[[], None] | None = None) -> list[ImportResult]:
        """Import files, folders, URLs and `-` (standard input); `force` takes pages that do not
        look like news pages too."""
        from reader.importer import import_paths

        return import_paths(self.store, paths, on_result=on_result, on_total=on_total, on_parsed=on_parsed,
                            force=force)

    def import_input(self, text: str) -> ImportResult:
        """What the app's import dialog was given: a path, a URL, or a whole page pasted in."""
        from reader.importer.pipeline import import_bytes

        one = text.strip()
        if len(one) > 2 and one[0] == one[-1] and one[0] in "'\"" and _is_existing_path(one[1:-1]):
            one = one[1:-1]  # a path dropped into the terminal comes quoted
        if "\n" not in one and (one.lower().startswith(("http://", "https://")) or _is_existing_path(one)):
            source = one if one.lower().startswith("http") else str(Path(one).expanduser())
            results = self.import_pages([source])
            stored = [r for r in results if r.status in ("new", "updated", "unchanged", "restored")]
            if len(results) > 1:  # a folder: say what happened to all of it, open the first story stored
                counts = {s: sum(r.status == s for r in results)
                          for s in ("new", "updated", "unchanged", "restored", "error")}
                summary = ", ".join(f"{n} {s}" + ("s" if s == "error" and n > 1 else "")
                                    for s, n in counts.items() if n) or "no pages"
                failed = [r for r in results if r.status == "error"]
                if failed:  # which pages, and why (the first few; the CLI lists them all)
                    summary += ". Not imported: " + "; ".join(
                        f"{Path(r.name).name} ({_app_reason(r.detail)})" for r in failed[:3])
                    summary += f"; and {len(failed) - 3} more (`reader import` lists them)" if len(failed) > 3 else ""
                first = stored[0] if stored else None
                return ImportResult(one, first.status if first else "error", first.key if first else None, summary)
            return _as_the_app_says(results[0] if results else ImportResult(one, "error", detail="nothing to import there"))
        if "\n" not in one and len(one) < 300 and one.startswith(("/", "~", "./", "../")):
            return ImportResult(one, "error", detail="no such file or folder")
        return _as_the_app_says(import_bytes(self.store, "(pasted page)", text.encode()))

    def refresh(self, entries: list[StoryEntry], *,
                on_result: Callable[[ImportResult], None] | None = None) -> list[ImportResult]:
        """Fetch stories again from their addresses (stories without one are reported as skipped)."""
        from reader.importer import import_paths

        results = []
        for e in entries:
            if not e.url:
                r = ImportResult(f"{e.id}: {e.title}", "skipped", e.key, "no address to fetch it from")
                results.append(r)
                if on_result:
                    on_result(r)
                continue
            results += import_paths(self.store, [e.url], on_result=on_result, force=True)
        return results

    def doctor(self, rebuild: bool = False) -> Report:
        """Check every file (and with `rebuild`, repair what can be repaired)."""
        from reader.store import repair

        return repair.rebuild(self.store) if rebuild else repair.check(self.store)

    def compact(self) -> Report:
        """Drop superseded copies of re-imported stories and stale temporary files."""
        from reader.store import repair

        return repair.compact(self.store)

    def notices(self) -> list[str]:
        """Things done on the user's behalf since the last call (a rebuilt search index, say)."""
        out, self.store.notices[:] = list(self.store.notices), []
        return out


def _is_existing_path(text: str) -> bool:
    """A short line naming an existing file or folder (a pasted one-line page is not one)."""
    if len(text) > 4096 or "<" in text:
        return False
    try:
        return Path(text).expanduser().exists()
    except (OSError, ValueError):
        return False


def _app_reason(detail: str) -> str:
    """Why a page was not imported, as the app says it (it has no `--force`: the CLI's hint goes)."""
    from reader.parsing import FORCE_HINT

    return detail.replace(FORCE_HINT, "")


def _as_the_app_says(r: ImportResult) -> ImportResult:
    return ImportResult(r.name, r.status, r.key, _app_reason(r.detail)) if r.status == "error" else r

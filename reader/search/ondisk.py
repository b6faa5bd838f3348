"""The search index on disk: a folder of segments, listed by a *manifest* the archive keeps.

    search/vocab.json, vocab.order.npy     every distinct word (ids only grow)
    search/sNNNNNN.{tids,starts,post,docs,keys,tspan}.npy, sNNNNNN.text   one segment

The manifest (`[[segment id, stories], ...]`) is stored in the archive's index file, so one
atomic write of that file commits the stories and their search data together: segment files
not in the manifest are invisible, and are removed once a newer manifest is committed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from reader.errors import SearchIndexDamaged
from reader.models import Article
from reader.search.engine import SearchIndex
from reader.search.fields import SearchPayload
from reader.search.segments import Segment, Vocab, merge_plan, owner_map

Manifest = list[list[int]]


class SearchFiles:
    """The search folder of one database."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._checked: Vocab | None = None  # the vocabulary check() read, for the add() after it
        # What add() last left on disk: its manifest, its files' identities, and the vocabulary.
        # A check of that same manifest with every file unchanged (the next batch of one
        # import) trusts them rather than reading them all again (~3 s of a 100k import).
        self._wrote: tuple[Manifest, list[tuple[int, int, int]], Vocab] | None = None

    def segment_ids(self) -> set[int]:
        """Segments with any file on disk (listed or not)."""
        return {int(p.name[1:7]) for p in self.folder.glob("s??????.*") if p.name[1:7].isdigit()}

    def _next_sid(self, manifest: Manifest) -> int:
        return max([sid for sid, _ in manifest] + list(self.segment_ids()), default=0) + 1

    def add(self, manifest: Manifest, items: Sequence[tuple[int, str, SearchPayload | Article]]) -> Manifest:
        """Write one import's segment (merging small tail segments); return the new manifest.

        Nothing here is visible until the caller commits the returned manifest.
        """
        manifest = [list(x) for x in manifest]
        sid = self._next_sid(manifest)
        self.folder.mkdir(parents=True, exist_ok=True)
        vocab, self._checked = self._checked or Vocab.load(self.folder), None  # (read once a batch, not twice)
        seg = Segment.build(sid, items, vocab)
        seg.write(self.folder)
        vocab.write(self.folder)  # ids only grow: the old manifest still reads correctly
        manifest.append([sid, len(seg.docs)])
        k = merge_plan([(a, b) for a, b in manifest])
        if k > 1:
            parts = [seg if s == sid else Segment.load(self.folder, s) for s, _ in manifest[-k:]]
            others = [Segment.load(self.folder, s) for s, _ in manifest[:-k]]
            merged = Segment.merge(sid + 1, parts, owner_map(others + parts), self.folder)
            manifest = [*manifest[:-k], [merged.sid, len(merged.docs)]]
        self._wrote = ([list(x) for x in manifest], self._identity(manifest), vocab)
        return manifest

    def _identity(self, manifest: Manifest) -> list[tuple[int, int, int]]:
        """Each file of the vocabulary and of the listed segments: (inode, size, modified)."""
        paths = [self.folder / "vocab.json", self.folder / "vocab.order.npy"]
        for sid, _ in manifest:
            paths += Segment.paths(self.folder, sid).values()
        out = []
        for p in paths:
            try:
                st = os.stat(p)
            except OSError:
                out.append((-1, -1, -1))
            else:
                out.append((st.st_ino, st.st_size, st.st_mtime_ns))
        return out

    def rebuild(self, items: Iterable[tuple[int, str, SearchPayload | Article]]) -> Manifest:
        """One fresh segment and vocabulary for every story (doctor, a damaged index); return its
        manifest. The caller commits an empty manifest first: the old segments' term ids mean
        nothing once the vocabulary is new."""
        sid = self._next_sid([])
        self.folder.mkdir(parents=True, exist_ok=True)
        vocab = Vocab([])
        seg = Segment.build(sid, items, vocab)
        seg.write(self.folder)
        vocab.write(self.folder)
        return [[sid, len(seg.docs)]]

    def drop_unlisted(self, manifest: Manifest) -> None:
        """Remove the files of segments a committed manifest no longer lists."""
        keep = {sid for sid, _ in manifest}
        for sid in self.segment_ids() - keep:
            for p in Segment.paths(self.folder, sid).values():
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(p)

    def load(self, manifest: Manifest) -> SearchIndex:
        """The index (its arrays memory-mapped; no story text is read until a hit is shown).

        Every file is checked against the others first: SearchIndexDamaged says what is wrong,
        rather than a search quietly answering from a damaged index."""
        if not isinstance(manifest, list) or not all(
                isinstance(x, list) and len(x) == 2 and all(isinstance(v, int) for v in x) for x in manifest):
            raise SearchIndexDamaged(f"{self.folder}: the index file's list of search segments is damaged")
        vocab = Vocab.load(self.folder)
        segments: list[Segment] = []
        for sid, count in manifest:
            seg = Segment.load(self.folder, sid)
            if len(seg.docs) != count:
                raise SearchIndexDamaged(f"{self.folder / f's{sid:06d}.*'}: holds {len(seg.docs)} stories, not {count}")
            if len(seg.tids) and int(seg.tids.max()) >= len(vocab.terms):
                raise SearchIndexDamaged(f"{self.folder / 'vocab.json'}: has fewer words than the segments use")
            segments.append(seg)
        try:
            return SearchIndex(segments, vocab)
        except (IndexError, ValueError) as exc:
            raise SearchIndexDamaged(f"{self.folder}: its segments do not agree ({exc})") from None

    def check(self, manifest: Manifest, *, texts: bool = False) -> str | None:
        """What is wrong with the search files, or None. `texts`: also unpack every story's text
        (what `reader doctor` does; a search unpacks only the stories it shows)."""
        self._checked = None
        wrote = self._wrote
        if not texts and wrote is not None and wrote[0] == manifest and wrote[1] == self._identity(manifest):
            self._checked = wrote[2]  # the files this object wrote, each unchanged since
            return None
        try:
            index = self.load(manifest)
            self._checked = index.vocab
            if texts:
                for seg in index.segments:
                    for slot in range(len(seg.docs)):
                        seg.story_text(slot)
        except SearchIndexDamaged as exc:
            return str(exc)
        return None

"""The threaded comment pane: pre-wrapped lines, only the visible ones painted, a comment cursor."""

from __future__ import annotations

import re
from collections.abc import Hashable

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive

from reader.models import Article
from reader.render import HIGHLIGHT, Change, Line, comment_headline, comment_lines, indent_guides
from reader.text import word_pattern, word_set
from reader.threads_view import COMMENT_SORTS, Row, Thread
from reader.ui.widgets.lineview import LazyLineView


class CommentTree(LazyLineView):
    BINDINGS = [
        Binding("j,down", "move(1)", "Next", id="comments.next", tooltip="Next comment"),
        Binding("k,up", "move(-1)", "Prev", id="comments.prev", show=False, tooltip="Previous comment"),
        Binding("J", "sibling(1)", "Next sibling", id="comments.next_sibling", show=False),
        Binding("K", "sibling(-1)", "Prev sibling", id="comments.prev_sibling", show=False),
        Binding("p", "parent", "Parent", id="comments.parent", tooltip="Go to the comment this replies to"),
        Binding("r", "root", "Root", id="comments.root", show=False, tooltip="Go to the top of this thread"),
        Binding("n", "next_thread(1)", "Next thread / match", id="comments.next_thread", show=False,
                tooltip="Next top-level thread (next match while a search is active)"),
        Binding("N", "next_thread(-1)", "Prev thread / match", id="comments.prev_thread", show=False,
                tooltip="Previous top-level thread (previous match while a search is active)"),
        Binding("space", "fold", "Fold", id="comments.fold", tooltip="Fold or unfold this comment's subtree"),
        Binding("z", "fold_all(True)", "Fold all", id="comments.fold_all", show=False),
        Binding("Z", "fold_all(False)", "Unfold all", id="comments.unfold_all", show=False),
        Binding("g,home", "jump(0)", "First", id="comments.first", show=False),
        Binding("G,end", "jump(-1)", "Last", id="comments.last", show=False),
        Binding("pagedown", "page(1)", "Page down", id="comments.page_down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="comments.page_up", show=False),
        Binding("ctrl+d", "half_page(1)", "Half page down", id="comments.half_down", show=False),
        Binding("ctrl+u", "half_page(-1)", "Half page up", id="comments.half_up", show=False),
        Binding("y", "copy_comment", "Copy", id="comments.copy", show=False,
                tooltip="Copy this comment as a Markdown quote (to the terminal's clipboard, OSC 52)"),
        Binding("right_square_bracket", "next_new(1)", "Next new", id="comments.next_new",
                tooltip="Next comment new since you last looked (✦)"),
        Binding("left_square_bracket", "next_new(-1)", "Prev new", id="comments.prev_new", show=False,
                tooltip="Previous comment new since you last looked"),
        Binding("v", "dense", "Headers only", id="comments.dense",
                tooltip="Headers only: one line per comment, for the whole tree (again: full comments)"),
        Binding("V", "dense_subtree", "Headers here", id="comments.dense_subtree", show=False,
                tooltip="Headers only for this comment's subtree (again: full comments)"),
        Binding("e", "expand_quote", "Expand quote", id="comments.expand_quote", show=False,
                tooltip="Show in full the quote of the comment this replies to (↳ lines), and fold it again"),
        Binding("x", "earlier_versions", "Earlier versions", id="comments.earlier", show=False,
                tooltip="Show or hide the earlier versions of an edited comment (✎)"),
        Binding("c", "cycle_sort", "Sort", id="comments.sort",
                tooltip="Cycle comment sort: score, top, controversial, oldest, newest"),
    ]
    COMPONENT_CLASSES = {"comment-tree--cursor"}
    DEFAULT_CSS = """
    CommentTree { scrollbar-gutter: stable; padding: 0 1; }  /* the wrap width never changes when the bar appears */
    CommentTree > .comment-tree--cursor { background: $boost; }
    CommentTree:focus > .comment-tree--cursor { background: $primary 25%; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class SortChanged(Message):
        def __init__(self, sort: str) -> None:
            super().__init__()
            self.sort = sort

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.sort = "score"
        self.thread: Thread | None = None
        self.folded: set[int] = set()
        self.show_earlier: set[int] = set()  # edited comments whose earlier versions are listed
        self.rows: list[Row] = []
        self.matches: set[int] = set()
        self.changes: dict[int, Change] = {}  # comment id -> (new since last looked, score moved)
        self.dense = False  # headers only, the whole tree
        self.dense_roots: set[int] = set()  # headers only under these comments
        self.expanded: set[int] = set()  # comments whose quote of their parent is shown in full
        self._pattern: re.Pattern[str] | None = None

    # ---- data in

    def show(self, article: Article | None, *, focus_comment: int | None = None, terms: list[str] | None = None,
             changes: dict[int, Change] | None = None) -> None:
        self.article = article
        self.changes = changes or {}
        self.dense_roots, self.expanded = set(), set()
        self.thread = Thread(article.comments, self.sort) if article else None
        self.folded = set()
        self.show_earlier = set()
        self.set_terms(terms or [], rebuild=False)
        self.rows = self.thread.rows(self.folded, self.show_earlier) if self.thread else []
        self.forget_layout()  # laid out at the next paint, at the width the pane finally gets
        self.virtual_size = Size(self.content_width, max(1, len(self.rows)))
        self.refresh()
        self.cursor = 0
        if focus_comment is not None:
            self.focus_comment(focus_comment)
        self.scroll_to(0, 0, animate=False) if focus_comment is None else None

    def set_terms(self, terms: list[str], *, rebuild: bool = True) -> None:
        """Search terms to highlight; n/N then move between comments that contain them."""
        self._pattern = word_pattern(terms)
        termset = set(terms)
        held = {c.id: termset & word_set(" ".join(b.text for b in c.blocks))
                for c in self.article.comments} if self.article and terms else {}
        # n/N walk the comments holding every word; when none does, those holding any
        every = {cid for cid, got in held.items() if got == termset}
        self.matches = every or {cid for cid, got in held.items() if got}
        if rebuild:
            self._rebuild(keep=self.current_id)

    def set_sort(self, sort: str, *, keep_place: bool = False) -> None:
        """Sort the comments again; the cursor goes to the new first comment (or, with
        `keep_place`, stays on the comment it was on)."""
        keep = self.current_id if keep_place else None
        self.sort = sort
        if self.article:
            self.thread = Thread(self.article.comments, sort)
        self.cursor = 0
        self._rebuild(keep=keep)
        if keep is None:
            self.scroll_to(0, 0, animate=False)
        self.post_message(self.SortChanged(sort))

    def focus_comment(self, cid: int) -> None:
        """Put the cursor on comment `cid`, unfolding everything above it."""
        if not self.thread or cid not in self.thread.comments:
            return
        if not any(r.comment.id == cid for r in self.rows):
            cid = self.thread.shown(cid)  # an earlier version: its latest stands in for it
        hidden = set(self.thread.ancestors(cid)) | {cid}
        if self.folded & hidden:
            self.folded -= hidden
            self._rebuild(keep=cid)
        self._move_to_id(cid)

    # ---- layout of lines

    @property
    def current_id(self) -> int | None:
        return self.rows[self.cursor].comment.id if 0 <= self.cursor < len(self.rows) else None

    def _rebuild(self, keep: int | None) -> None:
        """Lay out the comments again (after a fold, a sort or a new width), keeping comment
        `keep` under the cursor; the first screenful now, the rest in the background."""
        self.rows = self.thread.rows(self.folded, self.show_earlier) if self.thread else []
        keep_row = next((i for i, r in enumerate(self.rows) if r.comment.id == keep), 0) if keep is not None else 0
        self.relayout(max(keep_row + 1, self.cursor + 1))
        if keep is not None:
            self._move_to_id(keep)
        else:
            self.cursor = min(self.cursor, max(0, len(self.rows) - 1))
            self.call_after_refresh(self._reveal_cursor)

    def unit_count(self) -> int:
        return len(self.rows)

    def unit_lines(self, unit: int, width: int) -> list[Line]:
        row = self.rows[unit]
        change = self.changes.get(row.comment.id)
        if self._is_dense(row.comment.id):
            return [comment_headline(row, width, change)]
        lines = comment_lines(row, width, change, collapse_parent=row.comment.id not in self.expanded)
        return [*lines, Line(indent_guides(row.depth), "")]

    def _is_dense(self, cid: int) -> bool:
        if self.dense:
            return True
        if not self.dense_roots or self.thread is None:
            return False
        return cid in self.dense_roots or any(a in self.dense_roots for a in self.thread.ancestors(cid))

    def width_changed(self) -> None:
        self._rebuild(keep=None)

    def on_resize(self, event: events.Resize) -> None:
        self.refresh()  # the next paint lays the lines out again if the width changed

    def _move_to_id(self, cid: int) -> None:
        for i, row in enumerate(self.rows):
            if row.comment.id == cid:
                self.cursor = i
                return

    # ---- LineView

    def line_key(self, index: int, width: int) -> Hashable | None:
        key = super().line_key(index, width)
        return None if key is None else (key, self._pattern.pattern if self._pattern is not None else None)

    def line_text(self, index: int, width: int) -> Text:
        text = super().line_text(index, width)
        if self._pattern is not None:
            text.highlight_regex(self._pattern, HIGHLIGHT)
        return text

    def line_style(self, index: int) -> Style | None:
        if index < len(self.lines) and self.unit_of(index) == self.cursor:
            return self.get_component_rich_style("comment-tree--cursor")
        return None

    def empty_text(self) -> Text:
        msg = "No comments on this story." if self.article else "Open a story to read its comments."
        return Text("  " + msg, style="dim italic")

    # ---- cursor

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.rows:
            return
        if self._width != self.content_width:
            self.refresh()  # not laid out yet: the lazy layout scrolls the cursor into view
            return
        for i in (old, new):
            if 0 <= i < len(self.rows):
                s, e = self.span(i)
                self.refresh_lines(s, e - s)
        self._reveal_cursor()

    def _reveal_cursor(self) -> None:
        if not (0 <= self.cursor < len(self.unit_start)):
            return
        s, e = self.span(self.cursor)
        height = max(1, self.scrollable_content_region.height)
        self.scroll_to_region(Region(0, s, 1, min(e - s, height)), animate=False, force=True)

    def action_move(self, delta: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def action_jump(self, where: int) -> None:
        if self.rows:
            self.cursor = 0 if where == 0 else len(self.rows) - 1  # span() lays out up to the row

    def action_page(self, direction: int) -> None:
        self._move_lines(direction, max(1, self.scrollable_content_region.height))

    def action_half_page(self, direction: int) -> None:
        self._move_lines(direction, max(1, self.scrollable_content_region.height // 2))

    def _move_lines(self, direction: int, lines: int) -> None:
        """Move the cursor about `lines` lines (to the comment there; at least one comment)."""
        if not self.rows:
            return
        start = self.span(self.cursor)[0]
        self.extend(self.cursor + 2, min_lines=start + 2 * lines)
        target = max(0, min(len(self.lines) - 1, start + direction * lines))
        row = self.unit_of(target)
        self.cursor = row if row != self.cursor else max(0, min(len(self.rows) - 1, row + direction))

    def action_copy_comment(self) -> None:
        from reader.export import comment_markdown

        cid = self.current_id
        if cid is None or self.thread is None:
            return
        self.app.copy_to_clipboard(comment_markdown(self.thread.comments[cid], self.article.title if self.article else None))
        self.notify(f"Copied comment #{cid} as a Markdown quote", timeout=2)

    def action_sibling(self, direction: int) -> None:
        if not self.rows:
            return
        depth = self.rows[self.cursor].depth
        i = self.cursor + direction
        while 0 <= i < len(self.rows):
            d = self.rows[i].depth
            if d < depth:
                break
            if d == depth:
                self.cursor = i
                return
            i += direction
        self.app.bell()

    def action_parent(self) -> None:
        cid = self.current_id
        parent = self.thread.parent.get(cid) if self.thread and cid is not None else None
        if parent is None:
            self.app.bell()
        else:
            self._move_to_id(parent)

    def action_root(self) -> None:
        cid = self.current_id
        if self.thread and cid is not None:
            self._move_to_id(self.thread.root_of(cid))

    def action_next_thread(self, direction: int) -> None:
        if not self.rows or not self.thread:
            return
        if self.matches:
            # Like a pager's search: next/previous match in reading order, wrapping, unfolding as needed.
            order = [r.comment.id for r in self.thread.rows() if r.comment.id in self.matches]
            cur = self.current_id
            full = [r.comment.id for r in self.thread.rows()]
            pos = full.index(cur) if cur in full else -1
            after = [c for c in order if (full.index(c) > pos if direction > 0 else full.index(c) < pos)]
            target = (after[0] if direction > 0 else after[-1]) if after else (order[0] if direction > 0 else order[-1])
            self.focus_comment(target)
            return
        i = self.cursor + direction
        while 0 <= i < len(self.rows):
            if self.rows[i].depth == 0:
                self.cursor = i
                return
            i += direction
        self.app.bell()

    def action_earlier_versions(self) -> None:
        if not (0 <= self.cursor < len(self.rows)) or self.thread is None:
            return
        row = self.rows[self.cursor]
        cid = row.version_of if row.version_of is not None else row.comment.id
        if not self.thread.earlier.get(cid):
            self.notify("This comment was not edited.", timeout=1.5)
            return
        self.show_earlier ^= {cid}
        self._rebuild(keep=cid)

    def action_dense(self) -> None:
        self.dense = not self.dense
        self.dense_roots.clear()
        self._rebuild(keep=self.current_id)
        self.notify("Headers only: v for full comments" if self.dense else "Full comments", timeout=1.5)

    def _toggle_here(self, marks: set[int]) -> None:
        """Add or take the comment under the cursor from `marks`, and lay the tree out again."""
        cid = self.current_id
        if cid is not None:
            marks ^= {cid}
            self._rebuild(keep=cid)

    def action_dense_subtree(self) -> None:
        self._toggle_here(self.dense_roots)

    def action_expand_quote(self) -> None:
        self._toggle_here(self.expanded)

    @property
    def new_ids(self) -> set[int]:
        return {cid for cid, (new, _delta) in self.changes.items() if new}

    def action_next_new(self, direction: int) -> None:
        """Next (or previous) new comment in reading order, wrapping, unfolding as needed."""
        new = self.new_ids
        if not self.thread or not new:
            self.notify("No new comments since you last looked.", timeout=2)
            return
        full = [r.comment.id for r in self.thread.rows()]
        order = [c for c in full if c in new]
        cur = self.current_id
        pos = full.index(cur) if cur in full else -1
        at = {c: i for i, c in enumerate(full)}
        after = [c for c in order if (at[c] > pos if direction > 0 else at[c] < pos)]
        target = (after[0] if direction > 0 else after[-1]) if after else (order[0] if direction > 0 else order[-1])
        if not after and len(order) > 1:
            self.notify("Back to the first new comment" if direction > 0 else "Back to the last new comment",
                        timeout=1.5)
        self.focus_comment(target)

    def action_fold(self) -> None:
        self._toggle_here(self.folded)

    def action_fold_all(self, fold: bool) -> None:
        if not self.thread:
            return
        keep = self.current_id
        if fold:
            self.folded = {c.id for c in self.thread.comments.values() if self.thread.children.get(c.id)}
            keep = self.thread.root_of(keep) if keep is not None else None
        else:
            self.folded = set()
        self._rebuild(keep=keep)

    def action_cycle_sort(self) -> None:
        self.set_sort(COMMENT_SORTS[(COMMENT_SORTS.index(self.sort) + 1) % len(COMMENT_SORTS)])

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if index >= 0 and self.laid_out(index):
            self.cursor = self.unit_of(index)

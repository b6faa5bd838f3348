"""Rich renderables for stories and comments. Pure helpers (no Textual) shared by CLI and TUI.

Page text is always wrapped in `Text` objects, never interpolated into markup, so `[bold]` in a
comment is shown as written and styles nothing.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, chop_cells, set_cell_size
from rich.color import ColorSystem
from rich.console import Console, Group, RenderableType
from rich.style import Style
from rich.text import Text

from reader.models import Article, Comment, StoryEntry
from reader.text import word_pattern
from reader.threads_view import Row

if TYPE_CHECKING:
    from reader.history import Version
    from reader.search.hits import Hit

_NULL_CONSOLE = Console(width=200, file=io.StringIO(), color_system=None, legacy_windows=False)
GUIDE_STYLES = ["blue", "magenta", "cyan", "green", "yellow", "red"]
MAX_INDENT = 10  # deeper replies are drawn at this indent with their depth written out


def date_label(e: StoryEntry) -> str:
    """The story's date, or nothing: a copyright year is not a date."""
    return e.published[:10] if e.published else ""


def votes_text(score: int | None, up: int | None, down: int | None) -> Text:
    """`-12 ▲4 ▼16`, net coloured by sign."""
    if score is None and up is None and down is None:
        return Text("no votes", style="dim")
    net = "?" if score is None else (f"+{score}" if score > 0 else str(score))
    style = "bold green" if (score or 0) > 0 else "bold red" if (score or 0) < 0 else "bold"
    if up is None and down is None:
        return Text(net, style=style)  # a site that shows only a score (Reddit, forums)
    return Text.assemble((net, style), " ", (f"▲{'?' if up is None else up}", "green"), " ",
                         (f"▼{'?' if down is None else down}", "red"))


def story_meta(e: StoryEntry, *, counts: bool = True, tail: bool = True) -> Text:
    """A story's second line, most important first and labelled: net score, votes up and down
    (not when `counts` is False), comments (and new ones), score movement since the last look,
    source, date (not when `tail` is False)."""
    core = _meta_core(e, counts)
    return Text.assemble(core, *_meta_tail(e)) if tail else core


def _meta_core(e: StoryEntry, counts: bool = True) -> Text:
    """The second line up to its comments (and new ones): what a narrow row keeps whole."""
    up, down = e.up, e.votes - e.up  # (not from the net: a forum mixes scores alone with up-and-down votes)
    net = Text.assemble(("net ", "dim"), (f"{e.score:+d}" if e.score else "0",
                                          "green" if e.score > 0 else "red" if e.score < 0 else "dim"))
    if e.moved:
        net.append_text(Text.assemble(" (", delta_text(e.moved), ")"))
    n = e.comments
    parts: list[Text | tuple[str, str] | str] = [net, _SEP]
    if counts and (e.votes or not e.score):  # (a site that shows only scores: the net says it all)
        parts += [(f"▲{up} ▼{down}", "dim") if e.votes else ("no votes", "dim"), _SEP]
    parts.append((f"{n} comment{'s' if n != 1 else ''}", "cyan" if n else "dim"))
    if e.new_comments:
        parts += [" ", (f"+{e.new_comments} new", "bold magenta")]
    return Text.assemble("    ", *parts)


def _meta_tail(e: StoryEntry) -> list[tuple[str, str]]:
    """The second line's end: source and date (cut first when the row is narrow)."""
    parts = [_SEP, (e.source or "web", "dim")]
    if date := date_label(e):
        parts += [_SEP, (date, "dim")]
    return parts


_SEP = (" · ", "dim")


def story_lines(e: StoryEntry, width: int = 80, rows: int = 2, child: bool = False) -> tuple[Text, ...]:
    """A story in the list: marks and title (wrapped to two lines when `rows` is 3), then the
    metadata line; a row shorter than `rows` ends with a blank line. A `child` is other coverage
    of the story above it (the list grouped): drawn indented under a `↳`."""
    if child:
        lines = story_lines(e, max(12, width - 4), rows)
        return (Text.assemble(("  ↳ ", "cyan"), lines[0]), *(Text.assemble("    ", ln) for ln in lines[1:]))
    unread = Text("● ", style="bold cyan") if not e.read else Text("  ")
    mark = Text("★ ", style="bold yellow") if e.bookmarked else Text("  ")
    style = "bold" if not e.read else ""
    title = e.title or "(untitled)"
    inner = max(8, width - 4)
    # The source and date are cut first; when the rest does not fit either (= : the ellipsis
    # takes a cell), the votes up and down go, so that the comments and the new ones show whole.
    core = _meta_core(e)
    if core.cell_len >= width:
        core = _meta_core(e, counts=False)
    meta = Text.assemble(core, *_meta_tail(e))
    meta.truncate(width, overflow="ellipsis")
    if rows < 3 or cell_len(title) <= inner:
        first = Text(title, style=style)
        first.truncate(inner, overflow="ellipsis")
        out: tuple[Text, ...] = (Text.assemble(unread, mark, first), meta)
        return out if rows < 3 else (*out, Text(""))
    first = Text(title, style=style).wrap(_NULL_CONSOLE, inner)[0]
    second = Text(title[len(first.plain):].strip(), style=style)
    first.rstrip()
    second.truncate(inner, overflow="ellipsis")
    return Text.assemble(unread, mark, first), Text.assemble("    ", second), meta


def hit_text(h: Hit, width: int = 100, *, story_id: int | None = None, mark: str = "bold reverse") -> Text:
    """A search hit in two lines: [id] title and where it matched; then the snippet with the
    matched words marked (the CLI and the search screen both draw hits with this). The order
    says how well each matched: its score (in `--json`) is no number to read."""
    title = Text(h.title, style="bold")
    prefix = Text(f"{story_id if story_id is not None else '?':>4} ", style="bold") if story_id is not None else Text()
    more = f"  +{h.more_comments} more in comments" if h.more_comments > 0 else ""
    title.truncate(max(20, width - 3 - len(h.where) - len(more) - prefix.cell_len), overflow="ellipsis")
    head = Text.assemble(prefix, title, "  ", (h.where, "cyan"), (more, "magenta"))
    head.truncate(width, overflow="ellipsis")
    snippet = Text(h.snippet, style="dim")
    for start, end in h.spans:
        snippet.stylize(mark, start, end)
    snippet.truncate(max(10, width - (prefix.cell_len or 2)), overflow="ellipsis")  # one line: no orphans
    return Text.assemble(head, "\n" + " " * (prefix.cell_len or 2), snippet)


HIGHLIGHT = "bold reverse"


def article_renderable(a: Article, highlight: list[str] | None = None) -> RenderableType:
    return Group(*article_parts(a, highlight))


def article_meta(a: Article) -> list[Text]:
    """The lines under the title: source · category · date, byline, wire credit, photo caption."""
    out: list[Text] = []
    when = a.published[:16].replace("T", " ") if a.published else (f"© {a.copyright_year}" if a.copyright_year else None)
    meta = [x for x in (a.source, a.category, when) if x]
    if meta:
        out.append(Text(" · ".join(meta), style="dim"))
    if a.byline:
        out.append(Text(f"By {a.byline}", style="italic"))
    if a.credit:
        out.append(Text(f"Wire: {a.credit}", style="dim"))
    if a.image:
        cap = Text("Photo: ", style="dim")
        cap.append(a.image.get("caption") or "", style="dim italic")
        if a.image.get("credit"):
            cap.append(f"  (Image: {a.image['credit']})", style="dim")
        out.append(cap)
    if a.url:
        out.append(Text(a.url, style="dim underline"))
    return out


COVERAGE_SHOWN = 5  # related stories listed under the title; the rest are counted


def coverage_parts(coverage: list[tuple[str, str, str]]) -> list[Text]:
    """"Also covered by": (outlet, date, title) of each related story, the closest first."""
    if not coverage:
        return []
    n = len(coverage)
    head = Text.assemble(("Also covered by ", "bold"), (f"{n} other stor{'y' if n == 1 else 'ies'}", "cyan"),
                         ("   > next · < back · D compare", "dim"))
    out = [head]
    for outlet, date, title in coverage[:COVERAGE_SHOWN]:
        row = Text.assemble(("  • ", "cyan"), (outlet, "cyan"), (f" · {date}" if date else "", "dim"), "  ", title)
        row.no_wrap = True  # one line each: the list stays short and scannable
        out.append(row)
    if n > COVERAGE_SHOWN:
        out.append(Text(f"  and {n - COVERAGE_SHOWN} more (> walks through them all)", style="dim"))
    return out


def article_parts(a: Article, highlight: list[str] | None = None,
                  coverage: list[tuple[str, str, str]] | None = None) -> list[Text]:
    """The article as paragraphs (title, meta, caption, other coverage, body, the page's related
    links), each a Rich Text."""
    pattern = word_pattern(highlight or [])

    def mark(t: Text) -> Text:
        if pattern is not None:
            t.highlight_regex(pattern, HIGHLIGHT)
        return t

    parts: list[Text] = [mark(Text(a.title, style="bold")), *article_meta(a)]
    for note in a.notes:
        if "expired" in note:
            parts.append(Text(f"⚠ {note}", style="yellow"))
    if coverage:
        parts.append(Text(""))
        parts += coverage_parts(coverage)
    parts.append(Text(""))
    if not a.body:
        parts.append(Text("(no article text on this page)", style="dim italic"))
    for p in a.body:
        parts.append(mark(Text(p)))
        parts.append(Text(""))
    if a.related:
        parts.append(Text("Related", style="bold underline"))
        section = None
        for r in a.related:
            if r["section"] != section:
                section = r["section"]
                parts.append(Text(section, style="dim bold"))
            parts.append(Text.assemble("  • ", r["title"]))
    return parts


_QUOTE_MARK = re.compile(r"^(?:>\s?)+")  # `> quoted words`: the bar already says it is a quote


def quote_label(of: Any) -> str:
    return "quoting the article" if of == "article" else f"quoting #{of}" if of is not None else "quoting"


Change = tuple[bool, int | None]  # (new since the reader last looked, score moved since then)
NEW_MARK = ("✦ new", "bold magenta")


def delta_text(delta: int) -> Text:
    """`▲+5` / `▼-3`: how a score moved since the reader last looked."""
    return Text(f"▲+{delta}" if delta > 0 else f"▼{delta}", style="green" if delta > 0 else "red")


def comment_header(c: Comment, replies: int = 0, descendants: int = 0, folded: bool = False,
                   depth: int = 0, change: Change | None = None, earlier: int = 0,
                   version_of: int | None = None, *, votes: bool = True) -> Text:
    """`votes`: false where the site shows none (no comment of the story has any): no `no votes`."""
    head = Text()
    if change is not None and change[0]:
        head.append_text(Text.assemble(NEW_MARK, "  "))
    head.append(c.author or "anonymous", style="bold")
    if votes:
        head.append_text(Text.assemble("  ", votes_text(c.score, c.up, c.down)))
    if change is not None and change[1]:
        head.append_text(Text.assemble("  (", delta_text(change[1]), ")"))
    head.append("  #" + str(c.id), style="dim")
    if c.posted:
        head.append(f"  {c.posted}", style="dim")
    if version_of is not None:
        head.append(f"  earlier version of #{version_of}", style="italic yellow")
    elif earlier:
        head.append(f"  ✎ edited ({earlier} earlier version{'s' if earlier != 1 else ''})", style="italic yellow")
    if c.removed is not None:
        head.append("  ✗ gone from the page", style="italic red")
    elif c.edits:
        head.append("  ✎ edited since first seen", style="italic yellow")
    if replies:
        head.append(f"  {replies} repl{'y' if replies == 1 else 'ies'}", style="cyan")
    if folded:
        head.append(f"  [+{descendants} hidden]" if descendants else "  [folded]", style="bold yellow")
    if depth > MAX_INDENT:
        head.append(f"  (depth {depth})", style="dim")
    return head


QUOTE_BAR = ("▎ ", "cyan")


def comment_body(c: Comment, *, collapse_parent: bool = False) -> list[tuple[Text, Text]]:
    """The comment's blocks in page order as (prefix, text) pairs: quotes get a bar and a label.

    A blank line separates paragraphs; a quote is labelled with what it quotes. With
    `collapse_parent`, a quote of the comment it replies to (shown just above it) is one line.
    """
    out: list[tuple[Text, Text]] = []
    prev: Any = None
    for k, b in enumerate(c.blocks):
        continuing = b.quote and prev is not None and prev.quote and prev.of == b.of
        parent_quote = collapse_parent and b.quote and b.of is not None and b.of == c.parent
        prev = b
        if parent_quote and continuing:
            continue  # the quote is already its one line
        if k and out:
            out.append((Text(QUOTE_BAR[0], QUOTE_BAR[1]) if continuing else Text(), Text("")))
        if parent_quote:
            words = " ".join(_QUOTE_MARK.sub("", b.text).split())
            words = words if len(words) <= 90 else words[:89].rstrip() + "…"
            out.append((Text("↳ ", style="cyan"), Text.assemble((f"quoting #{b.of}: ", "dim italic cyan"),
                                                               (f"“{words}”", "dim italic"))))
        elif b.quote:
            if not continuing:
                out.append((Text(*QUOTE_BAR), Text(quote_label(b.of), style="dim italic cyan")))
            out.append((Text(*QUOTE_BAR), Text(_QUOTE_MARK.sub("", b.text) or b.text, style="italic dim")))
        else:
            out.append((Text(), Text(b.text)))
    if not c.blocks:
        out.append((Text(), Text("(empty)", style="dim")))
    return out


def comment_headline(row: Row, width: int, change: Change | None = None) -> Line:
    """A comment in one line (the dense, headers-only view): header and its first words."""
    g = indent_guides(row.depth)
    head = comment_header(row.comment, row.replies, row.descendants, row.folded, row.depth, change,
                          row.earlier, row.version_of, votes=not row.voteless)
    words = " ".join(row.comment.text.split()) or " ".join(" ".join(b.text for b in row.comment.blocks).split())
    line = Text.assemble(head, ("  ", ""), (words, "dim"))
    line.truncate(max(10, width - g.cell_len), overflow="ellipsis")
    return Line(g, line)


def indent_guides(depth: int) -> Text:
    t = Text()
    for level in range(min(depth, MAX_INDENT)):
        t.append("│ ", style=GUIDE_STYLES[level % len(GUIDE_STYLES)])
    return t


_WRAP_CONSOLE: Console | None = None


def wrap(text: Text, width: int) -> list[Text]:
    """Word-wrap `text` to `width` cells (no terminal involved)."""
    global _WRAP_CONSOLE
    if _WRAP_CONSOLE is None:
        _WRAP_CONSOLE = Console(width=1000, color_system=None, force_terminal=False, legacy_windows=False)
    return list(text.wrap(_WRAP_CONSOLE, max(8, width), overflow="fold")) or [Text("")]


def wrap_plain(text: str, width: int) -> list[str]:
    """Greedy word wrap by terminal cells (CJK and emoji count double); long words are folded.

    Far cheaper than Rich's general wrapper, which matters for a 500-comment thread.
    """
    width = max(4, width)
    if text.isascii() and len(text) <= width and "\n" not in text:
        return [text]
    measure = len if text.isascii() else cell_len
    out: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0
        for word in para.split(" "):
            w = measure(word)
            if w > width:
                if line:
                    out.append(line)
                chunks = chop_cells(word, width)
                out.extend(chunks[:-1])
                line, used = chunks[-1], cell_len(chunks[-1])
            elif not line:
                line, used = word, w
            elif used + 1 + w <= width:
                line += " " + word
                used += 1 + w
            else:
                out.append(line)
                line, used = word, w
        out.append(line)
    return out


class Line:
    """One wrapped line of a comment, turned into a Rich Text only when it is painted."""

    __slots__ = ("body", "head", "style")

    def __init__(self, head: Text, body: str | Text, style: str | Style = "") -> None:
        self.head, self.body, self.style = head, body, style

    @property
    def plain(self) -> str:
        return self.head.plain + (self.body if isinstance(self.body, str) else self.body.plain)

    def text(self) -> Text:
        body = Text(self.body, style=self.style) if isinstance(self.body, str) else self.body
        return self.head + body if self.head.plain else body.copy()


def paragraph_lines(part: Text, width: int) -> list[Line]:
    """One paragraph wrapped to `width`, as lines that become Rich Text only when painted (a
    `no_wrap` Text stays one line, cut with an ellipsis)."""
    if part.no_wrap:
        one = part.copy()
        one.truncate(max(1, width), overflow="ellipsis")
        return [Line(_NO_HEAD, one)]
    return [Line(_NO_HEAD, body, part.style) for body in _wrap_part(part, width)]


_NO_HEAD = Text("")


def _wrap_part(part: Text, width: int) -> list[str | Text]:
    if not part.spans:  # one style throughout: the fast path
        return wrap_plain(part.plain, width)  # type: ignore[return-value]
    if part.cell_len <= width and "\n" not in part.plain:
        return [part]
    return wrap(part, width)  # type: ignore[return-value]


def comment_lines(row: Row, width: int, change: Change | None = None, *, collapse_parent: bool = False) -> list[Line]:
    """One comment as wrapped lines with coloured indentation guides (the CLI and the TUI use this)."""
    g = indent_guides(row.depth)
    inner = max(20, width - g.cell_len)
    parts = [(Text(), comment_header(row.comment, row.replies, row.descendants, row.folded, row.depth, change,
                                     row.earlier, row.version_of, votes=not row.voteless))]
    if not row.folded:
        body = comment_body(row.comment, collapse_parent=collapse_parent and row.depth > 0)
        if row.comment.removed is not None:  # kept for the record, shown quieter
            body = [(prefix, Text(t.plain, style="dim strike" if not t.style else t.style)) for prefix, t in body]
        if row.comment.edits:  # the words it had before its last edit
            earlier = " ".join(str(row.comment.edits[-1][1]).split())
            body += [(Text(), Text("")), (Text("✎ ", style="yellow"),
                                         Text("before the edit: " + earlier, style="dim italic"))]
        parts += body
    out: list[Line] = []
    for prefix, part in parts:
        head = g + prefix if prefix.plain else g
        if prefix.plain == "↳ ":  # a collapsed quote of the parent stays one line
            part = part.copy()
            part.truncate(max(10, inner - prefix.cell_len), overflow="ellipsis")
        for piece in _wrap_part(part, inner - prefix.cell_len):
            out.append(Line(head, piece, part.style))
    return out


def thread_lines(rows: list[Row], width: int) -> list[Text]:
    out: list[Text] = []
    for row in rows:
        out += [line.text() for line in comment_lines(row, width)]
        out.append(indent_guides(row.depth))
    return out


# ---- whole documents for a stream (the CLI): fast at any size

_COLOR_SYSTEMS = {"standard": ColorSystem.STANDARD, "256": ColorSystem.EIGHT_BIT,
                  "truecolor": ColorSystem.TRUECOLOR, "windows": ColorSystem.WINDOWS}


@functools.lru_cache(maxsize=256)
def _parsed_style(style: str) -> Style:
    return Style.parse(style)


def line_strings(lines: Iterable[Line], console: Console) -> Iterator[str]:
    """Wrapped lines as the strings to write: plain when the console has no colour, else with
    ANSI styles. Rich's own printing crops and re-wraps every line (minutes for a 10 MB page or a
    100,000-comment thread); these lines are wrapped already, so each is only styled."""
    cs = _COLOR_SYSTEMS.get(console.color_system or "")
    if cs is None:
        for line in lines:
            yield line.plain
        return
    for line in lines:
        parts = [_segments(line.head, console)] if line.head.plain else []
        if isinstance(line.body, str):
            style = line.style if isinstance(line.style, Style) else _parsed_style(line.style) if line.style else None
            parts.append(style.render(line.body, color_system=cs) if style else line.body)
        else:
            parts.append(_segments(line.body, console))
        yield "".join(parts)


def _segments(text: Text, console: Console) -> str:
    cs = _COLOR_SYSTEMS.get(console.color_system or "")
    return "".join(seg.style.render(seg.text, color_system=cs) if seg.style else seg.text
                   for seg in text.render(console) if seg.text != "\n")


def story_lines_for_stream(a: Article, rows: list[Row], width: int, rule: str,
                           changes: dict[int, Change] | None = None) -> Iterator[Line]:
    """A whole story, wrapped to `width`: the article, a rule carrying `rule`, the comment tree."""
    for part in article_parts(a):
        if not part.plain:
            yield Line(_NO_HEAD, "")
            continue
        yield from paragraph_lines(part, width)
    label = f"── {rule} "
    yield Line(_NO_HEAD, label + "─" * max(0, width - cell_len(label)), "dim")
    if not rows:
        yield Line(_NO_HEAD, "No comments.", "dim")
    changes = changes or {}
    for row in rows:
        yield from comment_lines(row, width, changes.get(row.comment.id))
        yield Line(indent_guides(row.depth), "")


def story_table(entries: list[StoryEntry], width: int, caption: str) -> Iterator[Line]:
    """The story list as fixed columns, one line a story (`reader list` on a terminal)."""
    title_w = max(16, width - 65)  # 65 cells: id, marks, source, date, comments, votes, score, new
    yield Line(_NO_HEAD, caption, "dim")
    yield Line(_NO_HEAD, f"{'id':>5}    {'title':<{title_w}} {'source':<14} {'date':<10} {'cmts':>5} {'votes':>6} "
               f"{'score':>6} {'new':>4}"[:width], "bold")
    for e in entries:
        marks = Text.assemble(("★" if e.bookmarked else " ", "yellow"), (" " if e.read else "●", "cyan"))
        title = _fit(e.title, title_w)
        source = _fit(e.source or "—", 14)
        score_style = "green" if e.score > 0 else "red" if e.score < 0 else "dim"
        body = Text.assemble(f"{e.id:>5} ", marks, " ", (title, "" if e.read else "bold"), " ", (source, "dim"), " ",
                             (f"{date_label(e):<10}", "dim"), f" {e.comments:>5} {e.votes:>6} ",
                             (f"{e.score:>+6}" if e.score else f"{0:>6}", score_style), " ",
                             (f"{'+' + str(e.new_comments) if e.new_comments else '':>4}", "bold magenta"))
        yield Line(_NO_HEAD, body)


def _fit(s: str, width: int) -> str:
    """`s` padded or cut (with an ellipsis) to exactly `width` cells."""
    if cell_len(s) <= width:
        return s + " " * (width - cell_len(s))
    return set_cell_size(s, width - 1) + "…"


def history_lines(e: StoryEntry, versions: list[Version], width: int, per_kind: int = 8) -> Iterator[Line]:
    """`reader history`: each import of the story and what it changed."""
    yield Line(_NO_HEAD, Text(f"{e.id}: {e.title}", style="bold"))
    prev_score = None
    for ver in versions:
        at = (ver.at or "?")[:16].replace("T", " ")
        if ver.number == 0:
            summary = f"first import: {ver.comments} comments, score {ver.score:+d}"
        else:
            bits = [f"+{len(ver.added)} new" if ver.added else "", f"{len(ver.removed)} gone" if ver.removed else "",
                    f"{len(ver.edited)} edited" if ver.edited else "",
                    f"{len(ver.moved)} re-voted" if ver.moved else ""]
            summary = ", ".join(b for b in bits if b) or "page changed, comments did not"
            summary += f"; score {prev_score:+d} → {ver.score:+d}" if prev_score is not None and prev_score != ver.score else ""
        prev_score = ver.score
        yield Line(_NO_HEAD, Text.assemble((f"v{ver.number + 1}  ", "bold cyan"), (at, "dim"), "  ", summary))
        if ver.number == 0:
            continue
        kinds: list[tuple[str, str, list[tuple[Comment, Text]]]] = [
            ("new", "magenta", [(c, Text()) for c in ver.added]),
            ("gone", "red", [(c, Text()) for c in ver.removed]),
            ("edited", "yellow", [(c, _edit_text(c, ver.number)) for c in ver.edited]),
            ("votes", "green", [(c, Text.assemble(f"{b:+d} → {a:+d} ", delta_text(a - b), " ")) for c, b, a in ver.moved]),
        ]
        for label, style, items in kinds:
            for c, extra in items[:per_kind]:
                words = "" if label == "edited" else " ".join(c.text.split())
                body = Text.assemble((f"    {label:<7}", style), (f"#{c.id} ", "dim"), extra,
                                     (f"{c.author or 'anonymous'}: ", "bold"), words)
                body.truncate(width, overflow="ellipsis")
                yield Line(_NO_HEAD, body)
            if len(items) > per_kind:
                yield Line(_NO_HEAD, Text(f"    … and {len(items) - per_kind} more {label}", style="dim"))


def _edit_text(c: Comment, version: int) -> Text:
    """An edit as `“…old words” → “…new words”`, from a little before the first change."""
    before = " ".join(str(next((t for v, t in c.edits or [] if v == version), "")).split())
    after = " ".join(c.text.split())
    at = next((i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), min(len(before), len(after)))
    start = before.rfind(" ", 0, max(0, at - 20)) + 1
    lead = "…" if start else ""
    return Text.assemble((f"“{lead}{before[start:start + 60]}”", "dim strike"), " → ",
                         (f"“{lead}{after[start:start + 60]}” ", ""))

"""Stats and related coverage drawn as Rich text (pure: the CLI prints these lines, the app's
stats screen shows them): bar charts with eighth-block ends, a diverging up/down chart, tables.

Every function takes the width to draw in and returns whole lines, so 80 and 120 columns both
look deliberate, and nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from reader.compare import Comparison
from reader.models import StoryEntry
from reader.stats import ArchiveStats, CommentStat, StoryStats, day_of

_EIGHTHS = " ▏▎▍▌▋▊▉█"
BAR_MAX = 60  # cells: a longer bar is no easier to compare, and a calm screen reads faster


def bar(value: float, top: float, width: int) -> str:
    """A bar of `width` cells at full `top`, with an eighth-block end (at least a sliver when > 0)."""
    if top <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def left_bar(value: float, top: float, width: int) -> str:
    """A bar growing from the right edge leftwards (right-aligned in `width` cells)."""
    if top <= 0 or value <= 0 or width <= 0:
        return " " * max(0, width)
    halves = max(1, round(value / top * width * 2))
    full, half = divmod(halves, 2)
    s = ("▐" if half else "") + "█" * full
    return s.rjust(width)


def _fit(s: str, width: int) -> str:
    if cell_len(s) <= width:
        return s + " " * (width - cell_len(s))
    return set_cell_size(s, width - 1) + "…"


def heading(text: str, width: int) -> Text:
    label = f"── {text} "
    return Text.assemble((label, "bold"), ("─" * max(0, width - cell_len(label)), "dim"))


def bar_rows(rows: list[tuple[str, float]], width: int, style: str = "cyan", label_w: int | None = None,
             fmt: str = "{:,.0f}") -> list[Text]:
    """One labelled horizontal bar per row, scaled to the largest."""
    if not rows:
        return [Text("  (none)", style="dim")]
    label_w = label_w or min(max(cell_len(r[0]) for r in rows), max(8, width // 3))
    values = [fmt.format(v) for _, v in rows]
    val_w = max(len(v) for v in values)
    bar_w = max(4, min(BAR_MAX, width - label_w - val_w - 5))
    top = max(v for _, v in rows)
    return [Text.assemble("  ", (_fit(lab, label_w), ""), " ", (v.rjust(val_w), "bold"), " ", (bar(n, top, bar_w), style))
            for (lab, n), v in zip(rows, values, strict=True)]


def diverging(rows: list[CommentStat], width: int) -> list[Text]:
    """Up vs down per comment: down votes grow left of the axis (red), up votes right (green)."""
    if not rows:
        return [Text("  (no votes)", style="dim")]
    id_w = max(len(f"#{c.id}") for c in rows)
    num_w = max(len(str(max(c.up, c.down))) for c in rows)
    side = max(3, min(BAR_MAX // 2 + 6, (width - id_w - 2 * num_w - 8) // 2))
    top = max(max(c.up, c.down) for c in rows) or 1
    out = [Text.assemble(" " * (id_w + 3), ("▼ down".rjust(side + num_w + 1), "red"), " │ ", ("▲ up", "green"))]
    for c in rows:
        out.append(Text.assemble("  ", (f"#{c.id}".rjust(id_w), "dim"), " ", (str(c.down).rjust(num_w), "red"), " ",
                                 (left_bar(c.down, top, side), "red"), "│",
                                 (bar(c.up, top, side), "green"), " ", (str(c.up), "green")))
    return out


def _signed(n: int) -> str:
    return f"{n:+d}" if n else "0"


def comment_table(rows: list[CommentStat], measure: list[str], width: int, empty: str) -> list[Text]:
    """Comments in aligned columns: id, the measure, votes, writer and the start of the text."""
    if not rows:
        return [Text(f"  {empty}", style="dim")]
    id_w = max(len(f"#{c.id}") for c in rows)
    m_w = max(len(m) for m in measure)
    votes = [f"▲{c.up} ▼{c.down}" if c.up or c.down or not c.net else "" for c in rows]  # (a score alone: no ▲▼)
    v_w = max(map(len, votes))
    out = []
    for c, m, v in zip(rows, measure, votes, strict=True):
        head = Text.assemble("  ", (f"#{c.id}".rjust(id_w), "bold"), "  ", (m.rjust(m_w), "yellow"), "  ",
                             (v.ljust(v_w), "dim"), "  " if v_w else "")
        if c.author:
            head.append(c.author + ": ", style="cyan")
        head.append(_fit(c.excerpt, max(10, width - head.cell_len)).rstrip())
        out.append(head)
    return out


def story_stats_lines(st: StoryStats, width: int, title: str | None = None) -> list[Text]:
    """Everything `reader stats ID` prints and the stats screen shows."""
    w = max(40, width)
    out: list[Text] = []
    if title:
        out.append(Text(title, style="bold"))
    counts = Text.assemble(("comments ", "dim"), (str(st.comments), "bold"), ("   with votes ", "dim"), (str(st.voted), "bold"))
    scores_only = not (st.up or st.down) and st.net != 0  # a site that shows only scores: no ▲0 ▼0
    votes = Text.assemble(*(() if scores_only else (("up ", "dim"), (f"▲{st.up}", "bold green"), ("   down ", "dim"),
                                                   (f"▼{st.down}", "bold red"), ("   ", "dim"))),
                          ("net ", "dim"), (f"{st.net:+d}" if st.net else "0",
                                            "bold green" if st.net > 0 else "bold red" if st.net < 0 else "bold"),
                          ("   controversy ", "dim"), (f"{st.controversy:g}", "bold yellow"))
    if counts.cell_len + 3 + votes.cell_len <= w:
        out.append(Text.assemble(counts, "   ", votes))
    else:  # two lines rather than a figure cut off at the edge
        out += [counts, votes]
    out.append(Text(""))
    out.append(heading("Most agreed (net = up - down)", w))
    none = "(none: no comment has votes)" if not st.voted else "(none: no comment has more up than down)"
    out += comment_table(st.agreed, [f"net {_signed(c.net)}" for c in st.agreed], w, none)
    out.append(Text(""))
    out.append(heading("Most contested (votes x balance: many up and many down)", w))
    out += comment_table(st.contested, [f"{c.contested:.1f}" for c in st.contested], w,
                         "(none: no comment has votes)" if not st.voted else
                         "(none: no comment has both up and down votes)")
    out.append(Text(""))
    out.append(heading("Most replied-to threads (every reply below, at any depth)", w))
    below = [f"{c.replies} repl{'y' if c.replies == 1 else 'ies'} below" for c in st.threads]
    out += comment_table(st.threads, below, w, "(no replies)")
    if st.writers:
        out.append(Text(""))
        out.append(heading("Most active writers", w))
        out += bar_rows([(f"{a}  (net {net:+d})", float(n)) for a, n, net in st.writers], w, "magenta")
    out.append(Text(""))
    out.append(heading("Net score distribution (comments per range)", w))
    out += bar_rows([(_signed(lo) if lo == hi else f"{_signed(lo)} … {_signed(hi)}", float(n)) for lo, hi, n in st.distribution],
                    w, "cyan")
    if not scores_only:  # (the site counted no up and down votes to draw)
        out.append(Text(""))
        out.append(heading("Up vs down per comment", w))
        out += diverging(st.per_comment, w)
    return out


def archive_stats_lines(st: ArchiveStats, width: int, days: int = 14) -> list[Text]:
    """Everything `reader stats` prints and the archive stats screen shows."""
    w = max(40, width)
    out = [Text.assemble(("stories ", "dim"), (f"{st.stories:,}", "bold"), ("   comments ", "dim"), (f"{st.comments:,}", "bold"),
                         ("   up ", "dim"), (f"▲{st.up:,}", "bold green"), ("   down ", "dim"), (f"▼{st.down:,}", "bold red")),
           Text("")]
    out.append(heading("Stories per outlet", w))
    shown = st.outlets[:10]
    rest = sum(n for _, n in st.outlets[10:])
    out += bar_rows([(o, float(n)) for o, n in shown] + ([(f"{len(st.outlets) - 10} more outlets", float(rest))] if rest else []),
                    w, "cyan")
    recent = [d for d in st.days if d[0] != "undated"][-days:]
    undated = [d for d in st.days if d[0] == "undated"]
    label = f"Per day (the last {len(recent)} days with stories)" if len(st.days) > days else "Per day"
    out.append(Text(""))
    out.append(heading(f"{label}: stories", w))
    out.append(Text("   a story's day is when it was published, else when it was first imported", style="dim"))
    out += bar_rows([(d, float(s)) for d, s, _, _ in recent + undated], w, "cyan")
    out.append(Text(""))
    out.append(heading("Comments per day", w))
    out += bar_rows([(d, float(c)) for d, _, c, _ in recent + undated], w, "magenta")
    out.append(Text(""))
    out.append(heading("Votes per day", w))
    out += bar_rows([(d, float(v)) for d, _, _, v in recent + undated], w, "yellow")
    out.append(Text(""))
    out.append(heading("Most discussed", w))
    out += _story_rows(st.discussed, w, lambda e: f"{e.comments} comments")
    out.append(Text(""))
    out.append(heading("Most contested (controversy: the sum of its comments' contested)", w))
    out += _story_rows(st.contested, w, lambda e: f"{e.contested:g}")
    return out


def _story_rows(rows: list[StoryEntry], width: int, measure: Callable[[StoryEntry], str]) -> list[Text]:
    """Stories in aligned columns: id, the measure, title, then outlet and day."""
    if not rows:
        return [Text("  (none)", style="dim")]
    ms = [measure(e) for e in rows]
    tails = [f"{e.source or 'web'} · {day_of(e)}" for e in rows]
    id_w = max(len(str(e.id)) for e in rows)
    m_w = max(len(m) for m in ms)
    tail_w = min(max(cell_len(t) for t in tails), max(12, width // 3))
    title_w = max(8, width - id_w - m_w - tail_w - 8)
    return [Text.assemble("  ", (str(e.id).rjust(id_w), "bold"), "  ", (m.rjust(m_w), "yellow"), "  ",
                          _fit(e.title, title_w), "  ", (_fit(t, tail_w).rstrip(), "dim"))
            for e, m, t in zip(rows, ms, tails, strict=True)]


def compare_columns(cmp: Comparison, width: int, left_name: str, right_name: str) -> list[Text]:
    """`reader compare`: the two articles in two columns, sentence by sentence; a fact only one
    has is marked `+` and bright, a shared one is dim."""
    col = max(20, (width - 3) // 2)
    out = [Text.assemble((_fit(f"{left_name}: {cmp.only_left} only here", col), "bold"), " │ ",
                         (_fit(f"{right_name}: {cmp.only_right} only here", col), "bold")),
           Text(f"{cmp.shared} fact{'' if cmp.shared == 1 else 's'} in both (dim); + only in that one"
                if cmp.shared else "No fact in both; + marks what only that one has", style="dim")]
    lefts = [_sentence_lines(s.text, s.shared, col) for s in cmp.left]
    rights = [_sentence_lines(s.text, s.shared, col) for s in cmp.right]
    left_lines = [ln for block in lefts for ln in [*block, Text("")]]
    right_lines = [ln for block in rights for ln in [*block, Text("")]]
    for i in range(max(len(left_lines), len(right_lines))):
        a = left_lines[i] if i < len(left_lines) else Text("")
        b = right_lines[i] if i < len(right_lines) else Text("")
        a = a.copy()
        a.rstrip()
        a.truncate(col, pad=True)
        out.append(Text.assemble(a, (" │ ", "dim"), b))
    return out


def _sentence_lines(text: str, shared: bool, width: int) -> list[Text]:
    from reader.render import wrap_plain

    mark = ("  ", "dim") if shared else ("+ ", "bold green")
    style = "dim" if shared else ""
    lines = wrap_plain(text, max(8, width - 2))
    return [Text.assemble(mark if i == 0 else "  ", (ln.rstrip(), style)) for i, ln in enumerate(lines)]

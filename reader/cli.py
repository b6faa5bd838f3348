"""The `reader` command: a thin CLI over the core. Textual is imported only to open the app."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
import orjson
from rich.text import Text

from reader.errors import ReaderError
from reader.listing import DEFAULT_SORT, LIST_SORTS
from reader.locations import database_path
from reader.sanitize import clean_line
from reader.threads_view import COMMENT_SORTS
from reader.usecases import Reader

SORT_ALIASES = {"oldest": "old", "newest": "new"}  # the app's names for them
COMMENT_SORT_CHOICES = (*COMMENT_SORTS, *SORT_ALIASES)

if TYPE_CHECKING:
    from rich.console import Console

    from reader.store import ImportResult


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _json(data: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


def _fail(msg: str, code: int = 1) -> NoReturn:
    click.echo(f"reader: {msg}", err=True)
    sys.exit(code)


def _reader(ctx: click.Context, seed: bool = False, check: bool = True) -> Reader:
    """The database. Only the app and `reader list` give a never-written database the demo pages."""
    try:
        path = database_path(ctx.obj.get("db"))
    except ValueError as exc:
        _fail(str(exc))
    reader = Reader.open(path, seed=seed, check=check, on_wait=lambda: click.echo(
        f"reader: waiting for another reader process to finish writing to {path} …", err=True))
    ctx.find_root().obj["reader"] = reader
    if _HELD is not None:
        _HELD.append(reader)
    return reader


_HELD: list[Reader] | None = None  # (main) what commands open, kept to the end of the process: see main


class ReaderGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReaderError as exc:
            _fail(str(exc))
        except BrokenPipeError:  # `reader list | head`: the reader went away, which is fine
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        finally:
            reader = (ctx.obj or {}).get("reader")
            if reader is not None:
                for notice in reader.notices():
                    click.echo(f"reader: {notice}", err=True)


@click.group(cls=ReaderGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="PATH", help="Database directory (default: per-user data dir, or $READER_DB).")
@click.version_option(package_name="reader", prog_name="reader")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """A calm, keyboard-first terminal news reader. With no command, opens the app."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:  # (`reader` and `reader --db PATH` come here only from tests)
        from reader.ui.app import open_app

        sys.exit(open_app(db))


IMPORT_LOOKS: dict[str, dict[str, Any]] = {"new": {"fg": "green"}, "updated": {"fg": "cyan"},
                                           "unchanged": {"dim": True}, "restored": {"fg": "green"},
                                           "error": {"fg": "red", "bold": True},
                                           "skipped": {"fg": "yellow"}}


@cli.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.option("--force", is_flag=True, help="Import pages that do not look like news pages too, and parse every page again "
              "(even one whose stored story was made from the same bytes).")
@click.option("--verbose", "-v", is_flag=True, help="A line per page even on a terminal (instead of a progress bar).")
@click.option("--timings", is_flag=True, help="Say on stderr where the import's time went (the benchmark reads it).")
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[str, ...], as_json: bool, force: bool, verbose: bool,
               timings: bool) -> None:
    """Import pages: files (.txt, .html), folders of them, http(s) URLs, or - for a page on stdin."""
    reader = _reader(ctx, seed=False)  # importing never adds the demo pages
    started = time.perf_counter()
    results = _run_import(lambda **kw: reader.import_pages(paths, force=force, **kw), as_json, verbose)
    if timings:
        total = time.perf_counter() - started
        t = reader.store.timings
        click.echo("timings: " + " ".join(f"{k}={v:.3f}" for k, v in {"total_s": total, **t}.items()), err=True)
    if all(r.status == "skipped" for r in results):  # nothing found that could be a page: a wrong path?
        where = ", ".join(clean_line(str(p)) for p in paths)
        _fail(f"{where}: no pages to import (a page is a .txt, .html or .htm file, an http(s) URL, or - for "
              "standard input)")
    if sum(r.status == "error" for r in results):
        sys.exit(1)


def _page_line_writer() -> Callable[[str, str], None]:
    """How an import's line per page is written: coloured by its status on a terminal, plain
    when piped (click.secho strips the colours again from each line: ~10 us a line, ~1 s of a
    100,000-page import), flushed at least every 50 ms (a reader of the pipe sees the lines
    as the pages are stored; the import flushes at its end)."""
    out = sys.stdout
    if out.isatty():
        return lambda line, status: click.secho(line, **IMPORT_LOOKS.get(status, {}))
    flushed = time.perf_counter()

    def plain(line: str, status: str) -> None:
        nonlocal flushed
        out.write(line + "\n")
        if (now := time.perf_counter()) - flushed >= 0.05:
            flushed = now
            out.flush()

    return plain


def _run_import(run: Callable[..., list[ImportResult]], as_json: bool, verbose: bool) -> list[ImportResult]:
    """Run an import: a progress bar (pages/s, errors so far) on a terminal, a line per page when
    piped or verbose (errors always get their line), JSON with --json, and a summary."""
    con = _console()
    bar = con.is_terminal and not verbose and not as_json
    progress, task = None, None
    errors = 0
    if bar:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rate]} pages/s · {task.fields[errors]} errors"),
                            TimeElapsedColumn(), console=con, transient=True)
        task = progress.add_task("import", total=None, rate="–", errors=0)
        progress.start()
    started = time.perf_counter()

    def total(n: int) -> None:
        if progress is not None and task is not None:
            progress.update(task, total=n)

    write_line = _page_line_writer()
    by_parse = False  # the bar moves as pages are parsed (once the import says so), not as batches are stored

    done, shown = 0, 0.0  # pages counted; when the bar last heard of them

    def advance() -> None:
        # The bar is told at most every 50 ms (it redraws at 10 Hz): an update a page was ~5 us,
        # ~0.5 s of a 100,000-page import.
        nonlocal done, shown
        done += 1
        now = time.perf_counter()
        if progress is not None and task is not None and now - shown >= 0.05:
            shown = now
            progress.update(task, completed=done, rate=f"{done / max(1e-6, now - started):,.0f}", errors=errors)

    def parsed() -> None:
        nonlocal by_parse
        by_parse = True
        advance()

    def show(r: ImportResult) -> None:
        nonlocal errors
        errors += r.status == "error"
        if progress is not None and task is not None:
            if not by_parse:
                advance()
            else:
                progress.update(task, errors=errors)
            if r.status == "error":
                progress.console.print(f"error     {clean_line(r.name)}: {r.detail}", style="bold red", markup=False)
            return
        if as_json:
            return
        line = f"{r.status:9} {clean_line(r.name)}" + (f": {r.detail}" if r.detail else "")
        write_line(line, r.status)

    try:
        results = run(on_result=show, on_total=total, on_parsed=parsed)
    finally:
        sys.stdout.flush()  # (the page lines before anything said on stderr)
        if progress is not None:
            progress.stop()
    _import_summary(con, results, as_json, time.perf_counter() - started)
    return results


def _import_summary(con: Console, results: list[ImportResult], as_json: bool, elapsed: float) -> None:
    """How many pages came out each way (JSON: every page's result too); nothing when no page
    was found at all (the caller says why)."""
    counts = {s: sum(r.status == s for r in results) for s in IMPORT_LOOKS}
    if as_json:
        _json({"results": [{"file": r.name, "status": r.status, "key": r.key, "detail": r.detail or None}
                           for r in results], "summary": counts})
    elif summary := ", ".join(f"{n} {s}" for s, n in counts.items() if n):
        con.print(f"{summary}" + (f" in {elapsed:.1f} s" if elapsed >= 1 else ""), markup=False)


@cli.command()
@click.argument("refs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.pass_context
def refresh(ctx: click.Context, refs: tuple[str, ...], as_json: bool) -> None:
    """Fetch stories again from their addresses (by id from `reader list`)."""
    reader = _reader(ctx)
    entries = [reader.story(r) for r in refs]
    results = _run_import(lambda on_result, on_total, on_parsed: reader.refresh(entries, on_result=on_result),
                          as_json, True)
    if any(r.status == "error" for r in results):
        sys.exit(1)


@cli.command("list")
@click.option("--sort", "sort_by", type=click.Choice(LIST_SORTS), default=DEFAULT_SORT, show_default=True)
@click.option("--bookmarked", is_flag=True, help="Only bookmarked stories.")
@click.option("--unread", is_flag=True, help="Only stories never opened.")
@click.option("--new", "new_only", is_flag=True, help="Only stories with comments new since you last looked.")
@click.option("--limit", type=click.IntRange(1), help="At most this many stories (the first in the order).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_cmd(ctx: click.Context, sort_by: str, bookmarked: bool, unread: bool, new_only: bool, limit: int | None,
             as_json: bool) -> None:
    """List stories. `votes` is the total votes cast on a story's comments, `score` their net;
    `new` counts comments that appeared since you last opened the story."""
    from reader.render import date_label, line_strings, story_table

    entries = _reader(ctx, seed=True).stories(sort_by, bookmarked_only=bookmarked, unread_only=unread,
                                              new_only=new_only)
    total = len(entries)
    entries = entries[:limit] if limit else entries
    if as_json:
        _json([e.to_json() for e in entries])
        return
    con = _console()
    if not entries:
        hint = (" Bookmark one with `reader bookmark ID`." if bookmarked else "" if unread or new_only
                else " Import pages with `reader import PATH`.")
        what = "unread " if unread else ""
        con.print(f"No {what}stories" + (" with new comments." if new_only else ".") + hint, markup=False)
        return
    if not sys.stdout.isatty() and not con.is_terminal:
        # Piped: full titles in tab-separated columns, for grep, cut and awk.
        _write_lines(["id\tbookmarked\tread\ttitle\tsource\tdate\tcomments\tvotes\tscore\tnew"] + [
            "\t".join((str(e.id), "1" if e.bookmarked else "0", "1" if e.read else "0", clean_line(e.title),
                       clean_line(e.source or ""), date_label(e), str(e.comments), str(e.votes), str(e.score),
                       str(e.new_comments)))
            for e in entries])
        return
    shown = f"{len(entries)} of {total} stories" if total > len(entries) else f"{total} stories"
    _write_lines(line_strings(story_table(entries, con.width, f"{shown} · sorted by {sort_by}"), con))


@cli.command()
@click.argument("ref")
@click.option("--comments-sort", type=click.Choice(COMMENT_SORT_CHOICES), default="score", show_default=True,
              callback=lambda _c, _p, v: SORT_ALIASES.get(v, v), help="oldest/newest are old/new, as the app names them")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def show(ctx: click.Context, ref: str, comments_sort: str, as_json: bool) -> None:
    """Show a story (by id from `reader list`) and its comment tree."""
    from reader.render import line_strings, story_lines_for_stream
    from reader.threads_view import SORT_LABELS, Thread

    reader = _reader(ctx)
    e = reader.story(ref)
    art = reader.article(e)
    thread = Thread(art.comments, comments_sort)
    rows = thread.rows()
    if as_json:  # for scripts: printing JSON is not the reader looking at the story
        _json(reader.story_json(e, art, [(r.comment.id, r.depth) for r in thread.rows(earlier=True)]))
        return
    con = _console()
    live = len(art.live)
    label = f"{live} comment{'' if live == 1 else 's'} · sorted by {SORT_LABELS[comments_sort]}"
    if e.new_comments:
        label += f" · {e.new_comments} new since you last looked"
    if art.stated_comment_count and art.stated_comment_count > live:
        label += f" (the page says {art.stated_comment_count})"
    changes = reader.changes(e, art)
    _write_lines(line_strings(story_lines_for_stream(art, rows, con.width, label, changes), con))
    with contextlib.suppress(ReaderError):  # a read-only database still shows the story
        reader.leave_story(e)


def _write_lines(lines: Iterable[str]) -> None:
    """Write lines to stdout in big chunks (a 10 MB page is ~100,000 lines)."""
    out = sys.stdout
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= 2000:
            out.write("\n".join(chunk) + "\n")
            chunk.clear()
    if chunk:
        out.write("\n".join(chunk) + "\n")
    out.flush()


@cli.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(ctx: click.Context, query: str, limit: int, as_json: bool) -> None:
    """Fuzzy search titles, bodies and comments: one line per story, its best match first."""
    from reader.render import hit_text

    total, found = _reader(ctx).search_stories(query, limit, as_typed=False)  # (given whole: "vitamin d")
    if as_json:
        _json([{"id": e.id, **h.to_dict()} for e, h in found])
        return
    con = _console()
    if not found:
        con.print(f"No matches for {query!r}.", markup=False)
        return
    for e, h in found:
        con.print(hit_text(h, con.width, story_id=e.id, mark="bold yellow"), overflow="ellipsis")
    more = f"showing {len(found)} of {total:,} stories (--limit N for more)" if total > len(found) \
        else f"{total:,} stor{'y' if total == 1 else 'ies'}"
    con.print(more, style="dim", markup=False)


@cli.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def related(ctx: click.Context, ref: str, as_json: bool) -> None:
    """Other coverage of the same news story, the closest first, with a similarity score (0-1)."""
    reader = _reader(ctx)
    e = reader.story(ref)
    found = reader.related(e)
    if as_json:
        _json({"id": e.id, "key": e.key, "title": e.title, "related": [r.to_json() for r in found]})
        return
    con = _console()
    con.print(Text.assemble((f"{e.id:>4} ", "bold"), (e.title, "bold"), (f"  {e.source or 'web'}", "dim")),
              overflow="ellipsis", no_wrap=True)
    if not found:
        con.print("No related stories: no other story in the archive covers this one.", style="dim", markup=False)
        return
    for r in found:
        con.print(Text.assemble(f"{r.entry.id:>4} ", (f"{r.score:.2f}", "yellow"), "  ", r.entry.title,
                                (f"  {r.entry.source or 'web'} · {(r.entry.published or '')[:10] or 'undated'}", "dim")),
                  overflow="ellipsis", no_wrap=True)


@cli.command()
@click.argument("left")
@click.argument("right")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def compare(ctx: click.Context, left: str, right: str, as_json: bool) -> None:
    """Two stories side by side: the facts (sentences) each has that the other does not."""
    from reader.charts import compare_columns

    reader = _reader(ctx)
    a, b = reader.story(left), reader.story(right)
    cmp = reader.compare(a, b)
    if as_json:
        _json({"stories": {"left": {"id": a.id, "title": a.title, "source": a.source},
                           "right": {"id": b.id, "title": b.title, "source": b.source}}, **cmp.to_json()})
        return
    con = _console()
    for line in compare_columns(cmp, con.width, f"{a.id} {a.source or 'web'}", f"{b.id} {b.source or 'web'}"):
        con.print(line, overflow="crop", no_wrap=True)


@cli.command()
@click.argument("ref", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats(ctx: click.Context, ref: str | None, as_json: bool) -> None:
    """What the votes say on one story's comments (by id); with no id, the archive at a glance."""
    from reader.charts import archive_stats_lines, story_stats_lines

    reader = _reader(ctx)
    con = _console()
    if ref is None:
        ast = reader.archive_stats()
        if as_json:
            _json(ast.to_json())
            return
        for line in archive_stats_lines(ast, min(con.width, 120)):
            con.print(line, overflow="crop", no_wrap=True)
        return
    e = reader.story(ref)
    st = reader.story_stats(e)
    if as_json:
        _json({"id": e.id, "key": e.key, "title": e.title, **st.to_json()})
        return
    for line in story_stats_lines(st, min(con.width, 120), f"{e.id} {e.title}"):
        con.print(line, overflow="crop", no_wrap=True)


def _set_bookmark(ctx: click.Context, ref: str, on: bool) -> None:
    reader = _reader(ctx)
    e = reader.story(ref)
    if reader.set_bookmark(e, on):
        click.echo(f"{'bookmarked' if on else 'unbookmarked'} {e.id}: {e.title}")
    else:
        click.echo(f"{'already bookmarked' if on else 'not bookmarked'} {e.id}: {e.title}")


@cli.command()
@click.argument("ref")
@click.pass_context
def bookmark(ctx: click.Context, ref: str) -> None:
    """Bookmark a story."""
    _set_bookmark(ctx, ref, True)


@cli.command()
@click.argument("ref")
@click.pass_context
def unbookmark(ctx: click.Context, ref: str) -> None:
    """Remove a story's bookmark."""
    _set_bookmark(ctx, ref, False)


@cli.command()
@click.argument("ref")
@click.option("--format", "fmt", type=click.Choice(["md", "markdown", "html"]), default="md", show_default=True,
              callback=lambda _c, _p, v: "md" if v == "markdown" else v, help="markdown is md, as bookmarks names it")
@click.option("--comments-sort", type=click.Choice(COMMENT_SORT_CHOICES), default="score", show_default=True,
              callback=lambda _c, _p, v: SORT_ALIASES.get(v, v), help="oldest/newest are old/new, as the app names them")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file (default: stdout).")
@click.pass_context
def export(ctx: click.Context, ref: str, fmt: str, comments_sort: str, output: Path | None) -> None:
    """Export a story with its whole comment tree as Markdown or one self-contained HTML file."""
    reader = _reader(ctx)
    text = reader.export(reader.story(ref), fmt, comments_sort)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from reader.atomic import atomic_write

    try:
        atomic_write(output, text.encode())
    except OSError as exc:
        _fail(f"{output}: cannot write ({exc.strerror or exc})")
    click.echo(f"wrote {output}", err=True)


@cli.command()
@click.argument("refs", nargs=-1, required=True)
@click.pass_context
def rm(ctx: click.Context, refs: tuple[str, ...]) -> None:
    """Delete stories (by id): they leave the list and search. Importing a page again brings it back."""
    reader = _reader(ctx)
    try:
        entries = {e.key: e for e in (reader.story(r) for r in refs)}
    except ReaderError as exc:
        _fail(f"{exc}; nothing was deleted")
    reader.delete(list(entries.values()))
    for e in entries.values():
        click.echo(f"deleted {e.id}: {e.title}")


@cli.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def history(ctx: click.Context, ref: str, as_json: bool) -> None:
    """How a story's comments and votes changed, import by import."""
    from reader.render import history_lines, line_strings

    reader = _reader(ctx)
    e = reader.story(ref)
    versions = reader.history(e)
    if as_json:
        _json([v.to_json() for v in versions])
        return
    con = _console()
    _write_lines(line_strings(history_lines(e, versions, con.width), con))


@cli.command()
@click.option("--export", "fmt", type=click.Choice(["markdown", "md", "json"]),
              callback=lambda _c, _p, v: "markdown" if v == "md" else v, help="Export instead of listing (md is markdown).")
@click.pass_context
def bookmarks(ctx: click.Context, fmt: str | None) -> None:
    """List (or export) bookmarked stories, newest bookmark first."""
    from reader.render import date_label

    entries = _reader(ctx).bookmarks()
    if fmt == "json":
        _json([e.to_json() for e in entries])
    elif fmt == "markdown":
        lines = ["# Bookmarks", ""]
        for e in entries:
            bits = ", ".join(x for x in (e.source, date_label(e), f"{e.comments} comments") if x)
            lines.append(f"- **{_md(e.title)}** — {_md(bits)}")
        click.echo("\n".join(lines))
    elif not entries:
        click.echo("No bookmarks yet. Bookmark a story with `reader bookmark ID` or `b` in the app.")
    else:
        for e in entries:
            click.echo(f"{e.id:>4}  {e.title}  ({', '.join(x for x in (e.source or '—', date_label(e)) if x)})")


def _md(s: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|" else ch for ch in s)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the parsed pages as a JSON array (the stable shape).")
def parse(files: tuple[Path, ...], as_json: bool) -> None:
    """Parse pages without storing them."""
    from reader.errors import PageError
    from reader.parsing import parse_file

    out: list[dict[str, Any]] = []
    failed = False
    for f in files:
        try:
            d = parse_file(f).to_dict()
            d["file"] = clean_line(str(f))
            out.append(d)
        except PageError as exc:
            failed = True
            out.append({"file": clean_line(str(f)), "error": str(exc)})
            if not as_json:
                click.echo(f"reader: {clean_line(str(f))}: {exc}", err=True)
    if as_json:
        _json(out)
    else:
        con = _console()
        for d in out:
            if "error" not in d:
                con.print(f"{d['file']}: {d['layout']} · {d['title']} · {len(d['body'])} paragraphs · "
                          f"{len(d['comments'])} comments", markup=False)
    if failed:
        sys.exit(1)


@cli.command()
@click.option("--rebuild", is_flag=True,
              help="Repair: rebuild the index and the search index from the page files (ids, bookmarks and read marks are kept).")
@click.pass_context
def doctor(ctx: click.Context, rebuild: bool) -> None:
    """Check the database's health."""
    reader = _reader(ctx, seed=False, check=False)
    click.echo(f"database: {reader.path}")
    report = reader.doctor(rebuild=rebuild)
    for line in report.lines():
        click.echo(f"  {line}")
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.pass_context
def compact(ctx: click.Context) -> None:
    """Drop superseded copies of re-imported stories and temporary files left by interrupted writes."""
    reader = _reader(ctx, seed=False)
    before = _size(reader.path)
    for line in reader.compact().lines():
        click.echo(line)
    click.echo(f"the database went from {before / 1e6:.1f} MB to {_size(reader.path) / 1e6:.1f} MB")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    """The `reader` command. Its process ends at once when the command is done, its output
    flushed (os._exit): freeing what the command held, one object at a time, took ~0.4 s after
    an import into 100,000 stories (the index's records), and nothing is left to write by then
    (every file the store writes is written whole, flushed and closed by the command itself).
    An unexpected error still ends the usual way, with its traceback."""
    global _HELD
    _HELD = []
    try:
        cli(prog_name="reader")
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`reader list | head`): nothing more to say
            stream.flush()
    os._exit(code)


def _exit_code(code: object) -> int:
    """The status sys.exit(code) would leave the process with."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(OSError, ValueError):
        print(code, file=sys.stderr)
    return 1

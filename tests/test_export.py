"""Export: Markdown with real structure (no over-escaping), HTML that parses, nests the thread
and stays inert with a hostile page; the CLI and the app's keys."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from click.testing import CliRunner

from reader.cli import cli
from reader.export import comment_markdown, md_escape, to_html, to_markdown
from reader.models import Article, Block, Comment
from reader.parsing import parse_file
from reader.threads_view import Thread

from apphelpers import open_file, seeded_app, settle, tree
from conftest import SEEDS

SEED4 = SEEDS / "004_db39fb9482dc13f4.txt"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.max_comment_depth = 0
        self.comment_ids: list[str] = []
        self.text: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in ("meta", "br", "img", "link"):
            return
        self.stack.append(a.get("class") or tag)
        if tag == "div" and (a.get("class") or "").split()[:1] == ["comment"]:
            self.comment_ids.append(a.get("id") or "")
            self.max_comment_depth = max(self.max_comment_depth,
                                         sum(1 for c in self.stack if str(c).split()[:1] == ["comment"]))

    def handle_endtag(self, tag):
        if not self.stack:
            self.balanced = False
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_html_export_parses_nests_the_thread_and_has_every_comment():
    art = parse_file(SEED4)
    doc = Tags()
    doc.feed(to_html(art))
    assert doc.balanced and doc.stack == []
    rows = Thread(art.comments).rows()
    assert doc.comment_ids == [f"c{r.comment.id}" for r in rows]
    assert doc.max_comment_depth == max(r.depth for r in rows) + 1
    text = "".join(doc.text)
    assert art.title in text and all(c.text.split("\n\n")[0][:40] in text for c in art.comments)
    assert not any(tag == "script" for tag, _ in doc.tags)


def test_html_export_keeps_a_hostile_page_inert():
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    art = Article(file="x", layout="generic", title=f"Title {evil}", source="S", byline='"><b>by</b>',
                  url="javascript:alert(3)", body=[f"Body {evil}", "</p></div></body><iframe src=//evil>"],
                  comments=[Comment(1, [Block(f"quote {evil}", True, "article"), Block(f"text {evil}")],
                                    author=f"<i>{evil}</i>", posted="<u>now</u>", score=1, up=1, down=0)])
    out = to_html(art)
    doc = Tags()
    doc.feed(out)
    names = [tag for tag, _ in doc.tags]
    assert "script" not in names and "img" not in names and "iframe" not in names and "i" not in names
    assert not any(k.startswith("on") for _, a in doc.tags for k in a)
    assert "javascript:" not in out  # the bad address is not linked (nor shown)
    assert "Content-Security-Policy" in out and "default-src 'none'" in out
    assert evil in "".join(doc.text)  # shown as text, exactly


def test_markdown_export_structure_and_no_over_escaping():
    art = parse_file(SEED4)
    md = to_markdown(art)
    lines = md.splitlines()
    assert lines[0] == f"# {art.title}"
    assert "Ishiba-Trump" not in art.title or "Ishiba-Trump" in md
    assert "\\." not in md and "\\-" not in md.replace("\\- ", "")  # U.S. and hyphens stay as written
    rows = Thread(art.comments).rows()
    items = [ln for ln in lines if ln.lstrip().startswith("- **")]
    assert len(items) == len(rows)
    for ln, r in zip(items, rows, strict=True):
        assert len(ln) - len(ln.lstrip()) == 2 * r.depth  # nesting by indentation
        assert f"#{r.comment.id}" in ln
    quoted = [r.comment for r in rows if r.comment.quotes]
    assert quoted and any(ln.strip().startswith("> *quoting") for ln in lines)


def test_md_escape_only_escapes_markup():
    assert md_escape("Ishiba-Trump meeting in U.S. (2025)") == "Ishiba-Trump meeting in U.S. (2025)"
    assert md_escape("*bold* and [link](x) <b> `code`") == "\\*bold\\* and \\[link\\](x) \\<b\\> \\`code\\`"
    assert md_escape("# not a heading\n- not a list\n1. not a list") == "\\# not a heading\n\\- not a list\n\\1. not a list"
    assert md_escape("snake_case stays, _this_ does not") == "snake_case stays, \\_this\\_ does not"


def test_comment_markdown_is_a_quote_with_its_source():
    c = Comment(3, [Block("First line.\nSecond."), Block("Another para.")], author="ann", score=2, up=3, down=1)
    out = comment_markdown(c, "A story")
    assert out.splitlines()[0] == "> First line."
    assert all(ln.startswith(">") for ln in out.splitlines())
    assert "ann, +2 (▲3 ▼1), on “A story”" in out


def test_cli_export_md_html_and_to_a_file(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "db")
    assert runner.invoke(cli, ["--db", db, "import", str(SEED4)]).exit_code == 0
    md = runner.invoke(cli, ["--db", db, "export", "1"])
    assert md.exit_code == 0 and md.output.startswith("# ")
    # the two export options take either name of Markdown
    assert runner.invoke(cli, ["--db", db, "export", "1", "--format", "markdown"]).output == md.output
    runner.invoke(cli, ["--db", db, "bookmark", "1"])
    both = [runner.invoke(cli, ["--db", db, "bookmarks", "--export", name]) for name in ("markdown", "md")]
    assert both[0].exit_code == 0 and both[0].output.startswith("# Bookmarks") and both[0].output == both[1].output
    out = tmp_path / "story.html"
    r = runner.invoke(cli, ["--db", db, "export", "1", "--format", "html", "-o", str(out)])
    assert r.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    (tmp_path / "a-file").write_text("x")
    bad = runner.invoke(cli, ["--db", db, "export", "1", "-o", str(tmp_path / "a-file" / "x.md")])
    assert bad.exit_code == 1 and "cannot write" in bad.output and "Traceback" not in bad.output
    assert runner.invoke(cli, ["--db", db, "export", "99"]).exit_code == 1


def test_an_html_export_imported_again_is_refused_not_a_new_story(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "db")
    assert runner.invoke(cli, ["--db", db, "import", str(SEED4)]).exit_code == 0
    out = tmp_path / "pages" / "story.html"
    assert runner.invoke(cli, ["--db", db, "export", "1", "--format", "html", "-o", str(out)]).exit_code == 0
    (tmp_path / "pages" / "seed.txt").write_bytes(SEED4.read_bytes())
    r = runner.invoke(cli, ["--db", db, "import", str(tmp_path / "pages")])  # a folder holding an export
    assert r.exit_code == 0 and "Traceback" not in r.output  # passed over, as a file of another kind is
    assert "skipped   " + str(out) + ": an HTML export made by reader (`reader export`), not a page as saved" \
        in r.output
    assert "unchanged" in r.output
    assert len(json.loads(runner.invoke(cli, ["--db", db, "list", "--json"]).output)) == 1  # no copy of story 1
    # an export made before exports carried the generator tag: known by its content policy
    old = out.read_text(encoding="utf-8").replace('<meta name="generator" content="reader">', "")
    out.write_text(old, encoding="utf-8")
    r = runner.invoke(cli, ["--db", db, "import", str(out)])  # named alone: nothing to import, exit 1
    assert r.exit_code == 1 and "an HTML export made by reader" in r.output and "no pages to import" in r.output
    # --force takes it all the same
    assert runner.invoke(cli, ["--db", db, "import", "--force", str(out)]).exit_code == 0
    assert len(json.loads(runner.invoke(cli, ["--db", db, "list", "--json"]).output)) == 2


async def test_app_export_and_copy_keys(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_EXPORT_DIR", str(tmp_path / "exports"))
    app = seeded_app(db_path)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)) as pilot:
        await open_file(pilot, "004")
        await pilot.press("3", "j", "y")
        cid = tree(app).current_id
        assert copied and copied[-1].startswith("> ") and f"#{cid}" not in copied[-1]
        assert tree(app).thread.comments[cid].text.split("\n")[0][:30] in copied[-1]
        await pilot.press("E")
        await settle(pilot)
    files = list((tmp_path / "exports").glob("*.md"))
    assert len(files) == 1 and files[0].read_text(encoding="utf-8").startswith("# ")


def test_a_score_alone_is_exported_as_the_net_with_no_made_up_counts():
    from reader.export import votes_label

    assert votes_label(Comment(id=1, blocks=[Block("x")], score=64, up=None, down=None)) == "+64"
    assert votes_label(Comment(id=2, blocks=[Block("x")], score=-2, up=1, down=3)) == "-2 (▲1 ▼3)"

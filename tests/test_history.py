"""Following a story over time: re-imports keep each comment's history; new since last looked;
the unread workflow, delete and the seeds, through the CLI (as scripts use it) and the core."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.history import match, merge, timeline
from reader.models import Article, Block, Comment
from reader.parsing import parse_text

from apphelpers import DROPPED, REVOTED, SEED, VOTE, chunks, older_snapshot
from conftest import as_json, run


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture
def pages(tmp_path):
    """The seed page as it was earlier (three comments fewer, two with other votes), and now."""
    current = SEED.read_text(encoding="utf-8")
    (tmp_path / "then").mkdir()
    (tmp_path / "now").mkdir()
    return write(tmp_path / "then", SEED.name, older_snapshot(current)), write(tmp_path / "now", SEED.name, current)


def comments_by_text(d):
    return {" ".join(c["text"].split())[:60]: c for c in d["comments"]}


def test_older_snapshot_then_current_marks_exactly_the_added_comments_new(pages, tmp_path):
    old, now = pages
    assert run("import", old).output.startswith("new")
    sid = as_json("list")[0]["id"]
    before = as_json("show", sid)
    assert len(before["comments"]) == 16
    run("show", sid)  # looking at the story (as leaving it in the app does)
    net_then = as_json("list")[0]["score"]
    out = run("import", now).output
    after = as_json("show", sid)
    # the page's line says what it brought: the comments added, and how the net moved
    net_now = as_json("list")[0]["score"]
    assert f"updated   {now}: 3 new comments; net {net_then:+d} → {net_now:+d}" in out, out
    assert len(after["comments"]) == 19
    truth = parse_text(SEED.read_text(encoding="utf-8"), SEED.name).comments
    added = {" ".join(truth[i].text.split())[:60] for i in DROPPED}
    assert {t for t, c in comments_by_text(after).items() if c["new"]} == added
    # ids of comments seen before are kept; the added ones get new ids
    old_ids = {t: c["id"] for t, c in comments_by_text(before).items()}
    assert all(comments_by_text(after)[t]["id"] == i for t, i in old_ids.items())
    # vote history: oldest first, only changes; deltas as the list shows them
    first = comments_by_text(after)[" ".join(truth[0].text.split())[:60]]
    assert [(v["score"], v["up"], v["down"]) for v in first["votes"]] == [(-8, 2, 10), (-12, 4, 16)]
    unchanged = comments_by_text(after)[" ".join(truth[1].text.split())[:60]]
    assert len(unchanged["votes"]) == 1 and unchanged["first_seen"] == first["first_seen"]
    assert all(c["first_seen"] > first["first_seen"] or c["first_seen"] == first["votes"][1]["at"]
               for c in after["comments"] if c["new"])
    row = as_json("list")[0]
    assert row["new_comments"] == 3 and row["versions"] == 2
    assert row["score_moved"] == after_score(after) - after_score(before)
    assert [r["id"] for r in as_json("list", "--new")] == [sid]


def after_score(d):
    return sum(c["score"] or 0 for c in d["comments"] if not c["removed"])


def test_an_update_from_standard_input_says_what_it_brought_too(pages):
    from click.testing import CliRunner

    from reader.cli import cli

    old, now = pages
    run("import", old)
    r = CliRunner().invoke(cli, ["import", "-"], input=Path(now).read_text(encoding="utf-8"))
    assert r.exit_code == 0, r.output
    assert "updated   (stdin): 3 new comments; net " in r.output, r.output


def test_a_third_unchanged_import_changes_nothing(pages):
    old, now = pages
    run("import", old)
    run("import", now)
    sid = as_json("list")[0]["id"]
    d1 = as_json("show", sid)
    assert "unchanged" in run("import", now).output
    assert as_json("show", sid) == d1
    assert as_json("list")[0]["versions"] == 2


def test_a_removed_comment_is_kept_and_marked_removed(pages, tmp_path):
    _old, now = pages
    run("import", now)
    head, parts = chunks(now.read_text(encoding="utf-8"))
    gone_text = parse_text(now.read_text(encoding="utf-8"), now.name).comments[2].text
    without = write(tmp_path / "now", "later.txt", head + "".join(p for i, p in enumerate(parts) if i != 2))
    run("import", without)
    sid = as_json("list")[0]["id"]
    d = as_json("show", sid)
    assert len(d["comments"]) == 19
    removed = [c for c in d["comments"] if c["removed"]]
    assert [c["text"] for c in removed] == [gone_text]
    assert as_json("list")[0]["comments"] == 18
    shown = run("show", sid).output
    assert "gone from the page" in shown
    hist = run("history", sid).output
    assert "1 gone" in hist and "v2" in hist


def test_looking_clears_new_and_show_json_does_not(pages):
    old, now = pages
    run("import", old)
    run("import", now)
    sid = as_json("list")[0]["id"]
    assert sum(c["new"] for c in as_json("show", sid)["comments"]) == 3  # never looked: new since the first import
    assert sum(c["new"] for c in as_json("show", sid)["comments"]) == 3  # --json is for scripts: not a look
    assert "3 new since you last looked" in run("show", sid).output
    assert sum(c["new"] for c in as_json("show", sid)["comments"]) == 0
    row = as_json("list")[0]
    assert row["new_comments"] == 0 and row["read"] and not row["unread"]
    assert as_json("list", "--new") == [] and as_json("list", "--unread") == []


def test_history_command_lists_each_import(pages):
    old, now = pages
    run("import", old)
    run("import", now)
    sid = as_json("list")[0]["id"]
    versions = as_json("history", sid)
    assert [v["version"] for v in versions] == [1, 2]  # as the text output numbers them (v1, v2)
    assert len(versions[1]["added"]) == 3 and versions[1]["removed"] == []
    _head, parts = chunks(now.read_text(encoding="utf-8"))
    expected = sorted((up - down, int(VOTE.search(parts[i]).group(1))) for i, (up, down) in REVOTED.items())
    assert sorted((m["before"], m["after"]) for m in versions[1]["votes"]) == expected
    text = run("history", sid).output
    assert "+3 new" in text and "2 re-voted" in text


def test_same_address_is_the_same_story_even_with_another_title(tmp_path):
    page = "Title one here for a story\nhttps://example.com/news/1\n\nA first paragraph of the story body that is long enough.\n"
    a = write(tmp_path, "a.txt", page)
    b = write(tmp_path, "b.txt", page.replace("Title one here", "A changed headline"))
    run("import", "--force", a)
    assert "updated" in run("import", "--force", b).output
    assert [r["title"] for r in as_json("list")] == ["A changed headline for a story"]


def test_rm_hides_a_story_from_list_and_search_and_reimport_brings_it_back(pages):
    _old, now = pages
    run("import", now)
    sid = as_json("list")[0]["id"]
    word = "scrambling"
    assert as_json("search", word)
    assert f"deleted {sid}" in run("rm", sid).output
    assert as_json("list") == [] and as_json("search", word) == []
    assert "deleted" in run("show", sid, ok=False).output
    run("import", now)  # unchanged, but imported again: back
    assert [r["id"] for r in as_json("list")] == [sid]
    assert as_json("search", word)


def test_seeds_come_only_with_the_app_or_list_and_deleted_ones_stay_gone(tmp_path):
    page = write(tmp_path, "p.txt", SEED.read_text(encoding="utf-8"))
    run("import", page)
    assert len(as_json("list")) == 1  # importing first: no demo pages, ever
    fresh = tmp_path / "fresh"
    out = json.loads(run("--db", fresh, "list", "--json").output)
    assert len(out) == 5
    run("--db", fresh, "rm", *[r["id"] for r in out])
    assert json.loads(run("--db", fresh, "list", "--json").output) == []
    other = tmp_path / "other"
    run("--db", other, "search", "trump")
    assert not (other / "index.json").exists()  # only the app and `reader list` seed


def test_history_survives_doctor_rebuild(pages):
    old, now = pages
    run("import", old)
    run("import", now)
    sid = as_json("list")[0]["id"]
    run("bookmark", sid)
    before = as_json("show", sid)
    row = as_json("list")[0]
    run("doctor", "--rebuild")
    assert as_json("show", sid) == before
    after_row = as_json("list")[0]
    assert {k: after_row[k] for k in ("new_comments", "versions", "bookmarked", "score_moved")} == \
        {k: row[k] for k in ("new_comments", "versions", "bookmarked", "score_moved")}


# ---- the core, directly


def _c(i, text, author=None, score=0, parent=None):
    return Comment(i, [Block(text)], score=score, up=max(score, 0), down=max(-score, 0), author=author, parent=parent)


def _a(comments):
    return Article(file="x.txt", layout="generic", title="T", source="S", comments=comments)


def test_reordered_comments_keep_their_identity_and_replies_their_parents():
    old = _a([_c(1, "first words", "ann"), _c(2, "second words", "bob", parent=1), _c(3, "third words", "cy")])
    new = _a([_c(1, "third words", "cy"), _c(2, "a brand new one", "dee"), _c(3, "first words", "ann"),
              _c(4, "second words", "bob", parent=3)])
    m = merge(old, new, "2026-01-02T00:00:00+00:00", "2026-01-01T00:00:00+00:00")
    by_text = {c.text: c for c in m.comments}
    assert by_text["first words"].id == 1 and by_text["second words"].id == 2 and by_text["third words"].id == 3
    assert by_text["second words"].parent == 1
    assert by_text["a brand new one"].id == 4 and by_text["a brand new one"].first == 1
    assert m.versions == ["2026-01-01T00:00:00+00:00", "2026-01-02T00:00:00+00:00"]


def test_an_edited_comment_is_matched_and_keeps_its_old_words():
    old = _a([_c(1, "I think the summit will happen in February, probably.", "ann", score=3)])
    new = _a([_c(1, "I think the summit will happen in March, probably. (edited)", "ann", score=5)])
    m = merge(old, new, "t2", "t1")
    (c,) = m.comments
    assert c.id == 1 and c.first == 0 and c.removed is None
    assert c.edits == [[1, "I think the summit will happen in February, probably."]]
    assert c.vh == [[0, 3, 3, 0], [1, 5, 5, 0]]
    assert [v.edited for v in timeline(m)][1] == [c]


def test_identical_comments_pair_up_in_order():
    old = _a([_c(1, "+1", "a"), _c(2, "+1", "b")])
    new = _a([_c(1, "+1", "b"), _c(2, "+1", "a"), _c(3, "+1", "c")])
    pairs = match(old.comments, new.comments)
    assert {k: v.id for k, v in pairs.items()} == {1: 2, 2: 1}


def test_a_comment_that_comes_back_is_no_longer_removed():
    a = _a([_c(1, "one"), _c(2, "two")])
    b = merge(a, _a([_c(1, "one")]), "t2", "t1")
    assert [c.removed for c in b.comments] == [None, 1]
    c = merge(b, _a([_c(1, "one"), _c(2, "two")]), "t3", None)
    assert [(x.id, x.removed) for x in c.comments] == [(1, None), (2, None)]
    assert c.versions == ["t1", "t2", "t3"]


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.tuples(texts, st.sampled_from([None, "a", "b"]), st.integers(-5, 5)), max_size=12),
       st.lists(st.tuples(texts, st.sampled_from([None, "a", "b"]), st.integers(-5, 5)), max_size=12))
def test_merge_never_loses_a_comment_and_ids_stay_unique(before, after):
    old = _a([_c(i, t, a, s) for i, (t, a, s) in enumerate(before, 1)])
    new = _a([_c(i, t, a, s) for i, (t, a, s) in enumerate(after, 1)])
    old_texts = sorted(c.text for c in old.comments)
    new_texts = sorted(c.text for c in new.comments)
    m = merge(old, new, "t2", "t1")
    ids = [c.id for c in m.comments]
    assert len(ids) == len(set(ids))
    assert sorted(c.text for c in m.comments if c.removed is None) == new_texts
    kept = sorted([c.text for c in m.comments] + [t for c in m.comments for _v, t in (c.edits or [])])
    assert all(t in kept for t in old_texts)
    assert all(c.first in (0, 1) for c in m.comments)


few_texts = st.sampled_from(["+1", "same words", "Same  words", "other", "a b c", "+1 "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(few_texts, st.sampled_from([None, "a", "b"])), max_size=8),
       st.lists(st.tuples(few_texts, st.sampled_from([None, "a", "b"])), max_size=4),
       st.lists(st.tuples(few_texts, st.sampled_from([None, "a", "b"])), max_size=4),
       st.integers(0, 8))
def test_pairing_the_unchanged_first_comments_as_they_stand_pairs_as_fingerprints_do(start, old_tail, new_tail, cut):
    """The stored story's first comments, word for word on the page again (then others, often
    duplicates of them or alike but for case and spaces): paired as the fingerprint passes alone
    pair them (every comment fingerprinted), duplicates in page order."""
    from reader import history

    old = [_c(i, t, a) for i, (t, a) in enumerate(start + old_tail, 1)]
    new = [_c(i, t, a) for i, (t, a) in enumerate(start[:cut] + new_tail + start[cut:], 1)]
    assert history._same_start(old, new) >= min(len(start), cut)  # (the pairing as they stand is used)
    pairs = {k: v.id for k, v in match(old, new).items()}
    reference = {k: v.id for k, v in match(old, new, same_start=False).items()}  # (history may be compiled: no patch)
    assert pairs == reference


def test_comment_lines_mark_new_gone_edited_and_vote_moves():
    from reader.render import comment_lines
    from reader.threads_view import Row

    old = _a([_c(1, "The summit is in February, I think.", "ann", score=3), _c(2, "Soon gone", "bob")])
    m = merge(old, _a([_c(1, "The summit is in March, I think.", "ann", score=7), _c(2, "Brand new", "cy")]),
              "t2", "t1")
    by_text = {c.text: c for c in m.comments}

    def shown(c, change=None):
        return "\n".join(line.plain for line in comment_lines(Row(c, 0, 0, 0, False), 100, change))

    edited = shown(by_text["The summit is in March, I think."], (False, 4))
    assert "(▲+4)" in edited and "✎ edited since first seen" in edited and "before the edit: The summit is in February" in edited
    assert "✦ new" in shown(by_text["Brand new"], (True, None))
    assert "✗ gone from the page" in shown(by_text["Soon gone"])
    assert "✦ new" not in shown(by_text["Soon gone"]) and "(▲" not in shown(by_text["Brand new"])


def test_reimporting_a_deleted_story_says_restored_and_rm_with_a_bad_id_deletes_nothing(pages):
    _old, now = pages
    run("import", now)
    sid = as_json("list")[0]["id"]
    bad = run("rm", sid, "999", ok=False)
    assert bad.exit_code == 1 and "nothing was deleted" in bad.output
    assert len(as_json("list")) == 1
    run("rm", sid)
    # doctor and compact count it (it is still stored), and say it is a deleted one
    assert "index: 1 stories (1 of them deleted: kept, and back in the list if its page is imported again)" \
        in run("doctor").output
    assert "kept 1 current stories (1 of them deleted" in run("compact").output
    out = run("import", now).output
    assert "restored" in out and "1 restored" in out
    assert "of them deleted" not in run("doctor").output
    assert run("show", sid, "--comments-sort", "oldest").exit_code == 0


def _hist_by_version(article):
    """story_hist as it reads: each version asks each comment (present_in, votes_at)."""
    out = []
    for v, at in enumerate(article.versions):
        added = score = votes = 0
        for c in article.comments:
            added += c.first == v
            if c.present_in(v):
                s, up, down = c.votes_at(v) or (None, None, None)
                score += s or 0
                votes += (up or 0) + (down or 0)
        out.append([at, added, score, votes])
    return out


maybe_int = st.one_of(st.none(), st.integers(-20, 20))


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 5), st.lists(st.tuples(
    st.integers(0, 5), st.one_of(st.none(), st.integers(0, 6)), maybe_int, maybe_int, maybe_int,
    st.one_of(st.none(), st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 5)), maybe_int, maybe_int, maybe_int),
                                  min_size=1, max_size=4))), max_size=8))
def test_the_index_history_of_a_story_is_what_each_version_had(n, specs):
    """story_hist (one pass over the comments) gives what asking each comment of each version
    gives: comments added, score and votes per version, with removed comments, vote histories
    in any order and missing vote counts."""
    from reader.history import story_hist

    comments = [Comment(i, [Block("x")], score, up, down, first=first, removed=removed,
                        vh=[list(r) for r in vh] if vh else None)
                for i, (first, removed, score, up, down, vh) in enumerate(specs, 1)]
    article = Article(file=None, layout="generic", title="t", comments=comments, versions=[f"t{v}" for v in range(n)])
    assert story_hist(article) == _hist_by_version(article)
    assert story_hist(Article(file=None, layout="generic", title="t", comments=comments, versions=["t0"])) is None

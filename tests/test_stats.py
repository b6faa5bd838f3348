"""What the votes say: one story's comment section (`reader stats ID`), the archive at a glance
(`reader stats`), the contested measure and the controversy sort, checked against the seeds'
ground truth (seeds-expected.json) and crafted comments."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.models import Article, Block, Comment, StoryEntry
from reader.stats import TOP, archive_stats, contested, controversy, histogram, story_stats

from conftest import EXPECTED, as_json, run

PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WITH_COMMENTS = [s for s in EXPECTED if s["comments"]]




@pytest.fixture
def ids():
    """Each seed file's story id (`reader list` gives a new database the seeds)."""
    return {row["file"]: row["id"] for row in as_json("list")}


def descendants(comments: list[dict]) -> dict[int, int]:
    """Comments below each comment, from the expected parents (revisions are not replies)."""
    children: dict[int, list[int]] = defaultdict(list)
    for c in comments:
        if c["parent"] is not None and c.get("revision_of") is None:
            children[c["parent"]].append(c["id"])

    def below(i: int) -> int:
        return sum(1 + below(k) for k in children.get(i, ()))

    return {c["id"]: below(c["id"]) for c in comments}


# ---- one story, against the ground truth


@pytest.mark.parametrize("seed", WITH_COMMENTS, ids=lambda s: s["file"][:3])
def test_story_stats_match_the_expected_comments(seed, ids):
    d = as_json("stats", ids[seed["file"]])
    cs = seed["comments"]
    up, down = sum(c["up"] for c in cs), sum(c["down"] for c in cs)
    t = d["totals"]
    assert (t["comments"], t["voted"], t["up"], t["down"], t["net"]) == (len(cs), len(cs), up, down, up - down)
    assert t["controversy"] == round(sum(contested(c["up"], c["down"]) for c in cs), 1)
    # per comment: every voted comment in page order, with its votes
    assert [(c["id"], c["up"], c["down"], c["net"]) for c in d["per_comment"]] == \
        [(c["id"], c["up"], c["down"], c["up"] - c["down"]) for c in cs]
    assert all(c["score"] == c["up"] - c["down"] for c in cs)
    # threads: replies are every comment below a top-level one
    below = descendants(cs)
    tops = [(c["id"], below[c["id"]]) for c in cs if c["parent"] is None and c.get("revision_of") is None]
    want = sorted(((i, n) for i, n in tops if n), key=lambda x: (-x[1], x[0]))[:TOP]
    assert want  # each seed with comments has at least one reply
    assert [(x["id"], x["replies"]) for x in d["most_replied"]] == want
    # writers
    authors = Counter(c["author"] for c in cs if c.get("author"))
    assert {w["author"]: w["comments"] for w in d["writers"]} == dict(authors)
    nets = {a: sum(c["up"] - c["down"] for c in cs if c.get("author") == a) for a in authors}
    assert {w["author"]: w["net"] for w in d["writers"]} == nets
    # most contested: the measure, largest first, only comments with votes on both sides
    mc = d["most_contested"]
    by_id = {c["id"]: c for c in cs}
    assert mc and all(x["contested"] == round(contested(by_id[x["id"]]["up"], by_id[x["id"]]["down"]), 1) for x in mc)
    assert [x["contested"] for x in mc] == sorted((x["contested"] for x in mc), reverse=True)
    assert all(by_id[x["id"]]["up"] and by_id[x["id"]]["down"] for x in mc)
    best = max(contested(c["up"], c["down"]) for c in cs)
    assert mc[0]["contested"] == round(best, 1)
    # the net distribution counts each voted comment once
    assert sum(b["comments"] for b in d["net_distribution"]) == len(cs)
    assert (d["id"], d["title"]) == (ids[seed["file"]], seed["title"])


def test_story_without_comments_has_empty_stats(ids):
    seed = next(s for s in EXPECTED if not s["comments"])
    d = as_json("stats", ids[seed["file"]])
    assert d["totals"]["comments"] == 0 and d["totals"]["net"] == 0
    assert d["most_agreed"] == d["most_contested"] == d["most_replied"] == d["per_comment"] == []
    assert d["net_distribution"] == []


def test_unknown_story_is_a_one_line_error(ids):
    assert ids
    r = run("stats", "99999", ok=False)
    assert r.exit_code != 0
    assert isinstance(r.exception, SystemExit)
    assert r.stderr.strip() and r.stderr.strip().count("\n") == 0 and "99999" in r.stderr
    assert "Traceback" not in r.output and r.stdout == ""


def test_stats_text_output_runs(ids):
    seed = WITH_COMMENTS[0]
    assert run("stats", ids[seed["file"]]).output.strip()
    assert run("stats").output.strip()


# ---- the contested measure and crafted comments


def test_contested_measure():
    assert contested(20, 18) == pytest.approx(34.2)
    assert contested(100, 20) == pytest.approx(24)
    assert contested(50, 0) == 0
    assert contested(0, 50) == 0
    assert contested(0, 0) == 0
    assert contested(None, None) == 0 and contested(None, 7) == 0
    assert contested(18, 20) == pytest.approx(contested(20, 18))
    assert contested(10, 10) == 20


def comment(i: int, up: int | None, down: int | None, *, score: int | None = None, parent: int | None = None,
            revision_of: int | None = None, author: str | None = None) -> Comment:
    if score is None and up is not None and down is not None:
        score = up - down
    return Comment(id=i, blocks=[Block(text=f"comment number {i}")], score=score, up=up, down=down, parent=parent,
                   revision_of=revision_of, author=author)


def crafted() -> Article:
    return Article(file=None, layout="generic", title="Crafted", comments=[
        comment(1, 20, 18, author="ann"),
        comment(2, 100, 20, author="bob"),
        comment(3, 50, 0, author="ann"),
        comment(4, 5, 0),
        comment(5, None, None, score=7),  # a score line only
        comment(6, 1, 3, parent=2, author="cy"),
        comment(7, 0, 0, parent=6),
        comment(8, 0, 2, parent=2, revision_of=6),  # a revision is not a reply
        comment(9, None, None),  # no vote line at all
    ])


def test_story_stats_on_crafted_comments():
    st_ = story_stats(crafted())
    assert [c.id for c in st_.contested] == [1, 2, 6]
    contested_ids = [c.id for c in st_.contested]
    assert contested_ids.index(1) < contested_ids.index(2)  # +20/-18 is more contested than +100/-20
    assert 3 not in contested_ids and 4 not in contested_ids  # only up votes: never contested
    assert st_.contested[0].contested == pytest.approx(34.2)
    assert [(c.id, c.net) for c in st_.agreed] == [(2, 80), (3, 50), (5, 7), (4, 5), (1, 2)]
    assert [(c.id, c.replies) for c in st_.threads] == [(2, 2)]
    assert (st_.comments, st_.voted, st_.up, st_.down) == (9, 8, 176, 43)
    assert st_.net == st_.up - st_.down + 7  # and comment 5's score: a score line only
    assert st_.controversy == round(34.2 + 24 + 4 / 3, 1)
    assert st_.writers == [("ann", 2, 52), ("bob", 1, 80), ("cy", 1, -2)]
    assert [c.id for c in st_.per_comment] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert sum(n for _, _, n in st_.distribution) == 8


def test_contested_list_ranks_an_even_split_above_a_lopsided_one():
    art = Article(file=None, layout="generic", title="Two", comments=[comment(1, 100, 20), comment(2, 20, 18),
                                                                       comment(3, 500, 0)])
    s = story_stats(art)
    assert [c.id for c in s.contested] == [2, 1]
    assert [c.id for c in s.agreed] == [3, 1, 2]
    assert controversy(art.comments) == round(34.2 + 24, 1)


def test_most_agreed_is_by_net_and_keeps_the_top():
    art = Article(file=None, layout="generic", title="Many",
                  comments=[comment(i, 10 + i, 2 * i) for i in range(1, 12)] + [comment(20, 1, 9)])
    s = story_stats(art)
    nets = [c.net for c in s.agreed]
    assert len(s.agreed) == TOP and nets == sorted(nets, reverse=True)
    every = sorted((c.up - c.down for c in art.comments if c.up - c.down > 0), reverse=True)
    assert nets == every[:TOP]
    assert all(c.net > 0 for c in s.agreed)


# ---- the net histogram


def test_histogram_examples():
    assert histogram([]) == []
    out = histogram([-12, -1, 0, 0, 5, 13])
    assert sum(n for _, _, n in out) == 6
    assert any(lo == 0 for lo, _, _ in out)
    assert histogram([3, 3, 3]) == [(3, 3, 3)]


@PROPS
@given(st.lists(st.integers(-5000, 5000), min_size=1, max_size=60), st.integers(1, 20))
def test_histogram_counts_each_value_once_in_contiguous_bins(values, bins):
    out = histogram(values, bins)
    assert sum(n for _, _, n in out) == len(values)
    for lo, hi, n in out:
        assert lo <= hi and n == sum(lo <= v <= hi for v in values)
    for (_, hi1, _), (lo2, _, _) in pairwise(out):
        assert lo2 == hi1 + 1  # contiguous, no overlap
    assert out[0][0] <= min(values) and out[-1][1] >= max(values)
    assert len({hi - lo for lo, hi, _ in out}) == 1  # equal widths
    if min(values) <= 0 <= max(values):
        assert any(lo == 0 for lo, _, _ in out)  # negative and positive scores never share a bar


# ---- the archive at a glance


def test_archive_stats_match_the_seeds(ids):
    d = as_json("stats")
    assert list(d) == ["totals", "outlets", "days", "most_discussed", "most_contested"]
    all_comments = [c for s in EXPECTED for c in s["comments"]]
    up, down = sum(c["up"] for c in all_comments), sum(c["down"] for c in all_comments)
    assert d["totals"] == {"stories": 5, "comments": len(all_comments), "up": up, "down": down, "net": up - down}
    outlets = {o["outlet"]: o["stories"] for o in d["outlets"]}
    assert sum(outlets.values()) == 5
    want = Counter(s["source"] or "web" for s in EXPECTED)
    assert outlets == dict(want) and outlets["Japan Today"] == 3
    counts = [o["stories"] for o in d["outlets"]]
    assert counts == sorted(counts, reverse=True)
    assert sum(x["stories"] for x in d["days"]) == 5
    assert sum(x["comments"] for x in d["days"]) == len(all_comments)
    dated = [s["published"][:10] for s in EXPECTED if s["published"]]
    assert set(dated) <= {x["day"] for x in d["days"]}
    md = d["most_discussed"]
    assert [x["comments"] for x in md] == sorted((x["comments"] for x in md), reverse=True)
    assert {x["id"] for x in md} == set(ids.values())
    by_file = {s["file"]: s for s in EXPECTED}
    for x in md:
        s = next(by_file[f] for f, i in ids.items() if i == x["id"])
        assert (x["comments"], x["title"], x["source"]) == (len(s["comments"]), s["title"], s["source"])
    mc = d["most_contested"]
    assert [x["controversy"] for x in mc] == sorted((x["controversy"] for x in mc), reverse=True)
    assert all(x["controversy"] > 0 for x in mc) and len(mc) == len(WITH_COMMENTS)


def test_archive_stats_on_crafted_rows():
    rows = [StoryEntry(id=1, key="a", title="A", source="X", comments=3, votes=10, up=7, contested=2.5,
                       published="2025-01-02T10:00:00+09:00"),
            StoryEntry(id=2, key="b", title="B", source="X", comments=9, votes=4, up=1, imported="2025-01-02T01:00:00"),
            StoryEntry(id=3, key="c", title="C", comments=0)]
    a = archive_stats(rows)
    assert (a.stories, a.comments, a.up, a.down) == (3, 12, 8, 6)
    assert a.outlets == [("X", 2), ("web", 1)]
    assert a.days == [("2025-01-02", 2, 12, 14), ("undated", 1, 0, 0)]
    assert [e.id for e in a.discussed] == [2, 1, 3]
    assert [e.id for e in a.contested] == [1]
    assert archive_stats([]).to_json()["totals"]["stories"] == 0


# ---- the controversy sort


def test_list_sorted_by_controversy(ids):
    rows = as_json("list", "--sort", "controversy")
    vals = [r["controversy"] for r in rows]
    assert vals == sorted(vals, reverse=True) and len(rows) == 5
    by_file = {s["file"]: s for s in EXPECTED}
    for r in rows:
        cs = by_file[r["file"]]["comments"]
        assert r["controversy"] == round(sum(contested(c["up"], c["down"]) for c in cs), 1)
        assert r["up"] == sum(c["up"] for c in cs) and r["down"] == sum(c["down"] for c in cs)
    assert rows[0]["file"] == max(WITH_COMMENTS, key=lambda s: sum(contested(c["up"], c["down"])
                                                                   for c in s["comments"]))["file"]


def test_a_reply_to_a_revision_counts_under_the_original():
    from reader.models import Article, Block, Comment
    from reader.stats import story_stats

    def c(i, parent=None, revision_of=None):
        return Comment(id=i, blocks=[Block(text=f"comment {i}")], score=0, up=1, down=1, parent=parent,
                       revision_of=revision_of)

    art = Article(file=None, layout="generic", title="t",
                  comments=[c(1), c(2, revision_of=1), c(3, parent=2), c(4, parent=3), c(5)])
    st = story_stats(art)
    assert [(t.id, t.replies) for t in st.threads] == [(1, 2)]


def test_a_site_that_shows_only_a_score_and_a_story_with_no_votes_read_right():
    from reader.charts import story_stats_lines

    def art(votes):
        return Article(file=None, layout="discussion", title="t", body=["b"], comments=[
            Comment(id=i, blocks=[Block(f"comment {i}")], score=s, up=None, down=None)
            for i, s in enumerate(votes, start=1)])

    scored = story_stats(art([64, 9, None]))
    assert (scored.voted, scored.net, [c.id for c in scored.agreed]) == (2, 73, [1, 2])
    text = "\n".join(line.plain for line in story_stats_lines(scored, 80))
    assert "net +64" in text and "▲0 ▼0" not in text  # no made-up up and down counts
    assert "up ▲0" not in text and "Up vs down" not in text  # (the site counted none to show)
    text = "\n".join(line.plain for line in story_stats_lines(story_stats(art([None, None])), 80))
    assert text.count("(none: no comment has votes)") == 2 and "more up than down" not in text


def test_the_totals_line_wraps_rather_than_cutting_a_figure_at_the_edge():
    from reader.charts import story_stats_lines

    art = Article(file=None, layout="japantoday", title="t", body=["b"], comments=[
        Comment(id=i, blocks=[Block(f"comment {i}")], score=50 * i - 4000, up=50 * i, down=4000) for i in range(1, 341)])
    st_ = story_stats(art)
    lines = [line.plain for line in story_stats_lines(st_, 80)]
    assert all(len(x) <= 80 for x in lines[:3]) and f"controversy {st_.controversy:g}" in "\n".join(lines)
    assert f"comments {len(art.comments)}" in lines[0]


def test_a_storys_line_counts_up_and_down_from_the_comments_that_have_them():
    """A forum mixes scores alone (`24 points`) with up and down votes (`+3 / -1`): the row's ▲▼
    are the votes' (▲3 ▼1), not derived from the net (it said ▲24 ▼-20)."""
    from reader.render import story_meta

    text = story_meta(StoryEntry(id=1, key="f", title="F", comments=5, votes=4, up=3, score=44)).plain
    assert "net +44" in text and "▲3 ▼1" in text


def test_a_narrow_row_drops_the_up_and_down_votes_before_the_new_comments():
    from reader.render import story_lines, story_meta

    e = StoryEntry(id=1, key="f", title="F", comments=20, votes=278, up=95, score=-88, source="Japan Today",
                   hist=[["2026-11-24T10:00:00+00:00", 19, -92, 270], ["2026-11-25T10:00:00+00:00", 1, -88, 278]], seen=1)
    assert e.new_comments == 1
    wide = story_lines(e, 100)[1].plain
    assert "▲95 ▼183" in wide and "20 comments +1 new" in wide
    narrow = story_lines(e, 44)[1].plain
    assert "▲95" not in narrow and "20 comments +1 new" in narrow and len(narrow) <= 44
    # exactly as wide as the net, the votes and the comments: the ellipsis would take the badge's last cell
    edge = len(story_meta(e, tail=False).plain)
    assert "20 comments +1 new" in story_lines(e, edge)[1].plain

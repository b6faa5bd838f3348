"""The benchmark corpus generator writes pages that parse back to the threads it meant."""

from __future__ import annotations

from benchmarks.corpus import generate
from reader.parsing import parse_file


def test_generated_pages_parse_back_to_their_threads(tmp_path):
    truth = generate(tmp_path, 120, seed=11)
    layouts = {t["layout"] for t in truth.values()}
    assert layouts == {"japantoday", "japannews", "generic"}
    checked = replies = revisions = article_quotes = 0
    for name, t in truth.items():
        art = parse_file(tmp_path / name)
        assert art.layout == t["layout"], name
        assert len(art.comments) == len(t["comments"]), name
        for c, want in zip(art.comments, t["comments"], strict=False):
            assert (c.parent, c.revision_of) == (want["parent"], want["revision_of"]), (name, c.id)
            if want.get("quotes_article"):
                assert any(q["of"] == "article" for q in c.quotes), (name, c.id)
                article_quotes += 1
            checked += 1
            replies += want["parent"] is not None
            revisions += want["revision_of"] is not None
    assert checked > 500 and replies > 100 and revisions > 3 and article_quotes > 20
    depth = max(_depth(parse_file(tmp_path / n)) for n in truth)
    assert depth >= 3  # threads several levels deep


def _depth(art) -> int:
    parent = {c.id: c.parent for c in art.comments}
    best = 0
    for cid in parent:
        d, p = 0, parent[cid]
        while p is not None:
            d, p = d + 1, parent[p]
        best = max(best, d)
    return best

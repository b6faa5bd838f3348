"""The parser against the seeds' ground truth, field by field, and against odd input."""

from __future__ import annotations

import pytest

from reader.parsing import PageError, parse_bytes, parse_file, parse_text

from conftest import EXPECTED, SEEDS

CASES = {e["file"]: e for e in EXPECTED}


@pytest.fixture(scope="module")
def parsed():
    return {name: parse_file(SEEDS / name) for name in CASES}


@pytest.mark.parametrize("name", sorted(CASES))
def test_article_fields(parsed, name):
    exp, art = CASES[name], parsed[name]
    for field in ("layout", "source", "category", "title", "image", "byline", "credit",
                  "copyright_year", "published", "stated_comment_count"):
        assert getattr(art, field) == exp[field], field
    assert len(art.body) == exp["body_paragraphs"]
    if art.body:
        assert art.body[0] == exp["body_first"]
        assert art.body[-1] == exp["body_last"]
    assert len(art.related) == exp["related"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_comments(parsed, name):
    exp, art = CASES[name], parsed[name]
    assert [c.id for c in art.comments] == [c["id"] for c in exp["comments"]]
    for got, want in zip(art.comments, exp["comments"], strict=False):
        where = f"{name}#{want['id']}"
        assert (got.score, got.up, got.down) == (want["score"], want["up"], want["down"]), where
        assert got.parent == want.get("parent"), where
        assert got.revision_of == want.get("revision_of"), where
        assert got.author == want.get("author"), where
        assert got.posted == want.get("posted"), where
        quoted = sorted({str(q["of"]) for q in got.quotes})
        assert quoted == sorted({str(x) for x in want.get("quotes_of", [])}), where


def test_seed_counts_and_threads(parsed):
    counts = [len(parsed[n].comments) for n in sorted(CASES)]
    assert counts == [7, 0, 0, 19, 19]
    a4 = parsed["004_db39fb9482dc13f4.txt"]
    assert {c.id: c.parent for c in a4.comments if c.parent} == {13: 12, 15: 13, 17: 3}


def test_quote_header_is_not_reply_text(parsed):
    c = parsed["003_9d92df5315b21dd4.txt"].comments[17]
    assert "kurisupisu" not in c.text
    assert c.text.startswith("LOL. The very first Japanese factory")
    assert c.quotes[0]["text"] == "Japanese Inc must now be scrambling to set up\n\nproduction in the US."
    mist = parsed["000_96de06f45ee66ae5.txt"].comments[5]
    assert mist.text == "*whom. (Yeah, I'm that guy.)"
    assert mist.quotes == [{"text": "Build a relationship of trust with who?", "of": 1}]


def test_related_sections(parsed):
    rel = parsed["001_9f18f2c2c6becd2c.txt"].related
    assert [r["section"] for r in rel] == ["POPULAR ARTICLE"] * 5 + ["JN ACCESS RANKING"] * 5
    assert rel[5]["title"].startswith("China’s New Energy Vehicles")
    assert all(r["title"] != "-" for r in rel)


def test_footer_and_login_stay_out(parsed):
    for art in parsed.values():
        text = " ".join([art.title, *art.body, *(c.text for c in art.comments)])
        for junk in ("Login to", "Facebook", "GPlusMedia", "trending on our other", "Comments"):
            assert junk not in text


def test_bom_crlf_nbsp_are_accepted():
    raw = (SEEDS / "000_96de06f45ee66ae5.txt").read_text(encoding="utf-8")
    odd = "\ufeff" + raw.replace("\n", "\r\n").replace("Japan working", "Japan\u00a0working")
    art = parse_bytes(odd.encode("utf-8"), "odd.txt")
    assert art.title == "Japan working toward Ishiba-Trump meeting in U.S. before mid-February"
    assert len(art.comments) == 7 and art.comments[5].parent == 1


def test_banner_before_site_line_and_missing_count():
    page = "\n".join([
        "BREAKING: sign up for our newsletter today",
        "Japan Today",
        "national",
        "Train services resume after typhoon",
        "Rail operators resumed services on Monday.",
        "Commuters were relieved.",
        "© KYODO",
        "Finally!",
        "3 ( +4 / -1 )",
    ])
    art = parse_text(page)
    assert (art.layout, art.category, art.title) == ("japantoday", "national", "Train services resume after typhoon")
    assert art.body == ["Rail operators resumed services on Monday.", "Commuters were relieved."]
    assert art.credit == "KYODO" and art.stated_comment_count is None
    assert [(c.text, c.score) for c in art.comments] == [("Finally!", 3)]


def test_glued_copyright_and_stated_count_larger_than_shown():
    page = "\n\n".join([
        "Japan Today", "Photo of a thing Image: iStock", "business", "Yen slides", "12 Comments",
        "The yen fell.", "Traders shrugged.© Thomson Reuters 2024", "©2024 GPlusMedia Inc.", "12 Comments",
        "Login to comment", "Buy the dip", "-1 ( +1 / -2 )", "Login to leave a comment", "Facebook users",
    ])
    art = parse_text(page)
    assert art.body == ["The yen fell.", "Traders shrugged."]
    assert (art.credit, art.copyright_year, art.stated_comment_count) == ("Thomson Reuters", 2024, 12)
    assert art.image == {"caption": "Photo of a thing", "credit": "iStock"}
    assert len(art.comments) == 1
    assert any("says 12 comments" in n for n in art.notes)


def test_comments_without_login_line_and_net_kept_as_stated():
    page = "\n".join([
        "Japan Today", "crime", "Man arrested", "2 Comments", "Police arrested a man.", "He denied it.",
        "First!", "7 ( +1 / -1 )", "Second comment here", "0 ( +0 / -0 )",
    ])
    art = parse_text(page)
    assert art.body == ["Police arrested a man.", "He denied it."]
    assert [c.text for c in art.comments] == ["First!", "Second comment here"]
    assert art.comments[0].score == 7 and art.comments[0].up == 1


def test_cut_off_page_keeps_last_comment_and_garbage_vote_line():
    page = "\n".join(["Japan Today", "world", "A headline", "Body text.", "Login to comment",
                      "good point", "5 ( +5 / -x0 )", "this comment was cut o"])
    art = parse_text(page)
    assert [c.text for c in art.comments] == ["good point", "this comment was cut o"]
    assert (art.comments[0].score, art.comments[0].up, art.comments[0].down) == (5, 5, None)
    assert art.comments[1].score is None
    assert any("mid-comment" in n for n in art.notes)


def test_expired_article_keeps_comments():
    page = "\n".join(["Japan Today", "The requested article has expired, and is no longer available. "
                      "Any related articles and user comments are shown below.",
                      "Login to comment", "Old news", "1 ( +1 / -0 )"])
    art = parse_text(page)
    assert art.body == []
    assert [c.text for c in art.comments] == ["Old news"]
    assert "expired" in art.notes[0]


def test_japan_news_with_banner_and_generic_fallback():
    page = "\n".join(["Subscribe now", "Some Title Here", "09:05 JST, March 3, 2025", "Para one.",
                      "JN ACCESS RANKING", "- Headline A"])
    art = parse_text(page)
    assert (art.layout, art.title, art.published) == ("japannews", "Some Title Here", "2025-03-03T09:05:00+09:00")
    assert art.body == ["Para one."] and art.related == [{"section": "JN ACCESS RANKING", "title": "Headline A"}]
    g = parse_text("Advertisement\nJust a title\nand a body")
    assert (g.layout, g.title, g.body) == ("generic", "Just a title", ["and a body"])


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"), (b"   \n\n", "empty"), (b"\x00\x01\x02binary\x00", "binary"),
])
def test_unreadable_bytes(data, reason):
    with pytest.raises(PageError, match=reason):
        parse_bytes(data, "x.txt")


def test_latin1_is_decoded_with_a_note():
    art = parse_bytes("Caf\xe9 news\nA body line".encode("latin-1"), "l1.txt")
    assert art.title == "Café news" and "Latin-1" in art.notes[0]


def test_revision_chain_and_article_quote_with_ellipsis(parsed):
    a3 = parsed["003_9d92df5315b21dd4.txt"]
    assert a3.comments[15].quotes[0]["of"] == "article"
    assert a3.comments[5].revision_of == 4 and a3.comments[5].quotes == []

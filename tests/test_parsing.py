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


@pytest.mark.parametrize("line,iso", [
    ("Sevilla - 14 may 2025 - 10:42 CEST", "2025-05-14T10:42:00+02:00"),
    ("Actualizado: 14 may 2025 - 13:05 CEST", "2025-05-14T13:05:00+02:00"),
    ("Publié le 3 mars 2025 à 10h42", "2025-03-03T10:42:00"),
    ("12. März 2025, 09:41 Uhr", "2025-03-12T09:41:00"),
    ("lunes, 3 de marzo de 2025", "2025-03-03"),
    ("TOKYO — March 3, 2025", "2025-03-03"),
])
def test_dates_in_other_languages_and_after_a_place(line, iso):
    from reader.parsing.evidence import is_date_line, parse_date

    assert is_date_line(line) and parse_date(line) == iso


@pytest.mark.parametrize("line", ["Marzo es un mes", "El 3 de marzo de 2025 llegó la nieve a Madrid y a toda la meseta",
                                  "Started by hingefan, 9 Feb 2025", "May I say 3 things"])
def test_sentences_with_dates_are_not_date_lines(line):
    from reader.parsing.evidence import is_date_line

    assert not is_date_line(line)


@pytest.mark.parametrize("line,furniture", [
    ("Ir al contenido", True), ("Aller au contenu principal", True), ("Zum Inhalt springen", True),
    ("本文へスキップ", True), ("The Guardian - Back to home", True), ("Go to Reddit Home", True),
    ("Open navigation", True), ("Compartir en Facebook", True), ("Copiar enlace", True),
    ("This content is for premium members only. Become a premium member to continue reading.", True),
    ("Forums › Japan › Shinkansen & Limited Express", True),
    ("Home secretary defends new asylum rules", False), ("Back to home: the towns rebuilding after the quake", False),
    ("Continue reading the main story about the Kyoto bus fares because it matters", False),
])
def test_site_furniture_in_other_forms(line, furniture):
    from reader.parsing.evidence import furniture_kind

    assert (furniture_kind(line) is not None) == furniture


def test_a_japanese_date_without_its_year_takes_the_year_the_page_was_saved():
    from datetime import UTC, datetime

    from reader.parsing.evidence import resolve_relative

    assert resolve_relative("6/12(木) 19:03", datetime(2025, 6, 13, tzinfo=UTC)) == "2025-06-12T19:03:00+09:00"
    assert resolve_relative("12/30(月) 19:03", datetime(2025, 1, 3, tzinfo=UTC)) == "2024-12-30T19:03:00+09:00"
    assert resolve_relative("2/30(月) 19:03", datetime(2025, 1, 3, tzinfo=UTC)) is None  # no such day


def test_the_first_letters_looked_at_before_a_pattern_are_all_it_can_start_with():
    """is_expired, is_removed_notice and is_footer look at a line's first character before their
    pattern: every character that the letters a match of the pattern can start with match
    (ignoring case, as `re` does, over all of Unicode) is in the set looked for, so no line the
    pattern matches is passed by. (The letters: each alternative's first, read off the pattern.)"""
    import re
    import sys

    from reader.parsing import common

    for letters, first in (("t", common.EXPIRED_FIRST),
                           ("tcp", common.REMOVED_FIRST), ("lfa", common.FOOTER_FIRST)):
        starts = re.compile(f"[{letters}]", re.IGNORECASE)
        matched = {chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000 and starts.match(chr(c))}
        assert matched <= set(first), matched - set(first)
    assert common.is_expired("The requested article has expired, and is no longer available")
    assert common.is_removed_notice("POST WAS DELETED") and common.is_removed_notice("Comment has been removed.")
    assert common.is_footer("Facebook users") and common.is_footer("A mix of what's trending on our other sites")
    assert not common.is_footer("") and not common.is_expired("Expired: the requested article has expired")
    lines = [x for p in SEEDS.glob("*") for x in p.read_text(encoding="utf-8", errors="replace").splitlines()]
    for x in [*lines, "THE REQUESTED ARTICLE HAS EXPIRED", "post was removed", "login to leave a comment"]:
        assert common.is_expired(x) == bool(common.EXPIRED.match(x))
        assert common.is_removed_notice(x) == bool(common.REMOVED.match(x))
        assert common.is_footer(x) == bool(common.FOOTER.match(x))

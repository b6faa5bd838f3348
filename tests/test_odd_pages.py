"""Pages a review built to break the parsers: hangs, crashes, words dropped, news pages taken for
comment threads. Each holds the smallest text that showed the fault."""

from __future__ import annotations

from pathlib import Path

from reader.parsing import parse_bytes, parse_file, parse_text
from reader.sanitize import decode_html, decode_page
from reader.search.hits import make_snippet

ARTICLE = ("The city council approved the plan on Tuesday after a long debate about costs and the schedule. "
           "Officials said construction would begin next spring and take about three years to complete.")


JA_HEAD = "ニュース\n\n市が新しい路面電車の計画を承認した理由\n\n市議会は火曜日に計画を承認した。工事は来年春に始まる予定だ。\n\n"


def jt(comments: str) -> str:
    return (f"Japan Today\nnational\n\nCity approves new tram line for the harbour district\n\n4 Comments\n\n{ARTICLE}\n\n"
            f"© KYODO\n\n©2025 GPlusMedia Inc.\n\n4 Comments\nLogin to comment\n\n{comments}\n\nLogin to leave a comment\n")


def test_a_line_like_a_hacker_news_header_with_many_links_parses_at_once():
    # `(?:\s*\|\s*[\w ]{1,20})*` backtracked exponentially on this (60 s); a possessive group does not
    page = "Harbour tram plan approved\n\n" + ARTICLE + "\n\nab 5 hours ago" + " | a" * 14 + " !\n"
    assert parse_text(page).title == "Harbour tram plan approved"


def test_odd_characters_and_names_do_not_crash_the_discussion_parser():
    yahoo = (JA_HEAD + "コメント2件\n\naaa*****\n2時間前\n良い計画だと思う。\n共感した\n²\nうーん\n3\n\n"
             "bbb*****\n1時間前\n費用が心配だ。\n共感した\n12\n")
    assert [c.author for c in parse_text(yahoo).comments] == ["aaa*****", "bbb*****"]
    hn = ("Hacker News new | past | comments\nTram plan approved (example.com)\n12 points by rail 3 hours ago | hide\n\n"
          "ann 2 hours ago | next [–]\n\n@: what do you mean?\nreply\n\nbob 1 hour ago | parent | next [–]\n\nNothing.\nreply\n"
          "\ncid 1 hour ago | prev [–]\n\n@\nreply\n")
    assert len(parse_text(hn).comments) == 3


def test_a_declared_charset_that_is_no_text_encoding_falls_back():
    for charset in ("idna", "punycode", "undefined", "utf-16", "rot13"):
        page = f'<meta charset="{charset}"><h1>Caf\xe9 opens</h1><p>{ARTICLE}</p>'.encode("latin-1")
        assert "Café opens" in decode_html(page)
    assert parse_bytes(b'<meta charset="idna"><h1>Tram</h1><p>' + ARTICLE.encode() + b"</p>").title == "Tram"


def test_windows_1252_with_pound_and_degree_signs_is_not_read_as_japanese():
    text, note = decode_page("Energy bills to rise by £150 as it turns 5° colder © Example".encode("cp1252"))
    assert "£150" in text and "5°" in text and note is not None and "1252" in note


def test_comments_that_start_like_a_banner_keep_their_words():
    page = jt("Previous governments promised the same line twice.\n\n5 ( +6 / -1 )\n\n"
              "Sign up\n\n1 ( +1 / -0 )\n\n"
              "Scam emails that land in your inbox are one thing, but this plan is real.\n\n2 ( +2 / -0 )\n\n"
              "The post was deleted. Who decided that?\n\n3 ( +3 / -0 )")
    art = parse_text(page)
    assert [c.text for c in art.comments] == ["Previous governments promised the same line twice.", "Sign up",
                                              "Scam emails that land in your inbox are one thing, but this plan is real.",
                                              "The post was deleted. Who decided that?"]


def test_an_article_sentence_about_an_inbox_is_body_text():
    page = "Scam emails get harder to spot\n\nBy Dana Reed\n\n" + \
        "Scam emails that land in your inbox now look more convincing than ever, researchers said.\n\n" + ARTICLE
    assert any("land in your inbox" in p for p in parse_text(page).body)


def test_the_last_comment_of_a_thread_keeps_its_short_lines_and_an_also_on_sentence():
    page = ("Hacker News new | past | comments\nWhich railway for Kyoto? (example.com)\n30 points by kyo 5 hours ago | hide\n\n"
            "ann 4 hours ago | next [–]\n\nTake the private lines.\nreply\n\n"
            "bob 3 hours ago | prev [–]\n\nMy favourites:\nKintetsu\nHankyu\nKeihan\n"
            "Also on weekends I take the Eizan line.\nreply\n")
    last = parse_text(page).comments[-1].text
    assert "Keihan" in last and "Also on weekends" in last


def test_a_lone_hmm_in_a_japanese_comment_is_its_word():
    page = (JA_HEAD + "コメント2件\n\naaa*****\n2時間前\nうーん\n費用がかかりすぎる。\n共感した\n4\n\n"
            "bbb*****\n1時間前\n賛成です。\n共感した\n9\n返信1\n")
    first = parse_text(page).comments[0]
    assert first.text.startswith("うーん") and (first.up, first.author) == (4, "aaa*****")


def test_news_pages_with_times_are_not_taken_for_comment_threads():
    published = ("Tram plan approved for harbour district\nPublished 3 hours ago\n\n" + ARTICLE +
                 "\n\nRelated\nAsia · 5 hours ago\nFerry fares rise\nAsia · 6 hours ago\nPort strike ends\n")
    rail = (ARTICLE + "\n\nLatest news\nPolitics\n2 hours ago\nBudget passes the lower house\nSport\n3 hours ago\n"
            "Marathon record in Osaka\nBusiness\n4 hours ago\nYen weakens again\n")
    ja = ("市が新しい路面電車の計画を承認\n\n市議会は火曜日に計画を承認した。工事は来年春に始まり、"
          "三年ほどで完成する見通しだ。\n\n関連記事\n時事通信\n3時間前\n港の渡し船の運賃上がる\n共同通信\n4時間前\n港湾ストが終結\n時事通信\n5時間前\n円安が進む\n")
    for page in (published, rail, ja):
        art = parse_text(page)
        assert art.layout != "discussion" and not art.comments


def test_a_german_headline_starting_with_von_is_not_a_byline():
    page = ("Tagesblatt\nVon Hitze, Dürre und Waldbränden geplagt: Brandenburg ruft den Notstand aus\n"
            "12.07.2025, 09:41 Uhr\n" + "Das Land Brandenburg hat wegen der anhaltenden Trockenheit den Notstand ausgerufen, "
            "teilte die Landesregierung am Samstag mit. Die Feuerwehren sind seit Tagen im Einsatz.\n")
    art = parse_text(page)
    assert art.title.startswith("Von Hitze, Dürre und Waldbränden") and art.byline is None


def test_a_snippet_of_spaced_japanese_holds_the_match():
    text = "市は新しい計画を決めた。 " + "あ" * 55 + "。 小池知事は記者会見で説明した。" + "い" * 80
    snippet, spans = make_snippet(text, ["小池知事は記者会見で説明した"], width=100)
    assert "知事" in snippet and spans


def test_a_newspaper_comment_section_with_recommend_buttons_and_a_newsletter_box():
    page = ("Tram plan approved for the harbour district\n\n" + ARTICLE + "\n\nSign up to First Edition\n"
            "Free daily newsletter\nEnter your email address\nafter newsletter promotion\n\n"
            "The council will publish the final route in June.\n\nExplore more on these topics\nTrams\nHarbour\n\n"
            "comments (57)\nSort by Oldest\nPer page 50\n\n"
            "tramfan\n12 Dec 2024 7:02\nAbout time. The buses are full every morning.\nRecommend\n18\nReport\nShare\n\n"
            "harbour_resident\n12 Dec 2024 7:15\n@tramfan the noise will be worse though.\nRecommend\n6\nReport\nShare\n\n"
            "cyclist_k\n12 Dec 2024 8:40\nWill there be a bike lane beside it?\nRecommend\n3\nReport\nShare\n\n"
            "About us\nContact us\nPrivacy policy\n")
    art = parse_text(page)
    assert [(c.author, c.score, c.parent) for c in art.comments] == [("tramfan", 18, None),
                                                                      ("harbour_resident", 6, 1), ("cyclist_k", 3, None)]
    assert art.comments[-1].text == "Will there be a bike lane beside it?"
    body = "\n".join(art.body)
    assert "final route in June" in body and not any(x in body for x in ("Sign up", "newsletter", "Enter your", "Trams"))


# ---- a review of the second round of new page kinds: each page showed a fault (most of them
# regressions of pages parsed right before)

REVIEW = Path(__file__).parent / "pages" / "review"


def _parse(name: str):
    return parse_file(REVIEW / name)


def test_sentences_about_support_and_short_replies_are_not_banners():
    art = _parse("gen_support.txt")
    assert "Most residents support the plan." in art.body and "Not now" in art.body
    assert any(p.startswith("Readers who support independent local journalism") for p in art.body)
    jt_page = _parse("jt_comments_banner.txt")
    assert jt_page.comments[0].text.startswith("No thanks")
    assert jt_page.comments[3].text.startswith("Not now")
    assert "Most residents support the plan." in jt_page.body


def test_a_title_case_headline_over_the_date_stays_the_title():
    art = _parse("generic_titlecase_headline.txt")
    assert art.title == "Biden Wins Michigan Primary" and art.byline is None


def test_a_comment_starting_you_must_is_not_the_footer():
    art = _parse("reddit_last_you_must.txt")
    assert art.comments[-1].score == 31 and "\n\n" in art.comments[-1].text


def test_scores_that_end_comments_stay_with_them():
    art = _parse("reddit_score_last.txt")
    assert [c.score for c in art.comments] == [64, 9, 31, 2]
    lob = _parse("lobsters_number_in_comment.txt")
    assert [c.score for c in lob.comments] == [21, 12, 4, 7]
    assert lob.comments[1].text.startswith("37\n\n")  # a number a reader wrote


def test_a_readers_moderator_line_is_theirs():
    art = _parse("jt_moderator_in_comment.txt")
    assert len(art.comments) == 3
    assert "Moderator" in art.comments[1].text and art.comments[1].score == 5 and art.comments[1].author is None
    assert "Moderator" in _parse("jt_comments_banner.txt").comments[2].text


def test_an_articles_closing_help_list_and_subheads_are_kept():
    assert "Flood helpline 03459881188" in _parse("generic_help_list_end.txt").body
    es = _parse("es_article_subheads.txt")
    assert "Compartir piso" in es.body and "Compartir es vivir" in es.body
    assert "Ordenar el centro ya era urgente." in _parse("es_ordenar.txt").comments[0].text


def test_german_quotes_are_no_menu():
    assert _parse("de_guillemet_headline.txt").title == "Merz über »die Brandmauer« und »seine Partei« im Bundestag"


def test_a_markdown_table_in_a_post_is_kept():
    assert "| Autobacs | ¥88,000 |" in _parse("reddit_post_table.txt").body


def test_a_forum_reply_that_is_a_number_keeps_it_and_its_votes():
    c = _parse("forum_number_comment.txt").comments
    assert (c[1].text, c[1].score, c[1].up, c[1].down) == ("2", 2, 3, 1)
    assert [x.text for x in c[2:]] == ["Like", "Quote"]


def test_likes_after_dislikes_are_still_the_ups():
    c = _parse("es_dislike_first.txt").comments[0]
    assert (c.score, c.up, c.down) == (43, 48, 5)


def test_odd_hacker_news_markup():
    assert len(_parse("hn_indent_superscript.html").comments) >= 1  # an indent of `²` crashed int()
    texts = [c.text for c in _parse("hn_inline_markup.html").comments]
    assert texts[0] == "See https://example.com/docs, then retry. It was really slow; I used rsync."


def test_a_date_padded_with_spaces_parses_at_once():
    # `\s*:?\s*` and `\s*(sep)?\s*` in the foreign-date pattern were quadratic: 62 s on this page
    art = _parse("jsonld_date_spaces.html")
    assert art.title


# ---- a review of the third batch (mobile and glued Japan Today, wire stories, video and
# social comments): each page showed a fault of that batch

def test_a_wordpress_article_with_a_post_id_is_not_a_comment():
    art = _parse("wp_post_id.html")
    assert art.body and art.byline == "Jo Pennant" and len(art.comments) == 3


def test_top_stories_above_the_story_is_a_menu_item_not_a_list():
    art = _parse("gen_top_stories_nav.txt")
    assert art.title == "Japan's tourism boom strains Kyoto's buses and temples"


def test_a_title_case_headline_over_a_wire_service_stays_the_title():
    art = _parse("gen_wire_title3.txt")
    assert art.title == "Earthquake Rattles Northern Japan" and art.byline is None and art.credit == "Reuters"


def test_an_article_with_a_comment_plugin_is_no_facebook_post():
    art = _parse("gen_fb_plugin.txt")
    assert art.layout == "generic" and art.title == "Streaming service loses subscribers after price rise"


def test_sentences_about_subscribers_times_and_images_stay_in_the_body():
    body = _parse("gen_body_lines.txt").body
    assert any(p.startswith("40,000 subscribers cancelled") for p in body)
    assert any(p.startswith("By subscribing, customers") for p in body) and "10:30" in body
    body = _parse("gen_caption_body.txt").body
    assert "The company's problem is its image: a high price for a catalogue that has barely grown." in body


def test_a_sort_option_list_does_not_reverse_comments_in_order():
    comments = _parse("gen_sort_options.txt").comments
    assert comments[0].text.startswith("Build a relationship") and comments[5].parent == 1


def test_comments_that_are_reply_oldest_or_newest_first_are_kept():
    texts = [c.text for c in _parse("jt_reply_comment.txt").comments]
    assert texts[:2] == ["Reply", "Oldest"] and "Newest first" in texts  # (each over its own vote line)


def test_a_first_comment_saying_no_comment_keeps_its_writer():
    c = _parse("jt_no_comment_first.txt").comments[0]
    assert (c.author, c.posted) == ("Sanjincho", "Today 07:12 am JST") and c.text.startswith("No comment")


def test_facebook_badges_are_not_writers():
    c = _parse("fb_rising_fan.txt").comments
    assert c[0].author == "Michael Brennan" and c[1].parent == 1


def test_subheads_and_lines_that_look_like_buttons_are_kept():
    assert "BY THE NUMBERS" in _parse("gen_by_the_numbers.txt").body
    assert "Pinned by a snowbank for two hours in 2019" in _parse("reddit_controls.txt").comments[1].text
    art = _parse("jt_short_header2.txt")
    assert (art.title, art.category, art.byline) == ("Ishiba, Trump", "politics", "Kyodo")


def test_a_sentence_ending_like_a_vote_line_over_its_own_vote_line_is_kept():
    art = _parse("jt_glue_digits.txt")
    assert art.comments[-1].text.endswith("My earlier comment is at 2 ( +3 / -1 )")
    assert (art.comments[-1].score, art.comments[-1].up, art.comments[-1].down) == (0, 0, 0)


def test_notes_name_comments_by_their_place_after_the_order_is_turned():
    assert "comment 6 has no vote line" in _parse("jt_newest_removed.txt").notes

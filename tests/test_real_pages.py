"""Real pages: a fixture page for each kind of page that used to go wrong (tests/pages/), HTML
pages, refusal of what is not a news page, URLs from a local server, standard input."""

from __future__ import annotations

import http.server
import json
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.errors import PageError
from reader.parsing import parse_file
from reader.store import Store

PAGES = Path(__file__).parent / "pages"

# file -> the fields that must hold (a list value for "body_has"/"body_not" is checked item by item)
EXPECT = {
    "jt_banner_survey.txt": {"title": "Cherry blossom forecast moved up by a week in Tokyo", "category": "national",
                             "image_credit": "iStock/Kazuhiro", "comments": 2,
                             "body_not": ["Take our reader survey", "Home | News", "Click Here"],
                             "comment_not": ["Click Here"]},
    "jt_section_picture.txt": {"title": "Snow monkeys", "category": "Picture of the day",
                               "image_credit": "Reuters/Issei Kato", "body_has": ["A family of macaques"]},
    "jt_no_title.txt": {"title_starts": "The government on Tuesday approved a plan", "image_credit": "AP",
                        "body_has": ["Business groups said"]},
    "jt_expired_wire.txt": {"title": "(expired article)", "credit": "Thomson Reuters", "comments": 1},
    "jt_usernames_no_votes.txt": {"title": "Diet passes revised political funds law", "comments": 2,
                                  "authors": ["kurisupisu", "mist1"], "category": "politics"},
    "generic_messy.txt": {"title": "Floods force thousands from homes in river valley", "byline": "Anna Brook",
                          "published": "2025-03-03T10:02:00+00:00", "source": "The Daily Ledger",
                          "body_has": ["Heavy rain over the weekend"],
                          "body_not": ["Subscribe", "cookies", "Skip to", "min read", "Save story", "Share",
                                       "Related Posts", "Dam safety questioned", "Previous article", "Next article",
                                       "All rights reserved", "Updated", "Floods force thousands"]},
    "generic_date_glued.txt": {"title": "City opens first floating solar farm on its reservoir",
                               "published": "2024-05-01"},
    "generic_caption_first.txt": {"title": "Search for survivors continues after quake",
                                  "body_not": ["Rescue workers search the rubble"]},
    "generic_title_missing.txt": {"title_starts": "Prices of rice in supermarkets rose for the tenth week",
                                  "image_credit": "Kyodo"},
    "threaded_blog.html": {"title": "Harbour town votes to keep its ferry", "source": "The Coastal Courier",
                           "category": "Local", "byline": "Mara Quill", "published": "2025-05-02T08:30:00+01:00",
                           "url": "https://courier.example/2025/05/ferry-vote", "comments": 3,
                           "authors": ["harbourgull", "pragmatist", "harbourgull"], "parents": [None, 1, 2],
                           "image_credit": "Tom Wake",
                           "body_not": ["cookies", "Skip to", "Sign up", "Bridge plan unveiled", "Share on",
                                        "All rights reserved", "Good result"]},
    "quote_replies.html": {"title": "Rail fares rise again", "source": "Metro Daily", "published": "2025-03-14",
                           "comments": 3, "votes": [(-12, 4, 16), (6, 11, 5), (0, 2, 2)], "parents": [None, 1, None]},
    "no_comments.html": {"title": "Museum returns stolen scroll after forty years", "source": "City Arts Review",
                         "category": "Arts", "comments": 0, "body_not": ["Try 30 days free", "Subscribe"]},
    "saved_as_text.txt": {"title": "Museum returns stolen scroll after forty years", "layout": "html"},
    # Each comment under its writer's name and time lines; quote headers naming writers with a space
    # in their name; newsletter, membership and job-ad notices in the body and between comments.
    "jt_writer_lines.txt": {"title": "JR East to test staggered fares on crowded Tokyo lines from spring",
                            "comments": 4, "authors": ["Aly Rustom", "Peter Neil", "kurisupisu", "mist1"],
                            "posted": ["Today 08:05 am JST", "Today 08:31 am JST", "Today 09:12 am JST",
                                       "Yesterday 11:40 pm JST"],
                            "parents": [None, None, 1, 2], "votes": [(12, 14, 2), (5, 6, 1), (3, 5, 2), (-1, 2, 3)],
                            "body_has": ["Rail operators have struggled"],
                            "body_not": ["Subscribe", "inbox", "premium member"],
                            "comment_not": ["Today", "Sponsored", "GaijinPot", "Aly Rustom", "Peter Neil"]},
    "jt_comments_closed.txt": {"title": "Police seize 2,000 counterfeit anime figures at Osaka warehouse",
                               "comments": 3, "parents": [None, None, 1], "body_not": ["closed"],
                               "comment_not": ["closed", "Subscribe", "inbox"], "quotes_article": 0},
    # A blog: `Posted on DATE by NAME` under the headline, a share box, a related-posts list.
    "blog_dated_byline.txt": {"title": "Why the Sanriku seawall still divides the fishing towns",
                              "byline": "Haruka Endo", "published": "2025-10-14",
                              "body_has": ["Fourteen years after the tsunami", "Town officials point out"],
                              "body_not": ["Posted on", "Share this", "Twitter", "Facebook", "Kesennuma",
                                           "Notes from the Tohoku Coast"]},
    "forum_started_by.txt": {"title": "Six months with a repairable laptop - the honest review",
                             "byline": "hingefan", "published": "2025-02-09",
                             "body_has": ["After six months of daily use"], "body_not": ["Started by"]},
    # WordPress markup: the author inside the element that holds the words; up and down counts in spans.
    "wordpress_comments.html": {"title": "Kyushu grid strained as heatwave lingers", "byline": "Rei Tanabe",
                                "published": "2025-08-02T09:00:00+09:00", "comments": 3,
                                "authors": ["sunnyside", "gridwatcher", "oita_local"], "parents": [None, 1, None],
                                "posted": ["2025-08-02 10:15", "2025-08-02 10:40", "2025-08-02 11:05"],
                                "votes": [(11, 14, 3), (8, 9, 1), (-2, 6, 8)],
                                "texts": ["Every August the same warning, and still no new storage.\n\n"
                                          "Batteries would cover the evening peak.",
                                          "Storage for a whole evening is still far too expensive.",
                                          "We set the air conditioner to 28 and used a fan. It was fine."],
                                "body_not": ["By Rei Tanabe"]},
    # Discussion threads copied as text: comments under writer-and-time lines, no vote lines.
    "hn_thread.txt": {"title": "The quiet return of the paper timetable (railnotes.example)", "layout": "discussion",
                      "source": "Hacker News", "byline": "ekiben", "comments": 6,
                      "authors": ["marutaro", "byteferry", "marutaro", "linesider", "okuhida", "sleeper_car"],
                      "parents": [None, 1, 2, None, 4, None],
                      "texts": ["Paper timetables never crash and never need a data plan. The stations that kept "
                                "them were right.",
                                "They also never update. A strike notice on an app reaches me in minutes.",
                                "A notice and a timetable are different things. Nobody is asking for strike news "
                                "on paper.",
                                "In rural Japan the bus timetable on the pole is still the only reliable source."
                                "\n\nThe apps often show routes that were cut years ago.",
                                "Same in Gifu. The pole is right, the app is wrong.",
                                "I collect old timetables. Some of them are beautiful pieces of typography."]},
    "reddit_thread.txt": {"title": "Winter tyres in Sapporo: buy or rent for the first season?",
                          "layout": "discussion", "source": "r/movingtojapan", "byline": "hokkaido_bound",
                          "body_has": ["I arrive in Sapporo in November"],
                          "body_not": ["Upvote", "Go to comments", "Sort by", "Search in"], "comments": 3,
                          "authors": ["snowplough_jp", "hokkaido_bound", "sapporo_dad"],
                          "posted": ["8h ago", "7h ago", "6h ago"],
                          "votes": [(64, None, None), (9, None, None), (31, None, None)],
                          "comment_not": ["Reply", "Award", "Share", "OP"]},
    "blog_comments.txt": {"title": "Riding the last night train from Tokyo to Izumo", "layout": "discussion",
                          "byline": "Tomoko Hara", "published": "2025-06-09", "comments": 4,
                          "authors": ["Ken W.", "Aiko M.", "Tomoko Hara", "Rail Fan 88"],
                          "parents": [None, 1, 1, None], "quotes_article": 1,
                          "body_not": ["thoughts on", "Leave a Reply"],
                          "comment_not": ["wrote:", "Reply", "Post Comment", "email address"]},
    # A Japanese news page (Yahoo! News Japan style): a menu of one-word lines, a Japanese date line,
    # comments under a name and `3時間前`, reactions 共感した (up) and うーん (down), one comment with no name.
    "yahoo_ja_comments.txt": {"title": "大阪府、万博跡地に大型物流拠点 2030年の開業めざす", "layout": "discussion",
                              "published": "2025-10-03T17:40:00",
                              "body_has": ["大阪府は3日", "府によると"],
                              "body_not": ["トップ", "配信", "コメント3件", "表示順"], "comments": 3,
                              "authors": ["naniwa_taro", "kaigan_dori", None], "posted": ["3時間前", "2時間前", None],
                              "votes": [(196, 210, 14), (73, 95, 22), (324, 330, 6)],
                              "comment_not": ["共感", "なるほど", "返信"]},
    # Yahoo! News Japan as it is: masked writers (`kyo*****`), a reaction's count on the line under
    # it, a long menu above the headline, the site's footer after the last comment.
    "yahoo_ja_masked.txt": {"title": "京都市、観光客向けの市バス運賃を2027年から値上げ", "layout": "discussion",
                            "body_has": ["京都市は5日", "市によると"], "body_not": ["ログイン", "ランキング", "並び順"],
                            "comments": 2, "authors": ["kyo*****", "ユーザー名なし"],
                            "votes": [(494, 512, 18), (223, 230, 7)],
                            "texts": ["毎朝の通勤でバスに乗れないことが何度もあった。市民の運賃が変わらないなら賛成。",
                                      "どうやって市民と観光客を見分けるのか。その仕組みが気になる。"]},
    "old_reddit.txt": {"title": "My Japanese driving licence conversion test is next week, any tips?",
                       "layout": "discussion", "byline": "roundabout_rin", "source": "r/movingtojapan",
                       "body_has": ["I am converting a UK licence"], "body_not": ["jump to content", "sorted by"],
                       "comments": 5, "authors": ["samezu_veteran", "roundabout_rin", "samezu_veteran", "[deleted]",
                                                  "kei_car_club"],
                       "parents": [None, 1, 2, None, None],
                       "votes": [(44, None, None), (12, None, None), (15, None, None), (3, None, None), (7, None, None)],
                       "comment_not": ["permalink", "embed", "report", "about", "help"]},
    "disqus_comments.txt": {"title": "Sea urchins stripping kelp forests off the Izu peninsula, divers report",
                            "layout": "discussion", "body_has": ["Divers off the Izu peninsula", "Researchers at"],
                            "body_not": ["Sign up", "inbox", "Related:", "Disqus", "Join the discussion", "Newest"],
                            "comments": 4, "authors": ["izu_diver", "Mei Okada", "Prof. K. Shimizu", "Guest"],
                            "parents": [None, 1, 1, None], "votes": [(13, 15, 2), (6, 6, 0), (21, 22, 1), (1, 1, 0)],
                            "comment_not": ["Reply", "Share", "Avatar", "Also on", "izu_diver\n"]},
    # Japan Today: a comment a moderator removed (no vote line), a vote line that lost its `)`, a
    # job ad between comments, a writer whose name ends in `!`.
    "jt_moderated.txt": {"title": "Nara to cap deer cracker prices after tourist complaints", "comments": 4,
                         "authors": ["Fighto!", None, "shikaboy", "Yubaru"], "parents": [None, None, None, 1],
                         "votes": [(14, 15, 1), (None, None, None), (5, 7, 2), (3, 3, 0)],
                         "comment_not": ["Today", "GaijinPot", "Sponsored"]},
    # Not UTF-8: an HTML page that declares ISO-8859-1, a text page in Shift_JIS.
    "latin1_page.html": {"title": "Le Japon rouvre la ligne de Kyûshû après les pluies",
                         "body_has": ["La ligne principale de Kyûshû a rouvert", "à 5 h 42"],
                         "authors": ["Hélène"], "texts": ["Très bonne nouvelle pour l'été à Fukuoka !"]},
    "shiftjis_page.txt": {"title": "新幹線の車内ワゴン販売、東北でも終了へ", "published": "2025-11-04T18:20:00",
                          "body_has": ["ＪＲ東日本は4日", "同社によると"], "body_not": ["トップ", "エンタメ"]},
    # WordPress's own comment markup: `Name says:`, a `Reply` link box in every comment, up/down
    # counts in spans, a blockquote of the article; the byline in the story's <header>.
    "wordpress_standard.html": {"title": "Our first winter with a heat pump", "byline": "Jo Pennant",
                                "comments": 3, "authors": ["Sam Okoro", "Jo Pennant", "Installer Ian"],
                                "parents": [None, 1, None], "votes": [(7, 8, 1), (5, 5, 0), (-1, 3, 4)],
                                "quotes_article": 1, "comment_not": ["Reply", "says"]},
    # New Reddit with `level N` above each comment (its depth), a `1.2K` score, the site's chrome.
    "reddit_levels.txt": {"title": "Is it rude to wear a swimsuit in a public onsen if I have a tattoo to cover?",
                          "source": "r/japantravel", "byline": "onsen_rookie", "body_has": ["Going to Beppu"],
                          "body_not": ["Advertise", "1.2K", "Open inbox", "hr. ago"], "comments": 6,
                          "authors": ["beppu_local", "onsen_rookie", "beppu_local", "[deleted]", "kyushu_rail",
                                      "salt_and_sulfur"],
                          "parents": [None, 1, 2, None, None, 5],
                          "votes": [(640, None, None), (88, None, None), (120, None, None), (2, None, None),
                                    (301, None, None), (45, None, None)],
                          "comment_not": ["level", "Upvote", "OP"]},
    # German, in Windows-1252: `Von` byline, `03.06.2025, 08:15 Uhr`, `Anzeige`, comments under a
    # name and a date with `Gefällt mir 23` likes.
    "de_comments.txt": {"title": "Köln verlängert die Öffnungszeiten der Rheinfähren im Sommer",
                        "byline": "Jörg Bäumer", "published": "2025-06-03T08:15:00", "category": "LOKALES",
                        "body_has": ["Die Rheinfähren in Köln", "Bisher endete"],
                        "body_not": ["Anzeige", "Kommentare", "Von "], "comments": 2,
                        "authors": ["Pendlerin_Porz", "Rheinblick"], "votes": [(23, None, None), (9, None, None)],
                        "comment_not": ["Gefällt", "Impressum"]},
    # A Japan Today page pasted as one line (its line breaks lost): broken again at its vote lines,
    # comment counts, login prompts and copyright lines.
    "jt_one_line.txt": {"title": "Police arrest man over fake concert tickets sold to 300 fans", "category": "crime",
                        "credit": "Jiji", "body_has": ["Police in Fukuoka said Monday", "turned away at the venue"],
                        "body_not": ["Comments", "GPlusMedia", "Login"], "comments": 4,
                        "votes": [(6, 7, 1), (11, 11, 0), (2, 4, 2), (4, 4, 0)],
                        "texts": ["Three hundred people and nobody checked the seller first.",
                                  "Resale through the official app only. It is not that hard.",
                                  "The venue could have warned people sooner, the account was reported weeks ago.",
                                  "Poor fans. Some of them travelled from Osaka for this."]},
    # The Guardian as copied: the logo link ("The Guardian - Back to home") was the title and the
    # footer's links were body; `Name in City` over the date is the byline.
    "guardian_logo_footer.txt": {"title": "Kyoto to charge tourists more than residents for city buses",
                                 "byline": "Justin McCurry in Tokyo", "published": "2024-11-12T07:41:00+00:00",
                                 "source": None, "body_has": ["Kyoto is to introduce a two-tier bus fare"],
                                 "body_not": ["Back to home", "Privacy policy", "SecureDrop", "Remind me in December",
                                              "Accept and continue", "Justin McCurry"]},
    # New Reddit without `level` lines: "Go to Reddit Home" was the title, "Open navigation" its section.
    "reddit_home_link.txt": {"title": 'Landlord wants ¥180,000 for "cleaning" after 4 years. Normal?',
                             "source": "r/japanlife", "byline": "tokyo_renter_22", "category": None, "comments": 6,
                             "votes": [(842, None, None), (156, None, None), (201, None, None), (3, None, None),
                                       (-4, None, None), (12, None, None)],
                             "comment_not": ["Top 1% Commenter", "Edited 22h ago"],
                             "body_not": ["Move to Japan with confidence", "Learn More", "Join the conversation"]},
    # A paywall notice in the body; a moderator's note under a writer-and-time line.
    "jt_paywall_moderator.txt": {"title": "JR Central says maglev opening will slip to 2034 or later",
                                 "byline": "Kazuki Ito", "comments": 6, "parents": [None, None, 2, None, None, None],
                                 "authors": ["Sven Asai", "Speed Racer", "Yubaru", None, "Moderator", "wanderlust"],
                                 "body_not": ["premium members"]},
    # `By KENJI SUZUKI/ Staff Writer`: an all-capitals byline with a slash was the title.
    "caps_byline_slash.txt": {"title": "Akita bear sightings hit record as towns cancel autumn festivals",
                              "byline": "KENJI SUZUKI/ Staff Writer", "source": "The Asahi Shimbun"},
    # Spanish: `hace 3 horas` times, `Responder`, `Me gusta 48` / `No me gusta 5` as up and down,
    # a place before the date, the writer's name over it, share buttons, a caption ending `. EFE`.
    "es_comments.txt": {"title": "Sevilla limitará los pisos turísticos en el centro histórico a partir de 2026",
                        "byline": "Lucía Moreno", "published": "2025-05-14T10:42:00+02:00", "comments": 4,
                        "authors": ["Manuel_G", "Carmen R.", "propietario_sev", "Anónimo"],
                        "votes": [(43, 48, 5), (19, 21, 2), (-26, 7, 33), (None, None, None)],
                        "parents": [None, 1, None, None], "image_credit": None,
                        "body_not": ["Compartir en", "Copiar enlace", "Lucía Moreno", "imagen de archivo"],
                        "comment_not": ["Responder", "Me gusta"]},
    # A Japan Today moderator's note on its own (`Moderator` over its words, no vote line) was
    # merged into the next reader's comment.
    "jt_moderator_note.txt": {"title": "Kyoto to raise accommodation tax to up to 10,000 yen a night", "comments": 5,
                              "authors": [None, None, None, "Moderator", None],
                              "votes": [(9, 11, 2), (4, 7, 3), (0, 3, 3), (None, None, None), (-1, 2, 3)]},
    # A Hacker News item page saved as HTML: its table layout (writer, time, indent, the first
    # paragraph as bare text); the `reply` links and the menu were comments and body before.
    "hn_item_saved.html": {"title": "Tokyo's last coin lockers are going cashless", "source": "Hacker News",
                           "byline": "kanda_dev", "layout": "discussion", "comments": 7,
                           "authors": ["shinjuku_sam", "mori_t", "shinjuku_sam", "kyoto_walker", "osaka_ops", None,
                                       "hakata_hack"],
                           "parents": [None, 1, 2, 3, None, 5, None], "body_not": ["new | past", "Guidelines"],
                           "comment_not": ["reply"], "url": "https://news.ycombinator.com/item?id=43112233"},
    # A forum (XenForo-like): writer, rank and `24 points` or `+3 / -1` over each post, no times;
    # the thread starter's first post is the question (the body); `name said:` quotes.
    "forum_points.txt": {"title": "Is the Hokuriku Shinkansen extension to Tsuruga worth it for day trips from Kanazawa?",
                         "byline": "ekimae_ken", "published": "2025-03-18", "layout": "discussion",
                         "body_has": ["I am staying in Kanazawa", "dinosaur museum"],
                         "body_not": ["Forums ›", "Member", "24 points", "Like Quote Reply"],
                         "authors": ["nagoya_local", "ekimae_ken", "tsurugabound", "thunderbird_fan", "nagoya_local"],
                         "votes": [(31, None, None), (5, None, None), (2, 3, 1), (-2, None, None), (8, None, None)],
                         "parents": [None, 1, None, None, 4],
                         "comment_not": ["Like", "Senior member", "said:", "You must log in", "Similar threads"]},
    # Lobsters: each comment's score is on the line above its writer (it went to the comment
    # above); `authored by name` is the post's writer, not a comment; `Comments` is a menu item.
    "lobsters_scores_above.txt": {"title": "Writing a timetable parser for Japanese railway PDFs", "byline": "kaisoku",
                                  "authors": ["mapleleaf", "kaisoku", "pushcx_fan", "flamewar_fred", "mapleleaf"],
                                  "votes": [(21, None, None), (12, None, None), (4, None, None), (-1, None, None),
                                            (7, None, None)],
                                  "comment_not": ["link", "flag", "|"], "body_not": ["| caches", "Lobsters"]},
    # French comment markup: the writer in `comment__author`, votes as `👍 34` / `👎 12` spans.
    "fr_comments.html": {"title": "À Lyon, les trottinettes en libre-service font leur retour encadré",
                         "byline": "Claire Dubois", "comments": 5, "parents": [None, 1, 2, None, None],
                         "authors": ["Lyonnais69", "Martine B.", "Lyonnais69", "velotaf_croixrousse", None],
                         "votes": [(22, 34, 12), (15, 19, 4), (2, 8, 6), (24, 27, 3), (None, None, None)]},
    # Yahoo! News Japan with `6/12(木) 19:03` times (no year): the comments were not split; a
    # `（資料写真）` caption was the title; related headlines, `最終更新:` and the footer were kept.
    "yahoo_ja_no_year.txt": {"title": "北陸新幹線の敦賀以西ルート、着工の見通し立たず 国交省が年内判断見送り", "comments": 3,
                             "authors": ["tsuruga_no_hito", "kyoto_chikasui", "mibaraルート派"],
                             "posted": ["6/12(木) 19:03", "6/12(木) 19:20", "6/12(木) 19:41"],
                             "votes": [(2723, 2841, 118), (1240, 1530, 290), (903, 980, 77)],
                             "body_has": ["国土交通省は12日"],
                             "body_not": ["関連記事", "敦賀駅の乗り換え、利用者の不満続く", "最終更新", "記事に関する報告",
                                          "資料写真"],
                             "comment_not": ["ヤフコメ", "もっと見る", "返信"]},
    # Japan Today's mobile site: a menu and a weather box over the headline, the date under it,
    # share buttons and related stories between the body and the comments, `Reply` under each
    # comment, `Load more comments` among them (the whole article was comment 1, the title `Tokyo`).
    "jt_mobile.txt": {"title": "Man arrested for abandoning 200 rental bicycles near Osaka Station", "category": "crime",
                      "comments": 9, "parents": [None, None, None, 2, 3, None, None, 4, 7],
                      "authors": ["Yubaru", "Fighto!", "Hiro", "Aly Rustom", "Sanjincho", "kurisupisu", "wallace",
                                  "Peter Neil", "Sanjincho"],
                      "body_has": ["Police in Osaka said Wednesday"],
                      "body_not": ["Menu", "14°C", "LINE", "Related Stories", "Jump to comments"],
                      "comment_not": ["Reply", "Load more comments", "Related Stories"]},
    # Vote lines glued to the end of the comment's last line (`…notice 10,000 more. 18 ( +20 / -2 )`).
    "jt_votes_glued.txt": {"comments": 7, "parents": [None, None, None, 2, None, None, 6],
                           "votes": [(18, 20, 2), (9, 10, 1), (-3, 4, 7), (5, 6, 1), (0, 3, 3), (-1, 4, 5), (7, 7, 0)],
                           "comment_not": ["( +"]},
    # Comments newest first (`Sort by: Newest`): replies stood above what they quote; now in the
    # order they were written, with their parents.
    "jt_newest_first.txt": {"comments": 7, "parents": [None, None, 1, None, None, 5, 4],
                            "authors": ["Peter Neil", "kohakuebisu", "Aly Rustom", "GBR99", "KnowBetter", "Sanjincho",
                                        "wallace"],
                            "comment_not": ["Sort by", "Peter NeilToday"]},
    # An AP story on a local paper's site: the writers' names over `The Associated Press` were the
    # title; the player's `0:58`, `1 of 4`, `___` and the story lists were body.
    "ap_wire_syndicated.txt": {"title": "Japan's Nippon Steel completes $14.1 billion acquisition of US Steel after "
                                        "Trump approval", "byline": "Mari Yamaguchi and Josh Boak",
                               "credit": "The Associated Press", "published": "2025-06-19T06:02:00",
                               "body_has": ["TOKYO (AP) — Japan's Nippon Steel said Wednesday"],
                               "body_not": ["| Updated", "View Comments", "0:58", "00:00", "1 of 4", "___",
                                            "Our Latest Stories", "Sheboygan County Board", "Puskar/AP",
                                            "more than 1 year ago"]},
    # The Japan Times: `BY NAME` in capitals over `STAFF WRITER`; a caption ending `| Kyodo`; a
    # gallery, keywords, newsletter, `Premium` and related lists after the story.
    "japantimes.txt": {"title": "Ishiba cabinet approval hits record low after gift voucher revelations",
                       "byline": "GABRIEL DOMINGUEZ", "published": "2025-03-17", "category": "JAPAN / POLITICS",
                       "body_has": ["Approval for Prime Minister Shigeru Ishiba's Cabinet"],
                       "body_not": ["STAFF WRITER", "BY GABRIEL", "PHOTO GALLERY", "| Jiji", "KEYWORDS", "Premium",
                                    "Sign up for free", "gift voucher gaffe", "Nikkei hits"]},
    # A page with the Disqus frame's markup saved in it: `li.post#post-N`, the writer in `.author`
    # (after an avatar link with no text), the time in `a.time-ago[title]`, votes in `li.voting`.
    "disqus_embed.html": {"title": "Shonan Monorail to add trains as weekend crowds swell", "byline": "Akiko Sato",
                          "comments": 7, "parents": [None, 1, 2, None, None, 5, None],
                          "authors": ["Kenji T", "umibozu", "Kenji T", "Hanako Yamada", "Guest", "Hanako Yamada",
                                      "shonan_dad"],
                          "votes": [(11, 12, 1), (-2, 3, 5), (9, 9, 0), (3, 5, 2), (-7, 0, 7), (6, 6, 0), (2, 2, 0)]},
    # YouTube's comments: `@name` over `1 day ago (edited)`, the likes (`1.2K`) before `Reply` and
    # `38 replies`; replies from `@name`; the views line was the title.
    "youtube_comments.txt": {"title": "Japan's Cabinet approves bill to create active cyber defense system",
                             "comments": 10, "parents": [None, None, 2, 3, 4, None, 6, None, None, None],
                             "votes": [(42, None, None), (1200, None, None), (214, None, None), (87, None, None),
                                       (156, None, None), (894, None, None), (63, None, None), (331, None, None),
                                       (12, None, None), (5, None, None)],
                             "body_not": ["48,215 views", "2.1M subscribers", "Download", "Show transcript"],
                             "comment_not": ["Reply", "38 replies", "Show more replies", "Pinned by", "(edited)"]},
    # A Facebook post's comments: the name, the words, then `10h`, `Like`, `Reply`, the reactions;
    # a reply starts with the name it answers. (All of it was body: 0 comments.)
    "facebook_comments.txt": {"title": "Japan's births fall to record low of 686,061 in 2024", "source": "Japan Today",
                              "layout": "discussion", "comments": 7,
                              "authors": ["Michael Brennan", "Yuki Tanaka", "Michael Brennan", "Linda Okafor",
                                          "Hiroshi Sato", "Japan Today", "Dave Kowalski"],
                              "parents": [None, 1, 2, None, 4, 5, None],
                              "votes": [(312, None, None), (87, None, None), (12, None, None), (198, None, None),
                                        (45, None, None), (33, None, None), (76, None, None)],
                              "body_not": ["Marketplace", "All reactions", "412 comments", "Most relevant"],
                              "comment_not": ["Like", "Reply", "Top fan", "View all 24 replies", "Write a comment"]},
    # WordPress with nested `<ol class="children">`: Jetpack's related posts were body, a pingback
    # a comment, and `9 thoughts on "…"` no stated count.
    "wp_news_children.html": {"title": "Kamakura to charge day-trippers at Enoden crossing as tourist crowds swell",
                              "comments": 9, "stated": 9, "parents": [None, 1, 2, 3, 1, None, None, 7, None],
                              "body_not": ["Enoshima parking fees", "In \"Local\"", "Like this"],
                              "comment_not": ["Pingback"]},
    # NHK World: a video's `Watch` / `1:48`, the share count, `Latest News` after the story.
    "nhk_world.txt": {"title": "Japan's Cabinet approves bill to create active cyber defense system",
                      "published": "2025-03-12T18:30:00+09:00", "body_has": ["Japan's Cabinet has approved a bill"],
                      "body_not": ["Watch", "1:48", "Latest News", "US tariffs on steel"]},
    # Naver (Korean): masked writers over `2025.06.04. 15:20`, 공감 (agree) and 비공감 (disagree)
    # counts as up and down, replies between `답글 접기` and `답글 더보기`. (0 comments before.)
    "naver_ko_comments.txt": {"title": "日 출생아 수 68만6천명…9년 연속 역대 최저", "layout": "discussion",
                              "authors": ["kim1****", "hyun****", "sky7****", "jung****", "bada****", None, "moon****"],
                              "votes": [(992, 1024, 32), (835, 876, 41), (403, 412, 9), (53, 55, 2), (3, 21, 18),
                                        (None, None, None), (85, 88, 3)],
                              "parents": [None, None, None, 3, 3, None, None],
                              "comment_not": ["답글", "BEST", "공감1", "많이 본 뉴스"]},
}


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_page_kinds(name):
    art = parse_file(PAGES / name)
    want = EXPECT[name]
    body = "\n".join(art.body)
    checks = {
        "title": lambda v: art.title == v,
        "title_starts": lambda v: art.title.startswith(v),
        "category": lambda v: art.category == v,
        "source": lambda v: art.source == v,
        "byline": lambda v: art.byline == v,
        "published": lambda v: art.published == v,
        "url": lambda v: art.url == v,
        "credit": lambda v: art.credit == v,
        "layout": lambda v: art.layout == v,
        "image_credit": lambda v: (art.image or {}).get("credit") == v,
        "comments": lambda v: len(art.comments) == v,
        "stated": lambda v: art.stated_comment_count == v,
        "authors": lambda v: [c.author for c in art.comments] == v,
        "parents": lambda v: [c.parent for c in art.comments] == v,
        "votes": lambda v: [(c.score, c.up, c.down) for c in art.comments] == v,
        "body_has": lambda v: all(x in body for x in v),
        "body_not": lambda v: not any(x in body for x in v),
        "comment_not": lambda v: not any(x in c.text for c in art.comments for x in v),
        "posted": lambda v: [c.posted for c in art.comments] == v,
        "texts": lambda v: [c.text for c in art.comments] == v,
        "quotes_article": lambda v: sum(q["of"] == "article" for c in art.comments for q in c.quotes) == v,
    }
    failed = [k for k, v in want.items() if not checks[k](v)]
    assert not failed, (failed, art.to_dict())


def test_quote_reply_in_html_is_a_quote_of_the_comment():
    art = parse_file(PAGES / "quote_replies.html")
    assert art.comments[1].quotes == [{"text": "Signalling was promised in 2019 and never arrived", "of": 1}]
    assert art.comments[1].text == "It did arrive on the western lines, to be fair."


@pytest.mark.parametrize("name,why", [("not_news_passwd.txt", "colon-separated"), ("not_news_config.txt", "configuration"),
                                      ("not_news_code.txt", "source code"), ("not_news_csv.txt", "CSV")])
def test_what_is_not_a_news_page_is_refused_unless_forced(name, why, db_path):
    with pytest.raises(PageError, match=why):
        parse_file(PAGES / name)
    r = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(PAGES / name)])
    assert r.exit_code == 1 and why in r.output and "--force" in r.output
    assert not (db_path / "index.json").exists() or Store(db_path).entries() == []  # nothing stored
    r = CliRunner().invoke(cli, ["--db", str(db_path), "import", "--force", str(PAGES / name)])
    assert r.exit_code == 0 and "new" in r.output


def test_a_title_alone_is_not_a_news_page():
    from reader.parsing import parse_text

    with pytest.raises(PageError, match="no article text"):
        parse_text("Just a headline and nothing else")


def test_folder_import_takes_html_pages_and_json_has_url_and_published(db_path):
    r = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(PAGES)])
    assert "threaded_blog.html" in r.output and "Traceback" not in r.output
    rows = json.loads(CliRunner().invoke(cli, ["--db", str(db_path), "list", "--json"]).output)
    blog = next(e for e in rows if e["title"] == "Harbour town votes to keep its ferry")
    assert blog["url"] == "https://courier.example/2025/05/ferry-vote" and blog["published"].startswith("2025-05-02")
    shown = json.loads(CliRunner().invoke(cli, ["--db", str(db_path), "show", str(blog["id"]), "--json"]).output)
    assert shown["url"] == blog["url"] and [c["parent"] for c in shown["comments"]] == [None, 1, 2]


def test_stdin(db_path):
    page = (PAGES / "generic_messy.txt").read_bytes()
    r = CliRunner().invoke(cli, ["--db", str(db_path), "import", "-"], input=page)
    assert r.exit_code == 0 and "new" in r.output
    assert [e.title for e in Store(db_path).entries()] == ["Floods force thousands from homes in river valley"]


# ---- URLs, from a local server


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        routes = {
            "/ferry": (200, "text/html; charset=utf-8", (PAGES / "threaded_blog.html").read_bytes()),
            "/paper.pdf": (200, "application/pdf", b"%PDF-1.4"),
            "/gone": (404, "text/html", b"<h1>Not found</h1>"),
            "/broken": (500, "text/html", b"oops"),
        }
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ferry")
            self.end_headers()
            return
        code, ctype, body = routes.get(self.path, (404, "text/html", b"no"))
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_url_import_keeps_the_address_and_refresh_fetches_again(server, db_path):
    r = CliRunner().invoke(cli, ["--db", str(db_path), "import", f"{server}/moved"])
    assert r.exit_code == 0 and "new" in r.output, r.output
    (e,) = Store(db_path).entries()
    assert e.title == "Harbour town votes to keep its ferry"
    assert e.url == "https://courier.example/2025/05/ferry-vote"  # the page's canonical address
    r = CliRunner().invoke(cli, ["--db", str(db_path), "refresh", str(e.id)])
    assert r.exit_code in (0, 1) and "Traceback" not in r.output  # the canonical host is not reachable here


@pytest.mark.parametrize("path,why", [("/gone", "404"), ("/broken", "500"), ("/paper.pdf", "not a web page (application/pdf)"),
                                      ("/slow", "timed out")])
def test_url_failures_are_one_line(server, db_path, monkeypatch, path, why):
    monkeypatch.setattr("reader.importer.fetch.TIMEOUT_S", 1.0)
    r = CliRunner().invoke(cli, ["--db", str(db_path), "import", f"{server}{path}"])
    assert r.exit_code == 1 and why in r.output and "Traceback" not in r.output, r.output
    line = next(x for x in r.output.splitlines() if x.startswith("error"))
    assert why in line


def test_unreachable_hosts_and_other_schemes(db_path, monkeypatch):
    from reader.importer.fetch import fetch

    monkeypatch.setattr("reader.importer.fetch.TIMEOUT_S", 2.0)
    with pytest.raises(PageError, match="only http"):
        fetch("ftp://example.invalid/x")
    with pytest.raises(PageError, match=r"cannot find the host|cannot connect|timed out"):
        fetch("http://no-such-host.invalid/")



# ---- the app: the import dialog, open and copy the address


async def test_app_import_dialog_takes_a_pasted_page_and_a_path_and_opens_them(db_path, monkeypatch):
    from textual.widgets import TextArea

    from reader.ui.screens.import_dialog import ImportScreen

    from apphelpers import seeded_app, settle

    app = seeded_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, ImportScreen)
        app.screen.query_one(TextArea).text = (PAGES / "generic_messy.txt").read_text(encoding="utf-8")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.open_article is not None
        assert app.screen.open_article.title == "Floods force thousands from homes in river valley"
        await pilot.press("1", "i")
        area = app.screen.query_one(TextArea)
        area.insert(str(PAGES / "threaded_blog.html") + "\n")  # Enter after one line: a path
        await settle(pilot)
        assert app.screen.open_article.title == "Harbour town votes to keep its ferry"
        opened, copied = [], []
        app.open_url = lambda url, **kw: opened.append(url)
        app.copy_to_clipboard = copied.append
        monkeypatch.setattr("webbrowser.get", lambda *a: object())  # as if a browser were there
        await pilot.press("o", "Y")
        assert opened == copied == ["https://courier.example/2025/05/ferry-vote"]
        await pilot.press("i")
        bad = app.screen.query_one(TextArea)
        bad.text = "a = 1\nb = 2\nc = 3\n"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("configuration" in n.message for n in app._notifications)
    assert len(Store(db_path).entries()) == 5 + 2


async def test_command_palette_lists_actions_from_the_bindings(db_path):
    from apphelpers import seeded_app, settle

    app = seeded_app(db_path, )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for want in ("Import", "Sort", "Bookmark", "Search", "Open link", "Fold all"):
            assert want in titles, (want, titles)


async def test_import_dialog_dismisses_once_however_many_changes_are_queued(db_path):
    """Each queued TextArea.Changed sees the text as it is now (Enter included): typing a path fast
    queued several, and every one dismissed the dialog (the second popped no screen: a crash)."""
    from textual.widgets import TextArea

    from reader.ui.screens.import_dialog import ImportScreen
    from reader.ui.screens.main import MainScreen

    from apphelpers import seeded_app, settle

    app = seeded_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        area = dialog.query_one(TextArea)
        area.text = str(PAGES / "threaded_blog.html") + "\n"
        for _ in range(3):  # as queued while the keys were typed
            dialog._one_line_submits(TextArea.Changed(area))
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.is_running
        assert app.screen.open_article is not None and app.screen.open_article.title == "Harbour town votes to keep its ferry"


def test_import_input_takes_a_quoted_path_and_names_a_folders_failures(db_path, tmp_path):
    """A path dropped into the terminal comes quoted; a folder's failed pages are named, with
    their reasons as the app says them (the app has no --force)."""
    from reader.usecases import Reader

    r = Reader.open(db_path, seed=False)
    got = r.import_input(f"'{PAGES / 'threaded_blog.html'}'")
    assert got.status == "new" and got.key
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_bytes((PAGES / "generic_messy.txt").read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "title.txt").write_text("Just a title\n", encoding="utf-8")
    got = r.import_input(f'"{folder}"\n')
    assert got.status == "new"
    assert got.detail.startswith("1 new, 2 errors. Not imported: ")
    assert "empty.txt (empty file)" in got.detail and "title.txt (" in got.detail
    assert "--force" not in got.detail
    alone = r.import_input(str(folder / "title.txt"))
    assert alone.status == "error" and "--force" not in alone.detail and "title alone" in alone.detail


def test_html_vote_lines_in_their_own_element_are_read(tmp_path):
    """A comment's vote line in a <div> or <span> beside its paragraphs (not a <p>) is its votes;
    a reply nested inside keeps its own."""
    page = tmp_path / "votes.html"
    page.write_text(
        "<html><head><title>Harbour town votes to keep its ferry</title></head><body><article>"
        "<h1>Harbour town votes to keep its ferry</h1><p>The town council voted on Tuesday to keep the ferry "
        "running for another five years, after a long debate about what it costs.</p></article>"
        "<section id='comments'>"
        "<div class='comment'><span class='author'>alice</span><p>Good news for the island at last.</p>"
        "<div class='votes'>5 ( +6 / -1 )</div>"
        "<div class='comment'><span class='author'>carol</span><p>Agreed, and about time too.</p>"
        "<small>2 ( +2 / -0 )</small></div></div>"
        "<div class='comment'><span class='author'>bob</span><p>It costs too much, build a bridge.</p>"
        "<span class='score'>-3 ( +2 / -5 )</span></div></section></body></html>", encoding="utf-8")
    art = parse_file(page)
    got = [(c.author, c.score, c.up, c.down, [b.text for b in c.blocks]) for c in art.comments]
    assert got == [("alice", 5, 6, 1, ["Good news for the island at last."]),
                   ("carol", 2, 2, 0, ["Agreed, and about time too."]),
                   ("bob", -3, 2, 5, ["It costs too much, build a bridge."])]
    assert art.comments[1].parent == 1


def test_a_long_line_of_filler_is_not_a_news_page_but_an_article_on_one_line_is():
    """Megabytes of `xxxx` (or one token again and again) on one line are refused; a whole
    article pasted as one long line is still a page."""
    from reader.parsing import parse_text

    for filler in ("x" * 3_000_000, "ha " * 50_000, "Title\n\n" + "lorem ipsum " * 5_000):
        with pytest.raises(PageError, match="hardly any different words"):
            parse_text(filler)
    article = " ".join((PAGES / "generic_messy.txt").read_text(encoding="utf-8").split())
    one_line = (article + " ") * (20_000 // len(article) + 1)
    assert len(one_line) >= 20_000 and parse_text(one_line).body


def test_a_thread_whose_site_shows_no_votes_says_nothing_of_them_and_quotes_drop_their_marker(db_path):
    r = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(PAGES / "blog_comments.txt"),
                                 str(PAGES / "jt_writer_lines.txt")])
    assert r.exit_code == 0
    rows = {e["title"]: e["id"] for e in json.loads(CliRunner().invoke(cli, ["--db", str(db_path), "list", "--json"]).output)}
    blog = CliRunner().invoke(cli, ["--db", str(db_path), "show", str(rows["Riding the last night train from Tokyo to Izumo"])])
    assert "Rail Fan 88" in blog.output and "no votes" not in blog.output  # (a blog has none)
    assert "tickets for the private rooms sell out" in blog.output and "> tickets" not in blog.output
    jt = CliRunner().invoke(cli, ["--db", str(db_path), "show",
                                  str(rows["JR East to test staggered fares on crowded Tokyo lines from spring"])])
    assert "▲14 ▼2" in jt.output  # a site with votes still shows them


def test_one_comment_is_one_comment_in_the_shown_story(db_path):
    CliRunner().invoke(cli, ["--db", str(db_path), "import", str(PAGES / "latin1_page.html")])
    shown = CliRunner().invoke(cli, ["--db", str(db_path), "show", "1"]).output
    assert "── 1 comment · sorted by" in shown


def test_saved_hacker_news_keeps_every_paragraph_and_quote():
    """The first paragraph of an HN comment is bare text before the first <p>: it was lost."""
    art = parse_file(PAGES / "hn_item_saved.html")
    first = art.comments[0].text
    assert first.startswith("The funny part is") and first.endswith("on a Saturday afternoon.")
    assert art.comments[2].quotes == [{"text": "> which is great until your phone dies", "of": 2}]
    assert art.comments[0].posted == "6 hours ago" and art.comments[0].posted_at == "2025-03-02T05:02:10"


def test_quote_headers_name_the_comment_by_its_writer_and_time():
    """300 comments, 107 replies: a header names the writer and time of the comment a reply
    quotes; a quote that several comments hold (or a near copy of another) went to the latest
    of them. (Five comments of this generated page repeat sentences: their quotes are ambiguous.)"""
    art = parse_file(PAGES / "jt_300_headers.txt")
    assert len(art.comments) == 300  # (`Show more comments` in the middle was a comment)
    parent = {c.id: c.parent for c in art.comments}
    assert [parent[i] for i in (12, 72, 86, 96, 100, 124, 171, 259)] == [8, 39, 77, 85, 78, 106, 136, 235]

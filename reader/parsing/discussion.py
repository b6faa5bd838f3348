"""Discussion threads copied as text: Hacker News, Reddit, forums.

Their comments are marked by a writer line with a time, not by vote lines:
`simonw 4 hours ago | parent | next [–]` on one line (Hacker News), or the writer, an `OP`
or `•` line and `5h ago` on lines of their own (Reddit). Each comment's own lines end at the
next writer line; the site's buttons (`Reply`, `Award`, `Share`, `reply`) are dropped and a
bare number among them is the comment's score. Replies are known from Hacker News' links
(`parent`, `root`) and, everywhere, from quotes of earlier comments. What is above the first
comment is the post, read like any other page (its title, its text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.models import Article, Comment
from reader.parsing import generic
from reader.parsing.common import COMMENT_COUNT, Votes
from reader.parsing.evidence import MONTH, SECTION_NAMES, is_byline, is_navigation, is_site_name, parse_date
from reader.parsing.threads import RawComment, build_threads

_AGO = (r"(?:\d{1,3}\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mo|mos|months?"
        r"|y|yrs?|years?)\.?\s+ago|an?\s+(?:second|minute|hour|day|week|month|year)\s+ago|just now"
        r"|\d{1,3}\s*(?:秒|分|時間|日|週間|か月|ヶ月|カ月|年)前|たった今"
        # Spanish, Portuguese, French, German, Italian: `hace 3 horas`, `il y a 2 jours`, `vor 5 Minuten`, `3 ore fa`
        r"|(?:hace|há)\s+(?:\d{1,3}|un|una|um|uma)\s+(?:segundos?|minutos?|horas?|d[ií]as?|semanas?|mes(?:es)?|años?|anos?)"
        r"|il y a\s+(?:\d{1,3}|une?)\s+(?:secondes?|minutes?|heures?|jours?|semaines?|mois|ans?)"
        r"|vor\s+(?:\d{1,3}|einer|einem)\s+(?:sekunden?|minuten?|stunden?|tag(?:en)?|wochen?|monat(?:en)?|jahr(?:en)?)"
        r"|(?:\d{1,3}|un|una)\s+(?:secondi|minuti|minuto|ore|ora|giorni|giorno|settimane|mesi|mese|anni|anno)\s+fa)")
# `simonw 4 hours ago | parent | next [–]`, `name • 5h ago`, `name 58 points 5 hours ago`
_ONE_LINE = re.compile(
    rf"^(?:\[[–+-]\]\s*)?(?P<user>[\w.-]{{2,40}}|\[(?:dead|flagged|deleted|removed)\])(?:\s*\[[A-Z+]{{1,3}}\])*"
    rf"\s*(?:[•·]\s*)?(?:(?P<points>-?\d{{1,7}})\s+points?\s+)?(?P<when>{_AGO})"
    r"\*?(?P<links>(?:\s*\|\s*\w+(?: \w+){0,3})*+)\s*(?:\[[–-]\])?$",  # (`5 hours ago*`: edited)
    re.IGNORECASE,
)
# Disqus: `Dr. T. Nakagawa • an hour ago` (`• edited` after it)
_DOTTED = re.compile(rf"^(?!\d+ (?:comments?|replies|repl(?:y|ies)|points?)\b)"
                     rf"(?P<user>[\w.'’-]{{1,40}}(?: [\w.'’-]{{1,40}}){{0,3}})\s+[•·]\s+(?P<when>{_AGO})"
                     r"(?:\s*[•·]\s*edited)?$", re.IGNORECASE)
_USER = re.compile(r"^(?:u/)?[\w.-]{2,40}$")
# On a line of its own under the writer's: a name of up to three words (`Kenji T.`, `Dana (author)`).
_WRITER = re.compile(r"^(?:u/)?(?P<name>[\w.'’@*＊-]{1,40}(?: [\w.'’@*-]{1,40}){0,2}|\[deleted\]|\[removed\])"
                     r"(?: \((?:author|op|mod)\))?$", re.IGNORECASE)  # (Yahoo! News Japan masks its writers: `sak*****`)
_STAMP = (rf"(?:{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}"
          r"|\d{1,2}\.\d{1,2}\.\d{4}),?\s+(?:at\s+|um\s+)?\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?|uhr)?")
_JA_STAMP = (r"(?:\d{4}/)?\d{1,2}/\d{1,2}\s*[(（][月火水木金土日][)）]\s*\d{1,2}:\d{2}"  # Yahoo's `6/12(木) 19:03`
             r"|\d{4}\.\d{2}\.\d{2}\.\s+\d{1,2}:\d{2}")  # Naver's `2025.06.04. 15:20`
_WHEN = re.compile(rf"^(?:[•·]\s*)?(?P<when>{_AGO}|{_STAMP}|{_JA_STAMP})(?:\s*\(edited\))?(?:\s*[•·].{{0,40}})?$",
                   re.IGNORECASE)  # (YouTube: `1 day ago (edited)`)
_WROTE = re.compile(r"^.{1,40}\s(?:wrote|said):$")
_BETWEEN = {"•", "·", "op", "mod", "admin", "edited", "author", "member", "new member", "senior member", "junior member",
            "active member", "well-known member", "full member", "moderator", "administrator", "staff", "guest",
            "registered", "registered user", "veteran", "legend", "supporter", "banned"}  # between a writer and the time
# A forum's score under the writer (and rank) in place of a time: `24 points`, `+3 / -1`
_FORUM_POINTS = re.compile(r"^(?P<points>[-+−]?\d{1,7})\s+points?$|^\+(?P<up>\d{1,7})\s*/\s*[-−](?P<down>\d{1,7})$",
                           re.IGNORECASE)
# `Thread starter ekimae_ken · Mar 18, 2025 · Replies: 6`, `Started by name`: the post's writer (and date)
_STARTER = re.compile(r"^(?:thread starter|started by|original poster)\s*:?\s*(?P<user>[\w.-]{2,40})"
                      r"(?:\s*[·•,|]\s*(?P<date>[^·•|]{6,40}))?(?:\s*[·•|].*)?$", re.IGNORECASE)
_CONTROLS = {"reply • share ›", "avatar", "recommend", "reply", "award", "share", "report", "save", "upvote", "downvote", "vote",
             "give award", "more replies", "go to comments", "permalink", "embed", "edit", "follow", "[–]", "[-]",
             "[+]", "•", "·", "op", "continue this thread", "load more comments", "view more comments", "more",
             "parent", "context", "flag", "favorite", "hide", "past", "add comment", "sort by:", "best", "top",
             "new", "old", "controversial", "q&a", "search comments", "expand comment search", "comments section",
             "view all comments", "responder", "répondre", "antworten", "rispondi", "denunciar", "signaler", "melden",
             "segnala", "compartir", "partager", "teilen", "condividi", "me gusta", "j'aime", "gefällt mir", "mi piace",
             "like quote reply", "like reply", "quote reply", "multi-quote", "reply to this", "join the conversation"}
# Lobsters' links between a writer line and the words: buttons only there (a comment may say "Link")
_LEADING = {"|", "link", "flag", "caches", "archive.org"}
_NUMBER = re.compile(r"^[-−]?\d{1,7}(?:[.,]\d)?[kKmM]?$")  # (`1.2K`)
_TITLE_LINKS = re.compile(r"^\| (?:caches|archive\.org|\d{1,6} comments?|no comments|hide|save|flag|edit|suggest"
                          r"|via \S{1,40})$", re.IGNORECASE)
_AD_BUTTONS = {"learn more", "shop now", "sign up", "install", "download", "get offer", "apply now", "book now",
               "watch more", "contact us", "order now", "see more", "play now"}
_FLAIR = re.compile(r"^(?:top \d{1,2}% (?:commenter|poster|contributor)|edited(?: \d{1,3}\s*\w{1,8}\.? ago)?"
                    r"|verified|original poster|moderator|admin|op)$", re.IGNORECASE)
_LEVEL = re.compile(r"^level (\d{1,3})$", re.IGNORECASE)  # Reddit's depth of the comment below
_CHROME = re.compile(r"^(?:skip to main content|open menu|reddit|advertise on reddit|create|open inbox|expand user menu"
                     r"|get app|log in|go to \w{2,30})$", re.IGNORECASE)
_LIKES = re.compile(r"^(?:gefällt mir|likes?|j'aime|me gusta|mi piace)\s*(\d{1,7})$|^(\d{1,7})\s+likes?$", re.IGNORECASE)
_DISLIKES = re.compile(r"^(?:gefällt mir nicht|dislikes?|je n'aime pas|no me gusta|non mi piace)\s*(\d{1,7})$"
                       r"|^(\d{1,7})\s+dislikes?$", re.IGNORECASE)
_ARROWS = re.compile(r"^(\d{1,7})\s*▲\s*(\d{1,7})\s*▼$")  # Disqus: `12 ▲ 1 ▼`
# Yahoo! News Japan's reactions under a comment: 共感した (agree) counts up, うーん (hmm) down.
# Naver's (Korean) 공감 (agree) and 비공감 (disagree) likewise: `공감1,024`, `비공감32`.
# (The count may be on the next line.)
_REACTION = re.compile(r"^(共感した|なるほど|うーん|비공감|공감)\s*(\d{1,3}(?:,\d{3})+|\d{1,7})?$")
_UP, _DOWN = {"共感した", "공감"}, {"うーん", "비공감"}
_LIST_CONTROLS = re.compile(r"^(?:top \d+ comments|show all \d+|sort(?:ed)? by:?\s*\w*|per page \d+|display threads \w+"
                            r"|\d+ comments?|view all \d+ comments?"
                            r"|load \d+ more comments?|\d+ (?:more )?repl(?:y|ies)|level \d+|pinned by @\S{1,40}"
                            r"|show (?:more|less)(?: replies)?|read more|…more|translate to \w+|add a comment(?:…|\.\.\.)?"
                            r"|(?:ordenar por|trier par|sortieren nach|ordina per):?(?: .{1,30})?)$", re.IGNORECASE)
_JA_CONTROLS = re.compile(r"^(?:返信\s*\d*|表示順|並び順|並び替え|おすすめ順|新着順|古い順|共感順|もっと見る"
                          r"|コメントを書く|報告|通報|非表示・報告|非表示|記事に関する報告|[＊*]{3}"
                          # Naver: replies, their fold and more, sort orders, `BEST`
                          r"|답글\s*\d*|답글 접기|답글 더보기|내 댓글|새로고침|순공감순|최신순|공감비율순|best|신고)$",
                          re.IGNORECASE)
# old Reddit: `submitted 7 hours ago by name` under the title
_SUBMITTED = re.compile(rf"^submitted\s+(?:{_AGO})\s+by\s+(?P<user>[\w.-]{{2,40}})", re.IGNORECASE)
_POINTS_BY = re.compile(rf"^(?P<points>\d{{1,7}})\s+points?\s+by\s+(?P<user>[\w.-]{{2,40}})\s+(?P<when>{_AGO})",
                        re.IGNORECASE)
_RESPONSES = re.compile(r"^\d{1,6}\s+(?:thoughts?|comments?|responses?|replies|reactions?)\s+(?:on|to)\s+[\"“”'‘].{1,300}$",
                        re.IGNORECASE)  # `4 thoughts on "Headline"` above a blog's comments
_SECTION = re.compile(r"^(?:comments?|disqus comments|join the discussion…?|\d+ comments? on .{1,200}|コメント"
                      r"|(?:comments?|kommentare|commentaires|comentarios|commenti)\s*\(\d+\))$", re.IGNORECASE)
_SELF_POST = re.compile(r"\s*\(self\.(\w+)\)$")  # old Reddit marks a text post's title `(self.japanlife)`
_SUBREDDIT = re.compile(r"^(?P<sub>r/\w{2,30})(?:\s*[•·].*)?$")
_FOOTER = re.compile(r"^(?:guidelines \| faq|more posts you may like|related answers|top posts of|reddit rules"
                     r"|댓글 더보기|많이 본 뉴스"
                     r"|you must (?:log in|be logged in|register)(?: or (?:log in|register))? to (?:reply|comment|post)"
                     r"(?: here)?\.?$|similar threads$|share:$"
                     r"|yahoo!ニュース公式アプリ|プライバシーポリシー|利用規約|ヤフコメ"
                     r"|about community|community info|join the conversation$|leave a (?:reply|comment)"
                     r"|your email address will not be published|post comment$"
                     r"|(?:about us|contact us|privacy policy|terms (?:of use|& conditions|of service))$)", re.IGNORECASE)
# Disqus's `Also on The Harbour Gazette` (case matters: "Also on weekends I…" is a reader's)
_ALSO_ON = re.compile(r"^Also on (?:[Tt]he )?[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4}$")
MIN_COMMENTS = 2


@dataclass(slots=True)
class _Head:
    start: int  # the writer line
    end: int  # the first line after the header
    user: str
    when: str | None
    links: str = ""
    points: int | None = None
    votes: Votes | None = None  # a forum's `+3 / -1` under the writer


def _header_at(lines: list[str], i: int) -> _Head | None:
    line = lines[i]
    if len(line) <= 120 and ("ago" in line.lower() or "前" in line):
        if (m := _ONE_LINE.match(line)) and m.group("user").casefold() not in _NOT_WRITERS:
            points = int(m.group("points")) if m.group("points") else None
            return _Head(i, i + 1, m.group("user"), m.group("when"), m.group("links") or "", points)
        if (m := _DOTTED.match(line)) and _could_write(m.group("user")):
            return _Head(i, i + 1, m.group("user"), m.group("when"))
    if len(line) <= 52 and (u := _WRITER.match(line)) and _could_write(line):
        for j in range(i + 1, min(i + 4, len(lines))):
            if (w := _WHEN.match(lines[j])) is not None:
                return _Head(i, j + 1, u.group("name"), w.group("when"))
            if j > i + 1 and (f := _FORUM_POINTS.match(lines[j])) is not None:  # (a rank line between: a forum)
                return _forum_head(i, j, u.group("name"), f)
            if lines[j].casefold() not in _BETWEEN:
                break
    return None


def _forum_head(i: int, j: int, user: str, f: re.Match[str]) -> _Head:
    if f.group("points") is not None:
        return _Head(i, j + 1, user, None, points=int(f.group("points").replace("−", "-")))
    up, down = int(f.group("up")), int(f.group("down"))
    return _Head(i, j + 1, user, None, votes=Votes(up - down, up, down))


# Lobsters' `authored by name` (or `submitted by`) under the title: the post's writer, never a comment's
_BY_USER = re.compile(r"^(?:authored|submitted|posted|shared)\s+by\s+(?P<user>[\w.-]{2,40})$", re.IGNORECASE)
_NOT_WRITERS = {"published", "updated", "posted", "edited", "modified", "last updated", "breaking", "live", "latest",
                "new", "video", "photos", "analysis", "opinion", "comment", "comments"}


def _could_write(line: str) -> bool:
    """Could this short line be a writer's name? (Not a button, a byline, a section or a site.)"""
    low = line.casefold()
    return (low not in _CONTROLS and low not in _NOT_WRITERS and low.strip(" :|") not in SECTION_NAMES
            and not is_byline(line) and not is_site_name(line) and not _BY_USER.match(line))


def find_headers(lines: list[str]) -> list[_Head]:
    """The comments' writer lines, in order (the post's own, if it has one, first)."""
    heads: list[_Head] = []
    i = 0
    while i < len(lines):
        h = _header_at(lines, i)
        if h is not None:
            heads.append(h)
            i = h.end
        else:
            i += 1
    return heads


def looks_like(lines: list[str]) -> bool:
    """A discussion thread: comments under writer-and-time lines, and a sign of a discussion site
    (a reply button, points, reactions, likes, a parent link, a level), unless there are many
    writers. A news page's `Published 3 hours ago` or a rail of `Politics` / `2 hours ago`
    headlines has neither."""
    heads = find_headers(lines)
    writers = {h.user.casefold() for h in heads}
    if len(heads) < MIN_COMMENTS or len(writers) < 2:
        return False
    signs = any(_POINTS_BY.match(x) or _SUBMITTED.match(x) for x in lines[:40]) or any(h.links or h.points for h in heads) \
        or any(_REACTION.match(x) or _LIKES.match(x) or _DISLIKES.match(x) or _ARROWS.match(x) or _LEVEL.match(x)
               or x.startswith("返信") or x.casefold() in {"reply", "reply • share ›", "permalink", "upvote", "recommend"}
               for x in lines)
    return signs or (len(heads) >= 4 and len(writers) >= 3)


def _comment(lines: list[str], scored: bool = False) -> tuple[list[str], Votes | None]:
    """A comment's paragraphs and its votes: a bare number among the buttons after its words (a
    score), or Yahoo's reactions (共感した up, うーん down)."""
    paras: list[str] = []
    score: int | None = None
    up = down = None
    label = None  # a reaction whose count is on the next line
    controls = False  # a button seen: a bare number after it is the score
    for i, x in enumerate(lines):
        if not paras and (_FLAIR.match(x) or x.casefold() in _LEADING):
            continue  # Reddit's `Top 1% Commenter`, `Edited 22h ago`, Lobsters' `| link | flag` over the words
        if _control(x) or (not paras and _WROTE.match(x)):
            controls = True
            continue  # (`Kenji T. wrote:` over a quote: the quote itself says whose words they are)
        r = _reaction(lines, i)
        count = int(r.group(2).replace(",", "")) if r and r.group(2) else int(x) if label and _is_count(x) else None
        if r or label:
            name, label = (r.group(1) if r else label), (r.group(1) if r and count is None else None)
            if count is not None:
                up = count if name in _UP else up
                down = count if name in _DOWN else down
            if r or count is not None:
                continue
        if _NUMBER.match(x) and score is None and not scored and (controls or i == len(lines) - 1 or _after_words(lines, i)):
            score = count_of(x)  # (among the buttons, or last: `1995` alone in a comment's words stays)
            continue
        if (liked := _LIKES.match(x)) and score is None:
            score = int(liked.group(1) or liked.group(2))
            continue
        if (disliked := _DISLIKES.match(x)) and down is None:  # `Me gusta 48` `No me gusta 5`: up and down
            down = int(disliked.group(1) or disliked.group(2))
            continue
        if (a := _ARROWS.match(x)) and up is None:
            up, down = int(a.group(1)), int(a.group(2))
            continue
        paras.append(x)
    if down is not None and up is None:
        up = score  # likes (before or after the dislikes) are the ups
    if up is not None or down is not None:
        return paras, Votes((up or 0) - (down or 0), up or 0, down or 0)
    return paras, None if score is None else Votes(score, None, None)


@dataclass(slots=True)
class _Post:
    kept: list[str]  # the post's lines (title and words)
    source: str | None = None  # `Hacker News`, `r/japanlife`
    byline: str | None = None
    hint: str | None = None  # its title, where the site's layout says which line it is
    published: str | None = None  # a forum's `Thread starter name · Mar 18, 2025`
    starter: bool = False  # the writer is named as the thread's starter: the first post is the post's words


def parse(lines: list[str], file: str | None) -> Article:
    heads = find_headers(lines)
    post = _post(lines[: heads[0].start if heads else len(lines)])
    # A Reddit post's own writer line comes before its title: its words are the post's.
    titled = any(len(x) >= 60 or len(x.split()) >= 12 for x in post.kept)  # the post's words are above
    if post.source and post.source.startswith("r/") and len(heads) > 1 and not titled and _is_post(lines, heads):
        post.byline = post.byline or heads[0].user
        post.kept += [x for x in lines[heads[0].end : heads[1].start]
                      if x.casefold() not in _CONTROLS and not _NUMBER.match(x)]
        heads = heads[1:]
    if post.starter and heads and heads[0].user == post.byline and not any(len(x.split()) >= 25 for x in post.kept):
        # A forum thread's first post is its question: the post's words, not a comment.
        stop = heads[1].start if len(heads) > 1 else _footer(lines, heads[0].end)
        post.kept += _comment(lines[heads[0].end : stop])[0]
        heads = heads[1:]
    kept = post.kept[post.kept.index(post.hint):] if post.hint is not None else post.kept  # (above: furniture)
    article = generic.parse(kept or ["(untitled)"], file, hint=post.hint)
    raw, links, levels = _raw_comments(lines, heads)
    answering = _named_parents(raw)
    comments = build_threads(raw, [article.title, *article.body])
    for c in comments:
        if c.parent is None and c.id in answering:
            c.parent = answering[c.id]
    _hn_parents(comments, links)
    _level_parents(comments, levels)
    _mentions(comments)
    if (own := _SELF_POST.search(article.title)) is not None:  # `(self.movingtojapan)`: old Reddit's subreddit
        post.source = post.source or f"r/{own.group(1)}"
        article.title = article.title[: own.start()] or article.title
    article.layout = "discussion"
    article.source = post.source or article.source
    article.byline = post.byline or article.byline
    if post.published and article.published is None:
        article.published = parse_date(post.published)
    article.comments = comments
    return article


def _post(post_lines: list[str]) -> _Post:
    """The lines above the first comment: the post, less the site's buttons and counts."""
    # The comment section's own furniture above the first comment (`14 Comments`, `Join the
    # discussion…`, sort buttons) is not the post's: it is cut at the count or heading.
    prose = max((j for j, x in enumerate(post_lines) if len(x.split()) >= 12 or len(x) >= 60), default=None)
    if prose is None:  # a link post: its title (a `Comments` menu item above it is no section heading)
        prose = max((j for j, x in enumerate(post_lines) if len(x.split()) >= 5), default=0)
    if (cut := next((j for j in range(prose + 1, len(post_lines))
                     if COMMENT_COUNT.match(post_lines[j]) or _SECTION.match(post_lines[j])), None)) is not None:
        post_lines = post_lines[:cut]
    post = _Post([], "Hacker News" if post_lines and post_lines[0].lower().startswith("hacker news") else None)
    after_sub = promoted = False
    for x in post_lines:
        if promoted or x.casefold() in {"promoted", "sponsored"}:  # an ad, to its button
            promoted = x.casefold() not in _AD_BUTTONS
            continue
        if m := (_POINTS_BY.match(x) or _SUBMITTED.match(x)):
            post.byline = m.group("user")
            post.hint = post.hint or (post.kept[-1] if post.kept else None)  # the title is right above it
            continue
        if s := _SUBREDDIT.match(x):
            post.source, after_sub = post.source or s.group("sub"), True
            continue
        if m := _STARTER.match(x):
            post.byline, post.published, post.starter = m.group("user"), m.group("date"), True
            continue
        if (m := _BY_USER.match(x)) and post.byline is None:
            post.byline = m.group("user")
            continue
        if (_button(x) or x.casefold().startswith("search in r/") or _RESPONSES.match(x) or _CHROME.match(x)
                or _TITLE_LINKS.match(x)):  # (`| caches`, `| 11 comments`: links under a title)
            continue
        if after_sub and _WHEN.match(x):
            continue  # (`r/cycling` `•` `14 hr. ago`, then the post's writer)
        if after_sub and post.byline is None and _USER.match(x):
            post.byline = x.removeprefix("u/")  # the post's writer, under the subreddit's line
            continue
        after_sub = False
        post.kept.append(x)
    return post


def _button(line: str) -> bool:
    """One of the site's buttons, counts or list controls (`Reply`, `58`, `返信3`, `sorted by: best`)."""
    return _control(line) or _NUMBER.match(line) is not None


def _raw_comments(lines: list[str], heads: list[_Head]) -> tuple[list[RawComment], list[str], list[int | None]]:
    """Each writer line's comment (and, after Yahoo's reactions, a comment with no writer line),
    with the site's links of each (Hacker News' `parent`, `root`) and its depth (Reddit's `level 2`)."""
    raw: list[RawComment] = []
    links: list[str] = []
    levels: list[int | None] = []
    unfolded = False
    # Lobsters puts a comment's score right above its writer line: then a number ending a comment is the next one's.
    above = (bool(heads) and heads[0].start > 0 and _NUMBER.match(lines[heads[0].start - 1]) is not None
             and not _ends_with_number(lines, heads[-1]))
    for k, h in enumerate(heads):
        stop = heads[k + 1].start if k + 1 < len(heads) else _footer(lines, h.end)
        if above and k + 1 < len(heads) and stop > h.end and _NUMBER.match(lines[stop - 1]):
            stop -= 1
        for n, part in enumerate(_after_reactions(lines[h.end : stop])):
            paras, votes = _comment(part, scored=above or h.points is not None or h.votes is not None)
            if above and not n and h.start > 0 and _NUMBER.match(lines[h.start - 1]):
                votes = Votes(count_of(lines[h.start - 1]), None, None)
            if n:
                if paras:  # (words after a comment's reactions: a comment with no writer line)
                    raw.append(RawComment(paras, votes))
                    links.append("")
                    levels.append(None)
                continue
            if h.points is not None:
                votes = Votes(h.points, None, None)
            votes = h.votes or votes
            raw.append(RawComment(paras or ["(no text)"], votes, h.user, h.when))
            level = _LEVEL.match(lines[h.start - 1]) if h.start else None
            levels.append(int(level.group(1)) if level else 2 if unfolded else 1 if "답글 접기" in part else None)
            # Naver: `답글 접기` (fold the replies) under a comment: the comments after it answer it,
            # to the one with `답글 더보기` (more replies)
            unfolded = ("답글 접기" in part or unfolded) and "답글 더보기" not in part
            # old Reddit puts its `parent` link on a line of its own after the words
            links.append(h.links.lower() + (" | parent" if any(x.casefold() == "parent" for x in part) else ""))
    return raw, links, levels


def _ends_with_number(lines: list[str], last: _Head) -> bool:
    """Does the last comment end with a bare number (its score, as on Reddit)? Then the numbers
    above writer lines end the comments above them."""
    tail = [x for x in lines[last.end : _footer(lines, last.end)] if not _control(x)]
    return bool(tail) and _NUMBER.match(tail[-1]) is not None


def _named_parents(raw: list[RawComment]) -> dict[int, int]:
    """Disqus shows the name of the writer a reply answers on the reply's first line: that line
    is dropped, and the reply hangs under that writer's latest comment."""
    latest: dict[str, int] = {}
    out: dict[int, int] = {}
    for i, rc in enumerate(raw, start=1):
        first = rc.paragraphs[0] if rc.paragraphs else ""
        if len(rc.paragraphs) > 1 and first in latest:
            out[i] = latest[first]
            rc.paragraphs = rc.paragraphs[1:]
        if rc.author:
            latest[rc.author] = i
    return out


def _after_reactions(lines: list[str]) -> list[list[str]]:
    """A comment's lines, cut where words start again after a block of reactions (`共感した 12`)."""
    parts: list[list[str]] = [[]]
    in_reactions = False
    for i, x in enumerate(lines):
        reaction = _reaction(lines, i) is not None or (in_reactions and _is_count(x))
        if in_reactions and not reaction and not _JA_CONTROLS.match(x):
            parts.append([])
        parts[-1].append(x)
        in_reactions = reaction or (in_reactions and _JA_CONTROLS.match(x) is not None)
    return parts


def _reaction(lines: list[str], i: int) -> re.Match[str] | None:
    """Yahoo's reaction at line `i`, with its count there or on the next line (`うーん` alone on its
    line is a reader's word)."""
    r = _REACTION.match(lines[i])
    if r is None or r.group(2) or (i + 1 < len(lines) and _is_count(lines[i + 1])):
        return r
    return None


def _control(line: str) -> bool:
    """One of the site's buttons or list controls (`Reply`, `返信3`, `sorted by: best`)."""
    return (" ".join(line.casefold().split()) in _CONTROLS or _JA_CONTROLS.match(line) is not None
            or _LIST_CONTROLS.match(line) is not None)


def _is_count(text: str) -> bool:
    return text.isascii() and text.isdecimal()


def _after_words(lines: list[str], i: int) -> bool:
    """Is the number at `i` followed only by buttons (`58` then `Reply`)?"""
    return all(map(_control, lines[i + 1 :]))


def count_of(text: str) -> int:
    """`58`, `-3`, `1.2K` as a number."""
    text = text.replace("−", "-").replace(",", ".")
    scale = {"k": 1000, "m": 1000000}.get(text[-1].lower(), 1)
    return round(float(text[:-1] if scale > 1 else text) * scale)


def _is_post(lines: list[str], heads: list[_Head]) -> bool:
    """Is the first writer line the post's (a title and its text under it, then the buttons)?"""
    between = lines[heads[0].end : heads[1].start]
    return any(x.casefold() in {"upvote", "downvote", "go to comments"} for x in between)


def _footer(lines: list[str], start: int) -> int:
    """Where the site's footer starts after the last comment."""
    for i in range(start, len(lines)):
        if _FOOTER.match(lines[i]) or _ALSO_ON.match(lines[i]) or (
                (i + 3 <= len(lines) or is_navigation(lines[i]))
                and all(_site_link(x) or is_navigation(x) for x in lines[i:])):
            return i  # (nothing but the site's links to the end: `about` `blog` `help`, `Impressum | Kontakt`)
    return len(lines)


def _site_link(line: str) -> bool:
    """A short line that is none of a comment's buttons, counts or reactions."""
    return generic.is_menu_item(line) and not _button(line) and not _REACTION.match(line)


def _hn_parents(comments: list[Comment], links: list[str]) -> None:
    """Hacker News' links say which comments are replies: `parent` (a reply), `root` (a reply to
    a reply). A copy loses the indentation, so a reply's parent is the latest top-level comment,
    and a deeper one's the comment above it, unless a quote names another."""
    if not any("parent" in x for x in links):
        return
    depths = any("root" in x for x in links)  # old Reddit has no `root`: a reply answers the comment above
    last_top: int | None = None
    for c, link in zip(comments, links, strict=True):
        if "parent" not in link:
            c.parent = None
            last_top = c.id
        elif c.parent is None:
            if depths and "root" not in link:
                c.parent = last_top
            elif c.id > 1:
                c.parent = c.id - 1


def _level_parents(comments: list[Comment], levels: list[int | None]) -> None:
    """Reddit's `level N` above each comment: a comment's parent is the latest one a level up."""
    if not any(levels):
        return
    latest: dict[int, int] = {}  # level -> the latest comment at it
    for c, level in zip(comments, levels, strict=True):
        if level is None:
            continue
        c.parent = next((latest[k] for k in range(level - 1, 0, -1) if k in latest), None)
        latest[level] = c.id
        for deeper in [k for k in latest if k > level]:
            del latest[deeper]


_MENTION = re.compile(r"^@(\S+(?: \S+)?)")


def _mentions(comments: list[Comment]) -> None:
    """A comment that starts `@Mike R.` (and quotes no one) replies to Mike R.'s latest comment."""
    latest: dict[str, int] = {}
    for c in comments:
        if c.parent is None and c.blocks and (m := _MENTION.match(c.blocks[0].text)) and m.group(1).strip():
            name = m.group(1).casefold().rstrip(".,:;")
            if not name.strip():
                continue
            for who in (name, name.split()[0]):
                for author, cid in latest.items():
                    if author.rstrip(".") == who:
                        c.parent = cid
                        break
                if c.parent is not None:
                    break
        if c.author:
            latest[c.author.casefold().removeprefix("@")] = c.id  # (YouTube writes its writers `@name`)

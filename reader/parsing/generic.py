"""Any other page. The headline is chosen by evidence (see evidence.py) among the lines that are
not site furniture; the body is what is left above the comments. Voted comments, if the page has
them, are split off as on Japan Today."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.models import Article
from reader.parsing.comments import first_vote_index, split_comments
from reader.parsing.common import COMMENT_COUNT, LOGIN_TO_COMMENT, is_boilerplate
from reader.parsing.evidence import (
    BY,
    MIN_TITLE_SCORE,
    credited,
    dated_byline,
    first_sentence,
    furniture_kind,
    is_byline,
    is_caption,
    is_section_label,
    is_site_name,
    parse_date,
    photo,
    split_leading_date,
    title_score,
)
from reader.parsing.threads import build_threads
from reader.text import has_cjk

COMMENTS_HEADING = re.compile(r"^(?:comments?|reader comments|\d+ comments?|join the conversation|discussion)$",
                              re.IGNORECASE)
_RELATED_HEADING = re.compile(r"^(?:related (?:posts?|articles?|stories|coverage|content)|more (?:from|on) .{1,40}"
                              r"|recommended(?: for you)?|most (?:read|popular|viewed)|trending(?: now)?|you may also like"
                              r"|read (?:more|next|also)|explore more on these topics|topics"
                              r"|【?関連(?:記事|ニュース|リンク)】?|あわせて読みたい|こちらもおすすめ)$", re.IGNORECASE)
# Headings that start a list only once the story has begun (above it, `Top Stories` is a menu item).
_LATE_HEADING = re.compile(r"^(?:(?:our )?(?:latest|more|top|other) (?:stories|news|headlines)|related|keywords|tags"
                           r"|photo gallery.{0,30})$", re.IGNORECASE)
_SHARE_HEADINGS = {"share this", "share", "share on", "share this post", "share this page", "share this article",
                   "share this story", "spread the word", "like this"}
_SHARE_ITEMS = {"twitter", "x", "facebook", "linkedin", "reddit", "email", "e-mail", "mail", "print", "whatsapp",
                "telegram", "pinterest", "tumblr", "pocket", "threads", "bluesky", "mastodon", "line", "hatena",
                "more", "like", "loading...", "loading…", "tweet", "copy link", "share"}
MENU_RUN = 5
TITLE_WINDOW = 14  # the headline is among the first lines left once furniture is gone


@dataclass
class _Head:
    """What the lines above the body say about the story."""

    published: str | None = None
    byline: str | None = None
    under: int | None = None  # the kept line a byline stood under (where headlines are)
    named: str | None = None  # a name alone right above the date: the byline, unless it is the title
    credit: str | None = None  # a wire service named under the byline (`The Associated Press`)
    image: dict[str, str | None] | None = None
    kept: list[str] = field(default_factory=list)


def _split_comment_section(lines: list[str]) -> tuple[list[str], list[str], int | None]:
    """(article lines, comment lines, the comment count the page states)."""
    vote_at = first_vote_index(lines)
    if vote_at is None:
        return lines, [], None
    marker = next((j for j in range(vote_at) if COMMENTS_HEADING.match(lines[j]) or LOGIN_TO_COMMENT.match(lines[j])
                   or COMMENT_COUNT.match(lines[j])), None)
    if marker is None:
        split = max(0, vote_at - 1)
        return lines[:split], lines[split:], None
    m = COMMENT_COUNT.match(lines[marker])
    n = (m.group(1) or m.group(2)) if m else None
    stated = int(n.replace(",", "")) if n and n.lower() != "no" else None
    return lines[:marker], lines[marker + 1 :], stated


def is_menu_item(line: str) -> bool:
    if len(line) > (6 if has_cjk(line) else 16):  # (a Japanese headline of 7+ characters is no menu item)
        return False
    return len(line.split()) <= 2 and not line.endswith((".", "!", "?", ",", ":", "。"))


def menu_lines(lines: list[str]) -> set[int]:
    """A site's menu copied one item a line (`ログイン`, `トップ`, `国内`, … or `Home`, `World`, …):
    runs of at least MENU_RUN short lines above the first line of prose."""
    out: set[int] = set()
    run: list[int] = []
    for i, line in enumerate(lines):
        if is_menu_item(line):
            run.append(i)
            continue
        if len(run) >= MENU_RUN:
            # A short headline right after the menu (`Abe assassinated` over its date or byline, or
            # over the first paragraph) is the story's, not the menu's last item.
            if furniture_kind(line) == "date" or is_byline(line) or len(line.split()) >= 8 or len(line) >= 40:
                run.pop()
            out.update(run)
        run = []
        if len(line.split()) >= 8 or len(line) >= 40:
            break  # prose (or a headline): a list below it is the story's own
    return out


_FOOTER_WORDS = re.compile(r"\b(?:about|contact|privacy|terms|help|cookies?|careers|jobs|advertise|accessibility"
                           r"|sitemap|impressum|datenschutz|kontakt|aviso legal|mentions légales|corrections|securedrop)\b"
                           r"|会社概要|お問い合わせ|プライバシー|利用規約", re.IGNORECASE)


def _footer_lines(lines: list[str]) -> set[int]:
    """The site's footer links one a line at the end of the article (`About us`, `Help`,
    `Privacy policy`, …): a run of short lines to the end, two of them the usual footer links."""
    run: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if len(line) > 32 or len(line.split()) > 4 or line.endswith((".", "!", "?", ",", ":", "。")):
            if furniture_kind(line) is not None:
                continue  # (`© 2024 …`, `Back to top` among them)
            break
        run.append(i)
    if len(run) >= MENU_RUN and sum(1 for i in run if _FOOTER_WORDS.search(lines[i])) >= 2:
        return set(run)
    return set()


_ROLE = re.compile(r"^(?:(?:staff|senior|contributing|special|foreign|chief|political|business|science)\s+)?"
                   r"(?:writer|reporter|correspondent|editor|columnist|contributor)s?$", re.IGNORECASE)
_WIRE = re.compile(r"^(?:the )?(?:associated press|reuters|agence france-presse|afp|kyodo(?: news)?|jiji(?: press)?"
                   r"|bloomberg(?: news)?|ap|dpa|efe|ansa)$", re.IGNORECASE)
_NAME = r"[A-ZÀ-ÖØ-Ý][\w.'’-]+(?:\s+(?:(?:de|del|da|van|von|der|le|di|du|bin|al)\s+)?[A-ZÀ-ÖØ-Ý][\w.'’-]+){1,3}"
_NAMES = re.compile(rf"^{_NAME}(?:(?:,\s+|\s+(?:and|&|und|y|et|e)\s+){_NAME}){{1,3}}$")  # `Mari Yamaguchi and Josh Boak`


def _header_extra(head: _Head, line: str) -> bool:
    """A writer's role under the byline (`STAFF WRITER`), or a wire service under the writers'
    names (`The Associated Press`): taken, with the names above it as the byline."""
    if len(head.kept) > TITLE_WINDOW or len(line) > 40:
        return False
    if head.byline is not None and _ROLE.match(line):
        return True
    if head.credit is None and _WIRE.match(line):
        head.credit = line
        above = head.kept[-1] if head.kept else ""
        if head.byline is None and _NAMES.match(above):  # several writers (`Mari Yamaguchi and Josh Boak`)
            head.byline = head.kept.pop()
        else:
            _name_above(head)  # one (or `Toyota Raises US Prices`, the title, over `Reuters`)
        return True
    return False


def _name_above(head: _Head) -> None:
    """A writer's name alone right above a date or a wire service: the byline, unless it turns out
    to be the title (`Biden Wins Michigan Primary` over the date): decided once the title is."""
    above = head.kept[-1] if head.kept else ""
    if (head.byline is None and head.named is None and len(head.kept) <= TITLE_WINDOW and _NAMED_WRITER.match(above)
            and not above.isupper() and not is_site_name(above) and not is_section_label(above)):
        head.named = above


def _dated(head: _Head, line: str) -> None:
    """A date line: the story's date, and a writer's name right above it is the byline
    (`Lucía Moreno`, `Justin McCurry in Tokyo`)."""
    head.published = head.published or parse_date(line)
    _name_above(head)


def _sift(lines: list[str]) -> _Head:
    """Drop furniture (banners, navigation, dates, copyright, related-post lists); keep what it
    says (the date, the byline, a photo caption) and the lines that are content."""
    head = _Head()
    in_related = in_share = False
    menu = menu_lines(lines) | _footer_lines(lines)
    for i, raw in enumerate(lines):
        if i in menu:
            continue
        low = raw.casefold().strip(" :")
        if low in _SHARE_HEADINGS or (in_share and low in _SHARE_ITEMS):
            in_share = True  # `Share this:` and the services under it (`Twitter`, `Facebook`)
            continue
        in_share = False
        kind = furniture_kind(raw)
        when, line = split_leading_date(raw) if kind is None else (None, raw)
        if when:
            line = line.lstrip("|·• ")  # (`Published … | Updated …`: the rest is another date)
            head.published = head.published or parse_date(when)
        if not line or LOGIN_TO_COMMENT.match(line) or COMMENT_COUNT.match(line):
            continue
        kind = kind or furniture_kind(line)
        if kind == "date":
            _dated(head, line)
            continue
        if _RELATED_HEADING.match(line) or (_LATE_HEADING.match(line) and any(len(x) >= 80 for x in head.kept)):
            in_related = True
            continue
        if kind or is_boilerplate(line):
            continue
        if in_related and len(line.split()) <= 20 and not line.endswith("."):
            continue  # an item of a related-posts list
        in_related = False
        if not _header_extra(head, line) and not _writer_or_photo(head, line):
            head.kept.append(line)
    return head


def _writer_or_photo(head: _Head, line: str) -> bool:
    """A byline (with its date, if any) or a photo caption: taken."""
    if (dated := dated_byline(line)) is not None or (is_byline(line) and head.byline is None):
        if head.byline is None and head.kept:
            head.under = len(head.kept) - 1
        if dated is not None:
            head.byline = head.byline or dated[0]
            head.published = head.published or parse_date(dated[1])
        else:
            head.byline = BY.sub("", line).strip() or line
        return True
    if is_caption(line):  # the first near the top is the story's photo
        if len(head.kept) < TITLE_WINDOW and head.image is None:  # (menus above do not count)
            head.image = photo(line)
            return True
        credit = photo(line)["credit"]  # further down, a gallery's: only with a credit ("The problem is its image: …" is prose)
        return credited(line) or (credit is not None and len(credit) <= 40 and not credit.endswith("."))
    return False


# A writer's name alone on its line (two to four capitalised words, particles between), perhaps
# with where they wrote from.
_NAMED_WRITER = re.compile(r"^(?!(?:The|A|An|In|On|At|By|Un|Une|Le|La|Les|El|Los|Las|Der|Die|Das|Il|Lo)\s)"
                           r"[A-ZÀ-ÖØ-Ý][\w.'’-]+(?:\s+(?:(?:de|del|de la|da|van|von|der|le|di|du|bin|al)\s+)?"
                           r"[A-ZÀ-ÖØ-Ý][\w.'’-]+){1,3}(?:\s+(?:in|en|à|aus|a|em)\s+[A-ZÀ-Ý][\w.'’ -]{1,30})?$")
_THREAD_PREFIX = re.compile(r"^(?:thread|topic)\s*:\s*(?=\S)", re.IGNORECASE)


def _choose_title(kept: list[str], hint: str | None, under: int | None = None) -> tuple[str | None, str | None]:
    """(title, the section label right above it) by score; None when no line looks like one.
    `under`: the line a byline stands under, where a headline usually is."""
    window = kept[:TITLE_WINDOW]
    best, best_score, best_at = None, 0.0, -1
    for j, line in enumerate(window):
        after = [*[x for x in kept[j + 1 : j + 4] if x != line][:2], "", ""]
        # above the body, or above a standfirst above it
        body_next = len(after[0].split()) >= 20 or (len(after[0].split()) >= 12 and len(after[1].split()) >= 20)
        score = title_score(line, j, repeats=kept.count(line) - 1, before_body=body_next, hint=hint)
        if j == under:
            score += 2.0
        if score > best_score:
            best, best_score, best_at = line, score, j
    if best is None or best_score < MIN_TITLE_SCORE:
        return None, None
    above = window[best_at - 1] if best_at > 0 else None
    category = above if above and (is_section_label(above) or (len(above.split()) <= 3 and len(above) <= 30
                                                               and not above.endswith(".") and not is_site_name(above))) else None
    return best, category


def parse(lines: list[str], file: str | None, *, hint: str | None = None) -> Article:
    """`hint`: the title the page's metadata gives (an HTML <title> or og:title), if any."""
    notes: list[str] = []
    article_lines, comment_lines, stated = _split_comment_section(lines)
    head = _sift(article_lines)
    title, category = _choose_title(head.kept, hint, head.under)
    if head.byline is None and head.named is not None and head.named != title:
        head.byline = head.named
        head.kept = [x for x in head.kept if x != head.named]
    body = [x for x in head.kept if x != title]
    source = None
    if title is not None:
        before = head.kept[: head.kept.index(title)]
        body = [x for x in body if x not in before or len(x.split()) > 12]  # labels and site names above it
        source = next((x for x in before if is_site_name(x)), None)
        if category is not None and category == source:
            category = None
        title = _THREAD_PREFIX.sub("", title)
    elif body:
        title = first_sentence(body[0])
    else:
        title = "(untitled)"
    raw = split_comments(comment_lines, notes)
    return Article(
        file=file,
        layout="generic",
        title=title,
        source=source,
        category=category,
        byline=head.byline,
        published=head.published,
        image=head.image,
        body=body,
        credit=head.credit,
        stated_comment_count=stated,
        comments=build_threads(raw, [title, *body]),
        notes=notes,
    )

"""What a line of a saved page *is*, by evidence: one named test per convention of news sites.

Pages arrive as the text a browser or a scraper saw: the headline sits among site banners,
navigation, captions, date lines, share prompts and cookie notices. Each kind of furniture has a
test here, and `furniture_kind` says which (if any) a line is. The title is then chosen by
scoring the lines that are left (`title_score`), not by where they stand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

from reader.text import cjk_pattern

CJK = cjk_pattern()

# ---- furniture: lines that are never title, body or comment text


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(alternatives) + r")$", re.IGNORECASE)


_BANNER = _rx(
    r".{0,60}\b(?:take (?:our|the|a) (?:short )?survey|information banner|campaign|sign up for (?:our|the) .{0,40}"
    r"|get the app|download (?:our|the) app|we use cookies.*|this (?:site|website) uses cookies.*"
    r"|accept (?:all )?cookies|cookie (?:settings|policy|preferences)|manage (?:cookies|consent).*"
    r"|subscribe (?:now|today|to .{0,50})|become a (?:premium |paid |digital )?(?:member|subscriber).{0,40}"
    r"|already a subscriber\??.{0,40}"
    r"|support (?:our|independent) journalism.{0,60}"
    r"|try \d+ (?:days?|weeks?|months?) (?:free|for).{0,40}"
    r"|unlimited (?:digital )?access.{0,60}|(?:get|start) (?:your )?free trial.{0,40}"
    r"|click here.{0,40}|.{0,80}\bclick here)[.!]?",
    r"skip to (?:main )?(?:content|navigation|search)",
    # skip links in other languages; a site's logo link ("The Guardian - Back to home", "Go to Reddit Home")
    r"(?:ir|saltar) al contenido(?: principal)?|aller au contenu(?: principal)?|(?:direkt )?zum inhalt(?: springen)?"
    r"|vai al contenuto(?: principale)?|pular para o conte[úu]do(?: principal)?|(?:本文|メインコンテンツ)へ(?:スキップ|移動)",
    r"(?:.{1,40}\s[-–—|:]\s)?(?:back|return) to (?:the )?home(?: ?page)?|go to .{1,30}? home(?: ?page)?",
    r"(?:open|close|toggle|expand) (?:the )?(?:menu|navigation|user menu|main menu|sidebar)|main menu|get app"
    r"|search comments|expand comment search",
    # a site's logo link, an age warning, a newsletter sign-up box
    r"this article is more than \d+ (?:days?|weeks?|months?|years?) old",
    r"sign up to .{1,40}|free (?:daily|weekly|monthly) newsletter|enter your email(?: address)?|after newsletter promotion"
    r"|privacy notice: newsletters .{0,200}|reuse this content|print subscriptions|search jobs",
    # a newsletter's promise and job ads: whole short lines ("Scam emails land in your inbox…" is news)
    r"(?:get|receive|have) (?:the |our |all )?.{0,40}(?:delivered )?(?:to|in|into|straight to) your inbox.{0,30}",
    r"(?:find your next (?:job|home|school|apartment) in japan with )?gaijinpot(?: jobs| expo| study| housing| travel)?",
    r"(?:advertisement|anzeige|werbung|publicité|publicidad|sponsored(?: content)?|ad|promoted|paid (?:post|content)"
    r"|story continues below.{0,20})",
    r"(?:share|tweet|email|print|copy link|share (?:this|on) .{1,20}|follow us.{0,40}|share this (?:article|story)|LINE)",
    r"(?:compartir|partager|teilen|condividi|compartilhar)(?: (?:en|sur|auf|su|no|na|por|via|par) \S+(?: \S+)?)?"
    r"|copiar (?:el )?enlace|copier le lien|link kopieren|copia (?:il )?link|copiar link",
    r"(?:sign in|sign up(?: now)?|log ?in|log ?out|register|my account|create (?:an )?account|newsletters?|subscribe"
    r"|related)",
    r"(?:save|save (?:story|article|for later)|saved|listen to (?:this )?(?:article|story).{0,20})",
    r"\d+\s*min(?:ute)?s?\s*read|reading time:?\s*\d+\s*min(?:ute)?s?",
    r"(?:related (?:posts?|articles?|stories|coverage|content)|more (?:from|on) .{1,40}|recommended(?: for you)?"
    r"|most (?:read|popular)|trending(?: now)?|you may also like|read (?:more|next|also)(?::.{0,150})?"
    r"|related:\s.{1,150})",
    # `Previous article: …`, `Next: …`, `Next post` (not "Previous governments promised …")
    r"(?:previous|next)(?: (?:post|article|story|page))?(?::.{0,150})?|(?:previous|next) (?:post|article|story|page) .{0,150}",
    r"(?:«|‹|<)\s*(?:previous|prev|older).{0,150}|.{0,150}(?:next|newer)\s*(?:»|›|>)",
    r"back to top|top of page|go to top",
    r"0?\d:\d{2}|00:00|\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2}",  # a video or audio player's times (`0:58`, `0:00 / 4:12`)
    r"\d{1,3} of \d{1,3}",  # a photo gallery's counter
    # a video page's counts and buttons: `48,215 views  Mar 12, 2025  #NHK`, `2.1M subscribers`, `Clip`
    r"[\d,.]+[kmb]? (?:views|subscribers|watching)(?:\s+(?:[a-z]{3}\.? \d|\d|#).{0,60})?|download|clip|transcript"
    r"|show transcript|watch|listen"
    r"|(?:watch|play|listen to) (?:the )?(?:video|audio|clip)"
    r"|follow along using the transcript\.?",
    r"premium|sign up for free|get (?:the|our) .{1,40} newsletter",
    r"[_\-=*~•·]{3,}",  # a rule between parts of the page
    r"this article was published more than \d+ (?:days?|weeks?|months?|years?) ago|(?:view|show|hide) (?:\d+ )?comments?",
    r"remind me (?:later|in \w+|next \w+)|accept and continue",
    r"support (?:us|the guardian|our (?:work|journalism|newsroom))[.!]?",  # (not "Most residents support the plan.")
    # a paywall's notice
    r"(?:this|the) (?:content|article|story|page) is (?:only )?(?:for|available (?:only )?to|reserved for) (?:our )?"
    r"(?:premium |paid |registered )?(?:members|subscribers|users)(?: only)?\..{0,160}"
    r"|(?:to )?(?:continue|keep) reading,? (?:please )?(?:subscribe|log in|sign in|become a).{0,120}",
)
_NAV_SEP = re.compile(r"\s*(?:\||·|•|»|›|/|\u2022)\s*")
_NAV_SEPARATORS = ("|", "·", "•", "»", "›", "/")
_NAV_WORDS = {"home", "news", "world", "politics", "business", "sport", "sports", "opinion", "culture", "tech",
              "technology", "science", "health", "lifestyle", "entertainment", "travel", "video", "videos", "menu",
              "search", "sign in", "log in", "login", "subscribe", "register", "account", "my account", "newsletters",
              "podcasts", "about", "contact", "local", "national", "weather", "markets", "more", "en", "jp", "日本語"}
_PHOTO_BY = r"\((?:AP|AFP|Reuters|Getty|EPA|Kyodo|Bloomberg|iStock|Jiji)(?: Photo)?(?:/[^)]{1,60})?\)"  # `(AP Photo/…)`
_CAPTION = re.compile(
    r"^(?:(?:photo|image|picture|pictured|file photo|caption)\s*[:—–-].*"
    r"|.{3,400}?\b(?:image|photo|credit|photograph)\s*:\s*\S.{0,80}"
    rf"|.{{3,400}}{_PHOTO_BY})$",
    re.IGNORECASE,
)
# A line with no `:` that does not end with `)` can only be the first kind (~10 us a body
# paragraph for the whole pattern, which tries every position of the line; 0.5 us for this).
_CAPTION_LABEL_FIRST = re.compile(r"^(?:photo|image|picture|pictured|file photo|caption)\s*[:—–-].*$", re.IGNORECASE)
# (Tried only where the cheap tests in is_caption allow: most lines are not captions.)
# A caption that ends with its agency: `Tourists in the Plaza de España. EFE`
_AGENCY_END = re.compile(r"(?:[.,]|\s\|)\s+(?:EFE|AFP|AP|Reuters|Getty Images|EPA|Kyodo|Jiji|Europa Press|dpa|ANSA|Bloomberg)"
                         r"(?:\s*/\s*[\w .'-]{1,40})?$"
                         # the photographer, then the agency: `… Braddock, Pa. Gene J. Puskar/AP`
                         r"|[.,]\s+[A-Z][\w.' -]{2,40}/\s?(?:AP|AFP|Reuters|Getty Images|EPA|Kyodo|Jiji|Bloomberg)$")
_AGENCIES = ("EFE", "AFP", "AP", "Reuters", "Getty", "EPA", "Kyodo", "Jiji", "Press", "dpa", "ANSA", "Bloomberg")
# Japanese: `北陸新幹線の敦賀駅（資料写真）`, `会見する知事（12日、県庁で撮影）`, `…＝写真：共同`
_JA_CAPTION = re.compile(r"[（(][^（()）]{0,30}(?:写真|撮影)[^（()）]{0,30}[）)]$|(?:写真|撮影|提供)\s*[：:=＝].{1,40}$")
MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE_CORE = (rf"(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?:[T ]\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?"
              rf"|{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH},?\s+\d{{4}}|\d{{1,2}}\.\s?\d{{1,2}}\.\s?\d{{4}}"
              rf"|\d{{1,2}}:\d{{2}}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{{2,4}})?,?\s*{MONTH}\s+\d{{1,2}},?\s+\d{{4}})")
_DATE_LINE = re.compile(
    rf"^(?:(?:published|updated|posted|last updated|first published|date|modified)\s*:?\s*(?:on\s+)?)?"
    rf"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?{_DATE_CORE}"
    rf"(?:,?\s*(?:at\s+)?\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{{2,5}}|GMT[+-]?\d*|UTC)?)?\s*"
    rf"(?:\((?:updated|edited).{{0,40}}\))?$",
    re.IGNORECASE,
)
_LEADING_DATE = re.compile(rf"^\s*(?:date|published|updated)\s*:?\s*({_DATE_CORE})\s+(?=\S)", re.IGNORECASE)
# A date in Spanish, French, German, Italian or Portuguese, or an English one after a place
# (`Sevilla - 14 may 2025 - 10:42 CEST`, `Actualizado: 14 may 2025`, `Publié le 3 mars 2025 à 10h42`,
# `12. März 2025, 09:41 Uhr`, `TOKYO — March 3, 2025`).
_EURO_MONTHS = {
    "ene": 1, "enero": 1, "feb": 2, "febrero": 2, "mar": 3, "marzo": 3, "abr": 4, "abril": 4, "may": 5, "mayo": 5,
    "jun": 6, "junio": 6, "jul": 7, "julio": 7, "ago": 8, "agosto": 8, "sep": 9, "sept": 9, "septiembre": 9,
    "setiembre": 9, "oct": 10, "octubre": 10, "nov": 11, "noviembre": 11, "dic": 12, "diciembre": 12,
    "janv": 1, "janvier": 1, "févr": 2, "février": 2, "mars": 3, "avr": 4, "avril": 4, "mai": 5, "juin": 6,
    "juil": 7, "juillet": 7, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "déc": 12, "décembre": 12,
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "juni": 6, "juli": 7, "august": 8,
    "september": 9, "oktober": 10, "dezember": 12, "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5,
    "giugno": 6, "luglio": 7, "settembre": 9, "ottobre": 10, "dicembre": 12, "janeiro": 1, "fevereiro": 2,
    "março": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
}
_EURO_MONTH = "(?:" + "|".join(sorted(map(re.escape, _EURO_MONTHS), key=len, reverse=True)) + r")\.?"
_EURO_DATE = re.compile(
    rf"^(?:(?:actualizado|publicado|mis à jour|publié|aktualisiert|veröffentlicht|aggiornato|pubblicato|atualizado)"
    rf"(?:\s+(?:le|el|am|il|em|a las))?\s*(?::\s*)?)?(?:[^\W\d][\w .'-]{{1,30}}\s[-–—,]\s)?"
    rf"(?:(?:lun|mar|mié|mer|jue|jeu|vie|ven|sáb|sam|dom|mo|di|mi|do|fr|sa|so)[a-zé]*\.?,?\s+)?"
    rf"(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?(?P<month>{_EURO_MONTH})(?:\s+de)?,?\s+(?P<year>\d{{4}})"
    rf"(?:\s*(?:(?:[-–—,]|à|a las|um|alle|às)\s*)?(?P<hh>\d{{1,2}})[:.h](?P<mm>\d{{2}})(?:\s*(?:uhr|h))?"
    rf"(?:\s*(?P<zone>[A-Z]{{2,5}}))?)?$",
    re.IGNORECASE,
)
_PLACE_DATE = re.compile(rf"^(?![^,—–-]*\bby\s)[A-Z][\w .'-]{{1,30}}(?:\s?,|\s[-–—])\s(?P<date>{_DATE_CORE}.{{0,30}})$",
                         re.IGNORECASE)
_RELATIVE_TIME = re.compile(r"^(?:updated\s+)?(?:\d+\s+(?:minutes?|hours?|days?)\s+ago|just now|yesterday|today)$",
                            re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b).{0,160}$", re.IGNORECASE)
_ALL_RIGHTS = re.compile(r"^.{0,120}\ball rights reserved\.?$", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:(?:[Bb]y|BY(?! THE\b| A\b| AN\b)|[Ww]ritten by|[Ww]ords by)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,4}"
                     r"(?:\s*(?:,|and|&|\||/)\s*.{0,80})?"
                     # German, French, Spanish: a name only ("Von Hitze, Dürre und … geplagt: …" is a headline)
                     r"|(?:[Vv]on|[Pp]ar|[Pp]or)\s+[A-Z][\w.'’-]+(?:\s+(?:de |van |von )?[A-Z][\w.'’-]+){1,3})$")
_SECTION_LABEL = re.compile(r"^(?:[A-Z][A-Za-z&' ]{1,24}|[A-Z &]{2,24})$")


SECTION_NAMES = {
    "picture of the day", "photo of the day", "video of the day", "quote of the day", "national", "politics", "business",
    "crime", "entertainment", "sports", "sport", "tech", "technology", "world", "lifestyle", "features", "feature",
    "opinion", "editorial", "analysis", "local", "asia", "japan", "culture", "arts", "science", "health", "travel",
    "food", "environment", "economy", "markets", "breaking news", "latest news", "top stories", "in depth", "explainer",
    "commentary", "letters", "obituaries", "weather", "education", "society", "international", "kyodo", "exclusive",
}


def is_section_label(line: str) -> bool:
    """A section or category line (`politics`, `Picture of the day`, `WORLD`)."""
    low = line.casefold().strip(" :|")
    return low in SECTION_NAMES or (len(line.split()) <= 2 and len(line) <= 24 and (line.islower() or line.isupper()))


def is_site_name(line: str) -> bool:
    """A short line that names a news outlet (`The Daily Ledger`, `example.com`)."""
    return len(line.split()) <= 4 and _SITE.search(line) is not None and not line.endswith((".", "?", "!"))


_SITE = re.compile(r"\b(?:news|times|post|daily|journal|herald|today|tribune|guardian|press|gazette|telegraph|ledger"
                   r"|chronicle|observer|courier|review|report|wire|online|shimbun|\.com|\.co\.\w+|\.org|\.net)\b"
                   r"|(?:ニュース|新聞|通信|日報)$", re.IGNORECASE)


# Every line _BANNER matches is one of its whole-line forms or holds one of these words or starts
# with one of those (or with a digit, holding "min", or holds `try <digit>`), in any case. Most
# lines do not: they are ruled out by a few string operations in C instead of the pattern (which
# backtracks: ~10x slower).
_BANNER_LINES = {"advertisement", "anzeige", "werbung", "publicité", "publicidad",
                 "sponsored", "sponsored content", "ad", "promoted", "paid post", "paid content",
                 "skip to content", "skip to navigation", "skip to search", "skip to main content",
                 "skip to main navigation", "skip to main search", "share", "tweet", "email", "print", "copy link", "line",
                 "share this article", "share this story", "sign in", "log in", "login", "log out", "logout",
                 "register", "my account", "create account", "create an account", "newsletter", "newsletters",
                 "subscribe", "sign up", "sign up now", "related",
                 "save", "save story", "save article", "save for later", "saved", "back to top",
                 "top of page", "go to top"}
_BANNER_WORDS = ("survey", "information banner", "campaign", "sign up for", "get the app", "download our app",
                 "download the app", "cookie", "manage cookies", "manage consent", "subscribe", "become a",
                 "journalism", "members only", "subscribers only", "available to", "reserved for", "continue reading",
                 "keep reading", "support us", "support the guardian", "support our", "unlimited", "free trial",
                 "click here", "your inbox",
                 "gaijinpot", "newsletter", "enter your email", "article is more than", "reuse this content",
                 "print subscriptions", "search jobs", "sign up to", ">", "»", "›", "home", "contenido", "contenu",
                 "inhalt", "contenuto", "conteúdo", "conteudo", "へスキップ", "へ移動", "menu", "navigation", "get app",
                 "search comments", "comment search", " views", "subscribers", "watching")
_BANNER_STARTS = ("watch", "listen", "play ", "download", "clip", "transcript", "follow along", "premium",
                  "sign up for free", "by subscribing", "get the ", "get our ", "___", "---", "===", "***",
                  "remind me", "accept and", "this article was published", "view ", "show ", "hide ", "compartir",
                  "partager", "teilen", "condividi", "compartilhar", "copiar ", "copier le lien", "link kopieren", "copia ",
                  "story continues below", "share ", "follow us", "listen to", "reading time", "related ", "related:",
                  "more ", "recommended", "most ", "trending", "you may also like", "read ", "previous", "next", "«", "‹",
                  "<")
_TRY_DAYS = re.compile(r"try \d")
# Ignoring case, `re` matches these to an ASCII letter they do not lower-case to (long s to `s`).
_ODD_CASE = ("\u017f", "\u212a", "\u0131", "\u0130")  # ſ K ı İ


def _lower(line: str) -> str | None:
    """`line` lower-cased, where that is how `re.IGNORECASE` matches it to lower-case ASCII
    keywords (None when the line holds a letter it treats otherwise)."""
    if line.isascii():  # (most lines: none of the four is ASCII, and the flag is kept with the str)
        return line.lower()
    return None if any(c in line for c in _ODD_CASE) else line.lower()


def is_banner(line: str) -> bool:
    """A site banner, campaign, cookie or subscription notice, a share/follow/login prompt, a
    reading-time or "Save story" widget, a related-posts heading, previous/next links."""
    if len(line) >= 240:
        return False
    low = _lower(line)
    if (low is not None and low.removesuffix("\n") not in _BANNER_LINES and not low.startswith(_BANNER_STARTS)
            and not any(w in low for w in _BANNER_WORDS) and not (low[:1].isdecimal() and (len(low) < 16 or "min" in low))
            and _TRY_DAYS.search(low) is None):
        return False
    return _BANNER.match(line) is not None


def is_navigation(line: str) -> bool:
    """Menu links on one line: `Home | News | World | Sign in`, or a run of section words."""
    if any(sep in line for sep in _NAV_SEPARATORS):  # (else the line is one part: the split is skipped)
        parts = [p for p in _NAV_SEP.split(line) if p]
        longest = 5 if " › " in line else 3  # a breadcrumb's parts are names of sections (» quotes German)
        if len(parts) >= 3 and all(len(p.split()) <= longest for p in parts) and not line.rstrip().endswith((".", "?", "!")):
            return True
    words = line.lower().replace(",", " ").split()
    if len(words) < 3:
        return False
    need = max(3, int(len(words) * 0.6))
    hits = sum(map(_NAV_WORDS.__contains__, words))
    if hits + 3 < need:  # the three phrases below cannot make up the difference
        return False
    joined = " ".join(words)
    return hits + sum(1 for w in ("sign in", "log in", "my account") if w in joined) >= need


_PHOTO_CREDIT = re.compile(_PHOTO_BY + "$")


def credited(line: str) -> bool:
    """A caption that ends with its credit (`… | Kyodo`, `…. EFE`, `(AP Photo/…)`, `Name/AP`)."""
    return (_PHOTO_CREDIT.search(line, max(0, len(line) - 80)) is not None
            or _AGENCY_END.search(line, max(0, len(line) - 60)) is not None)


def is_caption(line: str) -> bool:
    """A photo caption: `... Image: AP`, `Photo: ...`, `... (AP Photo/Eugene Hoshiko)`."""
    if (_CAPTION if ":" in line or ")" in line[-2:] else _CAPTION_LABEL_FIRST).match(line) is not None:
        return True
    if len(line) > 460:
        return False
    if not line.isascii() and CJK.search(line, max(0, len(line) - 24)) is not None:
        return _JA_CAPTION.search(line) is not None
    return any(a in line[-60:] for a in _AGENCIES) and _AGENCY_END.search(line, max(0, len(line) - 60)) is not None


_CREDIT_LABEL = re.compile(r"\s*\b(?:Image|Photo|Credit)\s*:\s*", re.IGNORECASE)


def photo(caption_line: str) -> dict[str, str | None]:
    """A caption line as {caption, credit}: `The ferry at dawn. Photo: Tom Wake`."""
    m = _CREDIT_LABEL.search(caption_line)
    caption, credit = (caption_line[: m.start()], caption_line[m.end() :]) if m else (caption_line, "")
    return {"caption": caption.strip(" -–—") or None, "credit": credit.strip() or None}


# `2025/7/28(月) 18:05配信`, `2025年7月28日 18時05分`
_JA_DATE = re.compile(r"^(?:(?:最終更新|更新|配信|公開)\s*[:：]?\s*)?"
                      r"(?:\d{4}[/.年]\s*)?\d{1,2}[/.月]\s*\d{1,2}日?\s*(?:[(（][月火水木金土日][)）])?\s*"
                      r"(?:\d{1,2}[:時]\s*\d{2}分?)?\s*(?:配信|更新|公開|掲載|投稿)?$")


def is_date_line(line: str) -> bool:
    """A line that is only a date or time (`Updated March 3, 2025 10:02 JST`, `2 hours ago`,
    `2025/7/28(月) 18:05配信`)."""
    return len(line) < 120 and (_DATE_LINE.match(line) is not None or _RELATIVE_TIME.match(line) is not None
                                or (not line.isascii() and _JA_DATE.match(line) is not None)
                                or (_YEAR.search(line) is not None and _other_date(line)))


_YEAR = re.compile(r"\d{4}")  # (every date of the two kinds below has its year)


def _other_date(line: str) -> bool:
    """A date in another language, or an English one after a place."""
    return ((line[-1:].isalnum() and _EURO_DATE.match(line) is not None)
            or ((m := _PLACE_DATE.match(line)) is not None and is_date_line(m.group("date"))))


def is_copyright(line: str) -> bool:
    return len(line) < 200 and (_COPYRIGHT.match(line) is not None or _ALL_RIGHTS.match(line) is not None)


_AUTHOR = r"[\w.'’@-]+(?:\s+[\w.'’@-]+){0,4}?"
_AT_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,5})?)?"
_DATED_BYLINE = re.compile(
    rf"^(?:(?:posted|published|written|updated|submitted)\s+(?:on\s+)?(?P<d1>{_DATE_CORE}{_AT_TIME})\s*(?:by|·|\||—)\s+"
    rf"(?P<n1>{_AUTHOR})|(?:(?:posted|written|started|submitted)\s+)?by\s+(?P<n2>{_AUTHOR})\s*(?:,|·|\||—|\bon\b)\s*"
    rf"(?:on\s+)?(?P<d2>{_DATE_CORE}{_AT_TIME}))\s*$",
    re.IGNORECASE,
)


def dated_byline(line: str) -> tuple[str, str] | None:
    """(writer, date) from `Posted on March 3, 2025 by Dana Okafor`, `By Dana Okafor | 3 Mar 2025`
    or a forum's `Started by pixel_pusher, 12 Jan 2025`."""
    if len(line) >= 160 or (m := _DATED_BYLINE.match(line)) is None:
        return None
    return (m.group("n1") or m.group("n2")).strip(), m.group("d1") or m.group("d2")


BY = re.compile(r"^(?:by|von|par|por)\s+(?=\S)", re.IGNORECASE)  # a byline's first word


def is_byline(line: str) -> bool:
    return len(line) < 160 and (_BYLINE.match(line) is not None or _DATED_BYLINE.match(line) is not None)


FURNITURE: list[tuple[str, Callable[[str], bool]]] = [
    ("banner", is_banner),
    ("date", is_date_line),  # (before navigation: `2025/7/28(月) 18:05` splits at its slashes)
    ("navigation", is_navigation),
    ("copyright", is_copyright),
]


def furniture_kind(line: str) -> str | None:
    """Which kind of site furniture `line` is (see FURNITURE), or None for content."""
    for name, test in FURNITURE:
        if test(line):
            return name
    return None


def split_leading_date(line: str) -> tuple[str | None, str]:
    """` date 2024-05-01 Headline words` (a metadata line glued to the next words by the tool
    that saved the page) -> ("2024-05-01", "Headline words")."""
    m = _LEADING_DATE.match(line)
    if not m:
        return None, line
    return m.group(1), line[m.end():].strip()


# ---- dates

_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"], start=1)}
_ZONES = {"JST": 9, "KST": 9, "UTC": 0, "GMT": 0, "BST": 1, "CET": 1, "CEST": 2, "EST": -5, "EDT": -4, "PST": -8,
          "PDT": -7, "CST": -6, "CDT": -5, "AEST": 10, "AEDT": 11, "IST": 5.5, "HKT": 8, "SGT": 8}
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?")
_TEXT_DATE = re.compile(rf"(?:({MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})|(\d{{1,2}})\s+({MONTH}),?\s+(\d{{4}}))", re.IGNORECASE)
_DMY = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b(?:,?\s*(?:um\s+)?(\d{1,2})[:.](\d{2}))?")
_JA_FULL = re.compile(r"(\d{4})[/.年]\s*(\d{1,2})[/.月]\s*(\d{1,2})日?\s*(?:[(（][月火水木金土日][)）])?\s*"
                      r"(?:(\d{1,2})[:時]\s*(\d{2}))?")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})\s*([ap])?\.?m?\.?\s*([A-Z]{2,5})?", re.IGNORECASE)


def parse_date(text: str) -> str | None:
    """An ISO 8601 time from a date written in any common way (None if there is none, or if it
    names an impossible time such as 10:75 or an offset of +24:00)."""
    try:
        return _parse_date(text)
    except (ValueError, OverflowError):
        return None


def _parse_date(text: str) -> str | None:
    text = " ".join(text[:300].split())  # (a date is short; runs of spaces made some patterns slow)
    if (m := _EURO_DATE.match(text.strip())) and (mon := _EURO_MONTHS.get(m.group("month").lower().rstrip("."))):
        dt = datetime(int(m.group("year")), mon, int(m.group("day")), int(m.group("hh") or 0), int(m.group("mm") or 0))
        zone = _ZONES.get((m.group("zone") or "").upper())
        if zone is not None:
            dt = dt.replace(tzinfo=timezone(timedelta(hours=zone)))
        return dt.isoformat() if m.group("hh") else dt.date().isoformat()
    if not text.isascii() and (m := _JA_FULL.search(text)):
        y, mo, d, hh, mm = m.groups()
        dt = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0))
        return dt.isoformat() if hh else dt.date().isoformat()
    if (m := _DMY.search(text)) and not _ISO.search(text):  # `12.05.2025, 09:41 Uhr`
        d, mo, y, hh, mm = m.groups()
        dt = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0))
        return dt.isoformat() if hh else dt.date().isoformat()
    if m := _ISO.search(text):
        y, mo, d, hh, mm, ss, tz = m.groups()
        try:
            dt = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        except ValueError:
            return None
        if tz:
            sign = -1 if tz[0] == "-" else 1
            off = 0 if tz == "Z" else sign * (int(tz[1:3]) * 60 + int(tz[-2:]))
            dt = dt.replace(tzinfo=timezone(timedelta(minutes=off)))
        return dt.isoformat() if hh else dt.date().isoformat()
    if m := _TEXT_DATE.search(text):
        mon_s, day, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
        mon = _MONTHS.get(mon_s.lower()[:3])
        rest = text[m.end():] + " " + text[: m.start()]
        t = _TIME.search(rest)
        try:
            dt = datetime(int(year), mon or 0, int(day))
        except (TypeError, ValueError):
            return None
        if t:
            hh, mm = int(t.group(1)) % 24, int(t.group(2))
            if t.group(3) and t.group(3).lower() == "p" and hh < 12:
                hh += 12
            elif t.group(3) and t.group(3).lower() == "a" and hh == 12:
                hh = 0
            dt = dt.replace(hour=hh, minute=mm)
            zone = _ZONES.get((t.group(4) or "").upper())
            if zone is not None:
                dt = dt.replace(tzinfo=timezone(timedelta(hours=zone)))
            return dt.isoformat()
        return dt.date().isoformat()
    return None


_RELATIVE = re.compile(r"^(today|yesterday|(\d+)\s+(minute|hour|day)s?\s+ago)\s*(?:at\s+)?(\d{1,2}:\d{2}\s*[ap]?\.?m?\.?)?"
                       r"\s*([A-Z]{2,5})?$", re.IGNORECASE)


def resolve_relative(text: str, saved: datetime) -> str | None:
    """`Today 07:12 am JST`, `3 hours ago` -> an ISO time, against when the page was saved."""
    try:
        return _resolve_relative(text, saved)
    except (ValueError, OverflowError):
        return None


_JA_NO_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})\s*[(（][月火水木金土日][)）]\s*(\d{1,2}):(\d{2})$")
_JST = timezone(timedelta(hours=9))


def _resolve_relative(text: str, saved: datetime) -> str | None:
    if (j := _JA_NO_YEAR.match(text.strip())) is not None:  # Yahoo! Japan's `6/12(木) 19:03`: the year it was saved
        mo, d, hh, mm = map(int, j.groups())
        base = saved.astimezone(_JST)
        when = datetime(base.year, mo, d, hh, mm, tzinfo=_JST)
        if when > base + timedelta(days=1):  # (a December comment on a page saved in January)
            when = when.replace(year=base.year - 1)
        return when.isoformat()
    m = _RELATIVE.match(text.strip())
    if not m:
        return None
    zone = _ZONES.get((m.group(5) or "").upper())
    base = saved.astimezone(timezone(timedelta(hours=zone))) if zone is not None else saved.astimezone(UTC)
    word = m.group(1).lower()
    if m.group(2):
        unit = {"minute": "minutes", "hour": "hours", "day": "days"}[m.group(3).lower()]
        return (base - timedelta(**{unit: int(m.group(2))})).replace(second=0, microsecond=0).isoformat()
    day = base - timedelta(days=1) if word == "yesterday" else base
    if m.group(4) and (t := _TIME.search(m.group(4))):
        hh, mm = int(t.group(1)) % 24, int(t.group(2))
        if t.group(3) and t.group(3).lower() == "p" and hh < 12:
            hh += 12
        elif t.group(3) and t.group(3).lower() == "a" and hh == 12:
            hh = 0
        return day.replace(hour=hh, minute=mm, second=0, microsecond=0).isoformat()
    return day.date().isoformat()


# ---- the title, by score

MIN_TITLE_SCORE = 2.5  # below this, the body's first sentence is the better title
_LOWER_WORDS = {"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "by", "with", "as", "from",
                "vs", "via", "into", "over", "after", "is", "are", "be", "its", "it", "not", "than", "up"}


def title_score(line: str, position: int, *, repeats: int = 0, before_body: bool = False,
                hint: str | None = None) -> float:
    """How much `line` looks like the headline (higher is more). Furniture scores -inf.

    Evidence: a headline has 4-25 words and 25-200 characters, does not end like a sentence of
    body text, is often in title or sentence case, stands above the body, may be repeated (a page
    that shows its headline two or three times), and agrees with <title>/og:title when given."""
    if furniture_kind(line) or is_caption(line) or is_byline(line):
        return float("-inf")
    words = line.split()
    n, size = len(words), len(line)
    if n <= 3 and not line.isascii() and (cjk := len(CJK.findall(line))) > size // 2:
        n = max(n, cjk // 2)  # Japanese or Chinese has no spaces: about two characters a word
    score = 0.0
    score += 3.0 if 4 <= n <= 25 else 2.5 if n == 3 else 2.0 if n == 2 or n <= 35 else -4.0
    if 4 <= n <= 14:
        score += 0.75  # a headline's length (a standfirst under it runs longer)
    score += 2.0 if 15 <= size <= 200 else 0.0 if size <= 260 else -6.0
    if line.endswith((".", ",", ";", ":")):
        score -= 4.0 if n > 12 else 2.0  # a sentence of the body (headlines seldom end in a full stop)
    elif n >= 5 and words[0][:1].isupper():
        score += 0.5  # sentence case, as many outlets write headlines
    if line.endswith(("?", "!")) and n <= 16:
        score += 0.5
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    content = [w for w in words if w.lower() not in _LOWER_WORDS] or words
    if caps >= len(content) * 0.8:
        score += 1.0  # Title Case
    if is_section_label(line) or (_SECTION_LABEL.match(line) and (n <= 2 or line.isupper())):
        score -= 3.0  # a section label (`Politics`, `PICTURE OF THE DAY`)
    if is_site_name(line):
        score -= 4.0  # the outlet's name
    score += min(repeats, 2) * 1.5
    score += 1.5 if before_body else 0.0
    score += 1.0 if position == 0 else -0.3 * position  # other things equal, the first content line
    if hint:
        h, low = _norm(hint), _norm(line)
        if low and (low == h or (len(low) > 15 and (low in h or h in low))):
            score += 6.0
    return score


def _norm(s: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", s.casefold()).split())


def strip_site_suffix(title: str, site: str | None = None) -> str:
    """`Headline | Site Name` or `Headline - Site` -> `Headline` (the <title> of most pages)."""
    for sep in (" | ", " – ", " — ", " - ", " :: ", " · "):
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if len(tail.split()) <= 5 and len(head.split()) >= 3 and (site is None or _norm(tail) in _norm(site)
                                                                      or len(tail) < 40):
                return head.strip()
    return title


def first_sentence(text: str, limit: int = 140) -> str:
    """The body's first sentence, as a title for a page that has none (cut at a word if long)."""
    m = re.match(r"(.+?[.!?])(?:\s|$)", text)
    s = m.group(1) if m else text
    if len(s) > limit:
        s = s[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return s.rstrip(".").strip() or "(untitled)"

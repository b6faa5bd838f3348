"""Is this a news page at all? Files that are plainly something else are refused with a reason
(`reader import --force` takes them anyway). One named test per kind of file."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

_KEY_VALUE = re.compile(r"^\s*[\w.\-\"']{1,60}\s*[=:]\s*\S.{0,200}$")
_INI_SECTION = re.compile(r"^\s*\[[\w .:\-\"']{1,60}\]\s*$")
_PASSWD = re.compile(r"^[^:\s]{1,40}(?::[^:]{0,200}){3,}$")
_CODE = re.compile(
    r"^\s*(?:def |class |import |from \S+ import |#include|#!|function\b|const |let |var |public |private |package |"
    r"return\b|if\s*\(|for\s*\(|while\s*\(|\}|\{|@\w+|<\?php|using |namespace |fn |pub |impl |SELECT |CREATE |"
    r"INSERT |#\s*-\*-)|[;{}]\s*$|^\s*(?:for|if|elif|else|while|try|except|with)\b.*:\s*$|^\s*[\w.]+\([^()]*\)\s*;?$"
)
HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html|<head|<meta|<body|<\?xml[^>]*>\s*<html)",
                        re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z][\w:-]*(?:\s[^<>]{0,300})?/?>")


def _share(lines: list[str], test: Callable[[str], bool]) -> float:
    return sum(1 for x in lines if test(x)) / max(1, len(lines))


def looks_like_html(data: bytes) -> bool:
    """An HTML document (saved as .txt or not): the HTML reader takes it."""
    head = data[:4096]
    if HTML_START.match(head):
        return True
    text = head.decode("utf-8", "replace")
    return len(_TAG.findall(text)) >= 8 and "</" in text and ("<p" in text.lower() or "<div" in text.lower())


_PROSE_END = (".", "!", "?", '"', "”", "’", ")")


def _prose(line: str) -> bool:
    """A sentence or more of running text: eight words or more, ending as a sentence does."""
    return line.rstrip().endswith(_PROSE_END) and len(line.split()) >= 8


# The line tests below as multi-line patterns run once over the sample joined by newlines (a
# line's test in Python costs ~1 us; a scan of the joined sample is done in C). Each starts at
# the newline before a line (a literal prefix `re` finds fast; the sample is joined with one
# in front), matches a line at most once and never spans lines: `\s` is `[^\S\n]` and negated
# classes exclude `\n`.
_SP = r"[^\S\n]"
_PROSE_LINE = re.compile(rf"\n{_SP}*(?:\S+{_SP}+){{7}}.*[.!?\"”’)]{_SP}*$", re.MULTILINE)  # see _prose
_PASSWD_LINE = re.compile(r"\n[^:\s]{1,40}(?::[^:\n]{0,200}){3,}$", re.MULTILINE)
_CONFIG_LINE = re.compile(rf"\n(?:{_SP}*[\w.\-\"']{{1,60}}{_SP}*[=:]{_SP}*\S.{{0,200}}$"
                          rf"|{_SP}*\[[\w .:\-\"']{{1,60}}\]{_SP}*$|{_SP}*[#;])", re.MULTILINE)
# _CODE as a test of the line's start (a `match`) or of its end (a line ending in `;`, `{`, `}`).
_CODE_START = re.compile(
    r"\s*(?:def |class |import |from \S+ import |#include|#!|function\b|const |let |var |public |private |package |"
    r"return\b|if\s*\(|for\s*\(|while\s*\(|\}|\{|@\w+|<\?php|using |namespace |fn |pub |impl |SELECT |CREATE |"
    r"INSERT |#\s*-\*-)|\s*(?:for|if|elif|else|while|try|except|with)\b.*:\s*$|\s*[\w.]+\([^()]*\)\s*;?$"
)
_CODE_END = (";", "{", "}")


def _code(line: str) -> bool:
    return line.rstrip().endswith(_CODE_END) or _CODE_START.match(line) is not None


def not_news(lines: list[str]) -> str | None:
    """Why these lines are not a news page (None when they may be one).

    Mostly running text (half the lines or more are sentences) is taken as a page at once: the
    line-by-line pattern tests below cost ~0.5 ms a page, an eighth of parsing one, and none of
    the kinds they catch is half sentences. Tables are still checked (a CSV of sentences)."""
    sample = lines[:200]
    if why := _no_words(sample):
        return why
    if any("\n" in x for x in sample):
        return _not_news_by_line(sample)
    joined = "\n" + "\n".join(sample)
    n = len(sample)
    filled = n - sum(1 for x in sample if not x or x.isspace())
    if filled >= 4 and len(_PROSE_LINE.findall(joined)) * 2 >= filled:
        return _table(sample, joined)
    # A line of each kind holds three colons, one of `=:[#;`: too few of them rule a kind out.
    if n >= 3 and joined.count(":") >= 1.5 * n and len(_PASSWD_LINE.findall(joined)) / n >= 0.6:
        return "looks like a system file of colon-separated fields, not a news page"
    if (n >= 3 and sum(map(joined.count, "=:[#;")) >= 0.6 * n
            and len(_CONFIG_LINE.findall(joined)) / n >= 0.7):
        return "looks like a configuration file, not a news page"
    if n >= 4 and sum(map(_code, sample)) / n >= 0.4:
        return "looks like source code, not a news page"
    return _not_news_rest(sample, joined)


LONG_LINE = 20_000  # characters: no paragraph of a page is this long, unless it is a whole article on one line


def _no_words(sample: list[str]) -> str | None:
    """A page that is a very long line with hardly any different words in it (`xxxx…`, one token
    again and again), with at most a title beside it: filler, not text. A whole article on one
    line has hundreds of different words; a page with comments holding such a line is a page."""
    long = [x for x in sample if len(x) >= LONG_LINE]
    if not long or len(sample) - len(long) > 3:
        return None
    for line in long:
        if len(set(line[:100_000].split())) < 20:
            return f"one line of {len(line):,} characters with hardly any different words in it, not a news page"
    return None


def _not_news_by_line(sample: list[str]) -> str | None:
    """`not_news` one line at a time (for lines holding a newline, never made by `page_lines`)."""
    filled = [x for x in sample if x.strip()]
    if len(filled) >= 4 and sum(map(_prose, filled)) * 2 >= len(filled):
        return _table(sample)
    if len(sample) >= 3 and _share(sample, lambda x: bool(_PASSWD.match(x))) >= 0.6:
        return "looks like a system file of colon-separated fields, not a news page"
    if len(sample) >= 3 and (_share(sample, lambda x: bool(_KEY_VALUE.match(x) or _INI_SECTION.match(x)
                                                         or x.lstrip().startswith(("#", ";")))) >= 0.7):
        return "looks like a configuration file, not a news page"
    if len(sample) >= 4 and _share(sample, lambda x: bool(_CODE.search(x))) >= 0.4:
        return "looks like source code, not a news page"
    return _not_news_rest(sample)


def _not_news_rest(sample: list[str], joined: str | None = None) -> str | None:
    if why := _table(sample, joined):
        return why
    first = sample[0] if sample else ""
    if (first[:1] in "{[" and sample[-1][-1:] in "}]"
            and _share(sample, lambda x: x.rstrip().endswith((",", "{", "[", "}", "]"))) > 0.5):
        return "looks like JSON data, not a news page"
    if first.startswith("<?xml") or (first.startswith("<") and _share(sample, lambda x: x.startswith("<")) > 0.8):
        return "looks like XML or markup, not a news page"
    return None


def _table(sample: list[str], joined: str | None = None) -> str | None:
    for sep, name in ((",", "CSV"), ("\t", "tab-separated"), (";", "CSV")):
        if joined is not None and joined.count(sep) < 1.5 * len(sample):
            continue  # 80% of the lines holding two or more: too few in all
        counts = Counter(x.count(sep) for x in sample)
        common, freq = counts.most_common(1)[0] if counts else (0, 0)
        if len(sample) >= 3 and common >= 2 and freq >= len(sample) * 0.8:
            return f"looks like a {name} table, not a news page"
    return None

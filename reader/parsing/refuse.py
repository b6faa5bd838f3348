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


def not_news(lines: list[str]) -> str | None:
    """Why these lines are not a news page (None when they may be one).

    Mostly running text (half the lines or more are sentences) is taken as a page at once: the
    line-by-line pattern tests below cost ~0.5 ms a page, an eighth of parsing one, and none of
    the kinds they catch is half sentences. Tables are still checked (a CSV of sentences)."""
    sample = lines[:200]
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
    if why := _table(sample):
        return why
    first = sample[0] if sample else ""
    json_like = _share(sample, lambda x: x.rstrip().endswith((",", "{", "[", "}", "]")))
    if first[:1] in "{[" and sample[-1][-1:] in "}]" and json_like > 0.5:
        return "looks like JSON data, not a news page"
    if first.startswith("<?xml") or (first.startswith("<") and _share(sample, lambda x: x.startswith("<")) > 0.8):
        return "looks like XML or markup, not a news page"
    return None


def _table(sample: list[str]) -> str | None:
    for sep, name in ((",", "CSV"), ("\t", "tab-separated"), (";", "CSV")):
        counts = Counter(x.count(sep) for x in sample)
        common, freq = counts.most_common(1)[0] if counts else (0, 0)
        if len(sample) >= 3 and common >= 2 and freq >= len(sample) * 0.8:
            return f"looks like a {name} table, not a news page"
    return None

"""Words and limits shared by parsing, search and display (pure: no I/O, no Textual).

One tokeniser (`words`), one whole-word pattern for highlighting and snippets
(`word_pattern`), and one limit on a page's size (`MAX_PAGE_BYTES`): the thread builder, the
search index and the comment pane must agree on what a word is, or a search hit would not be
highlighted where it was found.
"""

from __future__ import annotations

import functools
import re
import unicodedata

WORD = re.compile(r"\w+")
MAX_PAGE_BYTES = 16 * 1024 * 1024  # a page larger than this is refused, whatever its kind


# ASCII characters that are not word characters, as spaces: an ASCII text's words are then what
# `split()` gives (and str.translate has a fast path for an ASCII-to-ASCII table).
_ASCII_GAPS = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalnum() or c == "_")})


# The same for UTF-8 bytes: ASCII non-word bytes become spaces, the bytes of other characters stay.
_BYTE_GAPS = bytes(b if b >= 128 or chr(b).isalnum() or b == ord("_") else ord(" ") for b in range(256))
_ASCII_BYTES = bytes(range(128))
_MAX_GAPS = 16  # distinct non-ASCII non-word characters replaced one by one (curly quotes, dashes, ...)


def find_words(text: str) -> list[str]:
    """`WORD.findall(text)`, done by translate and split (in C) where that is faster.

    An ASCII text (most paragraphs) in about half the time. A mostly-ASCII text with a few other
    characters (curly quotes, dashes, an accent: most real pages) in 60-70% of the time: the
    distinct non-word characters among the non-ASCII ones become spaces, then the UTF-8 bytes are
    translated like an ASCII text. A text with many non-ASCII characters (Japanese) is left to
    the regular expression, which is faster there."""
    if text.isascii():
        return text.translate(_ASCII_GAPS).split()
    data = text.encode("utf-8", "surrogatepass")
    if len(data) - len(text) > len(text) >> 2:  # (measured: the regex wins from about there)
        return WORD.findall(text)
    # The non-ASCII characters, found in C: deleting every ASCII byte leaves their UTF-8 bytes whole.
    others = set(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
    gaps = [c for c in others if not c.isalnum()]  # \w beyond ASCII is isalnum()
    if len(gaps) > _MAX_GAPS:  # one pass over the text per character: the regex is faster then
        return WORD.findall(text)
    if gaps:
        for c in gaps:
            text = text.replace(c, " ")
        data = text.encode("utf-8", "surrogatepass")
    return data.translate(_BYTE_GAPS).decode("utf-8", "surrogatepass").split()


def words(text: str) -> list[str]:
    """The words of `text`, case-folded (the search index's and the thread builder's tokens)."""
    return find_words(text.casefold())


def word_set(text: str) -> set[str]:
    return set(find_words(text.casefold()))


@functools.cache
def cjk_pattern() -> re.Pattern[str]:
    """Japanese and Chinese letters. They write no spaces: a "word" of `\\w+` is a whole run of a
    sentence, and a search word is found inside one. (Compiled when first needed: its ranges
    took ~2 ms of every start of the app to compile, before the first paint.)"""
    return re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def fold_accents(word: str) -> str:
    """`word` without its accents ("café" -> "cafe"), for words of no Japanese or Chinese (a
    kana's voicing mark is part of the letter: "ガ" is not "カ")."""
    if word.isascii() or has_cjk(word):
        return word
    return unicodedata.normalize("NFC", "".join(ch for ch in unicodedata.normalize("NFD", word)
                                                if not unicodedata.combining(ch)))


def has_cjk(text: str) -> bool:
    return not text.isascii() and cjk_pattern().search(text) is not None


@functools.lru_cache(maxsize=256)
def _word_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    ordered = sorted(set(terms), key=len, reverse=True)
    alts = "|".join(re.escape(t) for t in ordered if t and not has_cjk(t))
    inside = "|".join(re.escape(t) for t in ordered if t and has_cjk(t))  # found inside a run too
    parts = ([rf"(?<!\w)(?:{alts})(?!\w)"] if alts else []) + ([f"(?:{inside})"] if inside else [])
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)


def word_pattern(terms: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of `terms` as a whole word, in any case (None for no terms)."""
    return _word_pattern(tuple(sorted(t for t in terms if t)))


def size_error(size: int) -> str:
    """The one-line reason a page of `size` bytes is refused."""
    return f"too large ({size / 1e6:.1f} MB; the limit is {MAX_PAGE_BYTES // 2**20} MiB)"

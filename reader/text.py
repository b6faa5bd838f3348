"""Words and limits shared by parsing, search and display (pure: no I/O, no Textual).

One tokeniser (`words`), one whole-word pattern for highlighting and snippets
(`word_pattern`), and one limit on a page's size (`MAX_PAGE_BYTES`): the thread builder, the
search index and the comment pane must agree on what a word is, or a search hit would not be
highlighted where it was found.
"""

from __future__ import annotations

import functools
import re

WORD = re.compile(r"\w+")
MAX_PAGE_BYTES = 16 * 1024 * 1024  # a page larger than this is refused, whatever its kind


# ASCII characters that are not word characters, as spaces: an ASCII text's words are then what
# `split()` gives (and str.translate has a fast path for an ASCII-to-ASCII table).
_ASCII_GAPS = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalnum() or c == "_")})


def find_words(text: str) -> list[str]:
    """`WORD.findall(text)`; for an ASCII text (most pages) done by translate and split, in about
    half the time."""
    if text.isascii():
        return text.translate(_ASCII_GAPS).split()
    return WORD.findall(text)


def words(text: str) -> list[str]:
    """The words of `text`, case-folded (the search index's and the thread builder's tokens)."""
    return find_words(text.casefold())


def word_set(text: str) -> set[str]:
    return set(find_words(text.casefold()))


@functools.lru_cache(maxsize=256)
def _word_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    alts = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True) if t)
    if not alts:
        return None
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)


def word_pattern(terms: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of `terms` as a whole word, in any case (None for no terms)."""
    return _word_pattern(tuple(sorted(t for t in terms if t)))


def size_error(size: int) -> str:
    """The one-line reason a page of `size` bytes is refused."""
    return f"too large ({size / 1e6:.1f} MB; the limit is {MAX_PAGE_BYTES // 2**20} MiB)"

"""The one boundary where untrusted page text enters the core.

Everything a page says (titles, bodies, comments, names) passes through :func:`clean_text`
before it is parsed, stored or shown, so no widget or CLI command ever has to think about
escape sequences, bidi tricks or invisible characters again.
"""

from __future__ import annotations

import codecs
import re

from reader.text import MAX_PAGE_BYTES, size_error

# Terminal escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other 2-byte ESC.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (hyperlinks, clipboard writes, titles)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS / SOS / PM / APC strings
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
    r"|\x1b[@-Z\\-_]?"  # any other ESC (and a lone ESC)
)
# Odd spaces that should read as a plain space.
_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\v\f]")
# Bidi overrides/isolates/marks ("Trojan Source") and zero-width characters.
# ZWJ (U+200D) is handled apart: it is kept inside emoji sequences.
_INVISIBLE = re.compile("[\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_ZWJ_NOT_IN_EMOJI = re.compile(
    "(?<![\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\U0001f3fb-\U0001f3ff])\u200d"
    "|\u200d(?![\U0001f000-\U0001faff\u2600-\u27bf])"
)
# Remaining C0 (except newline) and C1 controls, DEL.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# Invisible characters and controls in one character class (odd spaces are replaced first:
# a tab is both).
_DROP = re.compile(f"[{_INVISIBLE.pattern[1:-1]}{_CONTROL.pattern[1:-1]}]")


def clean_text(text: str) -> str:
    """Return `text` safe to show in a terminal, with ordinary Unicode intact.

    Newlines are normalised to ``\\n``; odd spaces become spaces; escape sequences, control,
    bidi and zero-width characters are removed (a ZWJ inside an emoji sequence is kept).
    """
    return clean_text_checked(text)[0]


# The one-byte characters str.isprintable calls printable (as it says, so exact), and the newline.
_PRINTABLE_LATIN1 = bytes(c for c in range(256) if chr(c).isprintable()) + b"\n"


def _printable(text: str) -> bool:
    """Is every character of `text` but the newline printable? Text of one-byte characters (most
    pages: ASCII with a `©` or an accent) by deleting the printable bytes from a copy and finding
    none left (~3 instructions a character, against ~18 for str.isprintable, which looks up each
    character's Unicode record); any other text as str.isprintable says."""
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return text.replace("\n", "").isprintable()
    return not data.translate(None, _PRINTABLE_LATIN1)


def clean_text_checked(text: str) -> tuple[str, bool]:
    """clean_text's result, and whether every character of it but the newline is printable as
    it came (then no line of it holds a tab, an odd space or a control: `page_lines` need not
    look at each line again)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if _printable(text):
        # Every character this removes or replaces is unprintable (a control, format or
        # separator character other than the space): one scan in C says there is none.
        return text, True
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ANSI.sub("", text)
    text = _DROP.sub("", _SPACES.sub(" ", text))
    if "\u200d" in text:
        text = _ZWJ_NOT_IN_EMOJI.sub("", text)
    return text, False


def clean_line(text: str) -> str:
    """Like :func:`clean_text` for a value that must stay on one line (titles, names)."""
    return " ".join(clean_text(text).split())


class DecodeError(ValueError):
    """The bytes are not a text page (binary, empty, too large)."""


def decode_page(data: bytes) -> tuple[str, str | None]:
    """Decode a page's bytes. Returns (text, note); note says when a fallback was used.

    Raises DecodeError with a short, human reason for binary, empty or oversized input.
    """
    if len(data) > MAX_PAGE_BYTES:
        raise DecodeError(size_error(len(data)))
    if not data.strip():
        raise DecodeError("empty file")
    head = data[:8192]
    nuls = head.count(b"\x00")
    if nuls * 200 > len(head):  # a stray NUL in a text page is just stripped
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                return data.decode("utf-16"), "decoded as UTF-16"
            except UnicodeDecodeError:
                pass
        raise DecodeError("binary file (contains NUL bytes), not a text page")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    if (japanese := _japanese(data)) is not None:
        return japanese
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:8192] if ch < " " and ch not in "\n\r\t")
    if controls > len(text[:8192]) * 0.05:
        raise DecodeError("binary file, not a text page")
    return text, "not UTF-8; decoded as Latin-1/Windows-1252"


_KANA_KANJI = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e]")  # (not half-width katakana: £ © ° in cp1252 bytes)
_KANJI_KANA = re.compile(r"[\u3041-\u30ff\u4e00-\u9fff]")


def _japanese(data: bytes) -> tuple[str, str] | None:
    """Text in Shift_JIS (Windows' cp932) or EUC-JP: decoded without an error, and its non-ASCII
    characters mostly Japanese (Latin-1 bytes seldom decode so, and never into mostly kana/kanji)."""
    for codec, name in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        others = sum(1 for ch in text[:20000] if ch > "\x7f")
        if others and len(_KANA_KANJI.findall(text[:20000])) >= others * 0.8 and _KANJI_KANA.search(text[:20000]):
            return text, f"not UTF-8; decoded as {name}"
    return None


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{2,40})""", re.IGNORECASE)


def _text_codec(name: str) -> str | None:
    """The codec a page's declared charset names, if it is one for 8-bit text (a page that says
    UTF-16 but is not valid UTF-8 is 8-bit, as browsers treat it; `idna`, `rot13`,
    `unicode_escape` and the like are no page encodings)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if info.name.startswith(("utf-16", "utf-32", "utf-8")) or not getattr(info, "_is_text_encoding", True):
        return None
    if info.name in ("idna", "punycode", "undefined", "raw-unicode-escape", "unicode-escape", "rot-13"):
        return None
    return info.name


def decode_html(data: bytes) -> str:
    """An HTML page's bytes as text: UTF-8, else the charset its <meta> declares, else as a text
    page is decoded (Japanese encodings, then Windows-1252). Never raises."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if (m := _META_CHARSET.search(data[:8192])) and (codec := _text_codec(m.group(1).decode("ascii"))):
        try:
            return data.decode(codec, errors="replace")
        except (UnicodeError, ValueError, LookupError):
            pass
    japanese = _japanese(data)
    return japanese[0] if japanese else data.decode("cp1252", errors="replace")

"""Property tests: parsing never crashes and never drops a reader's words."""

from __future__ import annotations

import random
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.errors import PageError
from reader.parsing import parse_text
from reader.parsing.common import is_boilerplate, parse_vote
from reader.sanitize import clean_text

from conftest import SEEDS

WORD = re.compile(r"\w+")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.text())
def test_never_crashes_on_arbitrary_text(text):
    try:
        refused = None
        parse_text(text)
    except PageError as exc:  # a one-line reason: no text, or not a news page (`--force` overrides)
        refused = str(exc)
        assert "\n" not in refused and ("no text" in refused or "--force" in refused)
    try:
        art = parse_text(text, force=True)
    except PageError as exc:  # forced: only a page with no text at all is refused
        assert "no text" in str(exc) and refused is not None and "no text" in refused
        return
    # A title is one non-blank line of the page's own words (or a placeholder).
    assert art.title.strip() == art.title and art.title and "\n" not in art.title
    words = " ".join(art.title.removesuffix("…").split())
    assert art.title in ("(untitled)", "(expired article)") or words in " ".join(clean_text(text).split())


word = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=10)
paragraph = st.lists(word, min_size=1, max_size=12).map(" ".join).filter(
    lambda p: not is_boilerplate(p) and parse_vote(p) is None and not p[:1].isdigit())
comment = st.lists(paragraph, min_size=1, max_size=4)
votes = st.tuples(st.integers(-50, 50), st.integers(0, 50), st.integers(0, 50))


def _words(s: str) -> list[str]:
    return sorted(WORD.findall(s.casefold()))


@SETTINGS
@given(st.lists(st.tuples(comment, votes), max_size=8), st.randoms(use_true_random=False))
def test_never_drops_a_comments_words(comments, rnd):
    # Replies: sometimes a comment starts by quoting (part of) an earlier one.
    built = []
    for _i, (paras, v) in enumerate(comments):
        paras = list(paras)
        if built and rnd.random() < 0.4:
            src = rnd.choice(built)[0]
            paras.insert(0, rnd.choice(src))
        built.append((paras, v))
    page = ["Japan Today", "national", "A headline about things", "3 Comments", "Body paragraph one.",
            "©2025 GPlusMedia Inc.", "Login to comment"]
    for paras, (n, up, down) in built:
        page += [*paras, f"{n} ( +{up} / -{down} )"]
    page += ["Login to leave a comment", "Facebook users"]
    art = parse_text("\n\n".join(page))
    assert len(art.comments) == len(built)
    for (paras, v), c in zip(built, art.comments, strict=False):
        got = " ".join([c.header or "", *(b.text for b in c.blocks)])
        assert _words(got) == _words(" ".join(paras))
        assert (c.score, c.up, c.down) == v


@settings(max_examples=60, deadline=None)
@given(st.randoms(use_true_random=False), st.sampled_from(sorted(p.name for p in SEEDS.glob("*.txt"))))
def test_fuzzed_seed_pages_parse_and_keep_comment_words(rnd: random.Random, name):
    lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    for _ in range(rnd.randint(1, 8)):
        op = rnd.choice(["drop", "dup", "swap", "junk", "cut"])
        i = rnd.randrange(len(lines))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "junk":
            lines.insert(i, "".join(rnd.choice("ab (+/-)0123©\u200b\x1b[ \u00a0") for _ in range(rnd.randint(0, 30))))
        elif op == "cut" and i > 5:
            lines = lines[:i]
        if not lines:
            lines = ["x"]
    text = "\n".join(lines)
    art = parse_text(text, force=True)
    page_words = set(WORD.findall(clean_text(text).casefold()))
    for c in art.comments:
        assert set(WORD.findall(c.text.casefold())) <= page_words


# Text made of what decides tokenising: ASCII words and punctuation, accents (a combining one
# too), curly quotes and dashes, non-ASCII spaces, CJK, emoji, a lone surrogate; sometimes a
# little of it in much ASCII (the translate path), sometimes mostly non-ASCII (the regex path).
_TOKEN_TEXT = st.lists(st.sampled_from(
    ["word", "Word", "x_y", "42", " ", "  ", "\n", ".", ",", "'", "’", "“", "”", "—", "…", "é", "café",
     "cafe\u0301", "\xa0", "\u3000", "東京", "😀", "\ud800", "ǅ", "²", "٣", "Ⅻ", "_"]), max_size=80).map("".join)


@given(st.one_of(_TOKEN_TEXT, st.text(max_size=200)))
@settings(max_examples=400, deadline=None)
def test_find_words_is_the_word_pattern(text):
    """The fast tokeniser gives exactly the words `\\w+` finds, whatever the characters."""
    from reader.text import WORD, find_words

    assert find_words(text) == WORD.findall(text)
    assert find_words("ascii " * 40 + text) == WORD.findall("ascii " * 40 + text)


@given(st.one_of(st.lists(st.sampled_from(["word", " ", "  ", "\t", "\n", " \n ", "\x1c", "\x85", "\xa0", "\u3000",
                                           "\u2028", "é", "東京", "x"]), max_size=60).map("".join), st.text(max_size=200)))
@settings(max_examples=400, deadline=None)
def test_page_lines_fold_every_kind_of_space(text):
    """Lines are stripped, runs of any whitespace folded to one space, blank lines dropped: the
    fast path for lines already folded gives what splitting every line gives."""
    from reader.parsing.common import page_lines

    assert page_lines(text) == [" ".join(w) for line in text.split("\n") if (w := line.split())]
    from reader.sanitize import clean_text_checked

    cleaned, printable = clean_text_checked(text)
    assert cleaned == clean_text(text)
    # A cleaned text known to be printable (but for newlines) has the same lines by either path.
    assert page_lines(cleaned, printable=printable) == page_lines(cleaned)
    if printable:
        assert cleaned.replace("\n", "").isprintable()


@given(st.text(alphabet=st.characters(max_codepoint=0x17F), max_size=80) | st.text(max_size=80))
@settings(max_examples=500, deadline=None)
def test_the_printable_check_says_what_str_isprintable_says(text):
    """sanitize._printable (one-byte text: the printable bytes deleted from a copy) answers as
    str.isprintable does of the text without its newlines, for one-byte text and any other."""
    from reader.sanitize import _printable

    assert _printable(text) == text.replace("\n", "").isprintable()
    assert _printable(text + "\x85") is False and _printable(text + "\xad") is False  # (NEL, soft hyphen)


_FLAT_PIECES = st.sampled_from(["Long overdue.", "12 ( +14 / -2 )", "-3 ( +1 / -4 )", "5 Comments", "Login to comment",
                                "© KYODO", "©2025 GPlusMedia Inc.", "Japan Today", "national", "word", "(", ")", "+3",
                                "Comments", "1,000 yen", "Login to leave a comment"])


@given(st.lists(st.one_of(_FLAT_PIECES, st.text(max_size=30)), max_size=60))
@settings(max_examples=300, deadline=None)
def test_a_page_broken_again_from_one_line_keeps_every_character_in_order(pieces):
    from reader.parsing import unflatten

    line = " ".join(pieces) + " " + "x" * 401  # (long enough to be looked at)
    out = unflatten([line])
    assert "".join("".join(out).split()) == "".join(line.split())


@given(st.text(alphabet=st.sampled_from(list("abc xyzPhotoImageCreditPicture:()—–-/APReutersKyodo.\n")) | st.characters(),
               max_size=120))
@example("Tourists in the plaza at dawn (AP Photo/Eugene Hoshiko)")
@example("Tourists in the plaza at dawn (AP Photo/Eugene Hoshiko)\n")
@example("The ferry at dawn. Image: Kyodo")
@settings(max_examples=500, deadline=None)
def test_a_caption_is_told_by_the_cheap_pattern_as_by_the_whole_one(line):
    """is_caption tries the whole caption pattern only on a line with a `:` or ending in `)`;
    elsewhere only its first kind (a label first) can match, and the cheap one says the same."""
    from reader.parsing import evidence

    cheap = evidence._CAPTION if ":" in line or ")" in line[-2:] else evidence._CAPTION_LABEL_FIRST
    assert (cheap.match(line) is None) == (evidence._CAPTION.match(line) is None)
    for label in ("Photo - ", "caption: ", "File photo — "):
        assert (evidence._CAPTION_LABEL_FIRST.match(label + line.replace("\n", " ")) is None) == (
            evidence._CAPTION.match(label + line.replace("\n", " ")) is None)

"""The thread builder's C helpers (tokeniser and trigram index) give what the Python ones give.

`reader/_native.c` is optional at install (no C compiler: the Python code is used),
so both must build the very same threads; and this install must have the fast one."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.corpus import generate
from reader import _native as _c
from reader.parsing import parse_bytes, threads

ROOT = Path(__file__).resolve().parent.parent


def test_the_c_index_is_built():
    assert threads.NATIVE, "reader/_native.c was not compiled (pip install -e . needs a C compiler)"
    assert threads.GRAMS is threads._CGrams


def _threads(data: bytes, name: str, grams: type, monkeypatch) -> list[tuple]:
    """The threads built all in C (its tokeniser and index) or all in Python."""
    monkeypatch.setattr(threads, "GRAMS", grams)
    monkeypatch.setattr(threads, "NATIVE", grams is threads._CGrams)
    art = parse_bytes(data, name, force=True)
    return [(c.id, c.parent, c.revision_of, c.author, [(b.quote, b.of) for b in c.blocks]) for c in art.comments]


def _pages(tmp_path: Path) -> list[Path]:
    generate(tmp_path, 150, seed=5)  # threads with quotes, headers, revisions, article quotes
    pages = sorted(tmp_path.glob("*.txt"))
    pages += sorted(p for p in (ROOT / "tests" / "pages").rglob("*") if p.is_file())
    return pages + sorted((ROOT / "seeds").glob("*.txt"))


def test_c_and_python_indexes_build_the_same_threads(tmp_path, monkeypatch):
    quoted = 0
    for page in _pages(tmp_path):
        data = page.read_bytes()
        try:
            native = _threads(data, page.name, threads._CGrams, monkeypatch)
        except Exception as exc:  # a page refused: refused the same way by both
            with pytest.raises(type(exc)):
                _threads(data, page.name, threads._PyGrams, monkeypatch)
            continue
        assert native == _threads(data, page.name, threads._PyGrams, monkeypatch), page.name
        quoted += sum(1 for c in native if c[1] is not None)
    assert quoted > 300  # the pages do have replies to find


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), letters=st.integers(3, 12), sources=st.integers(1, 120))
def test_c_and_python_indexes_agree_on_every_query(seed, letters, sources):
    """Few distinct words: many shared trigrams, postings past the 64-source limit, gap markers."""
    rnd = random.Random(seed)
    alphabet = [*"abcdefghijkl"[:letters], "_gap_"]
    py, c = threads._PyGrams(), threads._CGrams()
    for key in range(1, sources + 1):
        ps = [_p(rnd.choices(alphabet, k=rnd.randint(0, 16))) for _ in range(rnd.randint(1, 3))]
        py.add(key, ps)
        c.add(key, ps)
    for _ in range(20):
        p = _p(rnd.choices(alphabet, k=rnd.randint(0, 14)))
        assert c.shares(p) == py.shares(p)
        assert c.candidates(p) == py.candidates(p)


def _p(words: list[str]) -> threads._P:
    return threads._P(" ".join(words))


def test_an_index_of_many_sources_grows_and_counts_each_source_once():
    c, py = threads._CGrams(), threads._PyGrams()
    for key in range(1, 3001):
        for index in (c, py):
            index.add(key, [_p(["w", str(key), "x", "y", "z"]), _p(["w", str(key), "x", "y", "z"])])
    assert c.index.size() == 3000 + 1  # (w k x) of each, sampled; (x y z) shared by all
    got = c.candidates(_p(["w", "17", "x", "y", "z"]))
    assert got == ([17], [17])  # the rare trigram decides; the common one is ignored
    latest = [3000, 2999, 2998, 2997, 2996, 2995, 2994, 2993]  # a common trigram alone: its latest sources
    assert c.candidates(_p(["x", "y", "z"])) == (latest, latest[:4]) == py.candidates(_p(["x", "y", "z"]))
    assert not c.shares(_p(["q", "x", "y"]))
    assert c.shares(_p(["q", "x", "y", "z"]))


_TEXT = st.lists(st.sampled_from([*"abcAB xyz._-'`´’‘…[]!?,", "...", "…", "_gap_", "é", "ß", "İ", "東京", "²", "😀",
                                  "\n", "\u00a0", "ﬁ"]), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=_TEXT)
def test_the_c_tokeniser_matches_the_python_one(text):
    words = threads._norm_words_py(text)
    assert threads.norm_words(text) == words
    norm, hashes, size, gapped = _c.norm_hashes(text)
    assert norm == " ".join(words)
    assert len(hashes) == 8 * len(words)
    assert size == sum(w != "_gap_" for w in words) and gapped == ("_gap_" in words)


_ASCII = st.lists(st.sampled_from([*"abcAZ xyz09._-'`,!?[]\n", "...", "..", "....", ".'..", "_gap_", "Don't"]),
                  max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=_ASCII)
def test_the_ascii_path_gives_what_the_general_path_gives(text):
    """ASCII text takes a one-byte path (norm_hashes_ascii): the same text, hashes, size and gaps
    as the general path, which any text can take."""
    assert text.isascii()
    assert _c.norm_hashes(text) == _c._norm_hashes_wide(text)


def test_the_ascii_path_folds_case_drops_apostrophes_and_marks_gaps():
    norm, hashes, size, gapped = _c.norm_hashes("Don't STOP... now, [...] 'OK' .'.. end.")
    assert norm == "dont stop _gap_ now _gap_ ok _gap_ end" and (size, gapped) == (5, True)
    assert hashes == _c._norm_hashes_wide("Don’t STOP… now, […] ‘OK’ … end.")[1]  # (the same words in Unicode)
    assert _c.norm_hashes("... a ...") == ("a", _c.norm_hashes("a")[1], 1, False)  # no gap at either end


def test_equal_words_hash_equal_and_different_words_differ():
    _, a, _, _ = _c.norm_hashes("Tokyo tokyo TOKYO osaka")
    assert a[0:8] == a[8:16] == a[16:24] != a[24:32]


def test_the_c_index_refuses_what_it_cannot_hold_and_a_bad_call_changes_nothing():
    index = _c.GramIndex()
    index.add(1, [threads._P("one two three four").hashes])
    for key in (1, 0, -1, 2**24):  # keys grow, each source once, below 2**24 (the scratch array's size)
        with pytest.raises(ValueError):
            index.add(key, [])
    with pytest.raises(TypeError):  # a good paragraph and a bad one: neither is indexed
        index.add(2, [threads._P("five six seven eight").hashes, ["a", "b", 3]])
    assert index.size() == 1  # (one two three) only: sampled at even positions
    with pytest.raises(TypeError):
        index.shares(["a", "b", type("S", (str,), {})("c")])  # a str subclass could change the list as it hashes
    index.add(2, [threads._P("five six seven eight").hashes])
    assert index.size() == 2


@settings(max_examples=400, deadline=None)
@given(text=_TEXT, skip=_TEXT)
def test_the_c_search_terms_are_the_python_ones(text, skip):
    from reader.text import words

    leave_out = _c.unique_terms(skip, "")
    got = _c.unique_terms(text, leave_out)
    terms = got.split("\0") if got else []
    assert len(terms) == len(set(terms))  # each once
    assert set(terms) == set(words(text)) - set(words(skip))


_ASCII_TERMS = st.lists(st.sampled_from([*"abcAZ xyz09_.-'\n", "Tokyo", "TOKYO", "tokyo", "abcdefgh", "abcdefghi",
                                       "Internationalisation", "internationalisation", "x" * 17]),
                       max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=_ASCII_TERMS, skip=_ASCII_TERMS)
def test_the_ascii_search_terms_are_the_general_paths(text, skip):
    """ASCII text and skip take a one-byte path (unique_terms_ascii): the same terms in the same
    order as the general path, whatever the words' lengths (8 bytes are compared at a time)."""
    leave_out = _c.unique_terms(skip, "")
    assert leave_out == _c._unique_terms_wide(skip, "")
    assert _c.unique_terms(text, leave_out) == _c._unique_terms_wide(text, leave_out)
    many = " ".join(f"w{i}" for i in range(12000)) + " " + text  # (12,000 terms: past 3/4 of the first table)
    assert _c.unique_terms(many, leave_out) == _c._unique_terms_wide(many, leave_out)


def test_a_storys_search_payload_is_the_same_made_in_c_or_in_python(monkeypatch, tmp_path):
    from reader.search import fields

    for page in _pages(tmp_path)[::7]:
        try:
            art = parse_bytes(page.read_bytes(), page.name, force=True)
        except Exception:
            continue
        native = fields.SearchPayload.of(art)
        monkeypatch.setattr(fields, "NATIVE", False)
        python = fields.SearchPayload.of(art)
        monkeypatch.setattr(fields, "NATIVE", True)
        assert native == python and native.title_terms, page.name
        assert sorted(native.other_terms) == sorted(python.other_terms)


@settings(max_examples=400, deadline=None)
@given(text=_TEXT, skip=_TEXT, wanted=st.one_of(st.none(), _TEXT))
def test_the_c_word_counts_are_the_python_ones(text, skip, wanted):
    from reader import related
    from reader.text import words

    leave_out = "\0".join(sorted(set(words(skip))))
    want = None if wanted is None else set(words(wanted))
    got = _c.word_counts(text, leave_out, None if want is None else "\0".join(sorted(want)))
    stop = set(words(skip))
    every = {w: n for w, n in __import__("collections").Counter(words(text)).items() if w not in stop}
    repeated = {w for w, n in every.items() if n > 1 or not w.isalpha()}
    assert sorted(got[1]) == sorted(repeated)
    assert got[0] == (every if want is None else {w: every[w] for w in repeated | (want & every.keys())})
    # (the Python version, with the module's own stop words)
    if not leave_out:
        assert related._counts_py(text, want)[0] == {w: n for w, n in got[0].items() if w not in related._STOP}


def test_a_storys_fingerprint_is_the_same_made_in_c_or_in_python(monkeypatch, tmp_path):
    from reader import related

    assert related.NATIVE
    for page in _pages(tmp_path)[::3]:
        try:
            art = parse_bytes(page.read_bytes(), page.name, force=True)
        except Exception:
            continue
        native = related.fingerprint(art)
        monkeypatch.setattr(related, "NATIVE", False)
        python = related.fingerprint(art)
        monkeypatch.setattr(related, "NATIVE", True)
        assert native == python and native, page.name


def test_a_search_segment_is_the_same_built_in_c_or_in_python(monkeypatch, tmp_path):
    """The importing process looks a batch's terms up in C (_native.TermIds): the same ids, the
    same new words in the same order, the same postings as the Python dictionary gives."""
    import numpy as np

    from reader.search import fields, segments

    payloads = []
    for i, page in enumerate(_pages(tmp_path)[::2]):
        try:
            art = parse_bytes(page.read_bytes(), page.name, force=True)
        except Exception:
            continue
        payloads.append((i + 1, f"k{i}", fields.SearchPayload.of(art)))
    assert len(payloads) > 20
    built = {}
    for native in (True, False):
        monkeypatch.setattr(segments, "NATIVE", native)
        vocab = segments.Vocab(["the", "zzz"])
        first = segments.Segment.build(1, payloads[: len(payloads) // 2], vocab)
        second = segments.Segment.build(2, payloads[len(payloads) // 2 :], vocab)  # words known and new
        built[native] = (vocab.terms, [(s.tids, s.starts, s.postings) for s in (first, second)])
    assert built[True][0] == built[False][0]
    for a, b in zip(built[True][1], built[False][1], strict=True):
        for x, y in zip(a, b, strict=True):
            assert np.array_equal(x, y)


def test_the_c_term_ids_refuse_what_they_cannot_hold():
    ids = _c.TermIds()
    ids.add(["a", "b"], 0)
    with pytest.raises(ValueError):
        ids.add(["a"], 2)  # there already
    with pytest.raises(ValueError):
        ids.add(["c"], 5)  # not the next id: the ids would drift from the vocabulary's
    with pytest.raises(TypeError):
        ids.lookup(["a", 3])
    with pytest.raises(TypeError):
        ids.add(["c", type("S", (str,), {})("d")], 2)
    assert ids.size() == 2
    # parts of NULs only are all empty terms (a review found a buffer overrun here)
    got, counts, unknown = ids.lookup(["\0" * 6] * 4)
    assert list(memoryview(counts).cast("q")) == [7] * 4 and list(memoryview(got).cast("i")) == [-1] * 28
    assert unknown == [""]
    got, counts, unknown = ids.lookup(["a\0c\0b\0c", "", "\0"])
    assert list(memoryview(got).cast("i")) == [0, -1, 1, -1, -2, -2]
    assert list(memoryview(counts).cast("q")) == [4, 0, 2]
    assert unknown == ["c", ""]


def test_a_vocabulary_holding_a_word_twice_is_damage(tmp_path):
    import orjson

    from reader.errors import SearchIndexDamaged
    from reader.search import segments

    (tmp_path / "vocab.json").write_bytes(orjson.dumps(["apple", "fig", "apple"]))
    with pytest.raises(SearchIndexDamaged, match="twice"):
        segments.Vocab.load(tmp_path)


@settings(max_examples=300, deadline=None)
@given(known=st.lists(st.text(alphabet="ab\xff\u0416", max_size=12), unique=True, max_size=12),
       parts=st.lists(st.lists(st.text(alphabet="ab\xff\u0416", max_size=12), max_size=6), max_size=6))
def test_the_c_term_ids_compare_long_terms_past_their_first_eight_chars(known, parts):
    """A one-byte term's first 8 chars are compared as one word, the rest char by char; a term
    whose first 8 bytes are all 0xff (the mark of a wide term) is compared char by char. (Each
    part's width is its widest char: parts of one word each take both paths.)"""
    inner = test_the_c_term_ids_give_what_a_dictionary_gives_for_text_of_every_width.hypothesis.inner_test
    inner(known, parts)
    inner(known, [[w] for p in parts for w in p])


def test_the_c_term_ids_tell_apart_terms_alike_in_their_first_eight_chars():
    ids = _c.TermIds()
    words = ["abcdefgh", "abcdefghi", "abcdefghj", "\xff" * 8, "\xff" * 9, "\xff" * 8 + "a", "abcdefg\u0416x"]
    ids.add(words, 0)
    # one term a part: a part of one-byte chars takes the one-byte path (IdSlot.pre)
    got, _counts, unknown = ids.lookup([*words, "abcdefgi", "abcdefghk", "\xff" * 7 + "a"])
    assert list(memoryview(got).cast("i")) == [0, 1, 2, 3, 4, 5, 6, -1, -2, -3]
    assert unknown == ["abcdefgi", "abcdefghk", "\xff" * 7 + "a"]
    got, _counts, _unknown = ids.lookup(["\0".join(words[:6])])  # several in one one-byte part
    assert list(memoryview(got).cast("i")) == [0, 1, 2, 3, 4, 5]


@settings(max_examples=300, deadline=None)
@given(known=st.lists(st.text(alphabet="ab\xe9\u0416\u65e5\U0001f600", max_size=4), unique=True, max_size=12),
       parts=st.lists(st.lists(st.text(alphabet="ab\xe9\u0416\u65e5\U0001f600", max_size=4), max_size=6), max_size=6))
def test_the_c_term_ids_give_what_a_dictionary_gives_for_text_of_every_width(known, parts):
    """One-byte text is looked up by its own path (memchr, bytes hashed as they are); wider text
    by the general one: either finds a word added from text of any width."""
    ids = _c.TermIds()
    ids.add(known, 0)
    joined = ["\0".join(p) for p in parts]
    got, counts, unknown = ids.lookup(joined)
    table, new = {w: i for i, w in enumerate(known)}, []
    expected = []
    for p in joined:
        for w in (p.split("\0") if p else []):
            if w not in table and w not in new:
                new.append(w)
            expected.append(table[w] if w in table else -1 - new.index(w))
    assert list(memoryview(got).cast("i")) == expected
    assert list(memoryview(counts).cast("q")) == [p.count("\0") + 1 if p else 0 for p in joined]
    assert unknown == new

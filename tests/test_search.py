"""The search engine itself: which stories match, and where in them (core, no Textual)."""

from __future__ import annotations

import pytest

from reader.models import Article, Block, Comment
from reader.search.engine import PREFIX_TERMS, SearchIndex
from reader.search.fields import CODE_SEP, FIELD_SEP, StoryText


def story(title: str, body: str = "", comments: list[str] | None = None) -> Article:
    return Article(file=None, layout="generic", title=title, body=[body] if body else [],
                   comments=[Comment(id=i, blocks=[Block(text)]) for i, text in enumerate(comments or [], start=1)])


def index(*articles: Article) -> SearchIndex:
    return SearchIndex.from_articles([(f"k{i}", a) for i, a in enumerate(articles)])


def test_hit_points_at_the_comment_deep_in_a_long_thread():
    comments = [f"filler words about nothing number {i}" for i in range(500)]
    comments[436] = "the harbour pilot said the tide was wrong"
    hits = index(story("Long thread", "a body", comments)).search("harbour pilot")
    assert [(h.where, h.comment) for h in hits] == [("comment #437", 437)]
    assert "harbour pilot" in hits[0].snippet


def test_three_best_fields_with_the_title_first():
    a = story("Kaden sales rise", "Kaden shares rose today.", ["kaden again", "nothing here", "more kaden"])
    hits = index(a).search("kaden")
    assert [h.where for h in hits] == ["title", "body", "comment #1"]


def test_whole_words_only_including_next_to_non_ascii_letters():
    # Each body word holds "kaden" inside a longer word (too far off to be a typo of it).
    a = story("Other", "xxkaden kadenxyz éékaden kadenétude", ["“Kaden” said so", "naïve kaden—yes"])
    hits = index(a).search("kaden ")
    assert sorted(h.where for h in hits) == ["comment #1", "comment #2"]


def test_a_word_in_non_ascii_capitals_is_found_in_its_field():
    a = story("Other", "nothing", ["plain text", "the ÉCOLE opened", "ÉCOLE again"])
    hits = index(a).search("école")
    assert [h.where for h in hits] == ["comment #2", "comment #3"]


def test_comment_numbers_are_not_text():
    comments = ["no digits"] * 11 + ["twelve is here", "x 12 y"]
    hits = index(story("Other", "body", comments)).search("12")
    assert [h.where for h in hits] == ["comment #13"]


def test_the_word_being_typed_completes_to_the_most_common_words():
    # More rare completions than the search keeps, all alphabetically before the common one.
    rare = [story(f"bebe{i:03d}x note", "text") for i in range(PREFIX_TERMS + 20)]
    common = [story(f"Report {i}", "because it rained") for i in range(30)]
    idx = index(*rare, *common)
    keys = {h.key for h in idx.search("be", limit=200)}
    assert {f"k{len(rare) + i}" for i in range(30)} <= keys


def test_completions_sharing_a_start_are_each_found_in_their_own_fields():
    # The scan looks for the shared start ("lin", or the first bytes of a non-ASCII letter)
    # before the rest: every completion, and only whole words, in the field that holds it.
    fields = [("T", "Lines"), ("B", "berlin linen"), ("1", "the lin"), ("2", "Line up, linen"),
              ("3", "東京 and 東北"), ("4", "cafè latte café")]
    text = StoryText(FIELD_SEP.join(f"{c}{CODE_SEP}{t}" for c, t in fields).encode())
    got = text.fields_with_all(["lin", "line", "linen", "lines", "berlin", "東北", "東西", "café", "cafè", "caf"])
    assert got == {"lin": [2], "line": [3], "linen": [1, 3], "lines": [0], "berlin": [1], "東北": [4],
                   "東西": [], "café": [5], "cafè": [5], "caf": []}
    assert text.fields_with_all(["lin", "linen"], within=[3]) == {"lin": [], "linen": [3]}
    # words of several first letters, each looked for in its own pass, fields in order
    assert text.fields_with_all(["line", "berlin", "linen", "café"], within=[1, 3, 5]) == {
        "line": [3], "berlin": [1], "linen": [1, 3], "café": [5]}


def test_every_word_must_match_and_prefix_only_on_the_last():
    idx = index(story("Tokyo politics", "a"), story("Tokyo weather", "b"), story("Osaka politics", "c"))
    assert {h.key for h in idx.search("tokyo poli")} == {"k0"}
    assert idx.search("poli tokyo") == []  # an earlier word is a whole word, not a prefix
    assert {h.key for h in idx.search("tokyo politics ")} == {"k0"}


def test_merged_postings_stay_in_story_order_when_a_story_was_reimported(tmp_path):
    import numpy as np

    from reader.search.segments import Segment, Vocab, owner_map

    vocab = Vocab([])
    first = Segment.build(1, [(1, "a", story("alpha news", "x")), (5, "b", story("alpha more", "y"))], vocab)
    second = Segment.build(2, [(3, "c", story("alpha again", "z")), (1, "a", story("alpha edited", "w"))], vocab)
    for seg in (first, second):
        seg.write(tmp_path)
    parts = [Segment.load(tmp_path, 1), Segment.load(tmp_path, 2)]
    merged = Segment.merge(3, parts, owner_map(parts), tmp_path)
    for i in range(len(merged.tids)):
        docs = np.asarray(merged.postings[merged.starts[i]:merged.starts[i + 1]]) >> 1
        assert list(docs) == sorted(docs)
    idx = SearchIndex([merged], vocab)
    assert {h.key for h in idx.search("alpha ")} == {"a", "b", "c"}
    assert {h.key for h in idx.search("edited ")} == {"a"} and idx.search("news ") == []


def test_a_typo_finds_the_word_but_a_real_word_means_itself():
    idx = index(story("Ishiba meets Trump", "talks"), story("Kaden sales", "x"), story("Kaben sales", "y"))
    assert {h.key for h in idx.search("isihba ")} == {"k0"}  # not a word anywhere: fuzzy
    assert {h.key for h in idx.search("trumpp")} == {"k0"}  # neither a word nor the start of one
    assert {h.key for h in idx.search("kaden ")} == {"k1"}  # a word of the archive: just that word


def test_a_short_word_with_a_letter_changed_or_swapped_is_a_typo_but_a_number_is_not():
    idx = index(story("Trump talks", "tariffs"), story("Ishiba in Osaka", "x"), story("Budget of 20245 yen", "y"))
    assert {h.key for h in idx.search("trmup ")} == {"k0"}  # two letters swapped
    assert {h.key for h in idx.search("trimp ")} == {"k0"}  # one letter changed
    assert {h.key for h in idx.search("osaak ")} == {"k1"}
    assert idx.search("tramps ") == []  # two changes in a short word: too far
    assert idx.search("20254 ") == []  # another number, not a typo of 20245
    assert idx.search("2o245 ") == []  # nor is a word with a letter a typo of a number


def test_several_words_show_the_fields_holding_all_of_them():
    comments = ["the harbour was calm"] * 300 + ["the harbour pilot came aboard"] + ["a pilot boat"] * 100
    hits = index(story("Port news", "Ships wait.", comments)).search("harbour pilot")
    assert [h.where for h in hits] == ["comment #301"]  # not the 400 comments with just one of them


def test_words_in_different_fields_still_show_where_each_is():
    hits = index(story("Port news", "Ships wait.", ["the harbour was calm", "a pilot boat"])).search("harbour pilot")
    assert sorted(h.where for h in hits) == ["comment #1", "comment #2"]


def test_story_text_is_packed_and_a_plain_older_segment_still_reads_and_merges(tmp_path):
    import numpy as np

    from reader.search.segments import PACKED, Segment, Vocab, owner_map

    vocab = Vocab([])
    old = Segment.build(1, [(1, "a", story("Tokyo weather", "rain all week")), (2, "b", story("Osaka rain", "x"))],
                        vocab)
    assert old.packed and bytes(old.text[:4]) == PACKED
    plain = [old.story_text(i) for i in range(2)]
    assert b"rain all week" in plain[0]
    # As an older reader wrote the segment: the stories' text plain, one after another.
    sizes = np.array([len(t) for t in plain])
    spans = np.stack([np.cumsum(sizes) - sizes, np.cumsum(sizes)], axis=1)
    Segment(1, old.tids, old.starts, old.postings, old.docs, old.keys, spans, b"".join(plain)).write(tmp_path)
    older = Segment.load(tmp_path, 1)
    assert not older.packed and older.problem() is None
    assert [h.snippet for h in SearchIndex([older], vocab).search("week")] == \
        [h.snippet for h in SearchIndex([old], vocab).search("week")] != []
    new = Segment.build(2, [(3, "c", story("Kyoto rain", "light rain this week"))], vocab)
    new.write(tmp_path)
    parts = [older, Segment.load(tmp_path, 2)]
    merged = Segment.merge(3, parts, owner_map(parts), tmp_path)
    assert merged.packed and merged.problem() is None
    assert {h.key for h in SearchIndex([merged], vocab).search("week")} == {"a", "c"}
    assert [merged.story_text(i) for i in range(3)] == [*plain, new.story_text(0)]


def test_a_full_location_cache_never_loses_what_a_search_is_reading():
    # The cache of which fields hold a term is trimmed once a story's hits are made, not while
    # they are: trimming in between dropped entries the same story's hits still read (KeyError).
    idx = index(story("alpha", "beta gamma"), story("other", "nothing"))
    assert idx.search("alpha beta")
    for i in range(50_000):
        idx._located[(10**6 + i, "filler")] = []
    hits = idx.search("alpha gamma")
    assert sorted(h.where for h in hits) == ["body", "title"]
    assert len(idx._located) <= 50_000


def test_a_search_payload_crosses_processes_unchanged():
    # Parsing workers send the terms as one string per list; empty lists and non-ASCII words too.
    import pickle

    from reader.search.fields import SearchPayload

    for article in (story("Kaden 東京 sales", "body words here", ["a comment", "naïve café"]), story("", "")):
        payload = SearchPayload.of(article)
        back = pickle.loads(pickle.dumps(payload))
        assert back == payload and isinstance(back, SearchPayload)
    assert pickle.loads(pickle.dumps(SearchPayload([], [], b""))) == SearchPayload([], [], b"")


def test_a_japanese_word_is_found_inside_a_run_of_text_and_shown_in_the_snippet():
    from reader.text import word_pattern

    long_run = "東京都は28日、夏の電力需給のひっ迫に備え、家庭の節電に応じてポイントを付与する事業の対象を拡大すると発表した" * 2
    idx = index(story("都が節電ポイント拡大", long_run + "。小池百合子知事は記者会見で協力を呼びかけた。"),
                story("大阪の物流拠点", "物流は地味だが雇用は生まれる。"), story("Tokyo weather", "rain"))
    hits = idx.search("知事 ")
    assert [(h.key, h.where) for h in hits] == [("k0", "body")]
    assert "知事" in hits[0].snippet  # the snippet is cut inside the spaceless text, not before the match
    assert {h.key for h in idx.search("物流")} == {"k1"} and {h.key for h in idx.search("節電 知事")} == {"k0"}
    assert idx.search("知事 大阪") == []  # every word must be in the story
    pattern = word_pattern(["知事", "rain"])
    assert pattern is not None and pattern.search("小池百合子知事は") and not pattern.search("terrain")


def _postings_by_term(segments, owner):
    """term id -> sorted postings of the stories each segment still owns (the oracle)."""
    import numpy as np

    out: dict[int, list[int]] = {}
    for seg in segments:
        live_docs = {int(d) for d in seg.docs if owner[int(d)] == seg.sid}
        for row, tid in enumerate(seg.tids):
            a, b = int(seg.starts[row]), int(seg.starts[row + 1])
            got = [int(p) for p in np.asarray(seg.postings[a:b]) if int(p) >> 1 in live_docs]
            if got:
                out.setdefault(int(tid), []).extend(got)
    return {t: sorted(p) for t, p in out.items()}


@pytest.mark.parametrize("kernel_copy", ["works", "a few bytes a call", "refused", "missing"])
def test_merging_segments_keeps_exactly_each_terms_live_postings_in_story_order(tmp_path, monkeypatch, kernel_copy):
    """Fresh imports (stories of each part after the last) are merged by copying term blocks;
    re-imports (a later part holds new copies of earlier stories) are sorted again. Both give
    what a term-by-term merge of the live stories gives, also when blocks are copied a few
    postings at a time. The stories' texts come through whole however the kernel copies (or
    will not copy) them."""
    import os
    import random

    import numpy as np

    from reader.search import fields
    from reader.search import segments as sg
    from reader.search.fields import SearchPayload
    from reader.search.segments import Segment, Vocab, owner_map

    monkeypatch.setattr(sg, "SHORT_BLOCK", 2)
    real_copy = os.copy_file_range
    if kernel_copy == "a few bytes a call":
        monkeypatch.setattr(os, "copy_file_range", lambda src, dst, count, offset: real_copy(src, dst, min(count, 5), offset))
    elif kernel_copy == "refused":
        def refuse(*args):
            raise OSError(18, "Invalid cross-device link")
        monkeypatch.setattr(os, "copy_file_range", refuse)
    elif kernel_copy == "missing":
        monkeypatch.delattr(os, "copy_file_range")
    rng = random.Random(3)
    words = [f"w{i}" for i in range(60)]
    for case in range(12):
        folder = tmp_path / str(case)
        vocab = Vocab([])
        parts, doc, n_parts = [], 1, rng.randint(1, 4)
        for sid in range(1, n_parts + 1):
            items = []
            for _ in range(rng.randint(0, 6)):
                if case % 2 and doc > 2 and rng.random() < 0.3:
                    d = rng.randint(1, doc - 1)  # a new copy of an earlier story
                else:
                    d, doc = doc, doc + 1
                if any(d == x for x, _, _ in items):
                    continue
                title = rng.sample(words, rng.randint(0, 3))
                other = rng.sample(words, rng.randint(0, 20))
                blob = fields.pack(f"story {d} " .encode() * rng.randint(1, 9))
                items.append((d, f"k{d}", SearchPayload(title, [w for w in other if w not in title], blob)))
            seg = Segment.build(sid, items, vocab)
            seg.write(folder)
            parts.append(Segment.load(folder, sid))
        owner = owner_map(parts)
        merged = Segment.merge(n_parts + 1, parts, owner, folder)
        assert merged.problem() is None
        expected = _postings_by_term(parts, owner)
        got = {int(t): [int(p) for p in np.asarray(merged.postings[int(merged.starts[i]):int(merged.starts[i + 1])])]
               for i, t in enumerate(merged.tids)}
        assert got == expected
        live = sorted(int(d) for s in parts for d in s.docs if owner[int(d)] == s.sid)
        assert [int(d) for d in merged.docs] == live
        assert [merged.key(i) for i in range(len(merged.docs))] == [f"k{d}" for d in live]
        texts = {int(d): s.story_text(i) for s in parts for i, d in enumerate(s.docs) if owner[int(d)] == s.sid}
        assert [merged.story_text(i) for i in range(len(merged.docs))] == [texts[d] for d in live]


def test_a_story_reimported_is_found_by_its_new_words_only_across_loaded_segments(tmp_path):
    """Two loaded segments (postings read from disk), the older holding a story's old text."""
    from reader.search.segments import Segment, Vocab

    vocab = Vocab([])
    Segment.build(1, [(1, "a", story("alpha news", "x")), (2, "b", story("alpha more", "beta"))], vocab).write(tmp_path)
    Segment.build(2, [(1, "a", story("alpha edited", "beta"))], vocab).write(tmp_path)
    idx = SearchIndex([Segment.load(tmp_path, 1), Segment.load(tmp_path, 2)], vocab)
    assert {h.key for h in idx.search("alpha ")} == {"a", "b"}
    assert idx.search("news ") == [] and {h.key for h in idx.search("edit")} == {"a"}
    assert {h.key for h in idx.search("alpha bet")} == {"a", "b"}
    assert sorted(idx.story_keys("alpha beta")) == ["a", "b"] and idx.story_keys("alpha x ") == []


def _postings(draw_docs: list[int], titles: list[bool]) -> bytes:
    import numpy as np

    docs = sorted(set(draw_docs))
    return np.array([d << 1 | int(t) for d, t in zip(docs, titles, strict=False)], dtype="<u4").tobytes()


def test_marking_postings_in_c_agrees_with_numpy():
    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from reader.search import engine

    if engine._mark is engine._mark_py:
        pytest.skip("built without the C part")

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.tuples(st.lists(st.integers(0, 63), max_size=40), st.lists(st.booleans(), min_size=40, max_size=40),
                              st.floats(0.5, 100, width=32)), max_size=6),
           st.lists(st.integers(1, 3), min_size=64, max_size=64), st.sampled_from([None, 1, 2]))
    def check(terms, owner_list, sid):
        owner = None if sid is None else np.array(owner_list, dtype=np.int64)
        got = [(np.zeros(64, np.float32), np.zeros(64, np.uint8)) for _ in range(2)]
        for docs, titles, score in terms:
            p = _postings(docs, titles)
            engine._mark(p, score, *got[0], owner, sid or 0)
            engine._mark_py(p, score, *got[1], owner, sid or 0)
        assert np.array_equal(got[0][0], got[1][0]) and np.array_equal(got[0][1], got[1][1])
        wanted = np.array([5, 0, 63, 33, 1, 2], dtype=np.int64)  # in no order, as the top stories are
        for docs, titles, _ in terms:
            p = _postings(docs, titles)
            out = [np.zeros(len(wanted), np.uint8) for _ in range(2)]
            engine._holds(p, wanted, out[0], owner, sid or 0)
            engine._holds_py(p, wanted, out[1], owner, sid or 0)
            assert np.array_equal(out[0], out[1])
            if owner is None:
                assert [bool(x) for x in out[0]] == [int(d) in set(docs) for d in wanted]

    check()


def test_marking_refuses_a_posting_past_the_last_story_and_buffers_of_the_wrong_size():
    import numpy as np

    from reader.search import engine

    for mark in {engine._mark, engine._mark_py}:
        best, title = np.zeros(4, np.float32), np.zeros(4, np.uint8)
        with pytest.raises(ValueError):
            mark(np.array([2, 9], dtype="<u4").tobytes(), 1.0, best, title, None, 0)  # story 4 of 0..3
        with pytest.raises(ValueError):  # out of order: the last posting is in range
            mark(np.array([9, 2], dtype="<u4").tobytes(), 1.0, best, title, None, 0)
    if engine._mark is not engine._mark_py:
        bad_calls = [  # the wrong sizes, types or element types: refused, nothing read or written
            (b"\x02\x00\x00", np.zeros(4, np.float32), np.zeros(4, np.uint8), None),
            (b"", np.zeros(3, np.float32), np.zeros(4, np.uint8), None),
            (b"", np.zeros(4, np.float32), np.zeros(4, np.uint8), np.zeros(3, np.int64)),
            (b"", np.zeros(2, np.float64), np.zeros(4, np.uint8), None),
            (b"", np.zeros(4, np.float32), np.zeros(4, np.uint8), np.zeros(8, np.int32)),
            (b"", np.zeros(4, np.float32), np.zeros(4, np.uint8)[::-1], None),
            (b"", np.zeros(4, np.float32), b"\x00" * 4, None),
        ]
        for post, best, title, owner in bad_calls:
            with pytest.raises(TypeError):
                engine._mark(post, 1.0, best, title, owner, 1)
        with pytest.raises(TypeError):
            engine._holds(b"", np.zeros(2, np.int64), np.zeros(3, np.uint8), None, 0)
        with pytest.raises(TypeError):
            engine._holds(b"", np.zeros(2, np.int32), np.zeros(2, np.uint8), None, 0)
        big = np.arange(1 << 17, dtype="<u4") << 1  # enough postings to mark with the GIL released
        best, title = np.zeros(1 << 17, np.float32), np.zeros(1 << 17, np.uint8)
        engine._mark(big.tobytes(), 2.0, best, title, None, 0)
        assert bool((best == 2.0).all()) and not title.any()
        out = np.zeros(2, np.uint8)  # a story past the owner map is nobody's
        engine._holds(np.array([2, 6], dtype="<u4").tobytes(), np.array([1, 3], np.int64), out, np.ones(2, np.int64), 1)
        assert list(out) == [1, 0]


def test_a_segment_without_terms_beside_others_is_searched(tmp_path):
    from reader.search.segments import Segment, Vocab

    vocab = Vocab([])
    Segment.build(1, [(1, "a", story("alpha news"))], vocab).write(tmp_path)
    Segment.build(2, [(2, "b", story(""))], vocab).write(tmp_path)  # a story with no words
    Segment.build(3, [], vocab).write(tmp_path)
    for segs in ([Segment.load(tmp_path, i) for i in (1, 2, 3)],
                 [Segment.build(1, [(1, "a", story("alpha news"))], vocab), Segment.build(3, [], vocab)]):
        idx = SearchIndex(segs, vocab)
        assert [h.key for h in idx.search("alpha ")] == ["a"] and idx.story_keys("alp") == ["a"]


def test_a_damaged_posting_is_a_damaged_index_not_a_crash(tmp_path):
    import numpy as np

    from reader.errors import SearchIndexDamaged
    from reader.search.segments import Segment, Vocab

    vocab = Vocab([])
    seg = Segment.build(1, [(1, "a", story("alpha news")), (2, "b", story("alpha more"))], vocab)
    seg.postings = np.asarray(seg.postings).copy()
    seg.postings[seg.postings >> 1 == 2] = 7 << 1  # story 7: past the index's last
    with pytest.raises(SearchIndexDamaged):
        SearchIndex([seg], vocab, owner=np.array([0, 1, 1], dtype=np.int64)).search("alpha ")


def test_a_story_text_is_split_into_fields_in_c_as_in_python():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from reader.search import fields

    if fields._story_fields is fields._story_fields_py:
        pytest.skip("built without the C part")
    pieces = st.sampled_from([b"\x1e", b"\x1f", b"A", b"z", b"Q", b"7", b" ", "É".encode(), "東".encode(), b"\xff"])

    @settings(max_examples=500, deadline=None)
    @given(st.lists(pieces, max_size=60).map(b"".join), st.booleans())
    def check(raw, lower):
        assert fields._story_fields(raw, lower) == fields._story_fields_py(raw, lower)

    check()
    low, starts, ends, text_at = fields._story_fields(b"T\x1fHello\x1e12\x1fA \x1fB\x1eno code", True)
    assert (low, starts, ends, text_at) == (b"t\x1fhello\x1e12\x1fa \x1fb\x1eno code", [0, 8, 16], [7, 15, 23], [2, 11, 16])


def test_snippet_matches_in_ascii_text_are_those_of_the_case_insensitive_pattern():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from reader.search import hits
    from reader.text import word_pattern

    pieces = st.sampled_from(["Li", "lin", "LINE", "e", "s", " ", "-", "_", "1", "x", "K", "I", "i", ".", "ne"])
    vocab = st.sampled_from(["li", "lin", "line", "lines", "line_", "lie", "x", "k", "i", "ı", "é", "東京", "1",
                             "e", "sline"])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(pieces, max_size=30).map("".join), st.lists(vocab, min_size=1, max_size=6, unique=True),
           st.lists(vocab, max_size=6, unique=True))
    def check(text, terms, more):
        flat = " ".join(text.split())
        termset, every = set(terms), set(terms) | set(more)
        pattern = word_pattern(sorted(every))
        want = [(m.start(), m.end()) for m in pattern.finditer(flat) if m.group().casefold() in termset]
        if hits._may_match_ascii(every):  # ("ı" matches "I" and "i": the pattern is used then)
            assert "ı" in every
            return
        got = hits._ascii_matches(flat, termset, tuple(sorted(t for t in every if t.isascii())))
        assert got == want

    check()
    snippet, spans = hits.make_snippet("The LINE was long, a line-up", ["line"], query_terms={"lines": 1, "line": 1})
    assert [snippet[a:b] for a, b in spans] == ["LINE", "line"]


def test_a_one_letter_word_being_typed_after_others_waits_for_its_second_letter():
    idx = index(story("Prime minister speaks", "The prime minister spoke."),
                story("Prime time", "I'm told prime time TV is back."),
                story("Ministry news", "The ministry said more."))
    prime = {h.key for h in idx.search("prime ")}
    assert prime == {"k0", "k1"}
    # "prime m": the "m" alone would match only the "m" of "I'm" (story k1); it waits instead
    assert {h.key for h in idx.search("prime m")} == prime
    assert sorted(idx.story_keys("prime m")) == sorted(prime)
    assert {h.key for h in idx.search("prime mi")} == {"k0"}  # then completes
    # a query given whole (the command line) means its one-letter word, as does one typed past
    assert {h.key for h in idx.search("prime m", as_typed=False)} == {"k1"}
    assert {h.key for h in idx.search("prime m ")} == {"k1"}
    assert idx.search_stories("prime m", as_typed=False).stories == 1
    # a lone letter is looked for as it is; so is a letter that is part of a word ("I'm"), a
    # digit, and a Japanese letter
    assert {h.key for h in idx.search("m")} == {"k1"}
    assert {h.key for h in idx.search("prime I'm")} == {"k1"}
    assert {h.key for h in idx.search("prime m.")} == {"k1"}
    words = index(story("AT&T and U.S. news"), story("Meeting at noon in the US"), story("World War 2"),
                  story("World War II"), story("東京 都 知事"), story("東京 タワー"))
    assert {h.key for h in words.search("AT&T")} == {"k0"} and {h.key for h in words.search("U.S.")} == {"k0"}
    assert {h.key for h in words.search("world war 2")} == {"k2"}
    assert {h.key for h in words.search("東京 都")} == {"k4"}


def test_a_word_is_found_with_or_without_its_accents():
    idx = index(story("Café culture", "The café opened."), story("Cafe society", "A cafe again."),
                story("Case closed", "A case."), story("ガス", "ガス料金"))
    for q in ("cafe ", "café ", "CAFÉ ", "cafe", "Café"):
        assert {h.key for h in idx.search(q)} == {"k0", "k1"}, q  # both spellings; not "case"
    hit = next(h for h in idx.search("cafe ") if h.key == "k0")
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["Café"]
    assert {h.key for h in idx.search("カス ")} == set()  # a kana's voicing mark is not an accent
    exact = idx.search_stories("cafe ")  # the word as typed first, then the same letters accented
    assert [h.key for h in exact.hits] == ["k1", "k0"]
    # the word being typed completes by its letters too: "resum" is on its way to "résumé"
    cv = index(story("My résumé", "Sent the résumé."), story("Resume play", "Play will resume."))
    assert {h.key for h in cv.search("resum")} == {"k0", "k1"}
    assert {h.key for h in cv.search("résum")} == {"k0", "k1"}


def test_a_short_limit_gives_the_best_stories_of_a_pool_not_the_first_ranked():
    # Every story holds both words (the same rank), but only the last holds them in one field:
    # its hit is the best, though it is ranked last.
    spread = [story(f"Story {i}", "alpha news", [f"beta {i}"]) for i in range(9)]
    idx = index(*spread, story("Story z", "alpha beta together"))
    assert idx.search_stories("alpha beta ", limit=10).hits[0].key == "k9"
    best = idx.search_stories("alpha beta ", limit=1)
    assert best.stories == 10 and [h.key for h in best.hits] == ["k9"]
    assert idx.search("alpha beta ", limit=1)[0].key == "k9"


def test_stories_left_uncounted_are_out_of_the_total_and_only_those():
    idx = index(story("Harbour news one"), story("Harbour news two"), story("Harbour news three"), story("Other"))
    assert idx.search_stories("harbour").stories == 3
    gone = idx.docs_of({"k1", "k3", "nope"})  # k3 does not match; "nope" is in no segment
    assert len(gone) == 2
    assert idx.search_stories("harbour", uncounted=gone).stories == 2
    assert len(idx.search_stories("harbour", uncounted=gone).hits) == 3  # hits are the caller's to drop
    assert idx.search_stories("other", uncounted=gone).stories == 0
    assert len(idx.docs_of(set())) == 0

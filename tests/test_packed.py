"""Page files in gzip members that list their stories (store.packed): every gzip reader sees the
same JSON as before; one story read alone is exactly the one the whole file gives; anything
unexpected gives up (None), never a wrong story."""

from __future__ import annotations

import gzip

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from isal import igzip

from reader.store import packed
from reader.store.packed import PackedPage, pack_page
from reader.store.records import serialise


def member_docs(packed, wanted):
    """The wanted stories (key -> hash) of a page file's bytes, each read from its own member."""
    return PackedPage(packed).docs(wanted)


def _doc(key: str, text: str, n: int = 0) -> tuple[str, bytes]:
    d = {"key": key, "title": f"Title {key}", "body": [text], "file": f"{key}.txt",
         "comments": [{"id": i, "blocks": [{"text": f"{text} {i}"}]} for i in range(n)]}
    return serialise(d)


def _tables(docs: list[bytes], as_dicts: bool = False) -> dict:
    return {"articles": {str(i + 1): orjson.loads(d) if as_dicts else orjson.Fragment(d) for i, d in enumerate(docs)},
            "placed": {str(i + 1): {"id": i + 1, "seq": 1} for i in range(len(docs))}}


def _whole(raw: bytes) -> dict[str, dict]:
    return {d["key"]: d for d in orjson.loads(gzip.decompress(raw))["articles"].values()}


@pytest.mark.parametrize("as_dicts", [False, True])
def test_every_gzip_reader_sees_the_same_json(as_dicts):
    made = [_doc(f"k{i}", "words " * (i * 900), n=i % 4) for i in range(40)]  # some past a member's size
    tables = _tables([d for _, d in made], as_dicts)
    raw = pack_page(tables)
    expected = orjson.dumps(tables)
    assert gzip.decompress(raw) == igzip.decompress(raw) == expected  # (zcat too; zlib alone reads one member)
    page = PackedPage(raw)
    assert page.listed and raw.count(b"\x1f\x8b\x08\x04") > 3  # several members
    wanted = {f"k{i}": h for i, (h, _) in enumerate(made)}
    assert page.docs(wanted) == _whole(raw)


def test_an_empty_file_and_other_tables_too():
    for tables in ({}, {"articles": {}}, {"placed": {}, "articles": {"1": orjson.Fragment(_doc("a", "x")[1])}}):
        raw = pack_page(tables)
        assert gzip.decompress(raw) == orjson.dumps(tables)
    assert member_docs(pack_page({"placed": {}, "articles": {"1": orjson.Fragment(_doc("a", "x")[1])}}),
                       {"a": _doc("a", "x")[0]}) == {"a": orjson.loads(_doc("a", "x")[1])}


def test_many_small_stories_close_members_by_count(monkeypatch):
    monkeypatch.setattr(packed, "MEMBER_DOCS", 3)
    made = [_doc(f"k{i}", "w") for i in range(10)]
    raw = pack_page(_tables([d for _, d in made]))
    assert raw.count(b"\x1f\x8b\x08\x04") == 4  # 3 + 3 + 3 stories, then the tenth with the rest of the JSON
    assert member_docs(raw, {"k9": made[9][0], "k0": made[0][0]}) == {k: v for k, v in _whole(raw).items()
                                                                    if k in ("k9", "k0")}


def test_a_later_copy_of_a_story_wins():
    h1, old = _doc("a", "first words")
    h2, new = _doc("a", "second words")
    raw = pack_page(_tables([old, _doc("b", "other")[1], new]))
    assert member_docs(raw, {"a": h2}) == {"a": _whole(raw)["a"]}
    assert member_docs(raw, {"a": h1})["a"]["body"] == ["first words"]  # the older copy, by its own hash


def test_it_gives_up_rather_than_guess():
    h, doc = _doc("a", "words " * 2000)
    hb, other = _doc("b", "more words " * 2000)
    raw = pack_page(_tables([doc, other]))
    assert member_docs(raw, {"a": "0" * 20}) is None  # no such copy
    assert member_docs(raw, {"b": h}) is None  # that hash is another story's
    assert member_docs(raw, {}) is None
    assert member_docs(raw[:-5], {"a": h}) is None  # truncated
    assert member_docs(raw + b"\x00", {"a": h}) is None  # trailing bytes
    assert member_docs(igzip.compress(gzip.decompress(raw)), {"a": h}) is None  # one member, as written before
    assert member_docs(gzip.decompress(raw), {"a": h}) is None  # plain JSON
    damaged = bytearray(raw)
    # a flipped byte inside a's member: its CRC no longer holds (or it no longer unpacks)
    first_body = 12 + int.from_bytes(raw[10:12], "little")
    damaged[first_body + 40] ^= 0xFF
    assert member_docs(bytes(damaged), {"a": h}) is None
    assert member_docs(raw, {"b": hb}) == {"b": _whole(raw)["b"]}


@settings(max_examples=120, deadline=None)
@given(texts=st.lists(st.text(max_size=4000), min_size=1, max_size=8), pick=st.integers(0, 7))
def test_any_text_reads_back_right(texts, pick):
    made = [_doc(f"k{i}", t, n=i % 3) for i, t in enumerate(texts)]
    tables = _tables([d for _, d in made])
    raw = pack_page(tables)
    assert igzip.decompress(raw) == orjson.dumps(tables)
    i = pick % len(made)
    assert member_docs(raw, {f"k{i}": made[i][0]}) == {f"k{i}": _whole(raw)[f"k{i}"]}


def test_the_last_copy_of_one_hash_wins_across_members(monkeypatch):
    """A story merged with its history keeps its page's hash: two copies with one hash, the
    later (in a later member) is the stored one, as when the file is read whole."""
    monkeypatch.setattr(packed, "MEMBER_DOCS", 1)  # a member a story
    d = {"key": "a", "title": "T", "body": ["words"], "file": "a.txt", "comments": []}
    h, first = serialise({**d, "hist": [1]}, digest="0123456789abcdef0123")
    _, second = serialise({**d, "hist": [1, 2]}, digest=h)
    raw = pack_page(_tables([first, _doc("b", "other")[1], second]))
    assert raw.count(b"\x1f\x8b\x08\x04") == 4  # one a story, then the rest of the JSON
    got = member_docs(raw, {"a": h})
    assert got == {"a": _whole(raw)["a"]} and got["a"]["hist"] == [1, 2]


def test_a_document_whose_hash_is_not_its_last_field_is_listed_too():
    d = {"hash": "feedfacefeedfacefeed", "key": "a", "title": "T", "body": ["x"]}  # hash first
    raw = pack_page({"articles": {"1": d}, "placed": {}})
    assert PackedPage(raw).where is not None and b"feedfacefeedfacefeed" in PackedPage(raw).where
    assert member_docs(raw, {"a": "feedfacefeedfacefeed"}) == {"a": d}

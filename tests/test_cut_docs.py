"""Stories cut out of a page file without parsing all of it (files.cut_docs) are exactly those
the whole file gives; anything unexpected makes it give up (None), never a wrong story."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.store.files import cut_docs
from reader.store.records import serialise


def _doc(key: str, text: str, n: int = 0) -> tuple[str, bytes]:
    d = {"key": key, "title": f"Title {key}", "body": [text], "file": f"{key}.txt",
         "comments": [{"id": i, "blocks": [{"text": f"{text} {i}"}], "meta": {"1": {"x": text}}} for i in range(n)]}
    return serialise(d)


def _file(docs: list[bytes]) -> bytes:
    tables = {"articles": {str(i + 1): orjson.Fragment(d) for i, d in enumerate(docs)},
              "placed": {str(i + 1): {"id": i + 1, "seq": 1} for i in range(len(docs))}}
    return orjson.dumps(tables)


def _whole(raw: bytes) -> dict[str, dict]:
    return {d["key"]: d for d in orjson.loads(raw)["articles"].values()}


TRICKY = ['plain words', 'a "quoted" word', '"hash":"0123"} and ,"7":{"key":"b"}', 'back\\slash\\"', '東京 😀',
          '},"9":{"key":"a","hash":"x"}']


def test_the_stories_cut_out_are_those_of_the_whole_file():
    made = [_doc(k, TRICKY[i % len(TRICKY)], n=i % 3) for i, k in enumerate("abcdefg")]
    raw = _file([doc for _, doc in made])
    whole = _whole(raw)
    wanted = {k: h for k, (h, _) in zip("abcdefg", made, strict=True)}
    assert cut_docs(raw, wanted) == whole
    assert cut_docs(raw, {"d": wanted["d"]}) == {"d": whole["d"]}


def test_a_later_copy_of_a_story_wins_as_when_the_file_is_read_whole():
    h1, old = _doc("a", "first words")
    h2, new = _doc("a", "second words")
    raw = _file([old, _doc("b", "other")[1], new])
    assert cut_docs(raw, {"a": h2}) == {"a": _whole(raw)["a"]}
    # the older copy is still there, by its own hash
    assert cut_docs(raw, {"a": h1})["a"]["body"] == ["first words"]


def test_it_gives_up_rather_than_guess():
    h, doc = _doc("a", "words")
    raw = _file([doc])
    assert cut_docs(raw, {"a": "0" * 20}) is None  # no such copy
    assert cut_docs(raw, {"b": h}) is None  # that hash is another story's
    assert cut_docs(raw[: len(raw) // 2], {"a": h}) is None  # truncated
    assert cut_docs(b'{"placed":{}}', {"a": h}) is None
    assert cut_docs(raw, {}) is None


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text(max_size=30), min_size=1, max_size=6), pick=st.integers(0, 5))
def test_any_text_cuts_out_right_or_not_at_all(texts, pick):
    made = [_doc(f"k{i}", t, n=i % 2) for i, t in enumerate(texts)]
    raw = _file([doc for _, doc in made])
    i = pick % len(made)
    got = cut_docs(raw, {f"k{i}": made[i][0]})
    assert got is None or got == {f"k{i}": _whole(raw)[f"k{i}"]}
    assert got is not None  # the documents reader writes are always found


@pytest.mark.parametrize("layout", ["members", "one-member", "plain"])
def test_a_changed_page_is_merged_from_its_story_cut_out_of_the_page_file(tmp_path, monkeypatch, layout):
    """Its story read alone: from its own gzip member (store.packed), or cut out of the whole
    file's JSON in a page file written before (one gzip member, or plain JSON)."""
    from isal import igzip

    from reader.importer.pipeline import import_paths
    from reader.store import Store, archive
    from reader.store.packed import PackedPage

    got: list[object] = []
    served: list[str] = []  # which reader gave each story

    def spy(raw, wanted, spans=None):
        got.append(out := cut_docs(raw, wanted, spans))
        served.append("cut_docs")
        return out

    real_docs = PackedPage.docs

    def spy_members(self, wanted):
        got.append(out := real_docs(self, wanted))
        served.append("members")
        return out

    monkeypatch.setattr(archive, "cut_docs", spy)
    monkeypatch.setattr(PackedPage, "docs", spy_members)
    page = tmp_path / "p.txt"
    vote = "\n\n3 ( +4 / -1 )\n\n"
    page.write_text("A title for the page\n\nThe article says a thing at some length, as they do.\n\n"
                    "Login to leave a comment\n\nFirst comment here, saying something.\n" + vote, encoding="utf-8")
    store = Store(tmp_path / "db")
    import_paths(store, [page])
    [seg_file] = (tmp_path / "db" / "pages").glob("*.json")
    unpacked = igzip.decompress(seg_file.read_bytes())
    if layout != "members":  # as an older reader wrote it
        seg_file.write_bytes(igzip.compress(unpacked, compresslevel=1) if layout == "one-member" else unpacked)
    else:
        assert PackedPage(seg_file.read_bytes()).listed
    page.write_text(page.read_text(encoding="utf-8") + "A second comment, later.\n" + vote.replace("3 ( +4", "5 ( +6")
                    .replace("-1 )", "-1 )"), encoding="utf-8")
    [r] = import_paths(store, [page])
    assert r.status == "updated"
    assert got and all(isinstance(g, dict) for g in got)
    assert set(served) == {"members" if layout == "members" else "cut_docs"}
    art = store.article(store.entries()[0])
    assert [c.first for c in art.comments] == [0, 1]

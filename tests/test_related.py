"""Related coverage: which stories are about the same news story (fingerprints linked at import,
kept under related/, rebuilt when missing or damaged), the list's grouping, and side-by-side
comparison."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.compare import compare
from reader.importer import import_paths
from reader.models import Article, Block, Comment, StoryEntry
from reader.parsing import parse_file
from reader.related import FINGERPRINT_SIZE, THRESHOLD, fingerprint, fingerprint_text, stop_words
from reader.store import Store
from reader.usecases import Reader, grouped

from conftest import SEEDS, run

PAGES = Path(__file__).parent / "pages" / "related"
FOLLOWUP = "jt_ishiba_trump_followup.txt"
UNRELATED = ("jt_crime_tokyo.txt", "sports_result.txt", "trump_tariffs_canada.txt")
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))
ALL_FILES = [SEEDS / n for n in SEED_FILES] + sorted(PAGES.glob("*.txt"))
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])



def name_of(e: StoryEntry) -> str:
    return Path(e.file or "").name


def imported(db_path: Path, files=None) -> tuple[Reader, dict[str, StoryEntry]]:
    """A fresh database with the given pages (default: the seeds and the crafted pages) in one import."""
    r = Reader.open(db_path, seed=False)
    results = r.import_pages([str(f) for f in (files or ALL_FILES)])
    assert [x.status for x in results] == ["new"] * len(results), results
    return r, {name_of(e): e for e in r.stories()}


def pairs(links: dict[str, list[list[object]]]) -> dict[tuple[str, str], float]:
    return {(a, str(b)): float(s) for a, lst in links.items() for b, s in lst}  # type: ignore[arg-type]


def related_names(r: Reader, e: StoryEntry) -> set[str]:
    return {name_of(x.entry) for x in r.related(e)}


# ---- the seeds and the crafted pages


def test_seeds_and_followup_are_linked_and_other_subjects_are_not(db_path):
    r, by_name = imported(db_path)
    assert len(by_name) == 9
    story_names = set(SEED_FILES) | {FOLLOWUP}
    for name in story_names:
        found = r.related(by_name[name])
        assert {name_of(x.entry) for x in found} == story_names - {name}, name
        scores = [x.score for x in found]
        assert all(THRESHOLD <= s <= 1 for s in scores)
        assert scores == sorted(scores, reverse=True)
    for name in UNRELATED:
        assert r.related(by_name[name]) == [], name
    listed = {name_of(x.entry) for e in by_name.values() for x in r.related(e)}
    assert not listed & set(UNRELATED)
    # The links are symmetric, with one score per pair.
    p = pairs(r.store.related_links())
    assert all(p[(b, a)] == s for (a, b), s in p.items())


def test_related_json_via_cli(db_path):
    _r, by_name = imported(db_path)
    id_to_name = {e.id: n for n, e in by_name.items()}
    for name, e in by_name.items():
        d = json.loads(run("related", e.id, "--json").output)
        assert (d["id"], d["key"], d["title"]) == (e.id, e.key, e.title)
        rel = d["related"]
        for x in rel:
            assert set(x) == {"id", "key", "title", "source", "published", "score"}
            assert 0 < x["score"] <= 1
            assert x["key"] == by_name[id_to_name[x["id"]]].key
        assert [x["score"] for x in rel] == sorted((x["score"] for x in rel), reverse=True)
        got = {id_to_name[x["id"]] for x in rel}
        if name in UNRELATED:
            assert got == set()
        else:
            assert got == (set(SEED_FILES) | {FOLLOWUP}) - {name}
    text = run("related", by_name["sports_result.txt"].id).output
    assert "No related stories" in text


def test_related_unknown_id_is_one_line_error(db_path):
    imported(db_path, [SEEDS / SEED_FILES[0]])
    r = run("related", "99999", ok=False)
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert r.stderr.strip().count("\n") == 0 and "no story" in r.stderr


# ---- incremental, persisted, rebuilt


def test_incremental_import_links_the_same_pairs_as_one_batch(tmp_path):
    batch, _ = imported(tmp_path / "batch")
    one = Reader.open(tmp_path / "one", seed=False)
    for f in ALL_FILES:
        assert [x.status for x in one.import_pages([str(f)])] == ["new"]
    assert set(pairs(one.store.related_links())) == set(pairs(batch.store.related_links()))



def test_incremental_import_scores_equal_one_batch(tmp_path):
    batch, _ = imported(tmp_path / "batch")
    one = Reader.open(tmp_path / "one", seed=False)
    for f in ALL_FILES:
        one.import_pages([str(f)])
    want = pairs(batch.store.related_links())
    got = pairs(one.store.related_links())
    assert set(got) == set(want)
    assert all(got[k] == pytest.approx(want[k], abs=1e-3) for k in want)


def test_links_persist_for_a_new_store_on_the_same_folder(db_path, monkeypatch):
    r, _ = imported(db_path)
    links = r.store.related_links()
    assert {p.name for p in (db_path / "related").iterdir()} >= {"links.json", "related.json", "related.npz"}

    def never(self):
        raise AssertionError("the stored links should be read, not computed again")

    monkeypatch.setattr(Store, "_compute_related", never)
    again = Reader(Store(db_path))
    assert again.store.related_links() == links
    e = {name_of(x): x for x in again.stories()}["000_96de06f45ee66ae5.txt"]
    assert related_names(again, e) == (set(SEED_FILES) | {FOLLOWUP}) - {name_of(e)}
    assert again.notices() == []


def test_missing_related_folder_is_rebuilt(db_path):
    r, by_name = imported(db_path)
    links = r.store.related_links()
    shutil.rmtree(db_path / "related")
    fresh = Reader(Store(db_path))
    e = by_name[FOLLOWUP]
    assert related_names(fresh, fresh.story(e.id)) == set(SEED_FILES)
    assert pairs(fresh.store.related_links()) == pytest.approx(pairs(links), abs=1e-3)
    assert any("linked the stories again" in n for n in fresh.notices())
    assert (db_path / "related" / "links.json").exists()


def test_garbage_links_file_is_rebuilt(db_path):
    r, _ = imported(db_path)
    links = r.store.related_links()
    (db_path / "related" / "links.json").write_bytes(b"\x00{not json at all")
    fresh = Reader(Store(db_path))
    assert fresh.store.related_links() == links
    assert json.loads((db_path / "related" / "links.json").read_bytes())["links"] == links


def test_garbage_arrays_are_reported_and_rebuilt_by_doctor(db_path):
    r, by_name = imported(db_path)
    links = r.store.related_links()
    (db_path / "related" / "related.npz").write_bytes(b"garbage" * 50)
    assert Reader(Store(db_path)).store.related_links() == links  # the app reads links.json only
    bad = run("doctor", ok=False)
    assert bad.exit_code == 1 and "related" in bad.output
    fixed = run("doctor", "--rebuild")
    assert "linked related coverage again" in fixed.output
    assert run("doctor").exit_code == 0
    again = Reader(Store(db_path))
    assert pairs(again.store.related_links()) == pytest.approx(pairs(links), abs=1e-3)
    assert related_names(again, again.story(by_name[FOLLOWUP].id)) == set(SEED_FILES)


def test_an_import_after_damage_links_with_the_whole_archive(db_path):
    imported(db_path, [SEEDS / n for n in SEED_FILES] + [PAGES / n for n in UNRELATED])
    (db_path / "related" / "related.npz").write_bytes(b"garbage" * 50)
    fresh = Reader(Store(db_path))
    assert [x.status for x in fresh.import_pages([str(PAGES / FOLLOWUP)])] == ["new"]
    assert any("damaged" in n for n in fresh.notices())
    by_name = {name_of(e): e for e in fresh.stories()}
    assert related_names(fresh, by_name[FOLLOWUP]) == set(SEED_FILES)
    for name in SEED_FILES:
        assert FOLLOWUP in related_names(fresh, by_name[name])
    assert all(fresh.related(by_name[n]) == [] for n in UNRELATED)


def test_deleted_stories_are_left_out(db_path):
    r, by_name = imported(db_path)
    gone = by_name["002_91986847445cdae3.txt"]
    r.delete([gone])
    for name in (set(SEED_FILES) | {FOLLOWUP}) - {name_of(gone)}:
        e = r.story(by_name[name].id)
        assert related_names(r, e) == (set(SEED_FILES) | {FOLLOWUP}) - {name, name_of(gone)}
    d = json.loads(run("related", by_name[FOLLOWUP].id, "--json").output)
    assert gone.id not in {x["id"] for x in d["related"]}
    assert len(d["related"]) == 4
    # Importing its page again brings it back, linked as before.
    r.import_pages([str(SEEDS / name_of(gone))])
    assert name_of(gone) in related_names(r, r.story(by_name[FOLLOWUP].id))


def test_reimporting_a_changed_page_keeps_its_links(db_path, tmp_path):
    r, by_name = imported(db_path)
    before = pairs(r.store.related_links())
    name = "000_96de06f45ee66ae5.txt"
    text = (SEEDS / name).read_text(encoding="utf-8")
    marker = "Login to leave a comment"
    assert marker in text
    extra = "Another summit, another photo opportunity for the two of them.\n\n3 ( +4 / -1 )\n\n"
    (tmp_path / "later").mkdir()
    changed = tmp_path / "later" / name
    changed.write_text(text.replace(marker, extra + marker, 1), encoding="utf-8")
    assert [x.status for x in r.import_pages([str(changed)])] == ["updated"]
    e = r.story(by_name[name].id)
    assert e.key == by_name[name].key and e.comments == by_name[name].comments + 1
    assert related_names(r, e) == (set(SEED_FILES) | {FOLLOWUP}) - {name}
    for other in (set(SEED_FILES) | {FOLLOWUP}) - {name}:
        assert name in related_names(r, r.story(by_name[other].id))
    after = pairs(r.store.related_links())
    assert set(after) == set(before)
    assert all(after[k] == pytest.approx(before[k], abs=1e-3) for k in before)


def test_an_import_that_links_nothing_anew_says_the_files_hold_rather_than_writing_them(db_path, tmp_path, monkeypatch):
    """Only comments and votes moved: the three files stay as they are and seq.json says they
    hold for the new import too; the next import that links anew writes them whole again."""
    from reader.store import related_files
    from reader.store.repair import check

    r, by_name = imported(db_path)
    folder = db_path / "related"
    written = {p.name: p.read_bytes() for p in folder.iterdir()}
    seq = r.store.meta()["seq"]
    name = "000_96de06f45ee66ae5.txt"
    text = (SEEDS / name).read_text(encoding="utf-8")
    (tmp_path / "later").mkdir()
    changed = tmp_path / "later" / name
    changed.write_text(text.replace("Login to leave a comment", "One more look at it.\n\n2 ( +2 / -0 )\n\n"
                                    "Login to leave a comment", 1), encoding="utf-8")
    assert [x.status for x in r.import_pages([str(changed)])] == ["updated"]
    assert r.store.meta()["seq"] == seq + 1
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "seq.json"} == written
    assert json.loads((folder / "seq.json").read_bytes()) == {"seq": seq + 1, "of": seq}

    def never(self):
        raise AssertionError("the files hold: nothing is linked again")

    monkeypatch.setattr(Store, "_compute_related", never)
    fresh = Reader(Store(db_path))
    assert related_names(fresh, fresh.story(by_name[name].id)) == (set(SEED_FILES) | {FOLLOWUP}) - {name}
    assert fresh.notices() == []
    assert related_files.load(folder)[1] == seq + 1 and related_files.links_of(folder)[1] == seq + 1
    assert not [n for n in check(fresh.store).notes if "related" in n]
    monkeypatch.undo()
    # Again: seq.json moves on, still of the files' import.
    changed.write_text(changed.read_text(encoding="utf-8").replace("2 ( +2 / -0 )", "5 ( +5 / -0 )"), encoding="utf-8")
    assert [x.status for x in Reader(Store(db_path)).import_pages([str(changed)])] == ["updated"]
    assert json.loads((folder / "seq.json").read_bytes()) == {"seq": seq + 2, "of": seq}
    # A story that links anew: the files are written whole, and seq.json goes.
    other = tmp_path / "other.txt"
    other.write_text((SEEDS / name).read_text(encoding="utf-8").replace("Ishiba", "Kishida"), encoding="utf-8")
    Reader(Store(db_path)).import_pages([str(other)])
    assert not (folder / "seq.json").exists()
    assert json.loads((folder / "links.json").read_bytes())["seq"] == seq + 3


def test_a_batch_that_links_nothing_anew_over_damaged_files_makes_them_again(db_path, tmp_path):
    """The files cannot say they hold (links.json gone, or related.json unreadable): the
    import links the stories again and writes them whole."""
    r, _ = imported(db_path)
    before = pairs(r.store.related_links())
    folder = db_path / "related"
    name = "000_96de06f45ee66ae5.txt"
    text = (SEEDS / name).read_text(encoding="utf-8")
    (tmp_path / "later").mkdir()
    changed = tmp_path / "later" / name
    for k, damage in enumerate(("links.json", "related.json")):
        if damage == "links.json":
            (folder / damage).unlink()
        else:
            (folder / damage).write_bytes(b"{not json")
        changed.write_text(text.replace("Login to leave a comment", f"Look number {k}.\n\n{k} ( +{k} / -0 )\n\n"
                                        "Login to leave a comment", 1), encoding="utf-8")
        fresh = Reader(Store(db_path))
        assert [x.status for x in fresh.import_pages([str(changed)])] == ["updated"]
        seq = fresh.store.meta()["seq"]
        assert json.loads((folder / "links.json").read_bytes())["seq"] == seq
        assert json.loads((folder / "related.json").read_bytes())["seq"] == seq and not (folder / "seq.json").exists()
        assert pairs(Reader(Store(db_path)).store.related_links()) == pytest.approx(before, abs=1e-3)


def test_a_save_cut_short_is_never_taken_for_files_that_hold(db_path, tmp_path, monkeypatch):
    """Found by review: a save that wrote related.json but not links.json (a full disk, a kill)
    left files of two imports; the next comments-only import took the old links.json for the
    new import's. A save now removes links.json first (written last, when the others are whole),
    and advance() checks that links.json holds for the import related.json said."""
    from reader.store import related_files

    store = Store(db_path)
    import_paths(store, [SEEDS / "000_96de06f45ee66ae5.txt"])
    real = related_files.atomic_write

    def no_links(path, data):
        if path.name == "links.json":
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(related_files, "atomic_write", no_links)
    r = Reader(Store(db_path))
    assert [x.status for x in r.import_pages([str(PAGES / FOLLOWUP)])] == ["new"]  # linked with it; links.json not written
    assert any("could not save the related-stories index" in n for n in r.notices())
    monkeypatch.undo()
    folder = db_path / "related"
    assert not (folder / "links.json").exists()  # (not the first import's)
    # A comments-only page of the first story: the files do not hold, so they are made again.
    text = (SEEDS / "000_96de06f45ee66ae5.txt").read_text(encoding="utf-8")
    (tmp_path / "later").mkdir()
    changed = tmp_path / "later" / "000_96de06f45ee66ae5.txt"
    changed.write_text(text.replace("Login to leave a comment", "Later.\n\n1 ( +1 / -0 )\n\nLogin to leave a comment", 1),
                       encoding="utf-8")
    fresh = Reader(Store(db_path))
    assert [x.status for x in fresh.import_pages([str(changed)])] == ["updated"]
    seq = fresh.store.meta()["seq"]
    assert related_files.links_of(folder)[1] == seq and not (folder / "seq.json").exists()
    links = Reader(Store(db_path)).store.related_links()
    assert len(links) == 2 and all(links.values())  # the two stories linked with each other
    # advance() itself: links.json of another import than the one the caller read is refused
    (folder / "links.json").write_bytes(json.dumps({"seq": seq - 1, "links": links}).encode())
    with pytest.raises(related_files.RelatedDamaged):
        related_files.advance(folder, seq + 1, seq)


def test_a_seq_file_of_other_files_is_not_believed(db_path):
    """seq.json speaks only for the files of its `of`: otherwise (or unreadable) the files are
    as old as they say, behind the index, and linked again."""
    from reader.store import related_files

    r, _ = imported(db_path)
    folder = db_path / "related"
    seq = r.store.meta()["seq"]
    for bad in ({"seq": seq, "of": seq - 1}, {"seq": seq, "of": True}, [seq], "not json"):
        (folder / "seq.json").write_bytes(bad.encode() if isinstance(bad, str) else json.dumps(bad).encode())
        assert related_files.links_of(folder)[1] == seq  # (the files' own)
    # files written at an earlier import, and a seq.json of yet earlier ones: behind, linked again
    links = json.loads((folder / "links.json").read_bytes())
    (folder / "links.json").write_bytes(json.dumps({**links, "seq": seq - 1}).encode())
    (folder / "seq.json").write_bytes(json.dumps({"seq": seq, "of": seq - 2}).encode())
    fresh = Reader(Store(db_path))
    assert fresh.store.related_links()
    assert any("linked the stories again" in n for n in fresh.notices())
    # advance() needs the files to say which import wrote them
    (folder / "links.json").unlink()
    with pytest.raises(related_files.RelatedDamaged):
        related_files.advance(folder, seq + 1, seq)


# ---- fingerprints


def test_seed_fingerprint_keeps_names_and_drops_common_words():
    art = parse_file(SEEDS / "000_96de06f45ee66ae5.txt")
    fp = fingerprint(art)
    words = [w for w, _ in fp]
    assert "ishiba" in words and "trump" in words
    assert not {"the", "said", "and", "would"} & set(words)
    assert not set(words) & stop_words()
    assert 0 < len(fp) <= FINGERPRINT_SIZE
    assert fp == sorted(fp, key=lambda x: (-x[1], x[0]))
    # A name outranks a common word of the story.
    assert words.index("ishiba") < words.index("government")


def test_a_name_outweighs_a_common_word_used_as_often():
    fp = dict(fingerprint_text("", ["Officials met Ishiba about the meeting. Later Ishiba held the meeting again."]))
    assert fp["ishiba"] > fp["meeting"]
    assert "the" not in fp and "about" not in fp
    # Capitalised only because it starts a sentence: not a name.
    fp = dict(fingerprint_text("", ["Meeting planners met Ishiba. Meeting rooms were booked for Ishiba."]))
    assert fp["ishiba"] > fp["meeting"]


def test_fingerprint_ignores_comments_and_caps_its_size():
    body = [" ".join(f"zq{a}{b}x" for a in "abcdefghij" for b in "klmnopqrst")]  # 100 distinct words
    plain = Article(file=None, layout="generic", title="Quarterly figures", body=body)
    chatty = Article(file=None, layout="generic", title="Quarterly figures", body=body,
                     comments=[Comment(id=1, blocks=[Block(text="Zanzibarian zanzibarian zanzibarian")], up=5, down=1)])
    assert len(fingerprint(plain)) == FINGERPRINT_SIZE
    assert fingerprint(chatty) == fingerprint(plain)
    assert "zanzibarian" not in dict(fingerprint(chatty))


@pytest.mark.parametrize("title,body", [("?!… — …", []), ("...", ["", "   "]), ("¿¡", ["!!! ???", "— … —"]), ("", [])])
def test_fingerprint_of_nothing_is_empty(title, body):
    assert fingerprint(Article(file=None, layout="generic", title=title, body=body)) == []


@PROPS
@given(st.text(), st.lists(st.text(), max_size=6))
def test_fingerprint_never_crashes_and_stays_well_formed(title, body):
    fp = fingerprint_text(title, body)
    assert len(fp) <= FINGERPRINT_SIZE
    words = [w for w, _ in fp]
    assert len(set(words)) == len(words)
    assert not set(words) & stop_words()
    assert all(w > 0 for _, w in fp)
    assert fp == sorted(fp, key=lambda x: (-x[1], x[0]))


# ---- the list grouped by news story


def rows(*keys: str) -> list[StoryEntry]:
    return [StoryEntry(id=i + 1, key=k, title=k.upper()) for i, k in enumerate(keys)]


def test_grouped_puts_coverage_under_the_first_story_of_its_group():
    lst = rows("a", "b", "c", "d", "e", "f")
    related = {"a": ["e", "c"], "c": ["a", "e"], "e": ["a", "c"], "b": ["f"], "f": ["b"], "zz": ["a"],
               "d": ["gone"]}
    out = [(e.key, depth) for e, depth in grouped(lst, related)]
    assert out == [("a", 0), ("c", 1), ("e", 1), ("b", 0), ("f", 1), ("d", 0)]


def test_grouped_without_links_keeps_the_list():
    lst = rows("x", "y", "z")
    assert [(e.key, d) for e, d in grouped(lst, {})] == [("x", 0), ("y", 0), ("z", 0)]
    assert grouped([], {"x": ["y"]}) == []


@PROPS
@given(st.integers(0, 12).flatmap(lambda n: st.tuples(
    st.permutations(list(range(n))),
    st.dictionaries(st.integers(0, n + 2), st.lists(st.integers(0, n + 2), max_size=5, unique=True), max_size=n + 2))))
def test_grouped_shows_each_story_once(case):
    """Any link map (asymmetric, self links, keys not in the list; each story's links unique, as
    the store keeps them)."""
    order, rel = case
    lst = rows(*(f"k{i}" for i in order))
    related = {f"k{a}": [f"k{b}" for b in bs] for a, bs in rel.items()}
    out = grouped(lst, related)
    assert sorted(e.key for e, _ in out) == sorted(e.key for e in lst)
    pos = {e.key: i for i, e in enumerate(lst)}
    heads = [e.key for e, d in out if d == 0]
    assert [pos[k] for k in heads] == sorted(pos[k] for k in heads)
    head = None
    last = -1
    for e, depth in out:
        assert depth in (0, 1)
        if depth == 0:
            head, last = e.key, -1
            continue
        assert head is not None and e.key in related.get(head, [])
        assert pos[e.key] > last  # a group's coverage in the list's order
        last = pos[e.key]


# ---- side by side


WORD = re.compile(r"[^\W_]+")


def consistent(cmp, left_n: int, right_n: int) -> None:
    assert cmp.only_left == sum(not s.shared for s in cmp.left)
    assert cmp.only_right == sum(not s.shared for s in cmp.right)
    assert cmp.shared == sum(s.shared for s in cmp.left)
    assert cmp.only_left + cmp.shared == len(cmp.left)
    for mine, other_n, theirs in ((cmp.left, right_n, cmp.right), (cmp.right, left_n, cmp.left)):
        for s in mine:
            assert (s.match is None) == (not s.shared)
            if s.shared:
                assert 0 <= s.match < other_n and theirs[s.match].shared


def test_compare_two_seeds_loses_no_words_and_counts_agree():
    a = parse_file(SEEDS / "000_96de06f45ee66ae5.txt")
    b = parse_file(SEEDS / "001_9f18f2c2c6becd2c.txt")
    cmp = compare(a, b)
    for side, art in ((cmp.left, a), (cmp.right, b)):
        assert WORD.findall("".join(s.text + " " for s in side)) == WORD.findall(" ".join(art.body))
        assert all(s.text.strip() for s in side)
    assert len(cmp.left) > 5 and len(cmp.right) > 3
    consistent(cmp, len(cmp.left), len(cmp.right))
    assert 0 < cmp.shared < len(cmp.left) and 0 < cmp.only_right < len(cmp.right)



def test_compare_sentences_keep_every_character():
    body = ['Ishiba said he hopes to meet Trump "as early as possible." The program was recorded Wednesday.',
            "He flew to Washington (via Seattle.) Talks began on Friday."]
    art = Article(file=None, layout="generic", title="T", body=body)
    cmp = compare(art, art)
    assert "".join("".join(s.text for s in cmp.left).split()) == "".join("".join(body).split())


def test_compare_copied_sentence_is_shared_and_another_subject_is_not():
    a = parse_file(SEEDS / "000_96de06f45ee66ae5.txt")
    b = parse_file(SEEDS / "001_9f18f2c2c6becd2c.txt")
    copied = "The Osaka aquarium will reopen its penguin pavilion next spring after a costly renovation."
    giraffe = "A baby giraffe named Kiko was born at the Sapporo zoo, delighting keepers who had waited fifteen months."
    left = Article(file=None, layout="generic", title="L", body=[*a.body[:3], copied, *a.body[3:], giraffe])
    right = Article(file=None, layout="generic", title="R", body=[*b.body[:2], copied, *b.body[2:]])
    cmp = compare(left, right)
    consistent(cmp, len(cmp.left), len(cmp.right))
    lt = {s.text: s for s in cmp.left}
    rt = [s.text for s in cmp.right]
    assert lt[copied].shared and cmp.right[lt[copied].match].text == copied
    assert cmp.right[rt.index(copied)].shared
    assert not lt[giraffe].shared and lt[giraffe].match is None
    same = compare(a, a)
    assert all(s.shared for s in same.left + same.right) and same.only_left == same.only_right == 0


def test_compare_json_via_cli(db_path):
    _r, by_name = imported(db_path, [SEEDS / n for n in SEED_FILES])
    a, b = by_name["000_96de06f45ee66ae5.txt"], by_name["001_9f18f2c2c6becd2c.txt"]
    d = json.loads(run("compare", a.id, b.id, "--json").output)
    assert {"left", "right", "only_left", "only_right", "shared"} <= set(d)
    assert d["only_left"] == sum(not s["shared"] for s in d["left"])
    assert d["only_right"] == sum(not s["shared"] for s in d["right"])
    assert d["shared"] == sum(s["shared"] for s in d["left"])
    left_body = parse_file(SEEDS / name_of(a)).body
    assert WORD.findall(" ".join(s["text"] for s in d["left"])) == WORD.findall(" ".join(left_body))
    assert run("compare", a.id, "99999", ok=False).exit_code != 0



def test_compare_json_says_which_stories_were_compared(db_path):
    _r, by_name = imported(db_path, [SEEDS / n for n in SEED_FILES])
    a, b = by_name["000_96de06f45ee66ae5.txt"], by_name["001_9f18f2c2c6becd2c.txt"]
    out = run("compare", a.id, b.id, "--json").output
    assert a.title in out and b.title in out


def test_truncated_arrays_never_break_an_import_or_doctor(db_path, monkeypatch):
    """A half-written related.npz (a bad zip) is derived data: the next import links again,
    and doctor reports and rebuilds it; no traceback anywhere."""
    monkeypatch.setenv("READER_DB", str(db_path))
    r, _ = imported(db_path, [SEEDS / n for n in SEED_FILES])
    want = pairs(r.store.related_links())
    npz = db_path / "related" / "related.npz"
    npz.write_bytes(npz.read_bytes()[: npz.stat().st_size // 2])
    assert run("doctor", ok=False).exit_code == 1
    run("doctor", "--rebuild")
    assert pairs(Store(db_path).related_links()) == pytest.approx(want)
    npz.write_bytes(npz.read_bytes()[:100])
    run("import", str(PAGES / FOLLOWUP))
    after = pairs(Store(db_path).related_links())
    assert set(want) <= set(after) and len(after) > len(want)  # the follow-up linked with every seed


def test_links_stay_mutual_when_a_story_has_more_than_max_links():
    from reader.related import MAX_LINKS, RelatedIndex

    idx = RelatedIndex.empty()
    base = [(f"w{i}", 2.0) for i in range(10)]
    # B and more near-copies of it than MAX_LINKS: B keeps only its closest, and every kept link
    # is there on both sides.
    idx.add([("B", base)] + [(f"c{i}", [*base[:10 - i % 3], (f"x{i}", 1.0)]) for i in range(MAX_LINKS + 3)])
    idx.add([("A", [*base[:5], ("a1", 2.0), ("a2", 2.0)])])
    for a, lst in idx.links.items():
        assert len(lst) <= MAX_LINKS
        for b, _ in lst:
            assert any(x[0] == a for x in idx.links.get(str(b), [])), (a, b)
    idx.add([("B", [("other", 1.0), ("words", 1.0)])])  # B changed subject: nobody links to it
    assert all(b != "B" for lst in idx.links.values() for b, _ in lst)
    assert "B" not in idx.links


def test_rows_freed_by_updates_are_compacted_and_links_survive():
    from reader.related import RelatedIndex

    idx = RelatedIndex.empty()
    idx.add([(f"s{i}", [(f"own{i}", 2.0), (f"pair{i // 2}", 3.0), (f"pair{i // 2}b", 3.0)]) for i in range(1500)])
    assert set(dict(map(tuple, idx.links["s0"]))) == {"s1"}
    idx.add([(f"s{i}", [(f"own{i}", 2.0), (f"pair{i // 2}", 3.0), (f"pair{i // 2}b", 3.0)]) for i in range(400)])
    assert len(idx.keys) == 1500  # the 400 rows freed were dropped before the updates took new ones
    idx.add([("late", [("pair0", 3.0), ("pair0b", 3.0)])])
    assert len(idx.keys) == 1501 and sorted(idx.rows) == sorted({f"s{i}" for i in range(1500)} | {"late"})
    assert all(idx.keys[row] == key for key, row in idx.rows.items())
    assert {x[0] for x in idx.links["s0"]} == {"s1", "late"}


def _brute_pairs(idx, new_rows):
    """What linking a batch must find, by brute force over every row: each new story and every
    live story sharing two of its rare words (in 2..RARE stories), with their cosine."""
    import math
    from collections import Counter

    from reader.related import RARE

    rows = {r: {int(t): float(w) for t, w in zip(idx.fp[r], idx.fw[r], strict=True) if t >= 0}
            for r in range(len(idx.fp))}
    df = Counter(t for fpr in rows.values() for t in fpr)
    out = {}
    for q in new_rows:
        rare = {t for t in rows[q] if 2 <= df[t] <= RARE}
        for c, other in rows.items():
            if c != q and len(rare & other.keys()) >= 2:
                dot = sum(w * other[t] for t, w in rows[q].items() if t in other)
                norm = math.sqrt(sum(w * w for w in rows[q].values())) * math.sqrt(sum(w * w for w in other.values()))
                out[(min(q, c), max(q, c))] = dot / norm
    return out


@pytest.mark.parametrize("seed", range(6))
def test_linking_batch_by_batch_finds_what_a_look_at_every_story_finds(seed, monkeypatch):
    """The words -> stories index is extended batch by batch and a replaced story's row is
    forgotten in place: each batch still finds exactly the pairs a brute-force look finds."""
    import random

    from reader import related
    from reader.related import THRESHOLD, RelatedIndex

    monkeypatch.setattr(related, "RARE", 5)  # (so how many stories hold a word matters here)
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(30)]
    idx, checked = RelatedIndex.empty(), []
    real = idx._pairs

    def pairs(new_rows):
        got = real(new_rows)
        want = _brute_pairs(idx, [int(r) for r in new_rows])
        found = {(a, b): s for a, b, s in got}
        assert set(found) == {k for k, s in want.items() if s >= THRESHOLD and abs(s - THRESHOLD) > 1e-4} | {
            k for k in found if abs(want[k] - THRESHOLD) <= 1e-4}
        assert all(abs(found[k] - want[k]) < 1e-4 for k in found)
        checked.append(len(found))
        return got

    monkeypatch.setattr(idx, "_pairs", pairs)
    keys = []
    for _ in range(25):
        batch = {}
        for _ in range(rng.randint(1, 6)):
            key = rng.choice(keys) if keys and rng.random() < 0.3 else f"s{len(keys) + len(batch)}"
            batch[key] = [(w, round(rng.uniform(0.5, 3.0), 3)) for w in rng.sample(words, rng.randint(2, 8))]
        idx.add(list(batch.items()))
        keys += [k for k in batch if k not in keys]
    assert sum(checked) >= 5  # pairs were found, not only their absence checked


def _add_spy(monkeypatch) -> list[list[str]]:
    from reader.related import RelatedIndex

    calls: list[list[str]] = []
    real = RelatedIndex.add

    def add(self, items):
        calls.append([k for k, _ in items])
        return real(self, items)

    monkeypatch.setattr(RelatedIndex, "add", add)
    return calls


def _load_spy(monkeypatch) -> list[Path]:
    from reader.store import related_files

    loads: list[Path] = []
    real = related_files.load

    def load(folder):
        loads.append(folder)
        return real(folder)

    monkeypatch.setattr(related_files, "load", load)
    return loads


def test_a_page_whose_article_text_is_unchanged_keeps_its_row_and_is_not_linked_again(db_path, tmp_path, monkeypatch):
    """Only comments and votes moved: its fingerprint is the stored story's, so it is not
    fingerprinted nor linked again; the article text changed: it is."""
    r, by_name = imported(db_path)
    before = r.store.related_links()
    name = "000_96de06f45ee66ae5.txt"
    text = (SEEDS / name).read_text(encoding="utf-8")
    marker = "Login to leave a comment"
    (tmp_path / "later").mkdir()
    changed = tmp_path / "later" / name
    changed.write_text(text.replace(marker, "A new comment, later.\n\n3 ( +4 / -1 )\n\n" + marker, 1), encoding="utf-8")
    calls = _add_spy(monkeypatch)
    loads = _load_spy(monkeypatch)
    assert [x.status for x in r.import_pages([str(changed)])] == ["updated"]
    # nothing to link again: the index was not even loaded (which stories it links: related.json)
    assert calls == [] and loads == []
    assert r.store.related_links() == before
    # The article text changed: fingerprinted and linked again.
    first_para = next(p for p in r.store.article(r.story(by_name[name].id)).body if len(p) > 40)
    changed.write_text(text.replace(first_para, first_para + " A sentence added later to the article.", 1),
                       encoding="utf-8")
    assert [x.status for x in r.import_pages([str(changed)])] == ["updated"]
    assert calls[-1] == [by_name[name].key]


def test_a_story_merged_without_a_row_is_fingerprinted_from_its_document():
    from reader.search.fields import SearchPayload
    from reader.store.archive import _fingerprints
    from reader.store.records import PreparedStory, serialise

    d = {"title": "Tokyo Olympics budget", "body": ["The Tokyo Olympics budget grew again, Tokyo said."]}
    art = Article(title=d["title"], body=d["body"], file="k.txt", layout="generic")
    h, doc = serialise({**art.to_dict(internal=True), "key": "k"})
    prep = PreparedStory("k", doc, h, {}, SearchPayload.of(art), None, "base", doc)
    assert _fingerprints({"k": prep}, {"k": 0}) == []  # linked already: kept
    assert _fingerprints({"k": prep}, {}) == [("k", fingerprint_text(d["title"], d["body"]))]
    assert _fingerprints({"k": prep}, {})[0][1]  # (some words)


def test_a_related_index_of_another_fingerprint_version_is_made_again(db_path, monkeypatch):
    """Stories kept with their rows (unchanged text) must not keep fingerprints an older version
    made: its files are not taken; the next import links the archive again."""
    from reader.store import related_files

    imported(db_path)
    folder = db_path / "related"
    assert related_files.load(folder) is not None
    meta = json.loads((folder / "related.json").read_text())
    assert meta["fingerprint"] == related_files.FINGERPRINT_VERSION
    del meta["fingerprint"]  # as round 10 wrote it: taken as version 1
    (folder / "related.json").write_text(json.dumps(meta))
    assert related_files.load(folder) is not None
    monkeypatch.setattr(related_files, "FINGERPRINT_VERSION", 2)
    assert related_files.load(folder) is None

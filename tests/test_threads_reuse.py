"""A changed page reuses the threads of its stored earlier version: exactly what threading the
whole page gives (reader.parsing.threads.REUSE), and only when that holds."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.models import Comment
from reader.parsing.common import Votes
from reader.parsing.threads import REUSE, RawComment, Reuse, build_threads, threads_key

SENTENCES = [
    "The trains in Tokyo were late again this morning because of the snow",
    "Nobody expected the minister to resign over such a small budget issue",
    "Prices of rice have gone up by a third since the spring harvest",
    "I think the city should simply build more housing near the stations",
    "That is exactly what they said last year and nothing changed at all",
    "My neighbour grows tomatoes on her balcony every single summer",
    "The article does not mention who will pay for the new bridge",
    "Tourists keep coming back because the food here is so good",
    "Short one",
    "Agreed",
]
WRITERS = ["kurisupisu", "Speedy", "mist1", "ghost"]
TIMES = [None, "Today 07:12 am JST", "Yesterday 11:02 pm JST"]
ARTICLE = ["Snow delays trains in Tokyo", "The trains in Tokyo were late again this morning because of the snow.",
           "Officials said service would return to normal by the evening."]


@st.composite
def pages(draw: st.DrawFn) -> list[RawComment]:
    """Comments that quote, name and re-post each other (and the article) as real threads do."""
    out: list[RawComment] = []
    for _ in range(draw(st.integers(1, 10))):
        paras: list[str] = []
        kind = draw(st.sampled_from(["own", "own", "quote", "header", "revision", "article"]))
        earlier = [c for c in out if c.paragraphs]
        if kind == "quote" and earlier:
            paras.append(draw(st.sampled_from([p for c in earlier for p in c.paragraphs])))
        elif kind == "header" and earlier:
            target = draw(st.sampled_from(earlier))
            name = target.author or draw(st.sampled_from(WRITERS))  # (a writer the quoted comment lacks: it is given one)
            when = draw(st.sampled_from(TIMES))
            paras += [name + (when or ""), draw(st.sampled_from(target.paragraphs))]
        elif kind == "revision" and [c for c in earlier if len(c.paragraphs) >= 2]:
            paras += draw(st.sampled_from([c for c in earlier if len(c.paragraphs) >= 2])).paragraphs
        elif kind == "article":
            paras.append(ARTICLE[1])
        paras += draw(st.lists(st.sampled_from(SENTENCES), min_size=0 if paras else 1, max_size=2))
        votes = draw(st.one_of(st.none(), st.builds(lambda u, d: Votes(u - d, u, d), st.integers(0, 9), st.integers(0, 9))))
        out.append(RawComment(paras, votes, draw(st.sampled_from([None, *WRITERS])), draw(st.sampled_from(TIMES))))
    return out


def stored(comments: list[Comment]) -> list[Comment]:
    """Comments as the store gives them back (serialised and read again)."""
    return [Comment.from_dict(c.to_dict(internal=True)) for c in comments]


def offered(raw: list[RawComment], earlier: list[Comment], key: str, texts: list[str] = ARTICLE
            ) -> tuple[list[Comment], Reuse]:
    """build_threads(raw, texts), offered the `earlier` comments (as stored), built from what `key` says."""
    offer = Reuse(stored(earlier), key)
    token = REUSE.set(offer)
    try:
        return build_threads(raw, texts), offer
    finally:
        REUSE.reset(token)


def revote(raw: list[RawComment], k: int) -> list[RawComment]:
    """The page seen again: votes moved on the comments before `k`."""
    return [replace(rc, votes=Votes(9, 10, 1)) if i < k else rc for i, rc in enumerate(raw)]


def reused(monkeypatch) -> list[Reuse]:
    """The offers the importer makes from here on (the modules that thread comments may be
    compiled, so the spy sits in the importer, which is not): taken_by() says, per build, how
    many comments were taken from the earlier version."""
    from reader.importer import pipeline

    made: list[Reuse] = []
    real = pipeline.Reuse

    def spy(*args):
        made.append(real(*args))
        return made[-1]

    monkeypatch.setattr(pipeline, "Reuse", spy)
    return made


def taken_by(offers: list[Reuse]) -> list[int]:
    """How many earlier comments each build with an offer took (offers no build used: left out)."""
    return [o.taken for o in offers if o.taken is not None]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages(), st.data())
def test_reused_threads_are_what_threading_the_whole_page_gives(raw, data):
    m = data.draw(st.integers(0, len(raw)), label="comments in the earlier version")
    earlier = build_threads(raw[:m], ARTICLE)
    later = revote(raw, m)
    got, offer = offered(later, earlier, threads_key(ARTICLE, raw[:m]))
    assert got == build_threads(later, ARTICLE)
    assert offer.built_key == threads_key(ARTICLE, raw)  # (the votes are not part of it)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages(), st.data())
def test_an_earlier_version_that_does_not_fit_is_not_reused(raw, data):
    """A comment changed since, other article texts, or threads built from something else: the
    page is threaded whole, as if nothing were offered."""
    m = data.draw(st.integers(1, len(raw)), label="comments in the earlier version")
    earlier = build_threads(raw[:m], ARTICLE)
    key = threads_key(ARTICLE, raw[:m])
    changed = list(raw)
    i = data.draw(st.integers(0, m - 1), label="comment changed since")
    how = data.draw(st.sampled_from(["edited", "writer", "time"]), label="how")
    changed[i] = (replace(changed[i], paragraphs=[*changed[i].paragraphs, "An edit made later"]) if how == "edited"
                  else replace(changed[i], author=None if changed[i].author else "ghost") if how == "writer"
                  else replace(changed[i], posted=None if changed[i].posted else TIMES[1]))
    assert offered(changed, earlier, key)[0] == build_threads(changed, ARTICLE)
    other = [ARTICLE[0], "A different body altogether, about something else entirely."]
    assert offered(raw, earlier, key, other)[0] == build_threads(raw, other)
    assert offered(raw, earlier, "0" * 24)[0] == build_threads(raw, ARTICLE)


def test_the_comments_a_page_keeps_are_not_searched_again(monkeypatch):
    """The reuse is real: with the earlier version offered, only the new comments are looked at
    for quotes; the others keep their threads (a reply, a quote of the article)."""
    raw = [RawComment([SENTENCES[0], SENTENCES[1]], Votes(1, 1, 0), "mist1"),
           RawComment([SENTENCES[1], SENTENCES[3]], Votes(2, 2, 0), "Speedy"),
           RawComment([SENTENCES[2]], None)]
    earlier = build_threads(raw[:2], ARTICLE)
    assert earlier[1].parent == 1 and earlier[0].blocks[0].of == "article"
    later = revote(raw, 2)
    got, offer = offered(later, earlier, threads_key(ARTICLE, raw[:2]))
    assert offer.taken == 2  # (only the third was threaded: looked at for quotes)
    assert got == build_threads(later, ARTICLE)
    assert got[1].parent == 1 and (got[1].score, got[1].up, got[1].down) == (9, 10, 1)


def test_a_writer_a_header_gave_is_reused_only_for_the_same_comments(monkeypatch):
    """A quote header naming a comment with no writer gives it one. The next page with the same
    comments gives it that writer again (reused); a page where that comment now carries the
    writer's own line is threaded whole (from the second comment on it would differ)."""
    raw = [RawComment([SENTENCES[4]], None), RawComment(["ghost", SENTENCES[4], SENTENCES[5]], None, "mist1")]
    earlier = build_threads(raw, ARTICLE)
    assert earlier[0].author == "ghost" and earlier[1].parent == 1
    key = threads_key(ARTICLE, raw)
    same = [*raw, RawComment([SENTENCES[6]], None)]
    got, offer = offered(same, earlier, key)
    assert got == build_threads(same, ARTICLE) and offer.taken == 2
    own_line = [replace(raw[0], author="ghost"), raw[1], RawComment([SENTENCES[6]], None)]
    got, offer = offered(own_line, earlier, key)
    assert got == build_threads(own_line, ARTICLE) and offer.taken == 0


def test_a_page_seen_again_with_new_comments_reuses_the_stored_threads(tmp_path, monkeypatch):
    """End to end: the seed page with 19 comments quoting and naming each other, imported with
    its last four comments missing and votes moved, then as it is. The second import threads
    only the four new comments, and stores exactly what threading the whole page gives (a
    database that imported the page as it is, once)."""
    from reader.importer.pipeline import import_paths
    from reader.store import Store

    from apphelpers import SEED, chunks

    page = SEED.read_text(encoding="utf-8")
    head, parts = chunks(page)
    tail = parts.pop()
    then, now = tmp_path / "then", tmp_path / "now"
    then.mkdir()
    now.mkdir()
    (then / SEED.name).write_text(head + "".join(parts[:-4]) + tail, encoding="utf-8")
    (now / SEED.name).write_text(page, encoding="utf-8")
    store = Store(tmp_path / "db")
    import_paths(store, [then / SEED.name])
    offers = reused(monkeypatch)
    assert [r.status for r in import_paths(store, [now / SEED.name])] == ["updated"]
    assert taken_by(offers) == [len(parts) - 4]
    monkeypatch.undo()
    once = Store(tmp_path / "once")
    import_paths(once, [now / SEED.name])
    [(_, grown)], [(_, whole)] = list(store.iter_articles()), list(once.iter_articles())
    assert [(c.blocks, c.parent, c.revision_of, c.header, c.author, c.triple) for c in grown.comments] == [
        (c.blocks, c.parent, c.revision_of, c.header, c.author, c.triple) for c in whole.comments]
    # (a reused comment quotes; a new one answers the first comment, under a header naming its writer)
    assert any(b.quote for c in grown.comments[: len(parts) - 4] for b in c.blocks)
    assert [c.parent for c in grown.comments[len(parts) - 4:]] == [None, None, 1, None]


def _imported(tmp_path, versions: list[tuple[str, str | bytes]], *, reuse: bool, monkeypatch) -> list:
    """Import each (file name, content) in turn into a fresh database; the one story's comments.
    Without `reuse`, no earlier version is ever offered (every page threaded whole)."""
    from reader.importer.pipeline import import_paths
    from reader.store import Store
    from reader.store.archive import StoredCopies

    root = tmp_path / ("reuse" if reuse else "whole")
    store = Store(root / "db")
    with monkeypatch.context() as m:
        if not reuse:
            m.setattr(StoredCopies, "earlier", lambda self, name, tag: None)
        for i, (name, content) in enumerate(versions):
            f = root / str(i) / name
            f.parent.mkdir(parents=True)
            f.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
            assert [r.status for r in import_paths(store, [f])] in (["new"], ["updated"])
    [(_, story)] = list(store.iter_articles())
    return [(c.id, c.author, c.text, c.triple, c.parent, [(b.text, b.quote, b.of) for b in c.blocks], c.vh)
            for c in story.comments]


def test_a_page_that_reordered_its_comments_is_threaded_whole_next_time(tmp_path, monkeypatch):
    """A page showing the stored comments in another order (nothing new, nothing gone) keeps the
    stored ids, sorted; its threads are not the stored list's. The next page, with one comment
    more, must not pair the stored comments' threads with the page's votes (a review's repro:
    the scores of the first two were swapped)."""
    from apphelpers import SEED, chunks, revote

    head, parts = chunks(SEED.read_text(encoding="utf-8"))
    tail = parts.pop()
    p = [revote(x, 10 + i, 0) for i, x in enumerate(parts)]  # each comment its own votes
    versions = [(SEED.name, head + "".join(p[:5]) + tail),
                (SEED.name, head + p[1] + p[0] + "".join(p[2:5]) + tail),
                (SEED.name, head + p[1] + p[0] + "".join(p[2:6]) + tail)]
    got = _imported(tmp_path, versions, reuse=True, monkeypatch=monkeypatch)
    assert got == _imported(tmp_path, versions, reuse=False, monkeypatch=monkeypatch)
    assert [c[3][0] for c in got[:2]] == [10, 11]


def test_an_html_page_s_comments_are_not_reused(tmp_path, monkeypatch):
    """The HTML parser changes the threaded comments (a markup quote, the writer from the
    markup): they are not threading's to reuse. A review's repro: a reply quoting words the
    first comment had in a <blockquote> lost its parent."""
    head = (b"<html><head><title>Ferry news</title></head><body><article><h1>Ferry news</h1>"
            b"<p>The island council met on Tuesday to talk about the harbour and its budget for next year.</p>"
            b"<p>Officials said the new pier would open in the spring after some delays with contractors.</p>"
            b"</article><ol class=\"comment-list\">")

    def li(author: str, inner: str) -> bytes:
        return (f'<li class="comment"><cite class="fn">{author}</cite>'
                f'<div class="comment-content">{inner}</div></li>').encode()

    quoted = "Some words from a blog somewhere else that nobody here wrote themselves"
    first = li("alice", f"<blockquote><p>{quoted}</p></blockquote><p>My own reply text is this one here.</p>")
    second = li("bob", f"<p>{quoted}</p><p>Bob adds his own words here too for good measure.</p>")
    versions = [("p.html", head + first + b"</ol></body></html>"), ("p.html", head + first + second + b"</ol></body></html>")]
    offers = reused(monkeypatch)
    got = _imported(tmp_path, versions, reuse=True, monkeypatch=monkeypatch)
    assert got == _imported(tmp_path, versions, reuse=False, monkeypatch=monkeypatch)
    assert got[1][4] == 1 and offers and not any(o.taken for o in offers)  # (nothing reused, each time)

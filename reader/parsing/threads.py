"""Rebuild reply threads from a flat list of comments.

The page never marks replies. A reply starts by quoting an earlier comment's *own* words
(optionally under a header line naming that comment's writer); a comment that repeats a whole
earlier multi-paragraph comment is that writer's edited re-post (a revision); a paragraph that
quotes the article is an article quote. Everything here is iterative and uses bounded candidate
lists, so a page with 20,000 comments or a 5,000-deep reply chain costs linear-ish time.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from rapidfuzz import fuzz

from reader.models import Block, Comment
from reader.parsing.common import Votes
from reader.text import find_words

try:  # the trigram index in C: optional (setup.py); the same index in Python otherwise
    from reader._native import GramIndex
    from reader._native import norm_hashes as _c_norm_hashes

    NATIVE = True
except ImportError:  # pragma: no cover - a build without a C compiler
    NATIVE = False

_APOS = str.maketrans("", "", "'’‘`´")

# `kurisupisuToday  07:12 am JST`, `mist1 Yesterday 11:02 pm JST`, `bob Nov. 3 09:15 am JST`
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.?"
_WHEN = (
    rf"(?:Today|Yesterday|\d+\s+(?:minutes?|hours?|days?)\s+ago"
    rf"|{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
)
_AT = rf"{_WHEN}\s+\d{{1,2}}:\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s*JST)?"
# A writer's name may hold spaces ("Peter Neil"): at most four words of 40 characters in all.
_TIMED_HEADER = re.compile(rf"^(?P<author>\S{{1,40}}?|(?=.{{3,40}}(?<=\S)\s*{_WHEN}\b)\S+(?: \S+){{1,3}}?)\s*(?P<posted>{_AT})$")
_TIME_LINE = re.compile(rf"^{_AT}$")
_NAME_HEADER = re.compile(r"^[\w.\-@]{2,40}$")
_NAME_LINE = re.compile(r"^[\w.\-@!?*]+(?: [\w.\-@!?*]+){0,3}$")

MIN_QUOTE_WORDS = 4  # a quote with no header shorter than this is too likely a coincidence
MIN_FUZZY_WORDS = 6  # fuzzy (edited) quotes need more words still
FUZZY_CUTOFF = 95
SIMILAR_CUTOFF = 85
CANDIDATES_PER_GRAM = 64  # latest comments looked at per shingle: bounds 10,000 identical comments
LINEAR_WINDOW = 200
FUZZY_CANDIDATES = 4  # short quotes are looked for among this many latest comments


@dataclass(slots=True)
class RawComment:
    paragraphs: list[str]
    votes: Votes | None
    author: str | None = None  # from a username line above the comment (pages without vote lines)
    posted: str | None = None


_ELLIPSIS = re.compile(r"\.\.\.+|…|\[\.\.\.\]")


def _norm_words_py(text: str) -> list[str]:
    """Words only, case-folded, apostrophes dropped: robust to quotes, ellipses, NBSP, spacing.

    An ellipsis inside the text becomes the marker word ``_gap_`` so a quote that skips words
    can still be matched piece by piece. (`_native.norm_hashes` does the same in one pass in C
    without making a str per word: a big page's paragraphs spent most of their thread building here.)
    """
    text = text.casefold()
    if not text.isascii():
        text = text.translate(_APOS)
    elif "'" in text or "`" in text:  # (str.translate is slow with a table of non-ASCII characters)
        text = text.replace("'", "").replace("`", "")
    if "..." in text or "…" in text:
        text = _ELLIPSIS.sub(" _gap_ ", text)
    words = find_words(text)
    while words and words[0] == "_gap_":
        words.pop(0)
    while words and words[-1] == "_gap_":
        words.pop()
    return words


def norm_words(text: str) -> list[str]:
    """`_norm_words_py`, by the C tokeniser where it was compiled (its text, split)."""
    return _c_norm_hashes(text)[0].split() if NATIVE else _norm_words_py(text)


def _contains(src: str, para: str) -> bool:
    """Exact containment; the pieces of a quote with `...` gaps must appear in order."""
    if "_gap_" not in para:
        return f" {para} " in src
    pos = 0
    for piece in para.split(" _gap_ "):
        if not piece.strip():
            continue
        at = src.find(f" {piece.strip()} ", pos)
        if at < 0:
            return False
        pos = at + len(piece)
    return True


class _P:
    """A normalised paragraph with its words and shingles, computed once and shared.

    With the C helpers, the words are not made as str objects: the paragraph is its normalised
    text and its words' 64-bit hashes (`_native.norm_hashes`), which is all the C index needs;
    `words` is split from the text only where a caller asks for it."""

    __slots__ = ("_grams", "_words", "gapped", "hashes", "norm", "size")
    # (sampled_grams is cheap and used once per paragraph: not cached)

    def __init__(self, text: str) -> None:
        self._grams: set[tuple[str, ...]] | None = None
        if NATIVE:
            self.norm, self.hashes, self.size, self.gapped = _c_norm_hashes(text)
            self._words: list[str] | None = None
            return
        words = self._words = _norm_words_py(text)
        norm = self.norm = " ".join(words)
        self.gapped = "_gap_" in norm  # some word may be the gap marker
        self.size = len(words) - words.count("_gap_") if self.gapped else len(words)
        self.hashes = b""

    @property
    def words(self) -> list[str]:
        if self._words is None:
            self._words = self.norm.split()
        return self._words

    @property
    def opening(self) -> bytes | tuple[str, ...]:
        """The paragraph's first four words, as a key: their hashes where the C helpers made them
        (splitting the text into str words for this was ~5% of a page's thread building)."""
        return self.hashes[:32] if NATIVE else tuple(self.words[:4])

    @property
    def grams(self) -> set[tuple[str, ...]]:
        if self._grams is None:
            w = self.words
            grams: set[tuple[str, ...]] = set(zip(w, w[1:], w[2:], strict=False))
            self._grams = {g for g in grams if "_gap_" not in g} if self.gapped else grams
        return self._grams

    @property
    def sampled_grams(self) -> set[tuple[str, ...]]:
        """Shingles starting at even word positions: half the index, and any run of four or more
        quoted words still contains one of them, so no quote of MIN_QUOTE_WORDS is missed."""
        w = self.words
        grams: set[tuple[str, ...]] = set(zip(w[0::2], w[1::2], w[2::2], strict=False))
        return {g for g in grams if "_gap_" not in g} if self.gapped else grams


class _PyGrams:
    """Word-trigram postings in Python: a trigram's posting is the one source holding it (an int:
    most trigrams occur once) or the list of them in order, so a source's new trigrams are indexed
    by dict operations in C and only the repeated ones by a Python loop. (`_native.GramIndex`
    is the same index in C, used when it was compiled.)"""

    __slots__ = ("postings",)

    def __init__(self) -> None:
        self.postings: dict[tuple[str, ...], int | list[int]] = {}

    def add(self, key: int, paragraphs: list[_P]) -> None:
        postings = self.postings
        grams = set().union(*(p.sampled_grams for p in paragraphs))
        seen = postings.keys() & grams
        postings.update(dict.fromkeys(grams - seen if seen else grams, key))
        for g in seen:
            post = postings[g]
            if isinstance(post, int):
                postings[g] = [post, key]
            else:
                post.append(key)

    def shares(self, p: _P) -> bool:
        """Does any trigram of the paragraph occur in the index? (No, in the common case: decided in C.)"""
        return not self.postings.keys().isdisjoint(p.grams)

    def candidates(self, p: _P) -> tuple[list[int], list[int]] | None:
        """Sources sharing enough of the paragraph's word-trigrams, latest first, and the few
        sharing most of them (worth a fuzzy match); None when none shares any."""
        grams = p.grams
        postings = self.postings
        if postings.keys().isdisjoint(grams):
            return None
        shared = postings.keys() & grams
        # Shingles shared by many comments say little (and would make this quadratic):
        # count only the rare ones; if all are common, look at the latest few of each.
        rare: list[int] = []  # the sources of the rare shingles, one entry per shingle and source
        n_rare = 0
        common: list[list[int]] = []
        for g in shared:
            post = postings[g]
            if isinstance(post, int):
                rare.append(post)
                n_rare += 1
            elif len(post) <= CANDIDATES_PER_GRAM:
                rare += post
                n_rare += 1
            else:
                common.append(post)
        counts = Counter(rare) if n_rare else Counter(k for post in common for k in post[-8:])
        pool = n_rare or len(common)
        need = max(1, int(pool * 0.4))
        candidates = sorted((k for k, c in counts.items() if c >= need), reverse=True)
        # Fuzzy matching is costly: only for sources sharing most of the paragraph's shingles.
        strong = max(1, int(len(grams) * 0.6))
        return candidates, [k for k in candidates if counts[k] >= min(strong, pool)][:FUZZY_CANDIDATES]


class _CGrams:
    """The same index in C (`_native.c`): trigrams keyed by a mix of their words' hashes (from
    norm_hashes), no tuple made per trigram."""

    __slots__ = ("index",)

    def __init__(self) -> None:
        self.index = GramIndex()

    def add(self, key: int, paragraphs: list[_P]) -> None:
        self.index.add(key, [p.hashes for p in paragraphs])

    def shares(self, p: _P) -> bool:
        return self.index.shares(p.hashes)

    def candidates(self, p: _P) -> tuple[list[int], list[int]] | None:
        return self.index.candidates(p.hashes)


Grams = _PyGrams | _CGrams
GRAMS: type[_PyGrams] | type[_CGrams] = _CGrams if NATIVE else _PyGrams  # the tests try both


class _Corpus:
    """Own words of earlier comments (or the article), indexed by word trigrams."""

    def __init__(self) -> None:
        self.text: dict[int, str] = {}
        self.grams: Grams = GRAMS()
        self.order: list[int] = []

    def add(self, key: int, paragraphs: list[_P]) -> None:
        joined = " ".join([p.norm for p in paragraphs if p.norm])
        if not joined:
            return
        self.text[key] = f" {joined} "
        self.order.append(key)
        self.grams.add(key, paragraphs)

    def find(self, p: _P, *, min_words: int, exclude: set[int] | frozenset[int] = frozenset()) -> int | None:
        """The latest source whose words contain paragraph `p` (exactly, or fuzzily when long)."""
        n = p.size
        if not n or n < min_words or not self.order:
            return None
        para = p.norm
        if n >= 5:  # four grams or more: at least one was sampled into the index
            found = self.grams.candidates(p)
            if found is None:
                return None
            candidates, fuzzy = found
        else:
            candidates, fuzzy = list(reversed(self.order[-LINEAR_WINDOW:])), []
        for key in candidates:
            if key not in exclude and _contains(self.text[key], para):
                return key
        if n >= MIN_FUZZY_WORDS:
            for key in fuzzy:
                src = self.text[key]
                if (key not in exclude and len(para) <= len(src) * 1.15 + 8
                        and fuzz.partial_ratio(para, src[:20000], score_cutoff=FUZZY_CUTOFF)):
                    return key
        return None


class _LazyCorpus:
    """The article's words, indexed only if some comment needs to be checked against them."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.corpus: _Corpus | None = None

    def _built(self) -> _Corpus:
        if self.corpus is None:
            self.corpus = _Corpus()
            for i, t in enumerate(self.texts):
                self.corpus.add(i, [_P(t)])
        return self.corpus

    def shares(self, p: _P) -> bool:
        """Does some paragraph of the article hold one of the paragraph's (sampled) word trigrams?"""
        return self._built().grams.shares(p)

    def find(self, p: _P, *, min_words: int) -> int | None:
        if p.size < min_words:
            return None
        return self._built().find(p, min_words=min_words)


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 10 and long_.startswith(short):
        return True  # a truncated paragraph
    return fuzz.ratio(a, b, score_cutoff=SIMILAR_CUTOFF) > 0


def writer_header(para: str) -> tuple[str, str | None] | None:
    """(author, time) from `nameToday 07:12 am JST`, (name, None) from `name`; else None."""
    if ":" in para:  # a timed header has a time; a name has no colon
        if len(para) <= 90 and (m := _TIMED_HEADER.match(para)):
            return m.group("author"), " ".join(m.group("posted").split())
        return None
    if len(para) <= 40 and _NAME_HEADER.match(para) and para[-1] not in ".!?":
        return para, None
    return None


def is_time_line(line: str) -> bool:
    """`Today  09:14 am JST` alone on its line (a comment's time, under its writer's name)."""
    return len(line) <= 40 and ":" in line and _TIME_LINE.match(line) is not None


def is_writer_line(line: str) -> bool:
    """A writer's name on its line (`Aly Rustom`, `Fighto!`): at most four words of 40 characters."""
    return len(line) <= 40 and _NAME_LINE.match(line) is not None


def own_writer(paras: list[str]) -> tuple[str | None, str | None, list[str]]:
    """A comment's own writer and time from the lines above its words (`Speedy` over
    `Today 09:14 am JST`, or the time alone), and the paragraphs after them."""
    if len(paras) >= 3 and is_time_line(paras[1]) and is_writer_line(paras[0]):
        return paras[0], " ".join(paras[1].split()), paras[2:]
    if len(paras) >= 2 and len(paras[0]) <= 40 and ":" in paras[0] and _TIME_LINE.match(paras[0]):
        return None, " ".join(paras[0].split()), paras[1:]
    return None, None, paras


Header = tuple[str, str | None]  # (author, when posted) from a quote-header line


def _quote_header(paras: list[str], ps: list[_P], own: _Corpus, comments: list[Comment],
                  by_author: dict[str, list[int]]) -> tuple[Header | None, int | None]:
    """A quote header (`name` or `nameToday 07:12 am JST` above a quote of that writer), and the
    comment it names: that writer's (at that time) holding the quote, or else the latest
    comment holding it."""
    header = writer_header(paras[0]) if len(paras) >= 2 else None
    if header is None:
        return None, None
    header_of = _named_by(header, ps[1], own, comments, by_author)
    if header_of is None:
        header_of = own.find(ps[1], min_words=1)
    if header_of is None and (header[1] is None or " " in header[0]):
        return None, None  # a one-word paragraph of the writer's own (or words before a time), not a header
    return header, header_of


def _named_by(header: Header, quote: _P, own: _Corpus, comments: list[Comment],
              by_author: dict[str, list[int]]) -> int | None:
    """The comment a header names by its writer and time (`HiroYesterday 06:38 pm JST`): of that
    writer's latest comments, the one that holds the quote; the one posted at that time if
    none holds it exactly (an edited quote)."""
    author, when = header
    ids = by_author.get(author, [])[-64:]
    mine = [c for c in (comments[i - 1] for i in reversed(ids)) if when is None or c.posted in (None, when)][:16]
    for c in mine:
        if quote.norm and _contains(own.text.get(c.id, ""), quote.norm):
            return c.id
    timed = [c for c in mine if when is not None and c.posted == when]
    return timed[0].id if len(timed) == 1 else None


def _quote_blocks(paras: list[str], normed: list[str], ps: list[_P], header_of: int | str | None,
                  exclude: set[int], own: _Corpus, article: _LazyCorpus) -> list[Block]:
    """The comment's paragraphs as blocks: its own words, or quotes of an earlier comment or the
    article. `header_of` is what a quote header named (the first paragraph quotes it)."""
    blocks: list[Block] = []
    prev_of: int | str | None = None
    for k, (p, n, pp) in enumerate(zip(paras, normed, ps, strict=False)):
        of: int | str | None = None
        if k == 0 and header_of is not None:
            of = header_of
        elif isinstance(prev_of, int) and prev_of not in exclude and n and _contains(own.text.get(prev_of, ""), n):
            of = prev_of  # a quote continuing over several paragraphs
        elif pp.size < MIN_QUOTE_WORDS or (
                pp.size >= 5 and not own.grams.shares(pp) and not article.shares(pp)):
            pass  # too short to be a quote, or shares no three words with any source (the common case)
        else:
            of = own.find(pp, min_words=MIN_QUOTE_WORDS, exclude=exclude)
            if of is None and article.find(pp, min_words=MIN_QUOTE_WORDS) is not None:
                of = "article"
        if of is None:
            blocks.append(Block(p))
        else:
            blocks.append(Block(p, True, of if isinstance(of, int) else "article" if of == "article" else None))
        prev_of = of
    return blocks


class Reuse:
    """What the importer offers build_threads, for a changed page of a stored story: the threads
    its earlier version was built into (`comments`: ids 1..n in page order, by this same code)
    and the key of what they were built from (threads_key). build_threads leaves in `built_key`
    the key of what it was given (stored with the story, for the next import), and in `taken`
    how many of the earlier comments it took as they were (the others were threaded anew)."""

    __slots__ = ("built", "built_key", "comments", "key", "taken")

    def __init__(self, comments: list[Comment] | None = None, key: str | None = None) -> None:
        self.comments, self.key = comments, key
        self.built_key: str | None = None
        self.taken: int | None = None  # (None: no comments were built with this offer)
        self.built: list[Comment] | None = None  # the list build_threads returned with built_key


@contextmanager
def no_reuse() -> Iterator[None]:
    """build_threads offered nothing and leaving no key: for a parser that changes the threaded
    comments afterwards (what it stores is then not what threading built; the importer keeps
    a key only for the very list a build with an offer returned)."""
    token = REUSE.set(None)
    try:
        yield
    finally:
        REUSE.reset(token)


# Set by the importer around parsing one page (reader.importer.pipeline); None elsewhere.
REUSE: ContextVar[Reuse | None] = ContextVar("reader_threads_reuse", default=None)


def threads_key(texts: list[str], raw: list[RawComment]) -> str:
    """A digest of all that threading comments depends on: the article texts, and each
    comment's writer, time and paragraphs (not its votes), in order."""
    return _keyed(texts, raw).hexdigest()


def _keyed(texts: list[str], raw: list[RawComment]) -> hashlib.blake2b:
    """threads_key's digest, open: more comments may be fed to it (_comments_bytes)."""
    h = hashlib.blake2b(_texts_bytes(texts), digest_size=12)
    h.update(_comments_bytes(raw))
    return h


# What threads_key digests (control characters never reach page text: sanitising removes them).
def _texts_bytes(texts: list[str]) -> bytes:
    return ("\x00".join(texts) + "\x02").encode("utf-8", "surrogatepass")


def _comments_bytes(raw: list[RawComment]) -> bytes:
    """Each comment as its writer, time (\\x01: none) and paragraphs, ended by \\x03: the bytes of
    several comments are those of each, one after another."""
    return "".join(["\x00".join([rc.author if rc.author is not None else "\x01",
                                 rc.posted if rc.posted is not None else "\x01", *rc.paragraphs]) + "\x03"
                    for rc in raw]).encode("utf-8", "surrogatepass")


def _offered(raw: list[RawComment], article_texts: list[str]) -> list[Comment]:
    """The earlier version's threaded comments (REUSE), as the page's (copies, with its votes),
    when the page starts with exactly the comments they were built from: the same article
    texts and the same comments, writers, times and words, in the same order (votes may
    differ). Else [].

    Threading is deterministic, and a comment is threaded by the comments before it only (a
    quote header may give an earlier comment with no writer one: that too is the same when
    the comments are). So those comments are threaded as before: only the new ones below
    them are threaded, against the state the earlier ones leave."""
    offer = REUSE.get()
    if offer is None:
        return []
    earlier = offer.comments or []
    n = len(earlier)
    h = _keyed(article_texts, raw[:n])  # (the first n comments' key, then all's)
    fits = bool(n) and len(raw) >= n and offer.key is not None and h.hexdigest() == offer.key
    h.update(_comments_bytes(raw[n:]))
    offer.built_key = h.hexdigest()
    if not fits or not all(c.id == i and c.removed is None and _words(c) == rc.paragraphs
                           for i, (c, rc) in enumerate(zip(earlier, raw, strict=False), start=1)):
        offer.taken = 0
        return []  # (the words too: a stored story whose key went with other comments is not reused)
    offer.taken = n
    return [_again(old, rc) for old, rc in zip(earlier, raw, strict=False)]


def _words(c: Comment) -> list[str]:
    """The paragraphs a threaded comment was made from."""
    return [c.header, *(b.text for b in c.blocks)] if c.header is not None else [b.text for b in c.blocks]


def _again(old: Comment, rc: RawComment) -> Comment:
    """A reused comment, threaded as before, with the page's votes (a copy: the earlier
    version's comment is the stored story's, which a merge reads)."""
    c = Comment(id=old.id, blocks=[Block(b.text, b.quote, b.of) for b in old.blocks], author=old.author,
                posted=old.posted, parent=old.parent, revision_of=old.revision_of, header=old.header)
    if rc.votes is not None:
        c.score, c.up, c.down = rc.votes.score, rc.votes.up, rc.votes.down
    return c


def _replay(comments: list[Comment], own: _Corpus, all_paras: dict[int, list[str]],
            by_opening: dict[bytes | tuple[str, ...], list[int]], family_root: dict[int, int],
            family: dict[int, list[int]], by_author: dict[str, list[int]]) -> None:
    """The state build_threads's loop leaves after `comments` (reused, none the last), made with
    its steps but without its searches."""
    for idx, c in enumerate(comments, start=1):
        family_root[idx] = idx
        family[idx].append(idx)
        if c.revision_of is not None:
            root = family_root[c.revision_of]
            family_root[idx] = root
            family[root].append(idx)
        ps = [_P(b.text) for b in c.blocks]
        if c.author:
            by_author[c.author].append(idx)
        own.add(idx, [pp for b, pp in zip(c.blocks, ps, strict=False) if not b.quote])
        all_paras[idx] = normed = [p.norm for p in ps]
        if normed and normed[0]:
            by_opening[ps[0].opening].append(idx)


def build_threads(raw: list[RawComment], article_texts: list[str]) -> list[Comment]:
    """Turn raw comments into Comments with quotes, parents, revisions and authors.

    A changed page of a stored story usually keeps the earlier version's comments and adds new
    ones under them: those are taken as they were threaded (REUSE, _offered), and only the new
    ones are threaded, against them."""
    comments = _threaded(raw, article_texts)
    if (offer := REUSE.get()) is not None:
        offer.built = comments  # (what the key is of: the importer keeps it only for these comments)
    return comments


def _threaded(raw: list[RawComment], article_texts: list[str]) -> list[Comment]:
    if not raw:
        return []
    article = _LazyCorpus(article_texts)
    own = _Corpus()
    comments = _offered(raw, article_texts)  # the comments reused from the earlier version, if any
    all_paras: dict[int, list[str]] = {}  # every paragraph (normalised), for revision checks
    by_opening: dict[bytes | tuple[str, ...], list[int]] = defaultdict(list)  # first words -> comments
    family_root: dict[int, int] = {}  # comment -> the original it (indirectly) revises
    family: dict[int, list[int]] = defaultdict(list)  # original -> itself and all its revisions
    by_author: dict[str, list[int]] = defaultdict(list)  # writer -> their comments, in order

    if comments and len(raw) > len(comments):  # the comments after them are threaded against the state they left
        _replay(comments, own, all_paras, by_opening, family_root, family, by_author)

    for idx, rc in enumerate(raw[len(comments):], start=len(comments) + 1):
        family_root[idx] = idx
        family[idx].append(idx)
        paras = list(rc.paragraphs)
        ps = [_P(p) for p in paras]
        normed = [p.norm for p in ps]
        comment = Comment(id=idx, blocks=[], score=None, up=None, down=None, author=rc.author, posted=rc.posted)
        if rc.votes is not None:
            comment.score, comment.up, comment.down = rc.votes.score, rc.votes.up, rc.votes.down

        # 1. A quote header names the writer of the quote under it.
        header, header_of = _quote_header(paras, ps, own, comments, by_author)
        if header is not None:
            comment.header = paras[0]
            paras, normed, ps = paras[1:], normed[1:], ps[1:]

        # 2. A revision: repeats all of an earlier multi-paragraph comment, in order.
        revision_of = None if header is not None else _find_revision(normed, ps, all_paras, by_opening)
        # A revision's words are its original's: never a quote of that family of re-posts.
        exclude: set[int] = set()
        if revision_of is not None:
            root = family_root[revision_of]
            family_root[idx] = root
            family[root].append(idx)
            exclude = set(family[root])
        comment.revision_of = revision_of

        # 3. Quotes, paragraph by paragraph.
        named: int | str | None = None if header is None else header_of if header_of is not None else "unknown"
        blocks = _quote_blocks(paras, normed, ps, named, exclude, own, article)
        # A comment made only of earlier comments' words is a repost, not a reply.
        if header is None and blocks and all(b.quote and isinstance(b.of, int) for b in blocks):
            blocks = [Block(b.text) for b in blocks]

        comment.blocks = blocks
        quoted = [b.of for b in blocks if b.quote and isinstance(b.of, int)]
        if header is not None and header_of is not None:
            comment.parent = header_of  # a header names whom the reply answers: better evidence than a later quote
            target = comments[header_of - 1]
            if target.author is None:
                target.author, target.posted = header[0], header[1]
                bisect.insort(by_author[header[0]], header_of)
        elif quoted:
            comment.parent = max(quoted)
        comments.append(comment)
        if comment.author:
            by_author[comment.author].append(idx)

        if idx < len(raw):  # the last comment is quoted by none
            own.add(idx, [pp for b, pp in zip(blocks, ps, strict=False) if not b.quote])
        all_paras[idx] = normed
        if normed and normed[0]:
            by_opening[ps[0].opening].append(idx)
    return comments


def _find_revision(normed: list[str], ps: list[_P], all_paras: dict[int, list[str]],
                   by_opening: dict[bytes | tuple[str, ...], list[int]]) -> int | None:
    if len(normed) < 2 or not normed[0]:
        return None
    for cid in reversed(by_opening.get(ps[0].opening, [])[-CANDIDATES_PER_GRAM:]):
        earlier = all_paras[cid]
        if len(earlier) < 2 or len(earlier) > len(normed) or not _similar(earlier[0], normed[0]):
            continue
        j = 1
        for p in normed[1:]:
            if j < len(earlier) and _similar(earlier[j], p):
                j += 1
        if j == len(earlier):
            return cid
    return None

"""Search: fuzzy, as-you-type search over titles, bodies and comments (pure: no Textual).

    fields.py    what of a story is searchable, its terms and its text blob; locating words in it
    hits.py      a search hit and its snippet (no numpy: the CLI and the UI draw hits from here)
    segments.py  the vocabulary and one immutable index segment (numpy arrays, a text blob)
    ondisk.py    the index on disk: writing, merging, rebuilding and loading segments
    engine.py    the query engine: words -> vocabulary -> postings -> ranked hits

Documents are never scored whole (long text is slow to score fuzzily). Each query word is
matched against the *vocabulary* of distinct words: exactly, as a prefix (the word being
typed) or fuzzily (typos). Postings of the matching words give the stories that contain them;
stories must match every query word. Only the top stories are then opened (their text is kept
in a flat blob beside the postings) to say where they matched and to cut a snippet.

This package's modules are imported by name (`reader.search.engine`): importing the package
loads nothing, so `reader list` and the app's first paint never pay for numpy or rapidfuzz.
"""

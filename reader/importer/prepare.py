"""Making a parsed page ready to store: all the costly work, done where the page was parsed."""

from __future__ import annotations

from reader.models import Article
from reader.related import fingerprint
from reader.search.fields import SearchPayload
from reader.store.archive import StoredCopies
from reader.store.records import PreparedStory, index_record, serialise


def prepare(article: Article, copies: StoredCopies | None = None, threads: str | None = None) -> PreparedStory:
    """Serialise the story, hash it, make its index record, its search terms and its fingerprint
    (in a worker). A changed page of a stored story (`copies`: the stories stored when the import
    began) is folded into that story here too, its search terms made once, for the merged story.
    `threads`: the page's threads tag (importer.pipeline), kept in the document as `tb`."""
    stored = article.to_dict(internal=True)
    if threads is not None:
        stored["tb"] = threads
    digest, doc = serialise(stored)
    key = stored["key"]
    if copies is not None and (got := copies.merge(key, article, digest, threads)) is not None:
        body, record, merged, base, same_text = got
        # (merging changes the comments only: the fingerprint is of the title and article text)
        related = None if same_text else fingerprint(article)
        return PreparedStory(key, body, digest, record, SearchPayload.of(merged), related, base, doc)
    return PreparedStory(key, doc, digest, index_record(article, key), SearchPayload.of(article), fingerprint(article))

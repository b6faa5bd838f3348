"""Making a parsed page ready to store: all the costly work, done where the page was parsed."""

from __future__ import annotations

from reader.models import Article
from reader.related import fingerprint
from reader.search.fields import SearchPayload
from reader.store.records import PreparedStory, index_record, serialise


def prepare(article: Article) -> PreparedStory:
    """Serialise the story, hash it, make its index record, its search terms and its fingerprint
    (in a worker)."""
    stored = article.to_dict(internal=True)
    digest, doc = serialise(stored)
    key = stored["key"]
    return PreparedStory(key, doc, digest, index_record(article, key), SearchPayload.of(article),
                         fingerprint(article))

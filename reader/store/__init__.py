"""The archive on TinyDB: files and atomic writes, stories, user state, migrations, repair.

    files.py       TinyDB on an atomic orjson storage; damaged files detected on read
    records.py     what is stored per story (index record, stored document, import results)
    archive.py     Store: reading and writing the archive, user state, settings, the head cache
    migrations.py  older schemas brought forward
    repair.py      doctor: health checks, rebuilding the index from the page files
"""

from reader.errors import StoreError
from reader.store.archive import Store
from reader.store.records import ImportResult, PreparedStory

__all__ = ["ImportResult", "PreparedStory", "Store", "StoreError"]

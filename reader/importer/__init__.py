"""Getting pages in: finding page files, parsing them on every core, storing them in batches.

    pipeline.py  find pages, parse them in worker processes, store them in transactions
    prepare.py   a parsed page made ready to store (serialised, hashed, search terms)
    seeding.py   the bundled demo pages a new database starts with
"""

from reader.importer.pipeline import import_paths
from reader.importer.seeding import seed_if_new

__all__ = ["import_paths", "seed_if_new"]

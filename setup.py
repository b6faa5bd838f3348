"""Only the optional C part (everything else is in pyproject.toml): reader/_native.c, the
tokenisers of the thread builder and the search terms, and the thread builder's trigram index.

`optional=True`: where it cannot be compiled (no C compiler), reader installs without it and
does the same work in Python (reader/parsing/threads.py, reader/search/fields.py), slower."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("reader._native", ["reader/_native.c"], optional=True)])

"""Only the optional C part of the thread builder (everything else is in pyproject.toml).

`optional=True`: where it cannot be compiled (no C compiler), reader installs without it and
builds threads with the same index in Python (reader/parsing/threads.py), slower."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("reader.parsing._gramindex", ["reader/parsing/_gramindex.c"], optional=True)])

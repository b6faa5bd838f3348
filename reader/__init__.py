"""reader: a calm, keyboard-first terminal news reader with threaded comments."""

__version__ = "0.1.0"

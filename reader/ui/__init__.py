"""The Textual app: the only part of reader that imports Textual."""

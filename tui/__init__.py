"""paperdeck: a terminal reader for daily machine-learning paper digests, with spaced review."""

__version__ = "0.1.0"

"""The user's state: the TinyDB store, the review log, the writer thread, the file and its lock."""

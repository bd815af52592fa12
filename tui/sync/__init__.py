"""Sync through a folder that a sync tool keeps: each machine writes only its own files."""

"""Screens: the reader, and the dialogs and sessions that sit on top of it."""

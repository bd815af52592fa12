"""Spaced review: the deck on fsrs, the review day, sessions and stats."""

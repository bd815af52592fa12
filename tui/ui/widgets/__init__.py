"""The reader's widgets: each owns its CSS and talks to the rest by messages."""

"""The Textual layer: the app, its screens and widgets. The only part of paperdeck that imports Textual."""

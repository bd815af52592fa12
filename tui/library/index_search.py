"""Finding papers by their text through the library index's FTS5 table.

The `search` table holds each paper's search text already case-folded (`model.search_text`),
under the `trigram` tokenizer with `case_sensitive 1`: the tokenizer folds nothing more, and
a quoted needle of three characters or more matches exactly the texts that hold it as a
substring, which is the `/` filter's rule for every script, Korean included. A needle of
one or two characters has no trigram to look up: it is checked by `instr` on the texts of
the papers the longer needles found, or, when there are none, on every text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.library.index import LibraryIndex

# The shortest needle the trigram index can look up.
TRIGRAM = 3


def fts_phrase(needle: str) -> str:
    """A needle as an FTS5 string: in double quotes, each of its own doubled."""
    return '"' + needle.replace('"', '""') + '"'


class IndexSearch:
    """The `TextSearch` of an indexed library."""

    def __init__(self, index: LibraryIndex) -> None:
        self._index = index

    def papers_with(self, needles: tuple[str, ...]) -> set[str]:
        """The ids of the papers whose search text holds every needle (each already case-folded)."""
        long = [needle for needle in needles if len(needle) >= TRIGRAM]
        short = [needle for needle in needles if 0 < len(needle) < TRIGRAM]
        conditions, parameters = [], []
        if long:
            conditions.append("search MATCH ?")
            parameters.append(" AND ".join(map(fts_phrase, long)))
        for needle in short:
            conditions.append("instr(search.text, ?) > 0")
            parameters.append(needle)
        if not conditions:
            conditions.append("1")
        sql = "SELECT p.id FROM search JOIN papers p ON p.number = search.rowid WHERE " + " AND ".join(conditions)
        return {paper_id for (paper_id,) in self._index.connection().execute(sql, parameters)}

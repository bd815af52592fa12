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

from tui.library.records import PAPERS
from tui.model import search_text

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
        self._ids: dict[int, str] | None = None  # paper number -> id, read on the first search

    def papers_with(self, needles: tuple[str, ...]) -> set[str]:
        """The ids of the papers whose search text holds every needle (each already case-folded)."""
        db = self._index.connection()
        ids = self._ids
        if ids is None:
            # Numbers rather than a join with the papers: a common word finds most of them, and
            # looking each one up would cost three times the search.
            ids = self._ids = dict(db.execute("SELECT number, id FROM papers"))
        long = [needle for needle in needles if len(needle) >= TRIGRAM]
        short = [needle for needle in needles if 0 < len(needle) < TRIGRAM]
        conditions, parameters = [], []
        if long:
            conditions.append("search MATCH ?")
            parameters.append(" AND ".join(map(fts_phrase, long)))
        for needle in short:
            conditions.append("instr(text, ?) > 0")
            parameters.append(needle)
        sql = "SELECT rowid FROM search WHERE " + (" AND ".join(conditions) or "1")
        found = {ids[number] for (number,) in db.execute(sql, parameters) if number in ids}
        # Papers of a big change whose texts are not in the search table yet: looked at one by one.
        for paper_id, record in db.execute(_UNSEARCHED):
            text = search_text(PAPERS.loads(record))
            if all(needle in text for needle in needles):
                found.add(paper_id)
        return found


_UNSEARCHED = "SELECT p.id, p.record FROM unsearched u JOIN papers p ON p.number = u.number"

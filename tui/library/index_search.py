"""Finding papers by their text through the library index's FTS5 table.

The `search` table holds each paper's search text already case-folded (`model.search_text`),
under the `trigram` tokenizer with `case_sensitive 1`: the tokenizer folds nothing more, and
a quoted needle of three characters or more matches exactly the texts that hold it as a
substring, which is the `/` filter's rule for every script, Korean included. A needle of
one or two characters has no trigram to look up: it is checked by `instr` on the texts of
the papers the longer needles found, or, when there are none, on every text.
"""

from __future__ import annotations

from tui.library.index import LibraryIndex
from tui.library.records import DAMAGE, PAPERS
from tui.model import search_text

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
        """The ids of the papers whose search text holds every needle (each already case-folded).

        A damaged index finds nothing (and is rebuilt at the next refresh of the library)."""
        try:
            return self._papers_with(needles)
        except DAMAGE as exc:
            self._index.note_damage(exc)
            return set()

    def _papers_with(self, needles: tuple[str, ...]) -> set[str]:
        db = self._index.connection()
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
        # One read transaction: a batch of search texts filled in between the two queries would
        # otherwise be in neither.
        db.execute("BEGIN")
        try:
            numbers = [number for (number,) in db.execute(sql, parameters)]
            # Papers of a big change whose texts are not in the search table yet: looked at one by one.
            waiting = db.execute(_UNSEARCHED).fetchall()
        finally:
            db.execute("COMMIT")
        found = self._ids_of(numbers)
        for paper_id, record in waiting:
            text = search_text(PAPERS.loads(record))
            if all(needle in text for needle in needles):
                found.add(paper_id)
        return found

    def prepare(self) -> None:
        """Reads the map of every paper's number to its id, which a search finding many uses."""
        try:
            if self._ids is None:
                self._ids = dict(self._index.connection().execute("SELECT number, id FROM papers"))
        except DAMAGE as exc:
            self._index.note_damage(exc)

    def _ids_of(self, numbers: list[int]) -> set[str]:
        """The ids of papers by number: looked up for a few, from a map of all of them for many
        (a common word finds most papers, and a lookup each costs three times the search)."""
        ids = self._ids
        if ids is None and len(numbers) > MAP_FROM:
            ids = self._ids = dict(self._index.connection().execute("SELECT number, id FROM papers"))
        if ids is not None:
            return {ids[number] for number in numbers if number in ids}
        found: set[str] = set()
        db = self._index.connection()
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                paper_id for (paper_id,) in db.execute(f"SELECT id FROM papers WHERE number IN ({marks})", chunk)
            )
        return found


# From this many papers found, their ids come from a map of every paper's number (made once).
MAP_FROM = 20_000
_UNSEARCHED = "SELECT p.id, p.record FROM unsearched u JOIN papers p ON p.number = u.number"

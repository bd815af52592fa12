"""The papers' features in the library index: read for the for-you order, and searched for
the papers most like one.

`terms` is an FTS5 table of each paper's features (`features.feature_text`), one token each,
so that SQLite keeps an inverted index of them: the papers like one are those sharing its
rarest features, ranked by BM25 (`terms MATCH 'a OR b OR ...' ORDER BY rank`), a few
milliseconds at 100,000 papers because rare features have short posting lists. Which of a
paper's features are rare is read from `term_counts`, counted from the table's own
vocabulary (`fts5vocab`) when the library has grown by a twentieth since the last count;
counting is one statement of SQLite's, a second or so at 100,000 papers, done in the
background after the full-text tables are filled. A count a little old picks much the same
features.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tui.library.features import CANDIDATES, features_of, likeness_weights, most_alike
from tui.library.index import LibraryIndex
from tui.library.index_search import fts_phrase
from tui.library.records import DAMAGE, PAPERS

# Counted again once the library has this share more (or fewer) papers than when last counted.
RECOUNT_SHARE = 0.05
# Ids looked up per query (SQLite allows 32,766 parameters).
_CHUNK = 900


class IndexTerms:
    """The `FeatureSource` of an indexed library (see `merge.Library.features`)."""

    def __init__(self, index: LibraryIndex) -> None:
        self._index = index

    def features(self, paper_ids: Iterable[str] | None = None) -> dict[str, frozenset[str]]:
        """The features of these papers (of every paper for None), by id; those whose row a big
        change has not filled in yet are worked out from their records."""
        try:
            return self._features(paper_ids)
        except DAMAGE as exc:
            self._index.note_damage(exc)
            return {}

    def _features(self, paper_ids: Iterable[str] | None) -> dict[str, frozenset[str]]:
        db = self._index.connection()
        found: dict[str, frozenset[str]] = {}
        db.execute("BEGIN")  # the rows and the ones still waiting as of one moment
        try:
            if paper_ids is None:
                rows = db.execute(_ALL_FEATURES).fetchall()
                waiting = db.execute(_WAITING_ALL).fetchall()
            else:
                wanted = list(dict.fromkeys(paper_ids))
                rows, waiting = [], []
                for start in range(0, len(wanted), _CHUNK):
                    chunk = wanted[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows += db.execute(_FEATURES.format(marks), chunk).fetchall()
                    waiting += db.execute(_WAITING.format(marks), chunk).fetchall()
        finally:
            db.execute("COMMIT")
        for paper_id, text in rows:
            found[paper_id] = frozenset(text.split())
        for paper_id, record in waiting:
            found[paper_id] = features_of(PAPERS.loads(record))
        return found

    def feature_lists(self, paper_ids: Iterable[str] | None = None) -> Iterator[tuple[str, list[str]]]:
        """Each paper's features as a list, read row by row (nothing of all of them is kept at once:
        what scoring a whole library wants). Of every paper for None."""
        try:
            db = self._index.connection()
            if paper_ids is None:
                for paper_id, text in db.execute(_ALL_FEATURES):  # row by row, not 100 MB of text at once
                    yield paper_id, text.split()
                for paper_id, record in db.execute(_WAITING_ALL).fetchall():
                    yield paper_id, list(features_of(PAPERS.loads(record)))
                return
            wanted = list(dict.fromkeys(paper_ids))
            for start in range(0, len(wanted), _CHUNK):
                for paper_id, features in self._features(wanted[start : start + _CHUNK]).items():
                    yield paper_id, list(features)
        except DAMAGE as exc:
            self._index.note_damage(exc)

    def counts(self, features: Iterable[str]) -> dict[str, int]:
        """How many papers have each of these features, as last counted (features only one paper
        has are not counted: they are left out)."""
        wanted = list(dict.fromkeys(features))
        counted: dict[str, int] = {}
        try:
            db = self._index.connection()
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                counted.update(db.execute(f"SELECT term, papers FROM term_counts WHERE term IN ({marks})", chunk))
        except DAMAGE as exc:
            self._index.note_damage(exc)
        return counted

    def counted_papers(self) -> int:
        """The number of papers when the features were last counted (0: never, or none then)."""
        try:
            row = self._index.connection().execute("SELECT value FROM meta WHERE key = 'counted'").fetchone()
        except DAMAGE as exc:
            self._index.note_damage(exc)
            return 0
        return row[0] if row and isinstance(row[0], int) else 0

    def similar(self, paper_id: str, limit: int) -> list[str]:
        """The ids of up to `limit` papers most like this one, most alike first."""
        try:
            return self._similar(paper_id, limit)
        except DAMAGE as exc:
            self._index.note_damage(exc)
            return []

    def _similar(self, paper_id: str, limit: int) -> list[str]:
        db = self._index.connection()
        row = db.execute("SELECT record FROM papers WHERE id = ?", (paper_id,)).fetchone()
        own = self._features([paper_id]).get(paper_id)
        papers = self.counted_papers()
        if row is None or not own or not papers:
            return []
        counts = self.counts(own)
        weights = likeness_weights(PAPERS.loads(row[0]), own, lambda feature: counts.get(feature, 0), papers)
        if not weights:
            return []
        query = " OR ".join(map(fts_phrase, weights))
        numbers = [number for (number,) in db.execute(_ALIKE, (query, CANDIDATES))]
        marks = ",".join("?" * len(numbers))
        candidates = {
            other: frozenset(text.split()) for other, text in db.execute(_FEATURES_BY_NUMBER.format(marks), numbers)
        }
        return most_alike(weights, candidates, paper_id, limit)


def count_terms(index: LibraryIndex, *, force: bool = False) -> bool:
    """Counts how many papers have each feature, when the library has grown or shrunk by
    `RECOUNT_SHARE` since the last count (or `force`); True if it counted. Waits while a big
    change's rows are still being filled in (the count would miss them)."""
    db = index.connection()
    meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('papers', 'counted')"))
    papers, counted = meta.get("papers", 0), meta.get("counted")
    fresh = isinstance(counted, int) and abs(papers - counted) <= RECOUNT_SHARE * papers
    if fresh and not force:
        return False
    if db.execute("SELECT 1 FROM unsearched LIMIT 1").fetchone():
        return False
    with index.writing() as db:
        db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms_vocab USING fts5vocab(main, terms, row)")
        db.execute("DELETE FROM term_counts")
        db.execute("INSERT INTO term_counts (term, papers) SELECT term, doc FROM temp.terms_vocab WHERE doc >= 2")
        papers = db.execute("SELECT count(*) FROM terms").fetchone()[0]
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('counted', ?)", (papers,))
    return True


_FEATURES = "SELECT p.id, t.text FROM papers p JOIN terms t ON t.rowid = p.number WHERE p.id IN ({})"
_ALL_FEATURES = "SELECT p.id, t.text FROM papers p JOIN terms t ON t.rowid = p.number"
_WAITING = "SELECT p.id, p.record FROM unsearched u JOIN papers p ON p.number = u.number WHERE p.id IN ({})"
_WAITING_ALL = "SELECT p.id, p.record FROM unsearched u JOIN papers p ON p.number = u.number"
_FEATURES_BY_NUMBER = "SELECT p.id, t.text FROM terms t JOIN papers p ON p.number = t.rowid WHERE t.rowid IN ({})"
_ALIKE = "SELECT rowid FROM terms WHERE terms MATCH ? ORDER BY rank LIMIT ?"

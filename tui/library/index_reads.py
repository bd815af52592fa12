"""The papers and tags of a library read from the library index as they are first asked for."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from tui.library.records import DAMAGE, PAPERS, tag_key, unmarshal
from tui.model import Paper

if TYPE_CHECKING:
    from tui.library.index import LibraryIndex

# Papers read from the index and kept as objects, at most: a few screens' worth many times over.
KEPT_PAPERS = 20_000


class IndexedTags(Mapping[str, list[str]]):
    """Each digest tag's paper ids, newest first, most used tag first; a tag's ids are read from
    the index when first asked for (the tree needs only the counts, `sizes`)."""

    def __init__(self, index: LibraryIndex, sizes: dict[str, int]) -> None:
        self._index = index
        self.sizes = sizes
        self._read: dict[str, list[str]] = {}

    def __getitem__(self, tag: str) -> list[str]:
        ids = self._read.get(tag)
        if ids is not None:
            return ids
        if tag not in self.sizes:
            raise KeyError(tag)
        try:
            row = self._index.connection().execute("SELECT ids FROM tags WHERE tag = ?", (tag_key(tag),)).fetchone()
            ids = unmarshal(row[0]) if row else []
        except DAMAGE as exc:
            self._index.note_damage(exc)
            return []
        return self._read.setdefault(tag, ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self.sizes)

    def __len__(self) -> int:
        return len(self.sizes)


class IndexedPapers(Mapping[str, Paper]):
    """The papers of an index by id; each is read from it when first asked for, then kept.

    Safe to read from worker threads (each has its own connection).
    """

    def __init__(self, index: LibraryIndex, count: int) -> None:
        self._index = index
        self._count = count
        self._made: dict[str, Paper] = {}

    def __getitem__(self, paper_id: str) -> Paper:
        paper = self._made.get(paper_id)
        if paper is not None:
            return paper
        try:
            row = self._index.connection().execute("SELECT record FROM papers WHERE id = ?", (paper_id,)).fetchone()
            paper = PAPERS.loads(row[0]) if row is not None else None
        except DAMAGE as exc:
            self._index.note_damage(exc)
            paper = None
        if paper is None:
            raise KeyError(paper_id)  # gone from the index since this library was read, or unreadable
        return self._keep(paper_id, paper)

    def _keep(self, paper_id: str, paper: Paper) -> Paper:
        made = self._made
        if len(made) >= KEPT_PAPERS:
            made.clear()  # a reader who scrolls through years of papers keeps only the latest
        return made.setdefault(paper_id, paper)  # another thread may have made it meanwhile

    def get_many(self, paper_ids: list[str]) -> dict[str, Paper]:
        """The papers of `paper_ids` that the index holds, read in as few queries as it takes."""
        found = {paper_id: self._made[paper_id] for paper_id in paper_ids if paper_id in self._made}
        missing = [paper_id for paper_id in paper_ids if paper_id not in found]
        db = self._index.connection()
        try:
            for start in range(0, len(missing), 500):
                chunk = missing[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for paper_id, record in db.execute(f"SELECT id, record FROM papers WHERE id IN ({marks})", chunk):
                    found[paper_id] = self._keep(paper_id, PAPERS.loads(record))
        except DAMAGE as exc:
            self._index.note_damage(exc)
        return found

    def __contains__(self, paper_id: object) -> bool:
        if paper_id in self._made:
            return True
        if not isinstance(paper_id, str):
            return False
        try:
            return (
                self._index.connection().execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone()
                is not None
            )
        except DAMAGE as exc:
            self._index.note_damage(exc)
            return False

    def __iter__(self) -> Iterator[str]:
        try:
            rows = self._index.connection().execute("SELECT id FROM papers ORDER BY number").fetchall()
        except DAMAGE as exc:
            self._index.note_damage(exc)
            rows = []
        return (paper_id for (paper_id,) in rows)

    def __len__(self) -> int:
        return self._count

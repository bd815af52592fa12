"""The Library: digest entries merged into papers by id, indexed by digest date and tag."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Protocol

from tui.library.features import features_of, similar_among
from tui.model import PAPER_FIELDS, Diagnostic, DigestEntry, DigestFormat, Merge, Paper, normalise_title, title_id
from tui.parse import ParseResult


def path_order(result: ParseResult) -> bytes:
    """Files merge in the order of their paths as the file system spells them (bytes: the
    library index sorts them so, and a name need not be UTF-8)."""
    return os.fsencode(result.path)


class TitleClaims(dict[str, str]):
    """Which arXiv paper each title belongs to: title id -> paper id.

    An entry with an arXiv id is of that arXiv paper whatever its title; an entry without one
    (a commentary digest that gives no link, a saved page) is of the arXiv paper whose entries
    carry its title, if any does. When entries of two arXiv papers carry one title, the smaller
    paper id has it, so that the answer does not depend on the order files are read in.
    """

    @classmethod
    def of(cls, results: Iterable[ParseResult]) -> TitleClaims:
        claims = cls()
        for result in results:
            for entry in result.entries:
                if entry.arxiv_id:
                    key = title_id(entry.title)
                    if entry.id < claims.get(key, "g"):  # "g" sorts after every hex digit
                        claims[key] = entry.id
        return claims

    def paper_of(self, entry: DigestEntry) -> str:
        """The id of the paper the entry is of."""
        return entry.id if entry.arxiv_id else self.get(entry.id, entry.id)


class TextSearch(Protocol):
    """Finds the papers whose search text (see `query.haystack`) holds every needle."""

    def papers_with(self, needles: tuple[str, ...]) -> set[str]: ...

    def prepare(self) -> None:
        """Makes what the first search would otherwise make (off the UI thread)."""


class FeatureSource(Protocol):
    """The papers' features as an index keeps them (`index_terms.IndexTerms`)."""

    def features(self, paper_ids: Iterable[str] | None = None) -> dict[str, frozenset[str]]: ...

    def feature_lists(self, paper_ids: Iterable[str] | None = None) -> Iterator[tuple[str, list[str]]]: ...

    def counts(self, features: Iterable[str]) -> dict[str, int]: ...

    def counted_papers(self) -> int: ...

    def similar(self, paper_id: str, limit: int) -> list[str]: ...


@dataclass
class Library:
    """All papers paperdeck knows of, with the indexes the reader filters by."""

    # A dict while files are added; from the library index, a mapping that reads each Paper
    # when it is first asked for.
    papers: Mapping[str, Paper] = field(default_factory=dict)
    # Each file's result; from the library index, those of the files with diagnostics only.
    results: list[ParseResult] = field(default_factory=list)
    # Every paper id once, newest digest first, as the days of `by_date` list them.
    order: list[str] = field(default_factory=list)
    by_date: dict[date, list[str]] = field(default_factory=dict)
    by_tag: Mapping[str, list[str]] = field(default_factory=dict)
    # From the library index: its full-text search, and the index generation it was read at.
    search: TextSearch | None = None
    generation: int = 0
    # From the library index: the papers related to one (see `related`), found by its tables.
    related_finder: Callable[[str], list[str]] | None = None
    # From the library index: every paper's upvotes or title key, from their columns (see `sort_keys`).
    sort_key_finder: Callable[[str], Mapping[str, object]] | None = None
    # From the library index: `TitleClaims` of the titles asked about (see `renamed`).
    title_owners: Callable[[list[str]], dict[str, str]] | None = None
    # From the library index: the papers' features and the papers like one (see `features`).
    terms: FeatureSource | None = None
    # Without the library index: which paper an entry known by its title alone is of.
    claims: TitleClaims = field(default_factory=TitleClaims, repr=False)

    @classmethod
    def from_results(cls, results: Iterable[ParseResult]) -> Library:
        """The files' papers merged in the order of their paths, as the library index merges them."""
        ordered = sorted(results, key=path_order)
        library = cls(claims=TitleClaims.of(ordered))
        for result in ordered:
            library._add_result(result)
        library.reindex()
        return library

    def _add_result(self, result: ParseResult) -> None:
        papers = self.papers
        assert isinstance(papers, dict), "a library from the index changes through the index"
        self.results.append(result)
        paper_of = self.claims.paper_of
        for entry in result.entries:
            key = paper_of(entry)
            existing = papers.get(key)
            if existing is None:
                papers[key] = paper = paper_from_entry(entry)
                paper.id = key  # the entry's own id may be its title's
            else:
                merge_entry(existing, entry)

    def reindex(self) -> None:
        """Rebuilds the indexes: dates newest first, each day's papers in digest order;
        tags by paper count, each tag's papers newest first."""
        by_date: defaultdict[date, dict[str, None]] = defaultdict(dict)
        paper_of = self.claims.paper_of
        for result in sorted(self.results, key=path_order):
            for entry in result.entries:
                if entry.digest_date is not None:
                    by_date[entry.digest_date][paper_of(entry)] = None
        self.by_date = {day: list(by_date[day]) for day in sorted(by_date, reverse=True)}
        self.order = list(dict.fromkeys(paper_id for ids in self.by_date.values() for paper_id in ids))
        self.by_tag = tag_index(self.sorted_papers())

    def related(self, paper_id: str) -> list[str]:
        """The papers related to this one: those its vault note links to ([[wiki links]]), then
        those whose notes link to it; only papers the library holds, each once."""
        finder = self.related_finder
        found = finder(paper_id) if finder is not None else related_in(self.results, paper_id, self.claims.paper_of)
        return [other for other in dict.fromkeys(found) if other != paper_id and other in self.papers]

    def renamed(self, paper_ids: Iterable[str]) -> dict[str, str]:
        """Which of these paper ids (a store's) the library now knows as another paper: old -> new.

        A paper known by its title alone becomes the arXiv paper of that title once an entry
        with its arXiv id is read; so does every paper of a store made when papers were keyed by
        their titles. `tui.state.renames` says what then becomes of the user's state.
        """
        wanted = list(paper_ids)
        if self.title_owners is not None:
            return self.title_owners(wanted)
        return {old: self.claims[old] for old in wanted if old in self.claims}

    def sort_keys(self, column: str) -> Mapping[str, object]:
        """Every paper's `upvotes` (None when unknown) or `title_key` (its normalised title), by id:
        what the reader sorts by, from the index's columns where there is one (reading 100,000
        records to sort them would take a second)."""
        if self.sort_key_finder is not None:
            return self.sort_key_finder(column)
        if column == "upvotes":
            return {paper.id: paper.upvotes for paper in self.papers.values()}
        return {paper.id: normalise_title(paper.title) for paper in self.papers.values()}

    def features(self, paper_ids: Iterable[str] | None = None) -> dict[str, frozenset[str]]:
        """The features (`features.features_of`) of these papers, or of every paper, by id."""
        if self.terms is not None:
            return self.terms.features(paper_ids)
        papers = self.papers
        wanted = papers if paper_ids is None else [paper_id for paper_id in paper_ids if paper_id in papers]
        return {paper_id: features_of(papers[paper_id]) for paper_id in wanted}

    def feature_lists(self, paper_ids: Iterable[str] | None = None) -> Iterator[tuple[str, Sequence[str]]]:
        """Each paper's features, one paper at a time (for scoring a whole library)."""
        if self.terms is not None:
            yield from self.terms.feature_lists(paper_ids)
            return
        yield from self.features(paper_ids).items()

    def feature_counts(self, features: Iterable[str]) -> tuple[dict[str, int], int]:
        """How many papers have each of these features (those of more than one paper), and how
        many papers there were when counted: what makes a feature rare or common."""
        if self.terms is not None:
            return self.terms.counts(features), self.terms.counted_papers()
        wanted = set(features)
        counts: dict[str, int] = dict.fromkeys(wanted, 0)
        for paper_features in self.features().values():
            for feature in paper_features & wanted:
                counts[feature] += 1
        return {feature: count for feature, count in counts.items() if count >= 2}, len(self.papers)

    def similar(self, paper_id: str, limit: int = 5) -> list[str]:
        """Up to `limit` papers most like this one by the features they share, most alike first
        (not counting the papers related by the vault's links: see `related`)."""
        if self.terms is not None:
            found = self.terms.similar(paper_id, limit)
        else:
            paper = self.papers.get(paper_id)
            found = similar_among(paper, self.features(), limit) if paper is not None else []
        return [other for other in found if other in self.papers]

    @property
    def tag_sizes(self) -> Mapping[str, int]:
        """Each digest tag's paper count, most used first (without reading a tag's ids from an index)."""
        sizes = getattr(self.by_tag, "sizes", None)
        return sizes if sizes is not None else {tag: len(ids) for tag, ids in self.by_tag.items()}

    def sorted_papers(self) -> list[Paper]:
        """Every paper once, newest digest first, as the days of `by_date` list them."""
        return [self.papers[paper_id] for paper_id in self.order]

    def __len__(self) -> int:
        return len(self.papers)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers.values())

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for result in self.results for d in result.diagnostics]


def _dates_of(day: date | None) -> tuple[date, ...]:
    return (day,) if day else ()


def _sighting(value: str) -> tuple[str, ...]:
    return (value,)


# What a field that gathers one value per sighting holds in a paper made from one entry.
_FIRST_SIGHTING = {Merge.DATES: _dates_of, Merge.SIGHTINGS: _sighting}
_ENTRY_VALUES = attrgetter(*(paper_field.entry_field for paper_field in PAPER_FIELDS))
_GATHERED = tuple(
    (at, _FIRST_SIGHTING[paper_field.merge])
    for at, paper_field in enumerate(PAPER_FIELDS)
    if paper_field.merge in _FIRST_SIGHTING
)


def paper_from_entry(entry: DigestEntry) -> Paper:
    values = list(_ENTRY_VALUES(entry))
    for at, first_sighting in _GATHERED:
        values[at] = first_sighting(values[at])
    return Paper(*values)


def lone_entry(paper: Paper) -> DigestEntry:
    """The entry a paper of one sighting was made from: `paper_from_entry` the other way round."""
    values = {}
    for paper_field in PAPER_FIELDS:
        value = getattr(paper, paper_field.name)
        if paper_field.merge is Merge.DATES:
            value = value[0] if value else None
        elif paper_field.merge is Merge.SIGHTINGS:
            value = value[0]
        values[paper_field.entry_field] = value
    return DigestEntry(**values)


# Field by field rather than a loop over PAPER_FIELDS' rules: the loop takes half as long again,
# and a cold start merges up to 100,000 entries. tests/test_library.py holds it to the rules.
def merge_entry(paper: Paper, entry: DigestEntry) -> None:
    """Folds another sighting of the same paper into it: nothing either one knew is lost."""
    if entry.title != paper.title and len(normalise_title(entry.title)) > len(normalise_title(paper.title)):
        paper.title = entry.title  # fuller in letters and digits, not in punctuation or spacing
    if len(entry.authors) > len(paper.authors):
        paper.authors = entry.authors
    counts = [n for n in (paper.authors_count, entry.authors_count) if n is not None]
    paper.authors_count = max(counts) if counts else None
    paper.org = paper.org or entry.org
    if len(entry.abstract) > len(paper.abstract):
        paper.abstract = entry.abstract
    paper.commentary_ko = _merge_text(paper.commentary_ko, entry.commentary_ko)
    paper.commentary_en = _merge_text(paper.commentary_en, entry.commentary_en)
    paper.tags = _union(paper.tags, entry.tags)
    if entry.digest_date and entry.digest_date not in paper.digest_dates:
        paper.digest_dates = tuple(sorted((*paper.digest_dates, entry.digest_date)))
    paper.published = paper.published or entry.published
    upvotes = [n for n in (paper.upvotes, entry.upvotes) if n is not None]
    paper.upvotes = max(upvotes) if upvotes else None
    paper.links = _union(paper.links, entry.links)
    paper.sources = (*paper.sources, entry.source)
    paper.arxiv_id = paper.arxiv_id or entry.arxiv_id
    paper.auto_tags = _union(paper.auto_tags, entry.auto_tags)
    paper.commentary_machine = paper.commentary_machine or entry.commentary_machine
    paper.note_links = _union(paper.note_links, entry.note_links)


def _merge_text(kept: str, other: str) -> str:
    """Two commentaries on one paper (two digests wrote about it) are both kept."""
    if not other or other == kept:
        return kept
    if not kept:
        return other
    return f"{kept}\n\n{other}"


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


def papers_among(papers: Mapping[str, Paper], ids: list[str]) -> Mapping[str, Paper]:
    """The papers of `ids`, to look them up by id: a library index reads them in a few queries
    rather than one query each; a dict of papers is that already."""
    get_many = getattr(papers, "get_many", None)
    return get_many(ids) if get_many is not None else papers


def related_in(
    results: Iterable[ParseResult], paper_id: str, paper_of: Callable[[DigestEntry], str] = attrgetter("id")
) -> list[str]:
    """`Library.related` over parse results (a library without an index)."""
    from tui.parse.vault import note_key

    by_note: dict[str, list[str]] = {}
    links: list[tuple[str, frozenset[str]]] = []  # (the note's name, the names it links to) per vault file
    mine: set[str] = set()
    for result in results:
        if result.format is not DigestFormat.VAULT:
            continue
        name = note_key(result.path)
        ids = [paper_of(entry) for entry in result.entries]
        by_note.setdefault(name, []).extend(ids)
        links.append((name, frozenset(note_key(t) for entry in result.entries for t in entry.note_links)))
        if paper_id in ids:
            mine.add(name)
    outgoing = [
        other
        for name, targets in links
        if name in mine
        for target in sorted(targets)
        for other in by_note.get(target, ())
    ]
    incoming = [other for name, targets in links if targets & mine for other in by_note.get(name, ())]
    return outgoing + incoming


def tag_index(papers: Iterable[Paper]) -> dict[str, list[str]]:
    """Each digest tag's papers in the given order, the tags by paper count, then name."""
    by_tag: defaultdict[str, list[str]] = defaultdict(list)
    for paper in papers:
        for tag in paper.tags:
            by_tag[tag].append(paper.id)
    return dict(sorted(by_tag.items(), key=lambda item: (-len(item[1]), item[0])))

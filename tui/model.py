"""The values paperdeck deals in: digest entries, papers, diagnostics. Plain data, no I/O."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import NamedTuple


class DigestFormat(StrEnum):
    """The kinds of digest file paperdeck can read."""

    COMMENTARY = "commentary"  # Format A: a researcher's notes, Korean + English commentary
    HF_DAILY = "hf-daily"  # Format B: a saved Hugging Face "Daily Papers" page
    HF_API = "hf-api"  # the JSON of the Hugging Face daily papers API
    VAULT = "vault-note"  # Format C: one Markdown note of a researcher's vault
    EXPORT = "paperdeck-export"  # paperdeck's own JSON export, read back
    UNKNOWN = "unknown"


class Severity(StrEnum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something a parser could not make sense of, pointing at a line a person can look at."""

    path: str
    line: int  # 1-based; 0 means "the file as a whole"
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity.value}: {self.message}"


# Not frozen: a frozen dataclass costs 4x as much to create, and parsers make 100,000 of these
# on a cold start. Nothing mutates an entry after the parser returns it.
@dataclass(slots=True)
class DigestEntry:
    """One paper as one digest shows it. Parsers produce these; the library merges them.

    The fields, in this order, are exactly what `paperdeck check --json` prints per paper:
    orjson serialises the dataclass as it is (dates as YYYY-MM-DD, tuples as lists).
    """

    id: str  # entry_id(title, arxiv_id), computed once by the parser
    title: str
    authors: tuple[str, ...] = ()
    authors_count: int | None = None
    org: str | None = None
    abstract: str = ""
    commentary_ko: str = ""
    commentary_en: str = ""
    tags: tuple[str, ...] = ()
    digest_date: date | None = None
    published: date | None = None
    upvotes: int | None = None
    links: tuple[str, ...] = ()
    source: str = ""  # "FILE:LINE" of the title
    # Added after the fields above, so that `check --json` only gains keys at the end.
    arxiv_id: str | None = None  # "2506.08009", without a version
    auto_tags: tuple[str, ...] = ()  # keywords a machine chose (the API's ai_keywords), not the digest's
    commentary_machine: str = ""  # an English commentary a machine wrote (the API's ai_summary)
    note_links: tuple[str, ...] = ()  # the notes a vault note's [[wiki links]] name, as written


class Merge(StrEnum):
    """How a field of a paper takes in another sighting of the paper (a later digest entry)."""

    KEEP = "keep"  # the first sighting's value, always
    FIRST = "first"  # the first sighting's value, unless it is empty or None
    LONGEST = (
        "longest"  # the longer (more authors, a longer abstract, a title longer once normalised); the first on a tie
    )
    MOST = "most"  # the largest of the numbers known; None when none is
    JOINED = "joined"  # the texts in turn, a blank line between; one equal to the kept text is not added
    UNION = "union"  # every item once, in the order first seen
    DATES = "dates"  # each sighting's one date (if it has one) added once, kept sorted
    SIGHTINGS = "sightings"  # each sighting's one value appended, repeats and all


@dataclass(slots=True)
class Paper:
    """One paper of the library: every digest entry of the same paper, merged. Entries are of
    the same paper when their arXiv ids agree, or when their titles do (`title_id`) and at most
    one of them has an arXiv id: see `merge.TitleClaims`.

    orjson serialises it as `paperdeck list --json` prints it. Each field's metadata says how
    it merges ("merge") and, where the entry's field has another name, what it is made from
    ("entry"); `PAPER_FIELDS` reads them, and the merge and the library index follow it.
    """

    id: str = field(metadata={"merge": Merge.KEEP})
    # the fullest: a vault note's title may be its file name's, an API record's is whole
    title: str = field(metadata={"merge": Merge.LONGEST})
    authors: tuple[str, ...] = field(default=(), metadata={"merge": Merge.LONGEST})
    authors_count: int | None = field(default=None, metadata={"merge": Merge.MOST})
    org: str | None = field(default=None, metadata={"merge": Merge.FIRST})
    abstract: str = field(default="", metadata={"merge": Merge.LONGEST})
    commentary_ko: str = field(default="", metadata={"merge": Merge.JOINED})
    commentary_en: str = field(default="", metadata={"merge": Merge.JOINED})
    tags: tuple[str, ...] = field(default=(), metadata={"merge": Merge.UNION})
    digest_dates: tuple[date, ...] = field(default=(), metadata={"merge": Merge.DATES, "entry": "digest_date"})
    published: date | None = field(default=None, metadata={"merge": Merge.FIRST})
    upvotes: int | None = field(default=None, metadata={"merge": Merge.MOST})
    links: tuple[str, ...] = field(default=(), metadata={"merge": Merge.UNION})
    # "FILE:LINE" of each sighting
    sources: tuple[str, ...] = field(default=(), metadata={"merge": Merge.SIGHTINGS, "entry": "source"})
    arxiv_id: str | None = field(default=None, metadata={"merge": Merge.FIRST})
    # machine-chosen keywords, kept apart from the digests' tags
    auto_tags: tuple[str, ...] = field(default=(), metadata={"merge": Merge.UNION})
    # machine-written English commentary, kept apart from a person's
    commentary_machine: str = field(default="", metadata={"merge": Merge.FIRST})
    # the notes a vault note links to ([[wiki links]]), as written
    note_links: tuple[str, ...] = field(default=(), metadata={"merge": Merge.UNION})

    @property
    def has_commentary(self) -> bool:
        """Whether a person wrote commentary on the paper (a machine's summary does not count)."""
        return bool(self.commentary_ko or self.commentary_en)

    @property
    def arxiv_url(self) -> str | None:
        return arxiv_abs_url(self.arxiv_id) if self.arxiv_id else None


def search_text(paper: Paper) -> str:
    """The text `/` searches a paper in, case-folded: a query's words are found in it as substrings."""
    parts = (
        paper.title,
        " ".join(paper.authors),
        paper.org or "",
        paper.abstract,
        paper.commentary_ko,
        paper.commentary_en,
    )
    return "\n".join(parts).casefold()


class PaperField(NamedTuple):
    """One field of `Paper` as its definition describes it."""

    name: str
    entry_field: str  # the `DigestEntry` field a paper made from one entry takes it from
    merge: Merge


def _paper_fields() -> tuple[PaperField, ...]:
    # Checked once at import: a field that does not say how it merges would otherwise be
    # dropped or mangled by the merge and the library index without a word.
    entry_fields = {entry_field.name for entry_field in fields(DigestEntry)}
    described = []
    for paper_field in fields(Paper):
        entry_field = paper_field.metadata.get("entry", paper_field.name)
        merge = paper_field.metadata.get("merge")
        if not isinstance(merge, Merge) or entry_field not in entry_fields:
            raise TypeError(f"Paper.{paper_field.name} must name its Merge and a DigestEntry field it is made from")
        described.append(PaperField(paper_field.name, entry_field, merge))
    return tuple(described)


# Paper's fields in their order, which is the key order of `paperdeck list --json`.
PAPER_FIELDS = _paper_fields()
PAPER_FIELD_NAMES = tuple(paper_field.name for paper_field in PAPER_FIELDS)


def arxiv_abs_url(arxiv_id: str) -> str:
    """The abstract page of an arXiv paper: the one link every reference manager understands."""
    return f"https://arxiv.org/abs/{arxiv_id}"


# Runs of anything that is not a letter or digit (punctuation, symbols, whitespace, `_`).
_NOT_WORD = re.compile(r"[\W_]+")
# The same rule for ASCII titles, as a byte table: every byte but [a-z0-9] becomes a space.
_ASCII_NOT_WORD = bytes(byte if (48 <= byte <= 57 or 97 <= byte <= 122) else 32 for byte in range(256))


def normalise_title(title: str) -> str:
    """The form of a title that decides identity: NFKC, case-folded, punctuation runs as one space."""
    if title.isascii():
        # NFKC and casefold() leave ASCII as ASCII; this gives the same result 5x faster.
        return " ".join(title.lower().encode("ascii").translate(_ASCII_NOT_WORD).decode("ascii").split())
    return normalise_any_title(title)


def normalise_any_title(title: str) -> str:
    """`normalise_title` by its definition, for any text; the reference for the ASCII shortcut."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_WORD.sub(" ", folded).strip()


def paper_id(title: str) -> str:
    """The stable id of a paper known by its title alone (no arXiv id); also a title's identity
    (`title_id`) when entries of one paper are matched by their titles.

    16 hex digits of BLAKE2b over the UTF-8 of the normalised title.
    """
    key = normalise_title(title).encode("utf-8")
    return hashlib.blake2b(key, digest_size=8).hexdigest()


title_id = paper_id


def arxiv_paper_id(arxiv_id: str) -> str:
    """The stable id of the arXiv paper with this id (without a version), whatever its title:
    the same on every machine and in every source. 16 hex digits, as `paper_id`; the prefix
    keeps the two kinds of key apart."""
    return hashlib.blake2b(b"arxiv:" + arxiv_id.encode("utf-8"), digest_size=8).hexdigest()


def entry_id(title: str, arxiv_id: str | None) -> str:
    """The id of the paper an entry is of, as far as the entry itself tells: its arXiv id's
    when it has one, else its title's. The library may still join an entry known by its title
    alone to the arXiv paper of that title (`merge.TitleClaims`)."""
    return arxiv_paper_id(arxiv_id) if arxiv_id else paper_id(title)

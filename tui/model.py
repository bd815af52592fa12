"""The values paperdeck deals in: digest entries, papers, diagnostics. Plain data, no I/O."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DigestFormat(StrEnum):
    """The kinds of digest file paperdeck can read."""

    COMMENTARY = "commentary"  # Format A: a researcher's notes, Korean + English commentary
    HF_DAILY = "hf-daily"  # Format B: a saved Hugging Face "Daily Papers" page
    HF_API = "hf-api"  # the JSON of the Hugging Face daily papers API
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

    id: str  # paper_id(title), computed once by the parser
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


@dataclass(slots=True)
class Paper:
    """One paper of the library: every digest entry with the same normalised title, merged.

    orjson serialises it as `paperdeck list --json` prints it.
    """

    id: str
    title: str
    authors: tuple[str, ...] = ()
    authors_count: int | None = None
    org: str | None = None
    abstract: str = ""
    commentary_ko: str = ""
    commentary_en: str = ""
    tags: tuple[str, ...] = ()
    digest_dates: tuple[date, ...] = ()
    published: date | None = None
    upvotes: int | None = None
    links: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # "FILE:LINE" of each sighting
    arxiv_id: str | None = None
    auto_tags: tuple[str, ...] = ()  # machine-chosen keywords, kept apart from the digests' tags
    commentary_machine: str = ""  # machine-written English commentary, kept apart from a person's

    @property
    def has_commentary(self) -> bool:
        """Whether a person wrote commentary on the paper (a machine's summary does not count)."""
        return bool(self.commentary_ko or self.commentary_en)

    @property
    def arxiv_url(self) -> str | None:
        return arxiv_abs_url(self.arxiv_id) if self.arxiv_id else None


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
    """The stable id of the paper with this title; the state store keys on it, so it never changes.

    16 hex digits of BLAKE2b over the UTF-8 of the normalised title.
    """
    key = normalise_title(title).encode("utf-8")
    return hashlib.blake2b(key, digest_size=8).hexdigest()

"""Papers out of paperdeck: a Markdown reading list, JSON, CSV and BibTeX. Pure formatting, no I/O.

Each format takes the papers to export, in the order they are to appear, with what the user
did to them (`Exported`). The JSON is a document `paperdeck add` reads back as a digest.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

import orjson

from tui.library.merge import papers_among
from tui.model import PAPER_FIELD_NAMES, Paper
from tui.parse.export_json import EXPORT_FORMAT_NAME
from tui.state.paper_state import PaperState

FORMATS = ("md", "json", "csv", "bibtex")
SUFFIXES = {"md": ".md", "json": ".json", "csv": ".csv", "bibtex": ".bib"}
JSON_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Exported:
    """One paper to export: the paper, the user's state of it, and its review card if any."""

    paper: Paper
    state: PaperState
    card: Mapping[str, Any] | None = None  # see `card_summary`


def exported_items(
    papers: Mapping[str, Paper],
    ids: Iterable[str],
    states: Mapping[str, PaperState],
    card_documents: Mapping[str, Mapping[str, Any]],
) -> list[Exported]:
    """What to export of the papers `ids` name, in their order: each with the user's state and a
    summary of its review card. An id the library no longer holds (its digest was removed while
    the reader showed it) is left out."""
    blank = PaperState()
    ids = list(ids)
    known = papers_among(papers, ids)
    return [
        Exported(known[i], states.get(i, blank), card_summary(card_documents[i]) if i in card_documents else None)
        for i in ids
        if i in known
    ]


def export(format_name: str, items: Sequence[Exported], *, language: str = "ko") -> bytes:
    """The papers in one of FORMATS, as the bytes of the file."""
    if format_name == "md":
        return to_markdown(items, language=language).encode("utf-8")
    if format_name == "json":
        return to_json(items)
    if format_name == "csv":
        return to_csv(items).encode("utf-8-sig")
    if format_name == "bibtex":
        return to_bibtex(items).encode("utf-8")
    raise ValueError(f"no export format {format_name!r}; the formats are: {', '.join(FORMATS)}")


# --- Markdown --------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
LANGUAGE_LABELS = {"ko": "Korean", "en": "English"}


def to_markdown(items: Sequence[Exported], *, language: str = "ko") -> str:
    """A reading list grouped by digest date (newest first): title as a link, tags, commentary, note.

    `language` is "ko", "en" or "both", as the reader's `l` key sets it; a paper without
    commentary in that language shows what it has, a machine's summary last.
    """
    groups: dict[date | None, list[Exported]] = defaultdict(list)
    for item in items:
        dates = item.paper.digest_dates
        groups[dates[-1] if dates else None].append(item)
    lines = ["# Reading list", ""]
    for day in sorted(groups, key=lambda d: (d is not None, d), reverse=True):
        lines += [f"## {day.isoformat() if day else 'No date'}", ""]
        for item in groups[day]:
            lines += _markdown_paper(item, language)
    return "\n".join(lines).rstrip("\n") + "\n"


def _markdown_paper(item: Exported, language: str) -> list[str]:
    paper, state = item.paper, item.state
    link = primary_link(paper)
    title = _md(paper.title)
    heading = f"### [{title}]({_md_url(link)})" if link else f"### {title}"
    marks = [mark for mark, on in (("★ starred", state.starred), ("read", state.read)) if on]
    lines = [heading, ""]
    facts = []
    if paper.authors:
        shown = ", ".join(paper.authors[:8]) + (
            f", and {len(paper.authors) - 8} more" if len(paper.authors) > 8 else ""
        )
        facts.append(_md(shown))
    elif paper.org:
        facts.append(_md(paper.org))
    facts += marks
    if facts:
        lines += [" · ".join(facts), ""]
    tags = [f"#{tag}" for tag in paper.tags] + [f"+{tag}" for tag in state.tags]
    if tags:
        lines += ["Tags: " + " ".join(f"`{tag}`" for tag in tags), ""]
    if paper.auto_tags:
        lines += ["Keywords (automatic): " + ", ".join(_md(tag) for tag in paper.auto_tags), ""]
    for label, text in commentary_in(paper, language):
        lines.append(f"**{label}:**")
        lines += [f"> {_md(line)}" if line else ">" for line in text.splitlines()]
        lines.append("")
    if state.note:
        lines.append("**Note:**")
        lines += [f"> {_md(line)}" if line else ">" for line in state.note.splitlines()]
        lines.append("")
    return lines


def commentary_in(paper: Paper, language: str) -> list[tuple[str, str]]:
    """The commentary to show for a language choice, with labels; what there is, if not that."""
    wanted = ("ko", "en") if language == "both" else (language,)
    texts = {"ko": paper.commentary_ko, "en": paper.commentary_en}
    chosen = [(f"Commentary ({LANGUAGE_LABELS[code]})", texts[code]) for code in wanted if texts.get(code)]
    if not chosen:
        chosen = [(f"Commentary ({LANGUAGE_LABELS[code]})", texts[code]) for code in ("en", "ko") if texts[code]][:1]
    if not chosen and paper.commentary_machine:
        chosen = [("Summary (English, machine-written)", paper.commentary_machine)]
    return chosen


def _md(text: str) -> str:
    """Text shown literally in Markdown: its markup characters escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_url(url: str) -> str:
    # Link destinations in <...> may hold parentheses and spaces; only < > and line ends break them.
    return "<" + url.replace("<", "%3C").replace(">", "%3E").replace("\n", "") + ">"


def primary_link(paper: Paper) -> str | None:
    """The one link that stands for the paper: its arXiv page, else its first link."""
    return paper.arxiv_url or (paper.links[0] if paper.links else None)


# --- JSON ------------------------------------------------------------------------------------


def to_json(items: Sequence[Exported]) -> bytes:
    """One JSON document: every field `list --json` prints, and the user's state beside them."""
    fields = attrgetter(*PAPER_FIELD_NAMES)
    # The fields as orjson writes the dataclass, in its order (dates and tuples it writes itself).
    papers = [
        {
            **dict(zip(PAPER_FIELD_NAMES, fields(item.paper), strict=True)),
            "state": state_document(item.state, item.card),
        }
        for item in items
    ]
    document = {"format": EXPORT_FORMAT_NAME, "version": JSON_FORMAT_VERSION, "papers": papers}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def state_document(state: PaperState, card: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "read": state.read,
        "read_at": state.read_at,
        "starred": state.starred,
        "starred_at": state.starred_at,
        "later": state.later,
        "tags": list(state.tags),
        "note": state.note,
        "card": dict(card) if card is not None else None,
    }


def card_summary(document: Mapping[str, Any]) -> dict[str, Any]:
    """What an export says of a review card: its status, when it is due, and its memory state."""
    card = document.get("card") or {}
    state = card.get("state")
    status = "suspended" if document.get("suspended") else _CARD_STATES.get(state, "new")
    if card.get("last_review") is None and status != "suspended":
        status = "new"
    return {
        "status": status,
        "due": card.get("due"),
        "last_review": card.get("last_review"),
        "stability": card.get("stability"),
        "difficulty": card.get("difficulty"),
        "added_at": document.get("added_at"),
    }


_CARD_STATES = {1: "learning", 2: "review", 3: "relearning"}


# --- CSV -------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id", "title", "authors", "digest_dates", "published", "upvotes", "arxiv_id", "link",
    "tags", "auto_tags", "user_tags", "read", "starred", "note",
    "commentary_ko", "commentary_en", "commentary_machine", "abstract", "card",
)  # fmt: skip
# A cell starting with one of these is a formula to a spreadsheet; a leading ' keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_csv(items: Sequence[Exported]) -> str:
    """A header and a row per paper; lists are joined with "; " (authors) or spaces (tags, dates)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        paper, state = item.paper, item.state
        row = [
            paper.id,
            paper.title,
            "; ".join(paper.authors) or paper.org or "",
            " ".join(day.isoformat() for day in paper.digest_dates),
            paper.published.isoformat() if paper.published else "",
            "" if paper.upvotes is None else str(paper.upvotes),
            paper.arxiv_id or "",
            primary_link(paper) or "",
            " ".join(paper.tags),
            " ".join(paper.auto_tags),
            " ".join(state.tags),
            "yes" if state.read else "no",
            "yes" if state.starred else "no",
            state.note,
            paper.commentary_ko,
            paper.commentary_en,
            paper.commentary_machine,
            paper.abstract,
            item.card["status"] if item.card else "",
        ]
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


# --- BibTeX ----------------------------------------------------------------------------------

_BIB_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIB_SPECIAL = re.compile(r"[\\{}&%$#_~^]")
_SKIPPED_TITLE_WORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "is", "are"}
_GROUP_WORDS = {"team", "lab", "labs", "group", "inc", "ai", "research", "university", "institute"}
_ARXIV_YEAR = re.compile(r"(\d{2})(\d{2})\.")


def to_bibtex(items: Sequence[Exported]) -> str:
    """An @misc entry per paper, arXiv's eprint fields where the id is known, keys made unique."""
    keys = citation_keys([item.paper for item in items])
    return "\n".join(_bib_entry(item, keys[item.paper.id]) for item in items)


def citation_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """Keys by paper id: first author's surname + year + first title word (`jiang2025vision`).

    Papers that would share a key get a, b, c... in the order of their first digest date and
    id, so the same papers always get the same keys.
    """
    papers = list(papers)
    by_key: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_key[base_key(paper)].append(paper)
    keys: dict[str, str] = {}
    for key, sharing in by_key.items():
        if len(sharing) == 1:
            keys[sharing[0].id] = key
            continue
        sharing.sort(key=lambda p: (p.digest_dates[:1] or (date.max,), p.id))
        for index, paper in enumerate(sharing):
            keys[paper.id] = key + _suffix(index)
    return keys


def _suffix(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def base_key(paper: Paper) -> str:
    first = paper.authors[0] if paper.authors else (paper.org or "")
    name_words = first.split()
    if not name_words:
        who = ""
    else:
        # A person by the surname (O'Brien-Núñez -> obriennunez); a team by its first word.
        who = "".join(_ascii_words(name_words[0] if _is_group(first) else name_words[-1]))
    who = who or "anon"
    words = [w for w in _ascii_words(paper.title) if w not in _SKIPPED_TITLE_WORDS] or ["paper"]
    return f"{who}{year_of(paper) or ''}{words[0]}"


def year_of(paper: Paper) -> int | None:
    """The year to cite: of publication, else of the arXiv id, else of the first digest."""
    if paper.published:
        return paper.published.year
    if paper.arxiv_id and (match := _ARXIV_YEAR.match(paper.arxiv_id)):
        return 2000 + int(match[1])
    return paper.digest_dates[0].year if paper.digest_dates else None


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", folded)


def _is_group(name: str) -> bool:
    """A team, company or lab rather than a person: one word, or a word like Team or Lab in it."""
    words = name.split()
    return len(words) == 1 or any(w.strip(".,").lower() in _GROUP_WORDS for w in words) or "." in words[-1]


def _bib_entry(item: Exported, key: str) -> str:
    paper = item.paper
    fields: list[tuple[str, str]] = [("title", _bib_title(paper.title))]
    authors = _bib_authors(paper)
    if authors:
        fields.append(("author", authors))
    year = year_of(paper)
    if year:
        fields.append(("year", str(year)))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
    link = primary_link(paper)
    if link:
        fields.append(("url", _bib_escape(link)))
    if item.state.note:
        fields.append(("note", _bib_escape(" ".join(item.state.note.split()))))
    keywords = [*paper.tags, *item.state.tags]
    if keywords:
        fields.append(("keywords", _bib_escape(", ".join(dict.fromkeys(keywords)))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def _bib_escape(text: str) -> str:
    return _BIB_SPECIAL.sub(lambda m: _BIB_ESCAPES[m.group()], text)


def _bib_title(title: str) -> str:
    """The title escaped, with words that carry capitals inside (LLMs, MiniCPM4) kept as written."""
    words = []
    for word in " ".join(title.split()).split(" "):
        escaped = _bib_escape(word)
        words.append(f"{{{escaped}}}" if any(c.isupper() for c in word[1:]) else escaped)
    return " ".join(words)


def _bib_authors(paper: Paper) -> str:
    names = list(paper.authors) or ([paper.org] if paper.org else [])
    out = []
    for name in names:
        name = " ".join(name.split())
        if _is_group(name) or " " not in name or re.search(r"\band\b", name, re.IGNORECASE):
            out.append(f"{{{_bib_escape(name)}}}")  # a corporate name: braced, never split
        else:
            given, _, surname = name.rpartition(" ")
            out.append(f"{_bib_escape(surname)}, {_bib_escape(given)}")
    return " and ".join(out)

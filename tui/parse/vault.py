"""Format C: one Markdown note of a researcher's vault, about one paper.

    https://arxiv.org/abs/2506.01234                  the paper's link (any first line that is a link)

    *Sparse Registers* (Ann Lee, Wei (David) Chen)    the title line: italic or plain, authors in
                                                      parentheses; it may wrap onto a second line
    > We study why a few tokens ...                   the abstract, blockquoted
    레지스터 토큰을 ...                                 commentary, one or more paragraphs
    <english>
    A way to add register tokens ...                  the English commentary
    </english>
    #vit #semi_supervised_learning                    tags
    # Links
    [[230115 Blockwise Attention.md]]                 wiki links to other notes of the vault

The note is dated by its file name (`250611 Sparse Registers.md` is 2025-06-11); without a
title line the file name's title is the paper's. Every line lands somewhere: what is neither
link, title, abstract, English, tags nor a wiki link is commentary, images and lists included.
"""

from __future__ import annotations

import re
from datetime import date

from tui.model import DigestEntry, entry_id
from tui.parse.commentary import is_author_line, split_authors
from tui.parse.text import Report, find_arxiv_ids, find_urls, is_korean, is_tag_line, join_prose, parse_tags

NOTE_SUFFIX = ".md"
# `250611 Sparse Registers.md`: the date the note was written, then its (often short) title.
_NAME_DATE = re.compile(r"(\d{2})(\d{2})(\d{2})(?=[\s_-]|$)")
_WIKI_LINK = re.compile(r"\[\[([^\[\]\n]+?)\]\]")
_LINK_LINE = re.compile(r"<?[hH][tT][tT][pP][sS]?://\S+>?")
_HEADING = re.compile(r"#{1,6}\s+(.*)")
_ENGLISH_OPEN, _ENGLISH_CLOSE = "<english>", "</english>"


def is_note_path(path: str) -> bool:
    return path.lower().endswith(NOTE_SUFFIX)


def looks_like_note(lines: list[str]) -> bool:
    """A note's content without its `.md` name: its first line is a link, and an English block
    or a blockquote follows (no other format starts so)."""
    first = next((line for line in lines if line), "")
    return bool(_LINK_LINE.fullmatch(first)) and any(
        line.startswith(">") or line == _ENGLISH_OPEN for line in lines[:200]
    )


def note_name_parts(path: str) -> tuple[date | None, str]:
    """The date and the title a note's file name gives: `250611 Sparse Registers.md`."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    if is_note_path(name):
        name = name[: -len(NOTE_SUFFIX)]
    match = _NAME_DATE.match(name)
    if match is None:
        return None, name.strip()
    yy, mm, dd = (int(part) for part in match.groups())
    try:
        day = date(2000 + yy, mm, dd)
    except ValueError:
        return None, name.strip()
    return day, name[match.end() :].strip(" _-") or name.strip()


def note_name(link: str) -> str:
    """The note a wiki link names: `[[230115 Blockwise Attention.md|blockwise#Method]]` names
    `230115 Blockwise Attention` (an alias after `|` and a heading after `#` are the link's own)."""
    target = link.split("|", 1)[0].split("#", 1)[0].strip()
    return target[: -len(NOTE_SUFFIX)] if is_note_path(target) else target


def note_key(name: str) -> str:
    """What a wiki link and a note's file name are matched by: the note's name without folders,
    `.md` or case (`[[2023/230302 RingAttn]]` links to `notes/2023/230302 ringattn.md`)."""
    return note_name(name.replace("\\", "/").rsplit("/", 1)[-1]).casefold()


def parse_note(lines: list[str], report: Report, *, modified: date) -> list[DigestEntry]:
    """The one paper a note is about; none for an empty note (with a warning)."""
    numbered = [(number, line) for number, line in enumerate(lines, 1) if line]
    if not numbered:
        report.warn(0, "an empty note: no paper")
        return []
    day, name_title = note_name_parts(report.path)
    if day is None:
        report.warn(0, f"the file name does not start with the note's date (YYMMDD); dated {modified.isoformat()}")
        day = modified
    rest = numbered
    link_line = ""
    if _LINK_LINE.fullmatch(rest[0][1]):
        link_line = rest[0][1].strip("<>")
        rest = rest[1:]
    title_at, title, authors, rest = _title(rest)
    if not title:
        title, title_at = name_title, 1
        if not title:
            report.warn(1, "no title line and no title in the file name")
            title = link_line or "untitled note"
    body = _Body()
    for number, line in rest:
        body.take(number, line)
    if body.english_open_at:
        report.warn(body.english_open_at, "<english> is not closed: the English runs to the end of the note")
    commentary, english = body.commentaries()
    abstract = body.abstract()
    # The first line's link is the paper's; arXiv links further down are related work.
    own_id = find_arxiv_ids(link_line)
    arxiv_id = own_id[0] if own_id else None
    links = find_urls(link_line, abstract, commentary, english)
    entry = DigestEntry(
        id=entry_id(title, arxiv_id),
        title=title,
        authors=authors,
        abstract=abstract,
        commentary_ko=commentary,
        commentary_en=english,
        tags=tuple(dict.fromkeys(body.tags)),
        digest_date=day,
        links=links,
        source=f"{report.path}:{title_at}",
        arxiv_id=arxiv_id,
        note_links=tuple(dict.fromkeys(body.wiki_links)),
    )
    return [entry]


def _title(
    numbered: list[tuple[int, str]],
) -> tuple[int, str, tuple[str, ...], list[tuple[int, str]]]:
    """The title line (one line, or two when it wraps): its number, the title, the authors, and
    the lines after it. Nothing when the first line of the note's body is no title line."""
    if not numbered:
        return 0, "", (), numbered
    number, first = numbered[0]
    found = _title_line(first)
    if found is not None:
        title, authors = found
        after = numbered[1:]
        if not authors and after and after[0][0] == number + 1 and is_author_line(after[0][1].strip()):
            # `*Title*` with its authors wrapped onto the next line
            return number, title, split_authors(after[0][1].strip())[0], after[1:]
        return number, title, authors, after
    if len(numbered) > 1 and numbered[1][0] == number + 1 and not _is_body_line(first):
        joined = _title_line(f"{first} {numbered[1][1]}")
        if joined is not None:
            return number, *joined, numbered[2:]
    return 0, "", (), numbered


def _title_line(line: str) -> tuple[str, tuple[str, ...]] | None:
    """`*Title* (Authors)`, `*Title*` or `Title (Authors)` as (title, authors); None for a line
    that is not one (commentary, a quote, tags)."""
    line = line.strip()
    if not line or _is_body_line(line) or is_korean(line):
        return None
    authors: tuple[str, ...] = ()
    head = line
    if line.endswith(")"):
        opened = _opening_paren(line)
        if opened > 0:
            authors, _balanced = split_authors(line[opened:])
            head = line[:opened].rstrip()
    italic = len(head) > 2 and head[0] in "*_" and head[-1] == head[0]
    if italic:
        head = head.strip("*_ ")
    elif not authors:
        return None  # a plain line without authors is prose, not a title
    title = " ".join(head.split())
    return (title, authors) if title else None


def _opening_paren(line: str) -> int:
    """Where the parenthesis that the line's last character closes opens (-1 if it does not)."""
    # From parenthesis to parenthesis with rfind rather than character by character: a title
    # line is 100-200 characters, and a vault has thousands of them.
    depth, end = 0, len(line)
    while True:
        closing, opening = line.rfind(")", 0, end), line.rfind("(", 0, end)
        if opening < 0:
            return -1
        if closing > opening:
            depth, end = depth + 1, closing
        else:
            depth, end = depth - 1, opening
            if depth == 0:
                return opening


def _is_body_line(line: str) -> bool:
    return line.startswith((">", "#", "<", "!", "- ", "* ", "[[")) or bool(_LINK_LINE.fullmatch(line))


class _Body:
    """The lines after the title line, sorted into abstract, commentary, English, tags and links."""

    def __init__(self) -> None:
        self.quoted: list[str] = []
        self.paragraphs: list[list[str]] = [[]]
        self.english: list[str] = []
        self.english_open_at = 0  # the line of an <english> not yet closed
        self.tags: list[str] = []
        self.wiki_links: list[str] = []
        self.in_links_section = False
        self._last = 0

    def take(self, number: int, raw: str) -> None:
        line = raw.strip()
        if number > self._last + 1:
            self._new_paragraph()
        self._last = number
        if "[[" in line:
            self.wiki_links += filter(None, map(note_name, _WIKI_LINK.findall(line)))
        if self.english_open_at:
            self._take_english(number, line)
        elif line.lower().startswith(_ENGLISH_OPEN):
            self.english_open_at = number
            self._take_english(number, line[len(_ENGLISH_OPEN) :].strip())
        elif line.startswith(">"):
            self.quoted.append(line[1:].strip())
        elif line.startswith("#") and is_tag_line(line):
            self.tags += parse_tags(line)
        elif (
            line.startswith("#")
            and (heading := _HEADING.fullmatch(line))
            and heading.group(1).strip().lower() == "links"
        ):
            self.in_links_section = True
        elif self.in_links_section and line.startswith("[[") and _WIKI_LINK.fullmatch(line):
            pass  # a link to another note: taken above
        else:
            self.paragraphs[-1].append(line)

    def _take_english(self, number: int, line: str) -> None:
        if line.lower().endswith(_ENGLISH_CLOSE):
            line = line[: -len(_ENGLISH_CLOSE)].strip()
            self.english_open_at = 0
        if line:
            self.english.append(line)

    def _new_paragraph(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def abstract(self) -> str:
        return join_prose(self.quoted) if self.quoted else ""

    def commentaries(self) -> tuple[str, str]:
        """The commentary outside the English block (the Korean one, images and lists with it),
        and the English."""
        text = "\n\n".join("\n".join(lines) for lines in self.paragraphs if lines)
        return text, "\n".join(self.english)

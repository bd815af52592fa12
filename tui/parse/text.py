"""Text helpers both digest parsers share: decoding bytes, splitting lines, prose, URLs, tags."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date

from tui.model import Diagnostic, Severity, arxiv_abs_url

# Hangul syllables, jamo and compatibility jamo: a line holding any of them is Korean.
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_URL = re.compile(r"[hH][tT][tT][pP][sS]?://[^\s<>\"'`]+")
_URL_TRAILING = ".,;:!?'\"*"
_TAG_LINE = re.compile(r"#[^\s#]+(?:\s+#[^\s#]+)*")
_TAG_EDGE_PUNCT = ".,;:!?()[]{}'\""
# New-style arXiv ids (since 2007) as a link (abs, pdf, html pages, any version) or a citation.
_ARXIV_ID = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|arxiv:\s?)(\d{4}\.\d{4,5})(?:v\d+)?(?!\d)",
    re.IGNORECASE,
)
_FILE_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
# A line made only of punctuation closes the sentence before it: "available at" / URL / ".".
_LONE_PUNCTUATION = re.compile(r"[.,;:!?)\]}]+")
_LEGACY_ENCODINGS = (
    ("cp949", "CP949 (Korean)"),
    ("cp1252", "Windows-1252"),
)
# Controls that never belong in a digest; their share tells a binary file from a text one.
_BINARY_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


@dataclass(slots=True)
class Report:
    """Collects the diagnostics of one file while it is parsed."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, line, Severity.WARNING, message))

    def error(self, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, line, Severity.ERROR, message))


def decode(data: bytes, report: Report) -> str:
    """Bytes of a digest file as text, whatever encoding it arrived in; never raises.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read silently; anything else is
    read as well as it can be, with a warning that says how.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = data.count(b"\n", 0, exc.start) + 1
    if utf16 := _guess_bomless_utf16(data):
        report.warn(0, f"no byte-order mark, read as {utf16.upper()}")
        return data.decode(utf16, errors="replace")
    if _looks_binary(data):
        report.error(0, "binary file, not a text digest; nothing read")
        return ""
    lenient = data.decode("utf-8", errors="replace")
    replaced = lenient.count("\ufffd")
    if len(lenient) - replaced - _ascii_count(lenient) > replaced:
        # Mostly good UTF-8 with a few damaged bytes: keep it, mark the damage.
        report.warn(bad_line, f"{replaced} byte(s) are not valid UTF-8; shown as \ufffd")
        return lenient
    for encoding, label in _LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Latin-1 bytes often decode as CP949 too; only real Korean text has many syllables.
        if encoding == "cp949" and len(_HANGUL.findall(text)) < 20:
            continue
        report.warn(bad_line, f"not UTF-8; read as {label}; save the file as UTF-8 to silence this")
        return text
    # Latin-1 maps every byte to a character, so this always succeeds.
    report.warn(bad_line, "not UTF-8; read as Latin-1; save the file as UTF-8 to silence this")
    return data.decode("latin-1")


def _ascii_count(text: str) -> int:
    return len(text.encode("ascii", errors="ignore"))


def _guess_bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when NUL bytes sit on one side of most character pairs."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, _BINARY_CONTROLS))
    return controls > 0.1 * len(sample)


def split_lines(text: str) -> list[str]:
    """Lines as a person counts them (CRLF, CR or LF), each stripped of surrounding whitespace.

    `str.splitlines` is not used because it also breaks on form feeds and U+2028, which
    would make line numbers disagree with the user's editor.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    return [line.strip() for line in text.split("\n")]


def is_korean(line: str) -> bool:
    # isascii() is nearly free and spares most English lines the regex scan.
    return not line.isascii() and _HANGUL.search(line) is not None


def collapse_spaces(text: str) -> str:
    """Runs of whitespace as one space, ends stripped."""
    if text.isascii():
        # The common case, tested at C speed: most lines need no rebuilding.
        if "  " not in text and "\t" not in text and "\x0b" not in text and "\x0c" not in text:
            return text.strip()
    return " ".join(text.split())


def join_prose(lines: list[str]) -> str:
    """Lines of a paragraph broken anywhere, joined back into one clean line of prose."""
    if len(lines) == 1:
        return collapse_spaces(lines[0])
    out: list[str] = []
    for raw in lines:
        line = collapse_spaces(raw)
        if not line:
            continue
        if out and (_LONE_PUNCTUATION.fullmatch(line) or _ends_in_word_hyphen(out[-1])):
            out[-1] += line
        else:
            out.append(line)
    return " ".join(out)


def _ends_in_word_hyphen(text: str) -> bool:
    # "vision-" + "language" was one word split by the line break; "--" is a dash, not a split.
    return len(text) > 1 and text[-1] == "-" and text[-2].isalpha()


def find_urls(*texts: str) -> tuple[str, ...]:
    """Every http(s) URL in the texts, in order of appearance, each once."""
    text = "\n".join(texts)
    found: dict[str, None] = {}
    # str.find runs at C speed; the regex only runs where a URL can start.
    scheme_end = text.find("://")
    while scheme_end >= 0:
        start = scheme_end - 5 if text[scheme_end - 5 : scheme_end].lower() == "https" else scheme_end - 4
        match = _URL.match(text, start) if start >= 0 else None
        if match is not None:
            url = _trim_url(match.group())
            if len(url) > len("https://"):
                found.setdefault(url, None)
        scheme_end = text.find("://", scheme_end + 3)
    return tuple(found)


def find_arxiv_ids(*texts: str) -> tuple[str, ...]:
    """Every arXiv id the texts mention, as a link or as `arXiv:2506.08009`, in order, each once."""
    found: dict[str, None] = {}
    for text in texts:
        # Most texts mention no arXiv at all; the case-blind find spares them the regex.
        if "arxiv" in text.lower():
            for match in _ARXIV_ID.finditer(text):
                found.setdefault(match.group(1), None)
    return tuple(found)


def links_with_arxiv(abstract: str, *commentary: str) -> tuple[str | None, tuple[str, ...]]:
    """A paper's arXiv id and its links: every arXiv id mentioned, as its abstract page, then
    every URL of the text.

    The id is the first one the abstract mentions; failing that, the commentary's only one.
    Commentary often lists related papers, so of several there, none is taken as the paper's.
    """
    ids = find_arxiv_ids(abstract, *commentary)
    urls = find_urls(abstract, *commentary)
    if not ids:
        return None, urls
    own = find_arxiv_ids(abstract)
    arxiv_id = own[0] if own else (ids[0] if len(ids) == 1 else None)
    return arxiv_id, tuple(dict.fromkeys((*(arxiv_abs_url(i) for i in ids), *urls)))


def _trim_url(url: str) -> str:
    url = url.rstrip(_URL_TRAILING)
    # A closing bracket belongs to the URL only if the URL opened it: (see https://x.org/a_(b)).
    for opener, closer in (("(", ")"), ("[", "]")):
        while url.endswith(closer) and url.count(closer) > url.count(opener):
            url = url[:-1].rstrip(_URL_TRAILING)
    return url


def is_tag_line(line: str) -> bool:
    return line.startswith("#") and _TAG_LINE.fullmatch(line) is not None


def parse_tags(line: str) -> tuple[str, ...]:
    """`#LLM #scaling-law,` -> ('llm', 'scaling-law'): lowercase, no '#', no edge punctuation."""
    tags: dict[str, None] = {}
    for word in line.split():
        tag = word.lstrip("#").strip(_TAG_EDGE_PUNCT).lower()
        if tag:
            tags.setdefault(tag, None)
    return tuple(tags)


def date_from_file_name(name: str) -> date | None:
    """The date a file name carries, as in `2026-03-06.txt`, if it is a real date."""
    return date_of_match(_FILE_NAME_DATE.search(name))


def date_of_match(match: re.Match[str] | None) -> date | None:
    """The date a regex match of (year, month, day) groups names, if there is one and it is real."""
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None

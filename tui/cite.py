"""Texts made from a paper for the clipboard and the browser: links, Markdown, a citation line."""

from __future__ import annotations

from urllib.parse import urlsplit

from tui.model import Paper


def is_web_url(url: str) -> bool:
    """Only http(s) URLs with a host and no whitespace or control characters go to a browser."""
    if not url.isprintable() or any(char.isspace() for char in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def web_links(paper: Paper) -> list[str]:
    """The paper's http(s) links, arXiv first."""
    links = [url for url in paper.links if is_web_url(url)]
    return sorted(links, key=lambda url: "arxiv.org" not in url.lower())


def markdown_link(paper: Paper) -> str:
    links = web_links(paper)
    title = paper.title.replace("[", "\\[").replace("]", "\\]")
    return f"[{title}]({links[0]})" if links else title


def citation(paper: Paper) -> str:
    """`Ann Lee, Bo Li et al. (2025). Title. URL` from whatever the digests told."""
    if paper.authors:
        who = ", ".join(paper.authors[:3]) + (" et al." if len(paper.authors) > 3 else "")
    else:
        who = paper.org or (f"{paper.authors_count} authors" if paper.authors_count else "Unknown authors")
    when = paper.published or (paper.digest_dates[0] if paper.digest_dates else None)
    parts = [f"{who} ({when.year})" if when else who, paper.title.rstrip(".") + "."]
    links = web_links(paper)
    if links:
        parts.append(links[0])
    return " ".join(parts)


def clipboard_choices(paper: Paper) -> list[tuple[str, str, str]]:
    """(key, label, text) for each thing `c` can copy."""
    return [
        ("title", "Title", paper.title),
        ("markdown", "Markdown link", markdown_link(paper)),
        ("citation", "Citation", citation(paper)),
        ("abstract", "Abstract", paper.abstract or paper.title),
    ]

"""Links: only http(s) URLs ever reach the browser, whatever a digest holds."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from reliability import record

from tui.cite import is_web_url, web_links
from tui.model import Paper

SCHEMES = ["http", "https", "HTTP", "file", "javascript", "data", "ftp", "mailto", "ssh", "", "hxxp", "http\x00"]
hostile_urls = st.builds(
    lambda scheme, sep, rest: scheme + sep + rest,
    st.sampled_from(SCHEMES),
    st.sampled_from(["://", ":", ":///", "//", ""]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)


@settings(max_examples=2000)
@given(url=hostile_urls | st.text(max_size=60))
def test_only_http_urls_with_a_host_and_nothing_a_shell_or_terminal_acts_on_are_web_urls(url):
    record("link candidates checked")
    if not is_web_url(url):
        return
    parts = urlsplit(url)
    assert parts.scheme.lower() in ("http", "https") and parts.netloc
    assert url.isprintable() and not any(char.isspace() for char in url)


@settings(max_examples=300)
@given(st.lists(hostile_urls, max_size=6))
def test_a_paper_offers_the_browser_only_web_links(links):
    paper = Paper(id="0" * 16, title="t", links=tuple(links))
    offered = web_links(paper)
    assert all(is_web_url(url) for url in offered)
    assert set(offered) == {url for url in links if is_web_url(url)}

"""Stories and metadata from pages served on 127.0.0.1: a news article, its AMP copy, walls, legacy encodings."""

from __future__ import annotations

import logging

import pytest

from index.types import Article, Problem
from index.web.extract import decode_page, extract_article, url_id
from index.web.fetch import Fetcher
from index.web.sources import WebSource
from tests.index.web.site import ARTICLE_PATH, CANONICAL, FURNITURE, PAGES, STORY_SENTENCES, Reply, Site, page


@pytest.fixture
def source() -> WebSource:
    return WebSource(Fetcher())


def test_a_news_page_gives_its_story_and_metadata(site: Site, source: WebSource) -> None:
    article = source.page(site.url(ARTICLE_PATH) + "?utm_source=newsletter")
    assert isinstance(article, Article), article
    assert article.title == "Harbour bridge reopens after two-year repair"
    assert (article.source, article.author, article.published_at) == ("The Coastal Herald", "Priya Raman", "2024-03-12")
    assert article.url == CANONICAL and article.id == url_id(CANONICAL)
    for sentence in STORY_SENTENCES:
        assert sentence in article.body
    left = [words for words in FURNITURE if words in article.body]
    assert left == []
    assert article.body.startswith("The Old Harbour Bridge reopened")  # not the headline again, not the byline
    # trafilatura fetched nothing by itself: not the AMP copy, images or the canonical page it links to.
    assert set(site.hits) == {ARTICLE_PATH}


def test_the_amp_copy_is_the_same_article(site: Site, source: WebSource) -> None:
    page, amp = source.page(site.url(ARTICLE_PATH)), source.page(site.url("/amp" + ARTICLE_PATH))
    assert isinstance(page, Article) and isinstance(amp, Article), amp
    assert amp.id == page.id and amp.url == CANONICAL
    assert amp.source == "The Coastal Herald" and amp.published_at == "2024-03-12"
    assert "Advertisement" not in amp.body and "We use cookies" not in amp.body
    assert "Councillors have proposed a temporary toll" in amp.body


@pytest.mark.parametrize("path", ["/consent", "/paywall"])
def test_consent_and_paywall_pages_are_problems_not_articles(site: Site, source: WebSource, path: str) -> None:
    problem = source.page(site.url(path))
    assert problem == Problem(site.url(path), "no story on the page: it is a paywall or a cookie-consent page")


def test_a_page_without_a_canonical_url_is_known_by_its_address(site: Site, source: WebSource) -> None:
    article = source.page(site.url("/stories/3"))
    assert isinstance(article, Article)
    assert (article.url, article.id, article.title) == (site.url("/stories/3"), url_id(site.url("/stories/3")),
                                                        "Story number 3")


@pytest.mark.parametrize("declared", ["header", "meta"])
def test_a_page_in_a_legacy_encoding_is_decoded(site: Site, source: WebSource, declared: str) -> None:
    text = "Le café de la gare a rouvert ses portes. " * 12 + "« Enfin », dit Amélie — ravie."
    html = f"<html><head><title>Café rouvert</title>{{meta}}</head><body><article><p>{text}</p></article></body></html>"
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">' if declared == "meta" else ""
    ctype = "text/html; charset=iso-8859-1" if declared == "header" else "text/html"
    site.routes["/cafe"] = Reply(200, ctype, html.replace("{meta}", meta).encode("cp1252"))
    article = source.page(site.url("/cafe"))
    assert isinstance(article, Article), article
    assert article.title == "Café rouvert" and "« Enfin », dit Amélie — ravie." in article.body


def test_decoding_prefers_the_servers_charset_then_the_pages_then_utf8() -> None:
    assert decode_page("Zürich".encode("cp1252"), "ISO-8859-1") == "Zürich"
    assert decode_page("Zürich".encode()) == "Zürich"
    assert decode_page(b'<?xml version="1.0" encoding="koi8-r"?>' + "Москва".encode("koi8-r")).endswith("Москва")
    assert decode_page("naïve".encode("cp1252")) == "naïve"  # undeclared and not UTF-8: Windows-1252


def test_the_old_cleaner_is_the_fallback_when_trafilatura_finds_too_little(caplog: pytest.LogCaptureFixture) -> None:
    # Every paragraph in a table cell of a layout table: trafilatura is told to skip tables.
    paragraph = "<p>Paragraph {} of the report says the harbour trust met on Friday to plan.</p>"
    story = "".join(paragraph.format(n) for n in range(9))
    html = f"<html><head><title>Trust meets</title></head><body><table><tr><td>{story}</td></tr></table></body></html>"
    with caplog.at_level(logging.INFO, logger="index.web.extract"):
        article = extract_article(html, "http://127.0.0.1/trust")
    assert isinstance(article, Article)
    assert "using newsbot's own cleaner" in caplog.text
    assert "Paragraph 8 of the report" in article.body


def test_the_test_pages_are_real_pages() -> None:
    html = (PAGES / "article.html").read_text()
    assert html.count("<p>") >= 10 and "application/ld+json" in html and 'property="og:site_name"' in html


def test_a_wire_page_without_article_markup(site: Site, source: WebSource) -> None:
    site.routes["/wire"] = page("wire.html")
    article = source.page(site.url("/wire"))
    assert isinstance(article, Article), article
    assert (article.title, article.source, article.author, article.published_at) == (
        "Drought pushes grain prices to a five-year high", "Plains Wire", "Hannah Keller", "2024-07-02"
    )
    assert "closed at $8.42 a bushel" in article.body and "export demand from North Africa" in article.body
    # trafilatura keeps the inline promos; the cleaner's rules, run on its text, take them out.
    for furniture in ("Read more", "Sign up now", "Share this story", "Cattle ranchers", "covers agriculture"):
        assert furniture not in article.body


def test_a_short_brief_is_news_but_a_page_with_no_text_is_not(site: Site, source: WebSource) -> None:
    brief = ("The harbour trust will close the north slipway for dredging from Wednesday to Friday. Boats should use "
             "Ferry Point instead, the harbour master said on Monday. The work is done every summer.")
    site.routes["/brief"] = Reply(200, "text/html", f"<html><head><title>Slipway shut</title></head><body><nav>"
                                  f"<a href='/'>Home</a></nav><article><p>{brief}</p></article></body></html>".encode())
    site.routes["/blank"] = Reply(200, "text/html", b"<html><head><title>Home</title></head><body><nav><a href='/'>"
                                  b"Home</a> <a href='/news'>News</a></nav><div id='app'></div></body></html>")
    article = source.page(site.url("/brief"))
    assert isinstance(article, Article) and article.body == brief
    assert source.page(site.url("/blank")) == Problem(
        site.url("/blank"), "no story on the page (too little text; is it an article?)"
    )

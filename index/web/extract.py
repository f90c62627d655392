"""Turn a fetched web page into an `Article`: the story and its metadata, with trafilatura.

trafilatura reads the HTML it is given and fetches nothing. newsbot's own HTML reader (index.html_article) is the
fallback for pages trafilatura finds no story in. A page with too little text for a story (a consent wall, a
paywall teaser, a cookie notice) is a `Problem`, not an article.

The article id is "url:" + 16 hex digits of the SHA-1 of the page's canonical URL, as index.loaders makes it for a
saved page with that URL: the same story fetched again, from its AMP copy or saved to a file, is one article.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from urllib.parse import urljoin, urlsplit

from index.cleaning import clean_text
from index.dates import normalize_date
from index.html_article import html_to_article
from index.types import Article, Problem

logger = logging.getLogger(__name__)

__all__ = ["MIN_STORY_WORDS", "decode_page", "extract_article", "url_id"]

# trafilatura finding fewer words than this may have missed the story: newsbot's own cleaner gets a look.
MIN_STORY_WORDS = 60
# A page this short that speaks of cookies or subscriptions is a wall, not a story; shorter than _TOO_SHORT, it is
# no story at all. A brief of 40 words with neither is still news.
_WALL_WORDS = 120
_TOO_SHORT = 25
_WALL = re.compile(
    r"\b(?:cookies|consent to|accept all|privacy (?:settings|choices)|manage (?:settings|preferences)|"
    r"subscribe (?:to (?:continue|keep) reading|now|for)|already a subscriber|subscribers only|for subscribers|"
    r"sign in to (?:continue|read)|log in to (?:continue|read)|create a free account|paywall)\b",
    re.IGNORECASE,
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)


def url_id(url: str) -> str:
    """The article id of a page: a hash of its URL without the fragment."""
    return "url:" + hashlib.sha1(url.strip().split("#", 1)[0].encode("utf-8")).hexdigest()[:16]


def decode_page(body: bytes, charset: str = "") -> str:
    """Decode a page: the charset the server declared, else the page's <meta>/<?xml?> declaration, else UTF-8,
    else Windows-1252 (what pages mislabelled as Latin-1 almost always are)."""
    candidates = [charset]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        found = pattern.search(body[:4096])
        if found:
            candidates.append(found.group(1).decode("ascii", "replace"))
    candidates += ["utf-8"]
    for name in candidates:
        if not name:
            continue
        if name.lower() in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
            name = "windows-1252"  # browsers read these labels as Windows-1252 (the WHATWG encoding standard)
        try:
            return body.decode(name).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("windows-1252", "replace")


def extract_article(html: str, url: str) -> Article | Problem:
    """Extract the story on a page fetched from `url` (the final URL after redirects)."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    # newsbot's own cleaner runs only when trafilatura leaves a gap: it costs as much as trafilatura again.
    fallback = functools.cache(lambda: html_to_article(html))
    text = clean_text(getattr(doc, "text", None) or "")
    if _words(text) < MIN_STORY_WORDS and _words(fallback().text) > _words(text):
        logger.info("trafilatura found %d words on %s; using newsbot's own cleaner", _words(text), url)
        text = clean_text(fallback().text)
    if _words(text) < _WALL_WORDS and (_WALL.search(text) or _WALL.search(fallback().text)):
        return Problem(url, "no story on the page: it is a paywall or a cookie-consent page")
    if _words(text) < _TOO_SHORT:
        return Problem(url, "no story on the page (too little text; is it an article?)")

    title = _first(getattr(doc, "title", None)) or fallback().title
    canonical = _canonical(_first(getattr(doc, "url", None)) or fallback().url, url)
    source = _first(getattr(doc, "sitename", None)) or fallback().source or _site(canonical)
    published = normalize_date(_first(getattr(doc, "date", None))) or normalize_date(fallback().published_at)
    author = _first(getattr(doc, "author", None)) or fallback().author
    first, _, rest = text.partition("\n\n")
    if title and first.strip() == title and rest:  # the headline repeated as the first paragraph
        text = rest
    return Article(
        id=url_id(canonical),
        title=" ".join(title.split()) or first[:100],
        body=text,
        source=source,
        published_at=published,
        url=canonical,
        author=author,
    )


def _words(text: str) -> int:
    return len(text.split())


def _first(*values: str | None) -> str:
    return next((v.strip() for v in values if v and v.strip()), "")


def _canonical(declared: str, fetched: str) -> str:
    """The page's canonical URL when it declares an http(s) one, else the URL it was fetched from."""
    if declared:
        absolute = urljoin(fetched, declared)
        if urlsplit(absolute).scheme in ("http", "https"):
            return absolute
    return fetched


def _site(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")

"""Read news feeds: RSS 2.0 and Atom with feedparser, JSON Feed with the json module.

feedparser is only ever given the bytes newsbot fetched, wrapped in a stream: handed a string, it would fetch a
URL or open a file of that name by itself. The feed's own URL is passed as its Content-Location, so relative links
in it resolve against the feed.
"""

from __future__ import annotations

import calendar
import hashlib
import html as htmllib
import io
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from index.cleaning import clean_text
from index.dates import normalize_date
from index.errors import NewsbotError
from index.html_article import html_to_article
from index.types import Article
from index.web.extract import decode_page, url_id

__all__ = ["Feed", "FeedEntry", "FeedError", "looks_like_feed", "parse_feed"]

_JSON_FEED = "https://jsonfeed.org/version/"
_TAG = re.compile(r"<[^>]+>")


class FeedError(NewsbotError):
    """Bytes that are not a feed newsbot can read; the message says what they are."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: the link to its story and what the feed itself says about it."""

    key: str  # the entry's id, else its link: what "already seen" is remembered by
    link: str
    title: str = ""
    content_html: str = ""
    published_at: str = ""
    author: str = ""

    def article(self, source: str) -> Article | None:
        """The entry's own text as an article, for when its page cannot be fetched; None when it has none."""
        text = clean_text(html_to_article(f"<html><body><div>{self.content_html}</div></body></html>").text)
        if not text:
            return None
        article_id = url_id(self.link) if self.link else "feed:" + hashlib.sha1(self.key.encode()).hexdigest()[:16]
        return Article(
            id=article_id,
            title=self.title or text.split("\n", 1)[0][:100],
            body=text,
            source=source,
            published_at=self.published_at,
            url=self.link,
            author=self.author,
        )


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and its entries in the order it lists them (`total` before any cap)."""

    url: str
    title: str
    entries: tuple[FeedEntry, ...]
    total: int

    @property
    def site(self) -> str:
        return self.title or (urlsplit(self.url).hostname or "").removeprefix("www.")


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """Say whether fetched bytes are a feed rather than a web page (for /add URL, which takes either)."""
    if content_type in ("application/rss+xml", "application/atom+xml", "application/feed+json"):
        return True
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return _JSON_FEED.encode() in head
    return head.startswith(b"<?xml") and any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf")) or (
        head.startswith((b"<rss", b"<feed"))
    )


def parse_feed(body: bytes, url: str, content_type: str = "", max_entries: int = 100) -> Feed:
    """Parse a feed fetched from `url`; raise FeedError when it is not one."""
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{") or content_type in ("application/feed+json", "application/json"):
        return _json_feed(body, url, max_entries)
    return _xml_feed(body, url, content_type, max_entries)


def _xml_feed(body: bytes, url: str, content_type: str, max_entries: int) -> Feed:
    import feedparser

    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True)
    if not parsed.get("version"):
        head = body[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            raise FeedError("not a feed: the address serves a web page (ingest it without --feed)")
        if parsed.get("bozo"):
            raise FeedError(f"not a feed: not valid XML ({_brief(parsed.get('bozo_exception'))})")
        raise FeedError("not a feed: no RSS or Atom channel in it")
    if parsed.get("bozo") and not parsed.entries:
        # A broken feed the lenient parser could read entries from is still read; one with none is reported.
        raise FeedError(f"not a feed: not valid XML ({_brief(parsed.get('bozo_exception'))})")
    raw = parsed.entries
    entries = tuple(_xml_entry(entry) for entry in raw[:max_entries])
    return Feed(url, _plain(str(parsed.feed.get("title", ""))), tuple(e for e in entries if e.key), len(raw))


def _xml_entry(entry: Any) -> FeedEntry:
    content = ""
    if entry.get("content"):
        content = max((c.get("value", "") for c in entry.content), key=len)
    summary = entry.get("summary", "")
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    published = time.strftime("%Y-%m-%d", time.gmtime(calendar.timegm(stamp))) if stamp else ""
    link = str(entry.get("link", "")).strip()
    return FeedEntry(
        key=str(entry.get("id") or link).strip(),
        link=link if urlsplit(link).scheme in ("http", "https") else "",
        title=_plain(str(entry.get("title", ""))),
        content_html=content if len(content) > len(summary) else summary,
        published_at=published,
        author=str(entry.get("author", "")).strip(),
    )


def _json_feed(body: bytes, url: str, max_entries: int) -> Feed:
    try:
        data = json.loads(decode_page(body, "utf-8"))
    except json.JSONDecodeError as exc:
        raise FeedError(f"not a feed: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(_JSON_FEED):
        raise FeedError("not a feed: JSON, but not a JSON Feed (no jsonfeed.org version)")
    items: list[Any] = data["items"] if isinstance(data.get("items"), list) else []
    base = urljoin(url, str(data.get("feed_url") or ""))
    entries = []
    for item in items[:max_entries]:
        if not isinstance(item, dict):
            continue
        given = str(item.get("url") or item.get("external_url") or "")
        link = urljoin(base, given) if given else ""
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        html = str(item.get("content_html") or "")
        if not html and item.get("content_text"):
            html = "".join(f"<p>{htmllib.escape(p)}</p>" for p in str(item["content_text"]).split("\n\n"))
        entries.append(
            FeedEntry(
                key=str(item.get("id") or link).strip(),
                link=link if urlsplit(link).scheme in ("http", "https") else "",
                title=_plain(str(item.get("title", ""))),
                content_html=html or str(item.get("summary") or ""),
                published_at=normalize_date(str(item.get("date_published") or "")),
                author=", ".join(str(a.get("name", "")) for a in authors if isinstance(a, dict)),
            )
        )
    return Feed(url, str(data.get("title", "")).strip(), tuple(e for e in entries if e.key), len(items))


def _plain(title: str) -> str:
    """A title as text: feeds send HTML titles ("Story &mdash; <em>sequel</em>")."""
    return " ".join(htmllib.unescape(_TAG.sub("", title)).split())


def _brief(exc: object) -> str:
    """"line 3: mismatched tag" from the XML parser's exception."""
    if exc is None:
        return "unreadable"
    line, message = getattr(exc, "getLineNumber", None), getattr(exc, "getMessage", None)
    if callable(line) and callable(message):
        return f"line {line()}: {message()}"
    return str(exc).splitlines()[0][:100]

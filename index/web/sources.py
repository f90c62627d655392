"""Web pages and feeds as a stream of `Article | Problem`, for `NewsService.ingest_articles`.

A feed's entries are fetched a few at a time (at most two per host, see index.web.fetch). An entry already seen in
an earlier refresh, or whose URL is already an article in the store, is not fetched again. An entry whose page
cannot be fetched, or holds no story, is ingested from the feed's own text for it when it has some.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from index.types import Article, Problem
from index.web.extract import decode_page, extract_article, url_id
from index.web.feeds import Feed, FeedEntry, FeedError, parse_feed
from index.web.fetch import FEED_TYPES, HTML_TYPES, Fetched, Fetcher, FetchError

logger = logging.getLogger(__name__)

__all__ = ["FeedRun", "WebSource"]

WORKERS = 4

# Given article ids, return those the store already holds.
Known = Callable[[list[str]], set[str]]


def _none_known(ids: list[str]) -> set[str]:
    return set()


@dataclass
class FeedRun:
    """What reading one feed did; filled in as its items are consumed."""

    url: str
    feed: Feed | None = None
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""
    new: int = 0
    skipped_seen: int = 0
    from_feed_text: int = 0
    keys: list[str] = field(default_factory=list)  # entries handled this run, to remember as seen
    failed: bool = False

    def note(self) -> str:
        """One line for the report: "Coastal Herald (URL): 3 new entries, 12 already seen"."""
        name = f"{self.feed.title} ({self.url})" if self.feed and self.feed.title else self.url
        if self.failed:
            return ""
        if self.not_modified:
            return f"Feed {name}: not changed since the last refresh."
        parts = [f"{self.new} new entr{'y' if self.new == 1 else 'ies'}"]
        if self.skipped_seen:
            parts.append(f"{self.skipped_seen} already ingested")
        if self.from_feed_text:
            parts.append(f"{self.from_feed_text} from the feed's own text (page unavailable)")
        return f"Feed {name}: " + ", ".join(parts) + "."


class WebSource:
    """Fetch and extract pages and feeds with one Fetcher."""

    def __init__(self, fetcher: Fetcher, max_entries: int = 100, known: Known = _none_known) -> None:
        self.fetcher = fetcher
        self.max_entries = max_entries
        self.known = known

    def page(self, url: str, robots: bool = False) -> Article | Problem:
        """The article on one page, or the Problem with it."""
        try:
            got = self.fetcher.get(url, accept=HTML_TYPES, robots=robots)
        except FetchError as exc:
            return Problem(url, str(exc))
        return self.extract(got)

    def extract(self, got: Fetched) -> Article | Problem:
        return extract_article(decode_page(got.body, got.charset), got.url)

    def pages(self, urls: Iterable[str]) -> Iterator[Article | Problem]:
        """The articles on several pages, fetched a few at a time, in the order given."""
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="newsbot-fetch") as pool:
            yield from pool.map(self.page, urls)

    def feed(
        self,
        run: FeedRun,
        seen: Iterable[str] = (),
        etag: str = "",
        last_modified: str = "",
        robots: bool = False,
        fetched: Fetched | None = None,
    ) -> Iterator[Article | Problem]:
        """The new entries of a feed as articles; `run` records what happened (validators, keys to remember)."""
        try:
            got = fetched or self.fetcher.get(
                run.url, accept=FEED_TYPES, etag=etag, last_modified=last_modified, robots=robots
            )
        except FetchError as exc:
            run.failed = True
            yield Problem(run.url, f"feed: {exc}")
            return
        run.etag, run.last_modified = got.etag or etag, got.last_modified or last_modified
        if got.not_modified:
            run.not_modified = True
            return
        try:
            feed = parse_feed(got.body, got.url, got.content_type, self.max_entries)
        except FeedError as exc:
            run.failed = True
            yield Problem(run.url, str(exc))
            return
        run.feed = feed
        if feed.total > self.max_entries:
            yield Problem(
                run.url,
                f"the feed lists {feed.total} entries; newsbot read the first {self.max_entries} "
                "(raise NEWSBOT_FEED_MAX_ENTRIES to read more)",
            )
        if not feed.entries:
            return
        new = self._unseen(feed.entries, set(seen), run)
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="newsbot-feed") as pool:
            results = pool.map(lambda e: self._entry(e, feed, robots), new)
            for entry, (item, from_feed) in zip(new, results, strict=True):
                run.keys.append(entry.key)
                run.new += 1
                run.from_feed_text += from_feed
                yield item

    def _unseen(self, entries: tuple[FeedEntry, ...], seen: set[str], run: FeedRun) -> list[FeedEntry]:
        """The entries not handled before: neither remembered by the feed nor already articles in the store."""
        fresh = [e for e in entries if e.key not in seen]
        in_store = self.known([url_id(e.link) for e in fresh if e.link])
        new = [e for e in fresh if not (e.link and url_id(e.link) in in_store)]
        run.skipped_seen = len(entries) - len(new)
        # Entries already in the store are remembered too, so the next refresh need not ask the store again.
        run.keys.extend(e.key for e in fresh if e not in new)
        return new

    def _entry(self, entry: FeedEntry, feed: Feed, robots: bool) -> tuple[Article | Problem, bool]:
        """An entry's linked page as an article, else the feed's own text for it (then True)."""
        if entry.link:
            found = self.page(entry.link, robots=robots)
            if isinstance(found, Article):
                return found, False
            reason = found.reason
        else:
            reason = "the entry has no link"
        fallback = entry.article(feed.site)
        if fallback is not None:
            logger.info("using the feed's text for %s: %s", entry.link or entry.key, reason)
            return fallback, True
        return Problem(entry.link or f"{feed.url} entry {entry.key}", reason), False

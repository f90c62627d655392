"""Articles from the web for every front: ingest pages and feeds, follow feeds, refresh them.

`build_web(settings, service, guard)` wires one `WebIngest` over the service's store. The CLI builds it unguarded
(its user types the URLs); the Telegram bot builds it with the address guard on unless NEWSBOT_WEB_ALLOW_PRIVATE
is set, since its URLs come from chats and from the feeds they follow.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from bot.service import NewsService
from config.settings import Settings
from index.types import Article, IngestReport, Problem
from index.web.feeds import looks_like_feed
from index.web.fetch import FEED_TYPES, HTML_TYPES, Fetcher, FetchError
from index.web.registry import FeedRegistry, FollowedFeed, now
from index.web.sources import FeedRun, WebSource

logger = logging.getLogger(__name__)

__all__ = ["WebIngest", "build_web", "merge_reports"]


@dataclass(frozen=True)
class Added:
    """What `/add URL` did: ingested a page, or followed a feed (and ingested its entries)."""

    kind: str  # "page" or "feed"
    title: str
    report: IngestReport


class WebIngest:
    """Pages and feeds into the service's store; the followed feeds in the data folder."""

    def __init__(self, service: NewsService, source: WebSource, registry: FeedRegistry) -> None:
        self.service = service
        self.source = source
        self.registry = registry
        # One refresh at a time: a scheduled refresh and /add never read and rewrite a feed's state together.
        self._refresh_lock = threading.Lock()

    def close(self) -> None:
        self.source.fetcher.close()

    # --- one-off ingest ------------------------------------------------------------------------------------

    def ingest(self, urls: Sequence[str] = (), feeds: Sequence[str] = (), progress: bool = False) -> IngestReport:
        """Ingest pages and the entries of feeds (not followed); every bad input is one Problem in the report."""
        runs = [FeedRun(url) for url in feeds]
        items = chain(self.source.pages(urls), *(self.source.feed(run) for run in runs))
        report = self.service.ingest_articles(items, progress=progress)
        report.notes += [run.note() for run in runs if run.note()]
        return report

    # --- followed feeds ------------------------------------------------------------------------------------

    def follow(self, url: str) -> tuple[FollowedFeed, IngestReport]:
        """Follow a feed and ingest its entries now; a URL that is not a readable feed is not followed."""
        if self.registry.get(url) is not None:
            raise FetchError(f"already following {url}")
        run = FeedRun(url)
        report = self.service.ingest_articles(self._checked(run), progress=False)
        return self._keep(run, report)

    def _checked(self, run: FeedRun) -> Iterator[Article | Problem]:
        for item in self.source.feed(run):
            if run.feed is None and isinstance(item, Problem):
                raise FetchError(f"{run.url}: {item.reason}")  # not a feed: follow nothing
            yield item

    def _keep(self, run: FeedRun, report: IngestReport) -> tuple[FollowedFeed, IngestReport]:
        title = run.feed.title if run.feed else ""
        self.registry.add(run.url, title)
        feed = self.registry.get(run.url) or FollowedFeed(run.url, title)
        self._record(feed, run)
        report.notes += [run.note()] if run.note() else []
        return feed, report

    def unfollow(self, url_or_number: str) -> FollowedFeed | None:
        return self.registry.remove(url_or_number)

    def followed(self) -> list[FollowedFeed]:
        return self.registry.load()

    def refresh(self, robots: bool = True) -> IngestReport:
        """Fetch what is new in every followed feed (conditional GET; seen entries are not fetched again)."""
        with self._refresh_lock:
            feeds = self.registry.load()
            runs = [FeedRun(f.url) for f in feeds]
            items = chain(
                *(
                    self.source.feed(run, f.seen, f.etag, f.last_modified, robots=robots)
                    for run, f in zip(runs, feeds, strict=True)
                )
            )
            report = self.service.ingest_articles(items, progress=False)
            for run, feed in zip(runs, feeds, strict=True):
                self._record(feed, run)
            report.notes += [run.note() for run in runs if run.note()]
            if not feeds:
                report.notes.append("No feeds followed: add one with `newsbot feeds add URL`.")
            return report

    def _record(self, feed: FollowedFeed, run: FeedRun) -> None:
        if run.failed:
            return
        if run.feed and run.feed.title:
            feed.title = run.feed.title
        feed.etag, feed.last_modified, feed.refreshed_at = run.etag, run.last_modified, now()
        feed.remember(run.keys)
        self.registry.update(feed)

    # --- from a chat ---------------------------------------------------------------------------------------

    def add(self, url: str) -> Added:
        """A URL from a chat: a feed is followed and its entries ingested; a page is ingested."""
        got = self.source.fetcher.get(url, accept=tuple(dict.fromkeys(HTML_TYPES + FEED_TYPES)))
        if looks_like_feed(got.body, got.content_type):
            if self.registry.get(url) is not None:
                raise FetchError(f"already following {url}")
            run = FeedRun(url)
            report = self.service.ingest_articles(self.source.feed(run, fetched=got), progress=False)
            feed, report = self._keep(run, report)
            return Added("feed", feed.title or url, report)
        item = self.source.extract(got)
        report = self.service.ingest_articles([item])
        return Added("page", item.title if isinstance(item, Article) else url, report)


def build_web(settings: Settings, service: NewsService, guard: bool = False) -> WebIngest:
    """A WebIngest over the service's store, with one Fetcher built from the settings."""
    fetcher = Fetcher(
        timeout=settings.web_timeout,
        connect_timeout=min(settings.web_timeout, 10.0),
        max_bytes=settings.web_max_bytes,
        max_retries=settings.web_max_retries,
        guard=guard and not settings.web_allow_private,
    )

    def known(ids: list[str]) -> set[str]:
        return set(service.store.manifest_entries(ids)) if ids else set()

    source = WebSource(fetcher, settings.feed_max_entries, known)
    return WebIngest(service, source, FeedRegistry(settings.data_dir))


def merge_reports(first: IngestReport, second: IngestReport) -> IngestReport:
    """One report for a run that ingested files and web pages."""
    return IngestReport(
        added=first.added + second.added,
        updated=first.updated + second.updated,
        unchanged=first.unchanged + second.unchanged,
        duplicates=first.duplicates + second.duplicates,
        chunks_added=first.chunks_added + second.chunks_added,
        chunks_removed=first.chunks_removed + second.chunks_removed,
        problems=first.problems + second.problems,
        notes=first.notes + second.notes,
    )

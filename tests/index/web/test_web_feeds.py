"""RSS 2.0, Atom and JSON Feed served on 127.0.0.1; feeds that are not feeds; feeds that are far too long."""

from __future__ import annotations

import pytest

from index.types import Article, Problem
from index.web.feeds import FeedError, looks_like_feed, parse_feed
from index.web.fetch import Fetcher
from index.web.sources import FeedRun, WebSource
from tests.index.web.site import ARTICLE_PATH, CANONICAL, PAGES, Reply, Site


def read(site: Site, path: str, **options: object) -> tuple[FeedRun, list[Article | Problem]]:
    run = FeedRun(site.url(path))
    items = list(WebSource(Fetcher(), **options).feed(run))  # type: ignore[arg-type]
    return run, items


def test_rss_relative_links_resolve_and_html_descriptions_are_cleaned(site: Site) -> None:
    feed = parse_feed((PAGES / "feed.rss").read_bytes(), site.url("/feed.rss"), "application/rss+xml")
    assert feed.title == "The Coastal Herald – News" and feed.total == 3
    first = feed.entries[0]
    assert first.link == site.url(ARTICLE_PATH) and first.key == "herald-10231"
    assert (first.published_at, first.author) == ("2024-03-12", "Priya Raman")
    assert 'href="' + site.url("/news/2023/bridge-costs") + '"' in first.content_html  # links inside HTML too
    fallback = feed.entries[2].article("The Coastal Herald")
    assert fallback is not None and fallback.body.startswith("Arthur Penrose climbed the 112 steps")
    assert "<p>" not in fallback.body


def test_atom_with_xml_base_and_html_titles(site: Site) -> None:
    feed = parse_feed((PAGES / "atom.xml").read_bytes(), site.url("/atom.xml"), "application/atom+xml")
    assert feed.title == "Harbour Weekly"
    assert [e.link for e in feed.entries] == [site.url("/stories/2"), site.url("/stories/3")]
    assert feed.entries[0].title == "Story number 2 — the sequel"  # HTML title as text
    assert (feed.entries[0].author, feed.entries[0].published_at) == ("Sam Ortiz", "2024-03-11")
    assert feed.entries[1].published_at == "2024-03-10"


def test_json_feed(site: Site) -> None:
    feed = parse_feed((PAGES / "feed.json").read_bytes(), site.url("/feed.json"), "application/feed+json")
    assert feed.title == "Harbour Notes"
    assert [e.link for e in feed.entries] == [site.url("/stories/4"), ""]
    notes = feed.entries[1].article(feed.site)
    assert notes is not None and notes.id.startswith("feed:") and notes.source == "Harbour Notes"
    assert notes.body.startswith("High tide is at 6.12 a.m.") and "\n\nThe annual dredging" in notes.body


def test_a_feed_is_read_into_articles_from_the_linked_pages(site: Site) -> None:
    run, items = read(site, "/feed.rss")
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Article"]
    bridge, story, lighthouse = items
    assert bridge.url == CANONICAL and "temporary toll" in bridge.body  # type: ignore[union-attr]
    assert story.title == "Story number 1"  # type: ignore[union-attr]
    # The lighthouse page is gone: the feed's own text stands in.
    assert lighthouse.title == "Lighthouse keeper retires after forty years"  # type: ignore[union-attr]
    assert run.from_feed_text == 1 and run.new == 3
    assert run.note() == (f"Feed The Coastal Herald – News ({site.url('/feed.rss')}): 3 new entries, "
                          "1 from the feed's own text (page unavailable).")


def test_seen_entries_and_stored_articles_are_not_fetched_again(site: Site) -> None:
    keys = [e.key for e in parse_feed((PAGES / "feed.rss").read_bytes(), site.url("/feed.rss")).entries]
    run = FeedRun(site.url("/feed.rss"))
    items = list(WebSource(Fetcher()).feed(run, seen=[keys[0], keys[2]]))
    assert [i.title for i in items] == ["Story number 1"]  # type: ignore[union-attr]
    assert site.hits[ARTICLE_PATH] == 0 and site.hits["/stories/gone"] == 0
    from index.web.extract import url_id

    stored = url_id(site.url("/stories/1"))
    run = FeedRun(site.url("/feed.rss"))
    items = list(WebSource(Fetcher(), known=lambda ids: {stored} & set(ids)).feed(run, seen=["herald-10231"]))
    assert [i.title for i in items] == ["Lighthouse keeper retires after forty years"]  # type: ignore[union-attr]
    assert site.hits["/stories/1"] == 1 and run.skipped_seen == 2


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"this is not a feed at all {", "not a feed: not valid XML"),
        (b"<html><body><p>A page</p></body></html>", "not a feed: the address serves a web page"),
        (b'{"items": []}', "not a feed: JSON, but not a JSON Feed"),
        (b"<?xml version='1.0'?><rss><channel><title>x", "not a feed: not valid XML"),
    ],
)
def test_what_is_not_a_feed_is_one_clear_problem(site: Site, body: bytes, reason: str) -> None:
    site.routes["/bad"] = Reply(200, "application/rss+xml", body)
    run, items = read(site, "/bad")
    assert len(items) == 1 and isinstance(items[0], Problem) and run.failed
    assert items[0].path == site.url("/bad") and items[0].reason.startswith(reason), items[0].reason


def test_a_feed_with_ten_thousand_entries_is_read_up_to_the_limit(site: Site) -> None:
    entries = "".join(
        f"<item><title>Item {n}</title><link>/stories/{n % 5 + 1}</link><guid>item-{n}</guid></item>"
        for n in range(10_000)
    )
    site.routes["/huge.rss"] = Reply(200, "application/rss+xml",
                                     f'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>'
                                     f"{entries}</channel></rss>".encode())
    run, items = read(site, "/huge.rss", max_entries=5)
    problems = [i for i in items if isinstance(i, Problem)]
    assert [str(p) for p in problems] == [
        f"{site.url('/huge.rss')}: the feed lists 10000 entries; newsbot read the first 5 "
        "(raise NEWSBOT_FEED_MAX_ENTRIES to read more)"
    ]
    assert sum(isinstance(i, Article) for i in items) == 5 and run.new == 5


def test_feedparser_is_never_given_anything_it_could_fetch(site: Site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Handed a string, feedparser fetches a URL or opens a file of that name: newsbot hands it bytes in a stream."""
    secret = tmp_path / "feed.rss"
    secret.write_bytes((PAGES / "feed.rss").read_bytes())
    for body in (site.url("/feed.rss").encode(), str(secret).encode()):
        with pytest.raises(FeedError):
            parse_feed(body, site.url("/x"))
    assert site.hits["/feed.rss"] == 0


def test_feeds_and_pages_are_told_apart() -> None:
    assert looks_like_feed((PAGES / "feed.rss").read_bytes())
    assert looks_like_feed((PAGES / "atom.xml").read_bytes())
    assert looks_like_feed((PAGES / "feed.json").read_bytes())
    assert not looks_like_feed((PAGES / "article.html").read_bytes())
    assert looks_like_feed(b"<html>", "application/rss+xml")


def test_a_scheduled_refresh_honours_robots_txt(site: Site) -> None:
    site.routes["/robots.txt"] = Reply(200, "text/plain", b"User-agent: *\nDisallow: /stories/\n")
    run, items = read(site, "/atom.xml")
    assert site.hits["/stories/2"] == 1  # a one-off read the user asked for does not consult robots.txt
    run = FeedRun(site.url("/atom.xml"))
    items = list(WebSource(Fetcher()).feed(run, robots=True))
    assert site.hits["/stories/2"] == 1 and site.hits["/robots.txt"] == 1
    assert [i.title for i in items] == ["Story number 2 — the sequel", "Story number 3"]  # type: ignore[union-attr]
    assert run.from_feed_text == 2  # the feed's own text stands in for the pages robots.txt keeps newsbot from

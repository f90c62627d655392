"""The test news site, served on 127.0.0.1 for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.index.web.site import ARTICLE_PATH, Reply, Site, page, serve, story_page


@pytest.fixture
def site() -> Iterator[Site]:
    """A news site with an article, its AMP copy, entry pages and feeds; tests add the misbehaving routes."""
    for running in serve():
        running.routes.update(
            {
                ARTICLE_PATH: page("article.html"),
                "/amp" + ARTICLE_PATH: page("amp.html"),
                "/feed.rss": page("feed.rss", "application/rss+xml; charset=utf-8"),
                "/atom.xml": page("atom.xml", "application/atom+xml"),
                "/feed.json": page("feed.json", "application/feed+json"),
                "/consent": page("consent.html"),
                "/paywall": page("paywall.html"),
                "/missing": Reply(404, "text/html", b"<html><body><h1>Not found</h1></body></html>"),
                "/stories/gone": Reply(404, "text/html", b"<html><body><h1>Not found</h1></body></html>"),
                **{f"/stories/{n}": story_page(n) for n in range(1, 6)},
            }
        )
        yield running

"""/add URL, /feeds and the scheduled feed refresh: the real Application against the fake Bot API and the news
site, both on 127.0.0.1."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.service import NewsService
from bot.telegram import build_application
from bot.telegram.web import JOB_NAME
from config import load_settings
from index.web.registry import FeedRegistry
from tests.conftest import make_service
from tests.fakes.botapi import TOKEN, FakeBotAPI, visible_text
from tests.index.web.site import ARTICLE_PATH, PAGES, Reply, Site, held, page, serve, story_page

ADMIN = 777
AnyApp = Application[Any, Any, Any, Any, Any, Any]


@pytest.fixture
def site() -> Iterator[Site]:
    for running in serve():
        running.routes.update(
            {
                ARTICLE_PATH: page("article.html"),
                "/feed.rss": page("feed.rss", "application/rss+xml"),
                **{f"/stories/{n}": story_page(n) for n in range(1, 4)},
            }
        )
        yield running


@pytest.fixture
def service(tmp_path: Path) -> NewsService:
    return make_service(tmp_path / "data")  # type: ignore[no-any-return]


@pytest.fixture
async def start(
    api: FakeBotAPI, service: NewsService, tmp_path: Path
) -> AsyncIterator[Callable[..., Awaitable[AnyApp]]]:
    apps: list[AnyApp] = []

    async def run(**overrides: Any) -> AnyApp:
        settings = load_settings(
            data_dir=tmp_path / "data", telegram_bot_token=TOKEN, telegram_base_url=api.base_url,
            telegram_admin_ids=str(ADMIN), **overrides,
        )  # fmt: skip
        app = build_application(settings, service)
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        apps.append(app)
        return app

    yield run
    for app in apps:
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def said(api: FakeBotAPI, chat: int, count: int) -> str:
    return visible_text((await api.wait_sent(chat, count, timeout=30))[count - 1].text)


async def test_admins_add_pages_and_feeds_and_anyone_lists_the_feeds(
    api: FakeBotAPI, start: Callable[..., Awaitable[AnyApp]], site: Site
) -> None:
    app = await start(web_allow_private=True)
    assert not app.job_queue.get_jobs_by_name(JOB_NAME)  # type: ignore[union-attr]  # no feeds: nothing scheduled
    api.push_message(f"/add {site.url(ARTICLE_PATH)}", chat_id=ADMIN)
    added = await said(api, ADMIN, 1)
    assert added.startswith("Added “Harbour bridge reopens after two-year repair”. Articles: 1 added")
    api.push_message(f"/add {site.url('/feed.rss')}", chat_id=ADMIN)
    reply = await said(api, ADMIN, 2)
    assert reply.startswith("Following “The Coastal Herald – News”; I'll check it for new stories. Articles: 2 added")
    assert app.job_queue.get_jobs_by_name(JOB_NAME)  # type: ignore[union-attr]  # the first feed: scheduled now
    api.push_message("/feeds", chat_id=5)
    assert await said(api, 5, 1) == f"Feeds I follow:\n1. The Coastal Herald – News — {site.url('/feed.rss')}"
    api.push_message(f"/add {site.url('/stories/3')}", chat_id=5)
    assert await said(api, 5, 2) == "Only the bot's admins can add articles."
    # /add with text, not a URL, is still a pasted article.
    pasted = "/add Ferry strike ends\nThe ferry crews returned to work on Friday after a pay deal."
    api.push_message(pasted, chat_id=ADMIN)
    assert "1 added" in await said(api, ADMIN, 3)
    assert site.hits["/stories/3"] == 0 and api.bad_requests == []


async def test_urls_from_chats_may_not_reach_private_addresses(
    api: FakeBotAPI, start: Callable[..., Awaitable[AnyApp]], site: Site
) -> None:
    await start()
    api.push_message(f"/add {site.url(ARTICLE_PATH)}", chat_id=ADMIN)
    assert await said(api, ADMIN, 1) == (
        f"I couldn't add {site.url(ARTICLE_PATH)}: refused: 127.0.0.1 is a loopback address "
        "(set NEWSBOT_WEB_ALLOW_PRIVATE=true to allow it)"
    )
    by_name = f"http://localhost:{site.server_address[1]}/feed.rss"
    api.push_message(f"/add {by_name}", chat_id=ADMIN)
    assert await said(api, ADMIN, 2) == (
        f"I couldn't add {by_name}: refused: localhost is a loopback address "
        "(set NEWSBOT_WEB_ALLOW_PRIVATE=true to allow it)"
    )
    assert not site.hits


async def until(condition: Callable[[], bool], what: str, patience: float = 120.0) -> None:
    """Wait for `condition`; `patience` only stops a hung test (the refresh embeds pages, slow on a busy machine)."""
    deadline = asyncio.get_running_loop().time() + patience
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.05)


async def test_followed_feeds_refresh_on_schedule_without_blocking_answers(
    api: FakeBotAPI, start: Callable[..., Awaitable[AnyApp]], site: Site, tmp_path: Path
) -> None:
    feed = (PAGES / "feed.rss").read_bytes().replace(b"/stories/1", b"/slow/1").replace(b"/stories/gone", b"/slow/2")
    site.routes["/slow.rss"] = Reply(200, "application/rss+xml", feed)
    release = threading.Event()  # the story pages wait for it: the refresh is under way until the test says
    site.routes["/slow/1"] = held(story_page(1), release)
    site.routes["/slow/2"] = held(story_page(2), release)
    FeedRegistry(tmp_path / "data").add(site.url("/slow.rss"))
    app = await start(web_allow_private=True, feed_refresh_minutes=0.01)
    assert app.job_queue.get_jobs_by_name(JOB_NAME)  # type: ignore[union-attr]
    await until(lambda: bool(site.in_flight), "the refresh to start")
    api.push_message("What happened to the harbour bridge?", chat_id=1)
    await api.wait_sent(1, 1, timeout=30)
    assert site.in_flight  # answered while the refresh was still waiting for the slow pages
    release.set()
    registry = FeedRegistry(tmp_path / "data")
    await until(lambda: bool(registry.load()[0].refreshed_at), "the refresh to finish")
    followed = registry.load()[0]
    assert followed.title == "The Coastal Herald – News" and len(followed.seen) == 3

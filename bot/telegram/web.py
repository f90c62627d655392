"""The bot and the web: admins `/add URL` (a page or a feed) and list `/feeds`; followed feeds refresh on a schedule.

URLs from chats and from the feeds they follow are fetched with the address guard on (see index.web.fetch). The
refresh runs on python-telegram-bot's JobQueue, in a worker thread, so answering never waits for it; nothing is
scheduled until a feed is followed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import Application, ApplicationHandlerStop, CommandHandler, ContextTypes, filters

from bot.telegram.format import escape, format_problems
from bot.telegram.handlers import ADMIN_ONLY, NewsBot
from bot.telegram.messages import after_command
from bot.telegram.streaming import chat_action
from bot.web import WebIngest, build_web
from config.settings import Settings
from index.errors import NewsbotError
from index.web import is_url

if TYPE_CHECKING:
    from bot.service import NewsService

logger = logging.getLogger(__name__)

__all__ = ["add_web_handlers", "schedule_refresh"]

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
JOB_NAME = "refresh-feeds"
NEW = filters.UpdateType.MESSAGE


def add_web_handlers(app: AnyApplication, newsbot: NewsBot, settings: Settings, service: NewsService) -> None:
    """Handle /add URL and /feeds ahead of the other handlers, and schedule the refresh if feeds are followed."""
    web = build_web(settings, service, guard=True)
    handlers = WebCommands(newsbot, web)
    app.bot_data["web"] = web
    # Group -1 runs first; a handled update stops there, and `/add TEXT` (a pasted article) goes on to group 0.
    app.add_handler(CommandHandler("add", handlers.cmd_add, filters=NEW), group=-1)
    app.add_handler(CommandHandler("feeds", handlers.cmd_feeds, filters=NEW), group=-1)
    schedule_refresh(app, web, settings.feed_refresh_minutes)
    earlier = app.post_shutdown

    async def close_web(application: AnyApplication) -> None:
        if earlier is not None:
            await earlier(application)
        web.close()

    app.post_shutdown = close_web  # run_polling and run_webhook call it as they stop


def schedule_refresh(app: AnyApplication, web: WebIngest, minutes: float) -> bool:
    """Refresh the followed feeds every `minutes`, once there are any; True when a refresh is scheduled."""
    if app.job_queue is None:
        logger.warning("feeds are not refreshed: python-telegram-bot was installed without its job-queue extra")
        return False
    if app.job_queue.get_jobs_by_name(JOB_NAME):
        return True
    if not web.followed():
        return False

    async def refresh(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            report = await asyncio.to_thread(web.refresh, True)
        except NewsbotError as exc:
            logger.warning("the feed refresh failed: %s", exc)
            return
        logger.info("feeds refreshed: %s %s", report.summary(), " ".join(report.notes))
        for problem in report.problems:
            logger.info("feed refresh skipped %s", problem)

    seconds = minutes * 60
    app.job_queue.run_repeating(refresh, interval=seconds, first=seconds, name=JOB_NAME)
    return True


class WebCommands:
    """The web commands, sharing NewsBot's rules on who may ask and add."""

    def __init__(self, newsbot: NewsBot, web: WebIngest) -> None:
        self.newsbot = newsbot
        self.web = web

    async def cmd_add(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/add URL (admins): ingest a page, or follow a feed and ingest its entries."""
        message = update.effective_message
        url = after_command(message).strip() if message else ""
        if message is None or not is_url(url) or len(url.split()) != 1:
            return  # not a URL: /add TEXT, the pasted-article handler's
        if await self.newsbot.admit(update):
            if not self.newsbot.is_admin(update):
                await self.newsbot.reply(update, [escape(ADMIN_ONLY)])
            else:
                async with chat_action(context.bot, message.chat_id, ChatAction.TYPING):
                    await self._add(update, context, url)
        raise ApplicationHandlerStop

    async def _add(self, update: Update, context: ContextTypes.DEFAULT_TYPE, url: str) -> None:
        try:
            added = await asyncio.to_thread(self.web.add, url)
        except NewsbotError as exc:
            await self.newsbot.reply(update, [escape(f"I couldn't add {url}: {exc}")])
            return
        report = added.report
        if added.kind == "feed":
            headline = f"Following “{added.title}”; I'll check it for new stories. {report.summary()}"
            if context.application.job_queue is not None:
                minutes = self.web.service.settings.feed_refresh_minutes
                schedule_refresh(context.application, self.web, minutes)
        else:
            headline = f"Added “{added.title}”. {report.summary()}" if not report.problems else report.summary()
        await self.newsbot.reply(update, format_problems(headline, report.problems))

    async def cmd_feeds(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/feeds: the feeds the bot follows."""
        if await self.newsbot.admit(update):
            feeds = await asyncio.to_thread(self.web.followed)
            if not feeds:
                text = "I follow no feeds yet. An admin can add one: /add https://example.com/rss.xml"
            else:
                lines = [f"{n}. {f.title or f.url} — {f.url}" for n, f in enumerate(feeds, start=1)]
                text = "Feeds I follow:\n" + "\n".join(lines)
            await self.newsbot.reply(update, [escape(text)])
        raise ApplicationHandlerStop

"""newsbot on Telegram: python-telegram-bot handlers over the same NewsService as the REPL.

`run_bot(settings)` is the blocking entry point of `newsbot telegram`; `build_application(settings, service)` wires
the handlers, and is what the tests run against a fake Bot API server. The rest lives in `handlers`
(what the bot does), `streaming` (delivering an answer as it is written), `messages` (reading
incoming messages), `transport` (retries and the token) and `format` (HTML).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, CommandHandler, MessageHandler, TypeHandler, filters

from bot.telegram.handlers import NewsBot
from bot.telegram.transport import (
    TOKEN_REJECTED,
    Patience,
    bot_token,
    check_token,
    protect_token,
    send_with_retry,
)
from config.settings import Settings
from index.errors import ConfigError

if TYPE_CHECKING:
    from bot.service import NewsService

logger = logging.getLogger(__name__)

__all__ = ["NewsBot", "build_application", "check_token", "protect_token", "run_bot", "webhook_options"]

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

CONCURRENT_UPDATES = 128

COMMANDS = [
    BotCommand("ask", "Ask a question about the news"),
    BotCommand("sources", "Show the sources of my last answer"),
    BotCommand("reset", "Forget our conversation"),
    BotCommand("help", "What I know and how to ask"),
    BotCommand("start", "Introduction"),
]

MENU_TASK = "newsbot.menu_task"

# Only new messages: edits and channel posts are ignored rather than answered twice.
NEW = filters.UpdateType.MESSAGE


def register_handlers(app: AnyApplication, newsbot: NewsBot) -> None:
    """Route every kind of update to its handler; the first match wins."""
    # Every update, before anything handles it; its own group, as only the first match in a group runs.
    app.add_handler(TypeHandler(Update, newsbot.prepare), group=-2)
    app.add_handler(CommandHandler(["start", "help"], newsbot.cmd_help, filters=NEW))
    app.add_handler(CommandHandler("ask", newsbot.cmd_ask, filters=NEW))
    app.add_handler(CommandHandler("sources", newsbot.cmd_sources, filters=NEW))
    app.add_handler(CommandHandler("reset", newsbot.cmd_reset, filters=NEW))
    app.add_handler(CommandHandler("add", newsbot.cmd_add, filters=NEW))
    app.add_handler(MessageHandler(NEW & filters.Document.ALL, newsbot.on_document))
    app.add_handler(MessageHandler(NEW & filters.TEXT & ~filters.COMMAND, newsbot.on_text))
    app.add_handler(MessageHandler(NEW & filters.COMMAND, newsbot.on_unknown_command))
    app.add_handler(MessageHandler(NEW & ~filters.StatusUpdate.ALL, newsbot.on_other))
    app.add_error_handler(newsbot.on_error)


async def register_commands(app: AnyApplication) -> None:
    """Register the command menu; a failure here is logged, not fatal."""
    try:
        newsbot: NewsBot = app.bot_data["newsbot"]
        await send_with_retry(lambda: app.bot.set_my_commands(COMMANDS), newsbot.patience)
    except TelegramError as exc:
        logger.warning("could not register the command menu: %s", exc)


async def start_background(app: AnyApplication) -> None:
    """post_init: register the command menu in the background, so the bot listens at once even if the API is slow."""
    app.bot_data[MENU_TASK] = asyncio.create_task(register_commands(app), name="newsbot-register-commands")


async def stop_background(app: AnyApplication) -> None:
    """post_stop: stop registering the command menu if it is still being retried."""
    task = app.bot_data.pop(MENU_TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def file_base_url(base_url: str) -> str:
    """The file-download URL that goes with a Bot API base URL (…/bot → …/file/bot)."""
    return base_url.rstrip("/").removesuffix("/bot") + "/file/bot"


def build_application(
    settings: Settings, service: NewsService, patience: Patience | None = None
) -> AnyApplication:
    """A PTB Application with newsbot's handlers, processing updates concurrently; its sends wait out outages with
    `patience` (the bot's defaults unless given: tests shorten them)."""
    newsbot = NewsBot(settings, service, patience)
    app = (
        Application.builder()
        .token(bot_token(settings))
        .base_url(settings.telegram_base_url)
        .base_file_url(file_base_url(settings.telegram_base_url))
        .concurrent_updates(CONCURRENT_UPDATES)
        .pool_timeout(10.0)
        .connect_timeout(10.0)
        .post_init(start_background)
        .post_stop(stop_background)
        .build()
    )
    app.bot_data["newsbot"] = newsbot
    register_handlers(app, newsbot)
    from bot.telegram.web import add_web_handlers  # /add URL, /feeds and the scheduled feed refresh

    add_web_handlers(app, newsbot, settings, service)
    return app


def webhook_secret(token: str) -> str:
    """The secret Telegram sends back with every webhook request; derived from the token, so stable across restarts."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments for `run_webhook` or `Updater.start_webhook`: serve the URL's path and register it with Telegram."""
    url = settings.telegram_webhook_url
    return {
        "listen": settings.telegram_webhook_listen,
        "port": settings.telegram_webhook_port,
        "url_path": urlsplit(url).path.lstrip("/"),
        "webhook_url": url,
        # The webhook server refuses requests without this header, so only Telegram can post updates.
        "secret_token": webhook_secret(bot_token(settings)),
        "allowed_updates": Update.ALL_TYPES,
        "bootstrap_retries": 3,
    }


def run_bot(settings: Settings) -> None:
    """Run the bot until interrupted: long polling, or a webhook server when telegram_mode is "webhook"."""
    token = bot_token(settings)
    webhook = settings.telegram_mode == "webhook"
    if webhook and not settings.telegram_webhook_url.startswith("https://"):
        raise ConfigError("NEWSBOT_TELEGRAM_WEBHOOK_URL must be the bot's public https:// URL.")
    protect_token(token)
    username = asyncio.run(check_token(settings))
    from bot.wiring import build_service

    service = build_service(settings)
    service.ensure_seeded()
    app = build_application(settings, service)
    print(f"newsbot: @{username} is running ({settings.telegram_mode}); Ctrl+C stops it.", file=sys.stderr)
    try:
        if webhook:
            app.run_webhook(**webhook_options(settings))
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=3)
    except InvalidToken:
        raise ConfigError(TOKEN_REJECTED) from None

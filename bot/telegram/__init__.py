"""The Telegram front: the bot's entry points (app), its update handlers, streaming drafts, message formatting
and the transport that talks to the Bot API; web pages and feeds added from chats (web)."""

from bot.telegram.app import build_application, run_bot, webhook_options
from bot.telegram.handlers import NewsBot
from bot.telegram.transport import check_token, protect_token

__all__ = ["NewsBot", "build_application", "check_token", "protect_token", "run_bot", "webhook_options"]

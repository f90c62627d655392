"""Talking to the Bot API: sends that survive flood control and network errors, and a token kept out of the logs."""

from __future__ import annotations

import asyncio
import html
import itertools
import logging
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from telegram import Bot, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from config.settings import Settings
from index.errors import ConfigError

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_RETRY_AFTER = 120.0
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
TOKEN_REJECTED = "Telegram rejected TELEGRAM_BOT_TOKEN — check the token @BotFather gave you."


@dataclass(frozen=True)
class Patience:
    """How long a send waits out network errors. The defaults are the bot's; tests pass shorter ones to run the
    same retries through an outage of the fake Bot API in a fraction of the time."""

    delivery: float = 300.0  # seconds to keep retrying a reply through an outage before giving it up
    first_backoff: float = 0.5  # seconds before the first retry; each next wait doubles, up to max_backoff
    max_backoff: float = 8.0


PATIENCE = Patience()  # the bot's own

# Whether the bot is shutting down, and how patient to be, as seen by the update being handled (set per update by
# the handlers): a reply waiting out an outage is given up at shutdown, so Ctrl+C doesn't wait minutes for an API
# that isn't there.
stopping: ContextVar[Callable[[], bool]] = ContextVar("stopping", default=lambda: False)
patience: ContextVar[Patience] = ContextVar("patience", default=PATIENCE)


async def send_with_retry(call: Callable[[], Awaitable[T]], waits: Patience | None = None) -> T:
    """Await `call()`, waiting out flood control (RetryAfter) and network errors for up to `waits.delivery` seconds
    (`waits`: this update's `patience` when not given).

    An answer the bot computed during an outage is worth keeping, so the default patience is minutes, not the few
    retries a blip needs; after it the last error is raised.
    """
    waits = waits or patience.get()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + waits.delivery
    delay, warned = waits.first_backoff, False
    for attempt in itertools.count(1):
        try:
            return await call()
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            if loop.time() + wait > deadline:
                raise
            logger.warning("flood control: waiting %.1f s (attempt %d)", wait, attempt)
            await asyncio.sleep(wait)
        except (BadRequest, Forbidden, InvalidToken):
            raise  # retrying cannot fix these (BadRequest is a NetworkError subclass)
        except NetworkError as exc:
            left = deadline - loop.time()
            if left <= 0 or stopping.get()():
                raise
            # One warning per outage and reply; the retries that follow would only repeat it.
            level = logging.DEBUG if warned else logging.WARNING
            logger.log(level, "network error, retrying for up to %.0f s: %s", left, exc)
            warned = True
            await asyncio.sleep(min(delay, left))
            delay = min(delay * 2, waits.max_backoff)
    raise AssertionError("unreachable")


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait in seconds (PTB gives an int or a timedelta depending on its settings)."""
    value = exc.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


async def send_html(bot: Bot, chat_id: int, text: str, reply_to: ReplyParameters | None) -> None:
    """Send one HTML message; should Telegram reject the markup, send it as plain text rather than nothing."""
    try:
        await send_with_retry(
            lambda: bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_parameters=reply_to,
            )
        )
    except BadRequest as exc:
        if "parse" not in str(exc).lower():
            raise
        logger.error("Telegram rejected our HTML (%s); sending plain text", exc)
        plain = html.unescape(re.sub(r"<[^>]*>", "", text))
        await send_with_retry(lambda: bot.send_message(chat_id, plain, reply_parameters=reply_to))


async def send_chunks(bot: Bot, chat_id: int, chunks: list[str], reply_to: ReplyParameters | None) -> None:
    """Send HTML messages in order; only the first one quotes `reply_to`."""
    for i, chunk in enumerate(chunks):
        await send_html(bot, chat_id, chunk, reply_to if i == 0 else None)


class TokenFilter(logging.Filter):
    """Mask the bot token in every log record (httpx and PTB put it in request URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, "<token>")
        return True


# A logger's filter sees only records logged on that very logger, not its children's. The filter on the root's
# handlers covers everything that propagates; these cover records of the named loggers on handlers added later.
TOKEN_LOGGERS = (
    "httpx",
    "httpcore",
    "telegram",
    "telegram.ext",
    "bot.telegram.app",
    "bot.telegram.handlers",
    "bot.telegram.streaming",
    "bot.telegram.web",
    __name__,
)


def protect_token(token: str) -> TokenFilter:
    """Quiet httpx's request logging and mask the token on every handler and Telegram logger."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    token_filter = TokenFilter(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)
    for name in TOKEN_LOGGERS:
        logging.getLogger(name).addFilter(token_filter)
    return token_filter


def bot_token(settings: Settings) -> str:
    """The token from TELEGRAM_BOT_TOKEN, or a ConfigError saying how to get one."""
    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else ""
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set — create a bot with @BotFather and export its token.")
    return token


async def check_token(settings: Settings) -> str:
    """The bot's username from getMe; a rejected token, an unreachable API or an odd reply is a one-line ConfigError."""
    url = settings.telegram_base_url
    bot = Bot(bot_token(settings), base_url=url)
    try:
        async with bot:
            username = bot.username
    except InvalidToken:
        raise ConfigError(TOKEN_REJECTED) from None
    except NetworkError as exc:
        raise ConfigError(f"Cannot reach the Telegram Bot API at {url}: {exc}") from None
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        # PTB builds its User from getMe's fields: a missing or mistyped one surfaces as one of these.
        raise ConfigError(f"The Bot API at {url} sent a getMe reply newsbot can't use ({exc}).") from None
    if not username:
        raise ConfigError(f"The Bot API at {url} sent a getMe reply without the bot's username.")
    return username

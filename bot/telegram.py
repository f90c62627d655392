"""newsbot on Telegram: python-telegram-bot handlers over the same NewsService as the REPL.

`run_bot(settings)` is the blocking entry point of `newsbot telegram`; `build_application(settings, service)`
wires the handlers, and is what the tests run against a fake Bot API server.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import logging
import re
import sys
import tempfile
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from telegram import (
    Bot,
    BotCommand,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.telegram_format import (
    MAX_MESSAGE,
    escape,
    format_answer,
    format_problems,
    format_sources,
    format_stats,
    split_html,
    tg_len,
)
from bot.types import Answer, Conversation
from config.errors import ConfigError, NewsbotError
from config.settings import Settings
from index.types import Article

if TYPE_CHECKING:
    from bot.service import NewsService

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_CHATS = 10_000
CONCURRENT_UPDATES = 128
EDIT_INTERVAL = 1.0  # seconds between edits of a streaming reply; Telegram allows about one per second per chat
TYPING_INTERVAL = 4.0  # "typing…" lasts five seconds, so renew it a little sooner
SEND_ATTEMPTS = 6
MAX_RETRY_AFTER = 120.0
DOCUMENT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # what getFile serves on the public Bot API

COMMANDS = [
    BotCommand("ask", "Ask a question about the news"),
    BotCommand("sources", "Show the sources of my last answer"),
    BotCommand("reset", "Forget our conversation"),
    BotCommand("help", "What I know and how to ask"),
    BotCommand("start", "Introduction"),
]

REFUSAL = "Sorry, this bot is private. Ask its owner to allow your id ({id})."
ADMIN_ONLY = "Only the bot's admins can add articles."
SLOW_DOWN = "You're asking faster than I can read — please wait a minute and try again."
APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
NOT_TEXT = "I can only read text. Send me your question as a message."
TOO_LONG = "That message is too long for a question — please ask something shorter."
EMPTY = "Ask me a question, for example: /ask Which hotel was Rouhani staying at in New York?"
UNKNOWN_COMMAND = "I don't know that command. /help lists what I can do."

# Only new messages: edits and channel posts are ignored rather than answered twice.
NEW = filters.UpdateType.MESSAGE


@dataclass
class ChatState:
    """One chat's conversation, and the lock that answers its questions in order."""

    conversation: Conversation
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class RateLimiter:
    """At most `limit` events per `window` seconds per key (a sliding window), for at most `max_keys` keys."""

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        max_keys: int = MAX_CHATS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.max_keys, self.clock = limit, window, max_keys, clock
        self._events: OrderedDict[int, deque[float]] = OrderedDict()

    def allow(self, key: int) -> bool:
        """Record an event for `key` and say whether it is within the limit."""
        now = self.clock()
        events = self._events.pop(key, None) or deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        self._events[key] = events
        if len(self._events) > self.max_keys:
            self._events.popitem(last=False)
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True


class NewsBot:
    """The handlers, with the per-chat state they share."""

    def __init__(self, settings: Settings, service: NewsService) -> None:
        self.settings = settings
        self.service = service
        self.chats: OrderedDict[int, ChatState] = OrderedDict()
        self.limiter = RateLimiter(settings.telegram_rate_limit)
        self.warned: set[int] = set()
        self.edit_interval = EDIT_INTERVAL

    # Wiring

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add every handler to `app`."""
        app.add_handler(CommandHandler(["start", "help"], self.cmd_help, filters=NEW))
        app.add_handler(CommandHandler("ask", self.cmd_ask, filters=NEW))
        app.add_handler(CommandHandler("sources", self.cmd_sources, filters=NEW))
        app.add_handler(CommandHandler("reset", self.cmd_reset, filters=NEW))
        app.add_handler(CommandHandler("add", self.cmd_add, filters=NEW))
        app.add_handler(MessageHandler(NEW & filters.Document.ALL, self.on_document))
        app.add_handler(MessageHandler(NEW & filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(NEW & filters.COMMAND, self.on_unknown_command))
        app.add_handler(MessageHandler(NEW & ~filters.StatusUpdate.ALL, self.on_other))
        app.add_error_handler(self.on_error)

    async def post_init(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Register the command menu; a failure here is logged, not fatal."""
        try:
            await send_with_retry(lambda: app.bot.set_my_commands(COMMANDS))
        except TelegramError as exc:
            logger.warning("could not register the command menu: %s", exc)

    # Access

    def chat(self, chat_id: int) -> ChatState:
        """This chat's state, kept in an LRU of MAX_CHATS chats."""
        state = self.chats.pop(chat_id, None) or ChatState(Conversation(self.settings.history_turns))
        self.chats[chat_id] = state
        if len(self.chats) > MAX_CHATS:
            self.chats.popitem(last=False)
        return state

    def is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return bool(user and user.id in self.settings.telegram_admin_ids)

    def is_allowed(self, update: Update) -> bool:
        """Whether the sender (or the chat) is on the allowlist; an empty allowlist lets everyone in."""
        allowed = self.settings.telegram_allowed_ids
        if not allowed or self.is_admin(update):
            return True
        user, chat = update.effective_user, update.effective_chat
        return bool((user and user.id in allowed) or (chat and chat.id in allowed))

    async def admit(self, update: Update) -> bool:
        """Whether to serve this update; refuse politely (revealing nothing of the corpus) if not."""
        if self.is_allowed(update):
            return True
        user = update.effective_user
        logger.info("refused user %s in chat %s", user and user.id, update.effective_chat and update.effective_chat.id)
        await self.reply(update, [escape(REFUSAL.format(id=user.id if user else "unknown"))])
        return False

    # Commands

    async def cmd_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start and /help: what the bot knows and how to ask."""
        if not await self.admit(update):
            return
        try:
            stats = await asyncio.to_thread(self.service.stats)
            text = format_stats(stats)
        except NewsbotError as exc:
            logger.warning("no store statistics for /help: %s", exc)
            text = "I answer questions about news articles, with sources."
        await self.reply(update, split_html(text))

    async def cmd_ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/ask QUESTION, in any chat."""
        message = update.effective_message
        if message is not None:
            await self.answer(update, context, _after_command(message))

    async def cmd_sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/sources: the last answer's sources, with quoted passages and links."""
        if not await self.admit(update) or update.effective_chat is None:
            return
        state = self.chats.get(update.effective_chat.id)
        await self.reply(update, format_sources(state.conversation.last_answer if state else None))

    async def cmd_reset(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reset: forget this chat's conversation."""
        if not await self.admit(update) or update.effective_chat is None:
            return
        state = self.chat(update.effective_chat.id)
        async with state.lock:
            state.conversation.reset()
        await self.reply(update, ["Done — I've forgotten our conversation. Ask me anything."])

    async def cmd_add(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/add TEXT (admins): add a pasted article; its first line is the title."""
        message = update.effective_message
        if message is None or not await self.admit(update):
            return
        if not self.is_admin(update):
            await self.reply(update, [escape(ADMIN_ONLY)])
            return
        text = _after_command(message)
        if not text:
            await self.reply(update, [escape("Paste the article after /add: the first line is its title.")])
            return
        report = await asyncio.to_thread(self.service.ingest_articles, [pasted_article(text)])
        await self.reply(update, format_problems(report.summary(), report.problems))

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Unknown commands get a pointer to /help in private chats; in groups they may be another bot's."""
        if _is_private(update) and await self.admit(update):
            await self.reply(update, [escape(UNKNOWN_COMMAND)])

    # Messages

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Text: a question in private chats; in groups only when it mentions or replies to the bot."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        question = message.text if _is_private(update) else _addressed(message, context.bot)
        if question is not None:
            await self.answer(update, context, question)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice notes…: a hint in private chats, silence in groups."""
        if _is_private(update) and await self.admit(update):
            await self.reply(update, [escape(NOT_TEXT)])

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A document sent privately by an admin is ingested; anyone else is told why not."""
        message = update.effective_message
        if message is None or message.document is None or not _is_private(update) or not await self.admit(update):
            return
        if not self.is_admin(update):
            await self.reply(update, [escape(ADMIN_ONLY + " " + NOT_TEXT)])
            return
        document = message.document
        name = Path(document.file_name or "upload.txt").name
        if not name.lower().endswith(DOCUMENT_SUFFIXES):
            await self.reply(update, [escape(f"I can add {', '.join(DOCUMENT_SUFFIXES)} files; {name} isn't one.")])
            return
        if (document.file_size or 0) > MAX_DOCUMENT_BYTES:
            await self.reply(update, [escape("That file is too large (the limit is 20 MB).")])
            return
        async with self.typing(context.bot, message.chat_id, ChatAction.UPLOAD_DOCUMENT):
            with tempfile.TemporaryDirectory(prefix="newsbot-tg-") as tmp:
                path = Path(tmp) / name
                file = await send_with_retry(document.get_file)
                await send_with_retry(lambda: file.download_to_drive(path))
                try:
                    report = await asyncio.to_thread(self.service.ingest, [path])
                except NewsbotError as exc:
                    await self.reply(update, [escape(str(exc))])
                    return
        logger.info("admin %s added %s: %s", message.from_user and message.from_user.id, name, report.summary())
        await self.reply(update, format_problems(report.summary(), report.problems))

    # Answering

    async def answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
        """Answer `question` in order with this chat's other questions, without blocking other chats."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or not await self.admit(update):
            return
        question = question.strip()
        if not question:
            await self.reply(update, [escape(EMPTY)])
            return
        if tg_len(question) > MAX_MESSAGE:
            await self.reply(update, [escape(TOO_LONG)])
            return
        key = user.id if user else chat.id
        if not self.limiter.allow(key):
            if key not in self.warned:  # one warning per burst, so a flood doesn't get a flood back
                self.warned.add(key)
                await self.reply(update, [escape(SLOW_DOWN)])
            return
        self.warned.discard(key)
        state = self.chat(chat.id)
        async with state.lock, self.typing(context.bot, chat.id):
            try:
                await self.stream_answer(update, context.bot, question, state.conversation)
            except NewsbotError as exc:
                logger.warning("could not answer in chat %s: %s", chat.id, exc)
                await self.reply(update, [escape(str(exc))])

    async def stream_answer(self, update: Update, bot: Bot, question: str, conversation: Conversation) -> None:
        """Run service.stream off the event loop, editing a draft as text arrives; then send the answer."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | Answer | BaseException] = asyncio.Queue()

        def produce() -> None:
            try:
                for item in self.service.stream(question, conversation):
                    loop.call_soon_threadsafe(queue.put_nowait, item)
            except BaseException as exc:  # handed to the event loop, which re-raises it
                loop.call_soon_threadsafe(queue.put_nowait, exc)

        producer = loop.run_in_executor(None, produce)
        draft, shown, draft_message = "", "", None
        next_edit: float | None = None  # the first draft waits an interval, so a fast writer never shows one
        while True:
            pending = next_edit is not None and draft != shown
            timeout = max(0.0, next_edit - loop.time()) if pending and next_edit is not None else None
            try:
                item = await asyncio.wait_for(queue.get(), timeout)
            except TimeoutError:
                draft_message, wait = await self.show_draft(update, bot, draft, draft_message)
                shown, next_edit = draft, loop.time() + max(self.edit_interval, wait)
                continue
            if isinstance(item, BaseException):
                await producer
                raise item
            if isinstance(item, Answer):
                break
            draft += item
            if next_edit is None:
                next_edit = loop.time() + self.edit_interval
        await producer
        chunks = format_answer(item)
        if draft_message is not None:
            await send_with_retry(
                lambda: draft_message.edit_text(chunks[0], parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
            )
            chunks = chunks[1:]
        await self.reply(update, chunks)

    async def show_draft(
        self, update: Update, bot: Bot, draft: str, message: Message | None
    ) -> tuple[Message | None, float]:
        """Send or edit the draft (best effort); return it and the seconds to wait before the next edit."""
        text = escape(draft[-(MAX_MESSAGE - 200) :]) + " …"
        chat = update.effective_chat
        try:
            if message is None and chat is not None:
                sent = await bot.send_message(
                    chat.id, text, parse_mode=ParseMode.HTML, reply_parameters=_reply_to(update)
                )
                return sent, 0.0
            if message is not None:
                await message.edit_text(text, parse_mode=ParseMode.HTML)
        except RetryAfter as exc:
            return message, retry_seconds(exc)
        except TelegramError as exc:
            logger.debug("draft edit failed: %s", exc)
        return message, 0.0

    @contextlib.asynccontextmanager
    async def typing(self, bot: Bot, chat_id: int, action: str = ChatAction.TYPING) -> AsyncIterator[None]:
        """Show "typing…" in the chat until the block ends."""

        async def keep_typing() -> None:
            while True:
                with contextlib.suppress(TelegramError):
                    await bot.send_chat_action(chat_id, action)
                await asyncio.sleep(TYPING_INTERVAL)

        task = asyncio.create_task(keep_typing())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def reply(self, update: Update, chunks: list[str]) -> None:
        """Send HTML messages to the update's chat, quoting the question in groups."""
        chat = update.effective_chat
        if chat is None:
            return
        reply_to = _reply_to(update)
        for i, chunk in enumerate(chunks):
            await send_html(chat.get_bot(), chat.id, chunk, reply_to if i == 0 else None)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error with its traceback and apologise to the chat; never show the traceback."""
        if update is None and isinstance(context.error, NetworkError | Conflict):
            # Polling errors are retried by PTB itself; a traceback per retry would bury the log.
            hint = " (is another instance polling with this token?)" if isinstance(context.error, Conflict) else ""
            logger.warning("polling failed, retrying: %s%s", context.error, hint)
            return
        logger.error("error while handling an update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat:
            with contextlib.suppress(Exception):
                await send_html(context.bot, update.effective_chat.id, escape(APOLOGY), None)


NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


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


async def send_with_retry(call: Callable[[], Awaitable[T]], attempts: int = SEND_ATTEMPTS) -> T:
    """Await `call()`, waiting out flood control (RetryAfter) and retrying network errors with backoff."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            logger.warning("flood control: waiting %.1f s (attempt %d)", wait, attempt)
            if attempt == attempts:
                raise
            await asyncio.sleep(wait)
        except (BadRequest, Forbidden, InvalidToken):
            raise  # retrying cannot fix these (BadRequest is a NetworkError subclass)
        except NetworkError as exc:
            if attempt == attempts:
                raise
            logger.warning("network error, retrying in %.1f s: %s", delay, exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 8.0)
    raise AssertionError("unreachable")


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait in seconds (PTB gives an int or a timedelta depending on its settings)."""
    value = exc.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def pasted_article(text: str) -> Article:
    """An Article from text pasted after /add: the first line is the title; the id is a hash of the text."""
    lines = text.strip().splitlines()
    title = lines[0].strip()[:200]
    body = "\n".join(lines[1:]).strip() or text.strip()
    digest = hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16]
    return Article(id=f"telegram-{digest}", title=title, body=body, source="Telegram")


def _is_private(update: Update) -> bool:
    return bool(update.effective_chat and update.effective_chat.type == ChatType.PRIVATE)


def _reply_to(update: Update) -> ReplyParameters | None:
    """Quote the question in groups, where several conversations interleave."""
    message = update.effective_message
    if message is None or _is_private(update):
        return None
    return ReplyParameters(message.message_id, allow_sending_without_reply=True)


def _after_command(message: Message) -> str:
    """The text after a leading /command (newlines kept, unlike context.args)."""
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            return text[entity.length :].strip()  # commands are ASCII, so UTF-16 offsets equal str offsets
    return text.strip()


def _addressed(message: Message, bot: Bot) -> str | None:
    """The question of a group message addressed to the bot (mention or reply), or None if it isn't."""
    text = message.text or ""
    username = (bot.username or "").lower()
    mentioned = False
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if entity.type == MessageEntity.MENTION and value.lower() == f"@{username}":
            mentioned = True
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            mentioned = True
            text = text.replace(value, " ")
    replied = message.reply_to_message is not None and bool(
        message.reply_to_message.from_user and message.reply_to_message.from_user.id == bot.id
    )
    if not (mentioned or replied):
        return None
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


# Start-up


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


def protect_token(token: str) -> TokenFilter:
    """Quiet httpx's request logging and mask the token on every handler and Telegram logger."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    token_filter = TokenFilter(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)
    for name in ("httpx", "httpcore", "telegram", "telegram.ext", __name__):
        logging.getLogger(name).addFilter(token_filter)
    return token_filter


def bot_token(settings: Settings) -> str:
    """The token from TELEGRAM_BOT_TOKEN, or a ConfigError saying how to get one."""
    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else ""
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set — create a bot with @BotFather and export its token.")
    return token


def file_base_url(base_url: str) -> str:
    """The file-download URL that goes with a Bot API base URL (…/bot → …/file/bot)."""
    if base_url.rstrip("/").endswith("/bot"):
        return base_url.rstrip("/")[: -len("/bot")] + "/file/bot"
    return base_url.rstrip("/") + "/file/bot"


def build_application(settings: Settings, service: NewsService) -> Application[Any, Any, Any, Any, Any, Any]:
    """A PTB Application with newsbot's handlers, processing updates concurrently."""
    newsbot = NewsBot(settings, service)
    app = (
        Application.builder()
        .token(bot_token(settings))
        .base_url(settings.telegram_base_url)
        .base_file_url(file_base_url(settings.telegram_base_url))
        .concurrent_updates(CONCURRENT_UPDATES)
        .pool_timeout(10.0)
        .connect_timeout(10.0)
        .post_init(newsbot.post_init)
        .build()
    )
    app.bot_data["newsbot"] = newsbot
    newsbot.register(app)
    return app


async def check_token(settings: Settings) -> str:
    """The bot's username from getMe; a rejected token or an unreachable API is a one-line ConfigError."""
    bot = Bot(bot_token(settings), base_url=settings.telegram_base_url)
    try:
        async with bot:
            return bot.username
    except InvalidToken:
        raise ConfigError("Telegram rejected TELEGRAM_BOT_TOKEN — check the token @BotFather gave you.") from None
    except NetworkError as exc:
        raise ConfigError(f"Cannot reach the Telegram Bot API at {settings.telegram_base_url}: {exc}") from None


def run_bot(settings: Settings) -> None:
    """Run the bot until interrupted: long polling, or a webhook server when telegram_mode is "webhook"."""
    token = bot_token(settings)
    protect_token(token)
    username = asyncio.run(check_token(settings))
    from bot.wiring import build_service

    service = build_service(settings)
    service.ensure_seeded()
    app = build_application(settings, service)
    print(f"newsbot: @{username} is running ({settings.telegram_mode}); Ctrl+C stops it.", file=sys.stderr)
    try:
        if settings.telegram_mode == "webhook":
            url = settings.telegram_webhook_url
            if not url.startswith("https://"):
                raise ConfigError("NEWSBOT_TELEGRAM_WEBHOOK_URL must be the bot's public https:// URL.")
            app.run_webhook(
                listen=settings.telegram_webhook_listen,
                port=settings.telegram_webhook_port,
                url_path=urlsplit(url).path.lstrip("/"),
                webhook_url=url,
                # Telegram echoes this header, so forged updates from anyone else are refused.
                secret_token=hashlib.sha256(token.encode()).hexdigest()[:32],
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=3,
            )
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=3)
    except InvalidToken:
        raise ConfigError("Telegram rejected TELEGRAM_BOT_TOKEN — check the token @BotFather gave you.") from None
    except RuntimeError as exc:
        if "webhook" in str(exc).lower():
            raise ConfigError('Webhook mode needs: pip install "python-telegram-bot[webhooks]"') from None
        raise

"""The bot's handlers: who may ask, what each command and message does, and the per-chat state they share."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, Conflict, NetworkError
from telegram.ext import ContextTypes

from bot.telegram import transport as telegram_transport
from bot.telegram.format import MAX_MESSAGE, escape, format_problems, format_sources, format_stats, split_html, tg_len
from bot.telegram.messages import (
    addressed,
    after_command,
    has_words,
    is_private,
    pasted_article,
    quote_in_groups,
    update_kind,
)
from bot.telegram.streaming import EDIT_INTERVAL, chat_action, stream_answer
from bot.telegram.transport import Patience, send_chunks, send_html, send_with_retry
from bot.types import Conversation
from config.settings import Settings
from index.errors import NewsbotError

if TYPE_CHECKING:
    from bot.service import NewsService

logger = logging.getLogger(__name__)

MAX_CHATS = 10_000
DOCUMENT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # what getFile serves on the public Bot API

REFUSAL = "Sorry, this bot is private. Ask its owner to allow your id ({id})."
REFUSAL_WINDOW = 3600.0  # one refusal per stranger per hour: a stranger's flood must not get a flood back
ADMIN_ONLY = "Only the bot's admins can add articles."
SKIPPED = "You're asking faster than I can read, so I skipped {what}. Please wait a minute, then ask again."
NOTICE_QUIET = 1.5  # a skip notice waits this long without another skipped question, so a burst gets one notice
NOTICE_MAX_WAIT = 15.0  # … but no longer than this, so a steady flood is still told
NOTICE_QUOTES = 5  # skipped questions quoted by name in a notice; the rest are counted
APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
NOT_TEXT = "I can only read text. Send me your question as a message."
TOO_LONG = "That message is too long for a question — please ask something shorter."
EMPTY = "Ask me a question, for example: /ask Which hotel was Rouhani staying at in New York?"
UNKNOWN_COMMAND = "I don't know that command. /help lists what I can do."


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


@dataclass
class Skips:
    """Questions skipped by the rate limit that the notice being prepared will name."""

    quoted: list[str] = field(default_factory=list)
    more: int = 0

    def add(self, question: str) -> None:
        if len(self.quoted) < NOTICE_QUOTES:
            self.quoted.append(question)
        else:
            self.more += 1

    @property
    def count(self) -> int:
        return len(self.quoted) + self.more

    def notice(self) -> str:
        """The notice naming the skipped questions."""
        quotes = [f"“{shorten(q)}”" for q in self.quoted]
        if self.count == 1:
            what = f"your question {quotes[0]}"
        else:
            listed = ", ".join(quotes[:-1]) + (f", {quotes[-1]}" if self.more else f" and {quotes[-1]}")
            what = f"{self.count} questions: {listed}" + (f" and {self.more} more" if self.more else "")
        return SKIPPED.format(what=what)


def shorten(text: str, limit: int = 60) -> str:
    """`text` on one line, cut at a word to at most `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


class NewsBot:
    """The handlers, with the per-chat state they share."""

    def __init__(self, settings: Settings, service: NewsService, patience: Patience | None = None) -> None:
        self.settings = settings
        self.service = service
        self.chats: OrderedDict[int, ChatState] = OrderedDict()
        self.limiter = RateLimiter(settings.telegram_rate_limit)
        self.refusals = RateLimiter(1, window=REFUSAL_WINDOW)
        self.skipped: dict[tuple[int, int], Skips] = {}  # (chat, asker) → questions the coming notice will name
        self.edit_interval = EDIT_INTERVAL
        self.notice_quiet = NOTICE_QUIET
        self.patience = patience or Patience()

    # Access

    def chat(self, chat_id: int) -> ChatState:
        """This chat's state, kept in an LRU of MAX_CHATS chats."""
        state = self.chats.pop(chat_id, None) or ChatState(Conversation(self.settings.history_turns))
        self.chats[chat_id] = state
        if len(self.chats) > MAX_CHATS:
            self.chats.popitem(last=False)
        return state

    def is_admin(self, update: Update) -> bool:
        """Whether the sender is one of the bot's admins."""
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
        """Whether to serve this update; refuse politely (revealing nothing of the corpus), once an hour, if not."""
        if self.is_allowed(update):
            return True
        user, chat = update.effective_user, update.effective_chat
        if not self.refusals.allow(user.id if user else chat.id if chat else 0):
            logger.debug("ignored user %s in chat %s (refused within the hour)", user and user.id, chat and chat.id)
            return False
        logger.info("refused user %s in chat %s", user and user.id, chat and chat.id)
        await self.reply(update, [escape(REFUSAL.format(id=user.id if user else "unknown"))])
        return False

    async def prepare(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Before any handler: log where the update comes from, and let its replies stop retrying at shutdown."""
        application = context.application
        telegram_transport.stopping.set(lambda: not application.running)  # this update's task (and its children)
        telegram_transport.patience.set(self.patience)
        self.log_update(update)

    def log_update(self, update: Update) -> None:
        """Log where an update comes from (ids only, never what it says): how operators find a group's id."""
        chat, user = update.effective_chat, update.effective_user
        logger.info(
            "%s from user %s in %s chat %s",
            update_kind(update),
            user and user.id,
            chat and chat.type,
            chat and chat.id,
        )

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
            await self.answer(update, context, after_command(message))

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
        text = after_command(message)
        if not text:
            await self.reply(update, [escape("Paste the article after /add: the first line is its title.")])
            return
        report = await asyncio.to_thread(self.service.ingest_articles, [pasted_article(text)])
        await self.reply(update, format_problems(report.summary(), report.problems))

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Unknown commands get a pointer to /help in private chats; in groups they may be another bot's."""
        if is_private(update) and await self.admit(update):
            await self.reply(update, [escape(UNKNOWN_COMMAND)])

    # Messages

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Text: a question in private chats; in groups only when it mentions or replies to the bot."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        question = message.text if is_private(update) else addressed(message, context.bot)
        if question is not None:
            await self.answer(update, context, question)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice notes…: a hint in private chats, silence in groups."""
        if is_private(update) and await self.admit(update):
            await self.reply(update, [escape(NOT_TEXT)])

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A document sent privately by an admin is ingested; anyone else is told why not."""
        message = update.effective_message
        if message is None or message.document is None or not is_private(update) or not await self.admit(update):
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
        async with chat_action(context.bot, message.chat_id, ChatAction.UPLOAD_DOCUMENT):
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
        if not has_words(question):  # empty, or only emoji, punctuation or invisible characters
            await self.reply(update, [escape(EMPTY)])
            return
        if tg_len(question) > MAX_MESSAGE:
            await self.reply(update, [escape(TOO_LONG)])
            return
        asker = user.id if user else chat.id
        if not self.limiter.allow(asker):
            await self.skip(update, (chat.id, asker), question)
            return
        state = self.chat(chat.id)
        async with state.lock, chat_action(context.bot, chat.id):
            try:
                await stream_answer(
                    context.bot,
                    chat.id,
                    quote_in_groups(update),
                    lambda: self.service.stream(question, state.conversation),
                    self.edit_interval,
                )
            except NewsbotError as exc:
                logger.warning("could not answer in chat %s: %s", chat.id, exc)
                await self.reply(update, [escape(str(exc))])

    async def skip(self, update: Update, key: tuple[int, int], question: str) -> None:
        """Tell the asker which questions the rate limit skipped: once per burst, after the answers before them."""
        skips = self.skipped.get(key)
        if skips is not None:  # a notice is being prepared: it will name this question too
            skips.add(question)
            return
        skips = self.skipped[key] = Skips()
        skips.add(question)
        try:
            loop = asyncio.get_running_loop()
            give_up_waiting = loop.time() + NOTICE_MAX_WAIT
            seen = 0
            while skips.count != seen and loop.time() < give_up_waiting:
                seen = skips.count
                await asyncio.sleep(self.notice_quiet)
            # Behind this chat's lock, the notice follows the answers still being written, as the asker expects.
            async with self.chat(key[0]).lock:
                del self.skipped[key]  # questions skipped from now on start the next notice
                logger.info("skipped %d questions of user %s in chat %s (rate limit)", skips.count, key[1], key[0])
                await self.reply(update, [escape(skips.notice())])
        finally:
            if self.skipped.get(key) is skips:
                del self.skipped[key]

    async def reply(self, update: Update, chunks: list[str]) -> None:
        """Send HTML messages to the update's chat, quoting the question in groups."""
        chat = update.effective_chat
        if chat is not None:
            await send_chunks(chat.get_bot(), chat.id, chunks, quote_in_groups(update))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error with its traceback and apologise to the chat; never show the traceback."""
        if update is None and isinstance(context.error, NetworkError | Conflict):
            # Polling errors are retried by PTB itself; a traceback per retry would bury the log.
            hint = " (is another instance polling with this token?)" if isinstance(context.error, Conflict) else ""
            logger.warning("polling failed, retrying: %s%s", context.error, hint)
            return
        if isinstance(context.error, NetworkError) and not isinstance(context.error, BadRequest):
            # send_with_retry waited for the Bot API for its patience or until shutdown: an apology would fail too.
            chat = update.effective_chat if isinstance(update, Update) else None
            reason = (
                "the bot is stopping"
                if not context.application.running
                else f"no Bot API for {self.patience.delivery:g} s"
            )
            logger.warning("gave up delivering a reply to chat %s: %s (%s)", chat and chat.id, reason, context.error)
            return
        logger.error("error while handling an update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat:
            with contextlib.suppress(Exception):
                await send_html(context.bot, update.effective_chat.id, escape(APOLOGY), None)

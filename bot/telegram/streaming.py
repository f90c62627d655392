"""Deliver an answer while it is written: "typing…", a draft edited as text arrives, then the formatted reply."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable

from telegram import Bot, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import RetryAfter, TelegramError

from bot.telegram.format import MAX_MESSAGE, escape, format_answer
from bot.telegram.transport import NO_PREVIEW, retry_seconds, send_chunks, send_with_retry
from bot.types import Answer

logger = logging.getLogger(__name__)

EDIT_INTERVAL = 1.0  # seconds between edits of a streaming reply; Telegram allows about one per second per chat
TYPING_INTERVAL = 4.0  # "typing…" lasts five seconds, so renew it a little sooner


@contextlib.asynccontextmanager
async def chat_action(bot: Bot, chat_id: int, action: str = ChatAction.TYPING) -> AsyncIterator[None]:
    """Show "typing…" (or another action) in the chat until the block ends."""

    async def keep_showing() -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, action)
            await asyncio.sleep(TYPING_INTERVAL)

    task = asyncio.create_task(keep_showing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def stream_answer(
    bot: Bot,
    chat_id: int,
    reply_to: ReplyParameters | None,
    items: Callable[[], Iterable[str | Answer]],
    edit_interval: float = EDIT_INTERVAL,
) -> None:
    """Iterate `items()` (text deltas, then the Answer) off the event loop, editing a draft; then send the answer."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | Answer | BaseException] = asyncio.Queue()

    def produce() -> None:
        try:
            for item in items():
                loop.call_soon_threadsafe(queue.put_nowait, item)
        except BaseException as exc:  # handed to the event loop, which re-raises it
            loop.call_soon_threadsafe(queue.put_nowait, exc)

    producer = loop.run_in_executor(None, produce)
    draft, shown, draft_message = "", "", None
    next_edit: float | None = None  # the first draft waits an interval, so a fast writer never shows one
    while True:
        timeout = max(0.0, next_edit - loop.time()) if next_edit is not None and draft != shown else None
        try:
            item = await asyncio.wait_for(queue.get(), timeout)
        except TimeoutError:
            draft_message, wait = await show_draft(bot, chat_id, reply_to, draft, draft_message)
            shown, next_edit = draft, loop.time() + max(edit_interval, wait)
            continue
        if isinstance(item, BaseException):
            await producer
            raise item
        if isinstance(item, Answer):
            break
        draft += item
        if next_edit is None:
            next_edit = loop.time() + edit_interval
    await producer
    chunks = format_answer(item)
    if draft_message is not None:
        await send_with_retry(
            lambda: draft_message.edit_text(chunks[0], parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
        )
        chunks = chunks[1:]
    await send_chunks(bot, chat_id, chunks, reply_to)


async def show_draft(
    bot: Bot, chat_id: int, reply_to: ReplyParameters | None, draft: str, message: Message | None
) -> tuple[Message | None, float]:
    """Send or edit the draft (best effort); return it and the seconds to wait before the next edit."""
    text = escape(draft[-(MAX_MESSAGE - 200) :]) + " …"
    try:
        if message is None:
            sent = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_parameters=reply_to)
            return sent, 0.0
        await message.edit_text(text, parse_mode=ParseMode.HTML)
    except RetryAfter as exc:
        return message, retry_seconds(exc)
    except TelegramError as exc:
        logger.debug("draft edit failed: %s", exc)
    return message, 0.0

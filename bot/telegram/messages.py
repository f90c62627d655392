"""Read incoming Telegram messages: where they come from, whether they address the bot, what follows a command."""

from __future__ import annotations

import hashlib
import re

from telegram import Bot, Message, MessageEntity, ReplyParameters, Update
from telegram.constants import ChatType

from index.types import Article


def is_private(update: Update) -> bool:
    """Whether the update comes from a one-to-one chat with the bot."""
    return bool(update.effective_chat and update.effective_chat.type == ChatType.PRIVATE)


def has_words(text: str) -> bool:
    """Whether `text` holds a letter or a digit: emoji, punctuation or zero-width characters alone ask nothing."""
    return any(ch.isalnum() for ch in text)


def update_kind(update: Update) -> str:
    """What the update carries, as the Bot API names it ("message", "edited_message", "callback_query"…)."""
    return next((kind for kind in Update.ALL_TYPES if getattr(update, kind, None) is not None), "update")


def quote_in_groups(update: Update) -> ReplyParameters | None:
    """Quote the question in groups, where several conversations interleave."""
    message = update.effective_message
    if message is None or is_private(update):
        return None
    return ReplyParameters(message.message_id, allow_sending_without_reply=True)


def after_command(message: Message) -> str:
    """The text after a leading /command (newlines kept, unlike context.args)."""
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            return text[entity.length :].strip()  # commands are ASCII, so UTF-16 offsets equal str offsets
    return text.strip()


def addressed(message: Message, bot: Bot) -> str | None:
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


def pasted_article(text: str) -> Article:
    """An Article from text pasted after /add: the first line is the title; the id is a hash of the text."""
    lines = text.strip().splitlines()
    title = lines[0].strip()[:200]
    body = "\n".join(lines[1:]).strip() or text.strip()
    digest = hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16]
    return Article(id=f"telegram-{digest}", title=title, body=body, source="Telegram")

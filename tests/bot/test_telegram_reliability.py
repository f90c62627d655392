"""The Telegram front under floods, outages, strangers and odd input: the real Application against the fake Bot API."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import replace
from typing import Any

import pytest

from bot.telegram import NewsBot, check_token
from bot.telegram.handlers import Skips
from bot.telegram.transport import Patience
from bot.types import Answer
from config import load_settings
from index.errors import ConfigError
from tests.bot.test_telegram import HOTEL_QUESTION, StartBot, Wrapped, settle, shown
from tests.fakes.botapi import TOKEN, FakeBotAPI

OFF_TOPIC = "Who won the 2018 World Cup?"  # the seed articles don't say
# The bot's retries through an outage, on a shorter clock: the outages below last many backoffs, as real ones do.
BRISK = Patience(first_backoff=0.02, max_backoff=0.1)
NOTICE_QUIET = 0.3  # the skip notice's wait for a quiet moment (1.5 s in the bot): the bursts below come at once


async def test_a_flood_gets_its_answers_then_one_notice_naming_every_skipped_question(
    api: FakeBotAPI, start_bot: StartBot, fast: Wrapped
) -> None:
    app = await start_bot(fast, telegram_rate_limit=10)
    app.bot_data["newsbot"].notice_quiet = NOTICE_QUIET
    for n in range(1, 14):  # 13 questions at once: the bot reads them in one getUpdates
        api.push_message(f"Q{n}: {HOTEL_QUESTION}", chat_id=3)
    await api.wait_sent(3, 11)
    await settle(api, 2 * NOTICE_QUIET)  # time for a second notice, were there one
    texts = [shown(c) for c in api.sent(3)]
    assert len(texts) == 11
    assert all("Millennium Hilton" in t for t in texts[:10])  # every answer given comes before the notice
    notice = texts[10]
    assert "faster than I can read" in notice
    assert all(f"Q{n}:" in notice for n in (11, 12, 13)) and "Q10:" not in notice


def test_a_long_burst_is_named_in_part_and_counted() -> None:
    one, many = Skips(), Skips()
    one.add("Who?")
    for n in range(1, 9):
        many.add(f"Q{n}: " + "very long question " * 10)
    assert one.notice().startswith("You're asking faster than I can read, so I skipped your question “Who?”.")
    text = many.notice()
    assert "skipped 8 questions: “Q1:" in text and "“Q5:" in text and "Q6:" not in text and "and 3 more." in text
    assert "“Q1: very long question very long question very long…”" in text  # cut at a word


async def test_skipped_group_questions_are_quoted(api: FakeBotAPI, start_bot: StartBot, fast: Wrapped) -> None:
    app = await start_bot(fast, telegram_rate_limit=1)
    app.bot_data["newsbot"].notice_quiet = NOTICE_QUIET
    asked = [
        api.push_message(f"/ask Q{n}: {HOTEL_QUESTION}", chat_id=-50, user_id=9, chat_type="group")
        for n in (1, 2, 3)
    ]
    answer, notice = await api.wait_sent(-50, 2)
    await settle(api, 2 * NOTICE_QUIET)
    assert len(api.sent(-50)) == 2
    assert answer.params["reply_parameters"]["message_id"] == asked[0]["message_id"]
    assert notice.params["reply_parameters"]["message_id"] == asked[1]["message_id"]
    assert "Q2:" in shown(notice) and "Q3:" in shown(notice)


async def test_polling_starts_while_the_command_menu_is_still_being_retried(
    api: FakeBotAPI, start_bot: StartBot, fast: Wrapped
) -> None:
    api.fail_next("setMyCommands", times=3, status=502)
    await start_bot(fast, Patience(first_backoff=0.1))  # the menu is retried after 0.1, 0.2 and 0.4 s
    api.push_message(HOTEL_QUESTION, chat_id=1)
    [reply] = await api.wait_sent(1, timeout=30)
    [menu] = await api.wait_for(lambda a: a.sent(method="setMyCommands"), timeout=30)
    assert reply.at < menu.at  # answered before the menu was registered
    assert [c.status for c in api.calls if c.method == "setMyCommands"] == [502, 502, 502, 200]


async def answering_held(
    api: FakeBotAPI, start_bot: StartBot, service: Any, hotel_answer: Answer, *patience: Any
) -> tuple[Wrapped, Any]:
    """The bot started, asked a question, and holding its answer until the test releases `slow.hold`."""
    slow = Wrapped(service, hotel_answer, hold=threading.Event())
    app = await start_bot(slow, *patience)
    api.push_message("slow " + HOTEL_QUESTION, chat_id=1)
    await api.wait_for(lambda a: a.sent(1, "sendChatAction"))
    assert await asyncio.to_thread(slow.held.wait, 10)
    return slow, app


async def test_an_answer_ready_during_a_long_outage_is_delivered_after_it(
    api: FakeBotAPI, start_bot: StartBot, service: Any, hotel_answer: Answer
) -> None:
    slow, _ = await answering_held(api, start_bot, service, hotel_answer, BRISK)
    # A dozen retries long: a reply given up after a fixed number of retries (as it once was, five, after about
    # 16 s at the bot's backoff) is lost; one given up only after its patience is delivered.
    api.drop_connections(1.5)
    assert slow.hold is not None
    slow.hold.set()  # the answer is ready during the outage
    [reply] = await api.wait_sent(1, timeout=60)
    assert "Millennium Hilton" in shown(reply)
    assert api.dropped.count("sendMessage") > 5  # it did outlast the old fixed count
    await settle(api, 0.5)
    assert len(api.sent(1)) == 1  # and no apology


async def test_an_answer_is_given_up_with_a_log_line_after_the_patience_runs_out(
    api: FakeBotAPI,
    start_bot: StartBot,
    service: Any,
    hotel_answer: Answer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slow, _ = await answering_held(api, start_bot, service, hotel_answer, replace(BRISK, delivery=0.25))
    api.drop_connections(1.0)  # four times the patience
    assert slow.hold is not None
    slow.hold.set()  # the answer is ready during the outage
    await api.wait_for(lambda a: any("gave up" in r.getMessage() for r in caplog.records), timeout=20)
    # Four backoffs after the outage: a reply still being retried would have been sent by then.
    await asyncio.sleep(max(0.0, api.drop_until - time.monotonic()) + 4 * BRISK.max_backoff)
    assert api.sent(1) == []  # no late answer, and no apology either
    [line] = [r for r in caplog.records if "gave up" in r.getMessage()]
    assert "chat 1" in line.getMessage() and "no Bot API for 0.25 s" in line.getMessage() and line.exc_info is None
    api.push_message(HOTEL_QUESTION, chat_id=1)  # and the bot answers again
    assert "Millennium Hilton" in shown((await api.wait_sent(1, timeout=40))[0])


async def test_stopping_the_bot_gives_up_replies_waiting_for_the_api(
    api: FakeBotAPI,
    start_bot: StartBot,
    service: Any,
    hotel_answer: Answer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slow, app = await answering_held(api, start_bot, service, hotel_answer)
    api.drop_connections(120.0)
    assert slow.hold is not None
    slow.hold.set()  # the answer is ready during the outage
    await api.wait_for(lambda a: any("retrying for up to" in r.getMessage() for r in caplog.records), timeout=20)
    assert app.updater is not None
    await app.updater.stop()
    await asyncio.wait_for(app.stop(), 30)  # as on Ctrl+C: not the five minutes of patience
    [line] = [r.getMessage() for r in caplog.records if "gave up" in r.getMessage()]
    assert "chat 1" in line and "stopping" in line


@pytest.mark.parametrize("text", ["👍👍👍", "\u200b", "\u200b\u200c\u2060\ufeff", "?!… 🤔"])
async def test_messages_without_words_get_the_ask_me_hint(
    api: FakeBotAPI, start_bot: StartBot, fast: Wrapped, text: str
) -> None:
    await start_bot(fast)
    api.push_message(text, chat_id=1)
    api.push_message(f"/ask {text}", chat_id=2)
    for chat in (1, 2):
        assert shown((await api.wait_sent(chat))[0]).startswith("Ask me a question, for example")


async def test_sources_after_an_abstention_say_that_answer_had_none(api: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot()
    api.push_message(OFF_TOPIC, chat_id=1)
    assert "nothing about World Cup" in shown((await api.wait_sent(1))[0])
    api.push_message("/sources", chat_id=1)
    text = shown((await api.wait_sent(1, 2))[1])
    assert "ask me a question first" not in text
    assert text == "My last answer has no sources: the articles don't cover that question."


async def test_a_stranger_is_refused_once_an_hour(api: FakeBotAPI, start_bot: StartBot, fast: Wrapped) -> None:
    app = await start_bot(fast, telegram_allowed_ids="42")
    for text in ("/help", HOTEL_QUESTION, "/sources", "/add text", "hello", "/frobnicate", "again", "/ask x"):
        api.push_message(text, chat_id=7)
    api.push_message(HOTEL_QUESTION, chat_id=8)
    [refusal] = await api.wait_sent(7)
    assert shown(refusal) == "Sorry, this bot is private. Ask its owner to allow your id (7)."
    await api.wait_sent(8)  # another stranger has their own hour
    await settle(api)
    assert len(api.sent(7)) == 1 and len(api.sent(8)) == 1
    newsbot: NewsBot = app.bot_data["newsbot"]
    now = time.monotonic()
    newsbot.refusals.clock = lambda: now + 3601  # an hour later
    api.push_message(HOTEL_QUESTION, chat_id=7)
    assert len(await api.wait_sent(7, 2)) == 2


async def test_every_update_logs_its_chat_and_user_at_info(
    api: FakeBotAPI, start_bot: StartBot, fast: Wrapped, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await start_bot(fast)
    api.push_message("secret chatter not for the bot", chat_id=-1009876, user_id=55, chat_type="supergroup")
    api.push_message(HOTEL_QUESTION, chat_id=1)
    await api.wait_sent(1)
    await settle(api)
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("bot.")]
    assert any("-1009876" in m and "55" in m and "supergroup" in m for m in logged)
    assert "secret chatter" not in caplog.text  # ids only, never what people write


@pytest.mark.parametrize("missing", ["id", "first_name", "is_bot", "username"])
async def test_a_getme_reply_missing_a_field_is_a_one_line_config_error(
    api: FakeBotAPI, tmp_path: Any, missing: str
) -> None:
    del api.me[missing]
    settings = load_settings(data_dir=tmp_path, telegram_bot_token=TOKEN, telegram_base_url=api.base_url)
    with pytest.raises(ConfigError) as raised:
        await check_token(settings)
    message = str(raised.value)
    assert "getMe" in message and missing in message and "\n" not in message
    assert raised.value.__context__ is None or raised.value.__suppress_context__  # no chained traceback

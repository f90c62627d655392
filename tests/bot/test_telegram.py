"""The Telegram front end: the real python-telegram-bot Application against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.service import NewsService
from bot.telegram import NewsBot, build_application, check_token, protect_token, run_bot, webhook_options
from bot.telegram.transport import Patience
from bot.types import Answer, Citation, Conversation, Turn
from bot.wiring import build_service
from config import Settings, load_settings
from index.errors import ConfigError, NewsbotError
from tests.fakes.botapi import BOT_USERNAME, TOKEN, Call, FakeBotAPI, visible_text
from tests.fakes.embedding import HashedTermsEmbedding

ROOT = Path(__file__).resolve().parents[2]
HOTEL_QUESTION = "Which hotel was Rouhani staying at in New York?"
ADMIN = 777

StartBot = Callable[..., Awaitable[Application[Any, Any, Any, Any, Any, Any]]]


# The answering core


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> NewsService:
    """The real NewsService on the seed articles, ingested once per test session (with the fake embedding: these
    tests are about delivery, not about the answer's quality)."""
    settings = load_settings(data_dir=tmp_path_factory.mktemp("tgdata"), seeds_dir=ROOT / "seeds")
    service = build_service(settings, HashedTermsEmbedding())
    report = service.ensure_seeded()
    assert report is not None and report.added == 2, report
    return service


@pytest.fixture(scope="session")
def hotel_answer(service: NewsService) -> Answer:
    """The real answer to the hotel question, computed once."""
    return service.ask(HOTEL_QUESTION)


class Wrapped:
    """The real service, with answers replayed (fast), slowed down, failing or streamed for chosen tests."""

    def __init__(
        self,
        inner: Any,
        replay: Answer | None = None,
        slow: float = 0.0,
        fail: BaseException | None = None,
        deltas: list[str] | None = None,
        delta_pause: float = 0.0,
        hold: threading.Event | None = None,
    ) -> None:
        self.inner, self.replay, self.slow, self.fail = inner, replay, slow, fail
        self.deltas, self.delta_pause = deltas, delta_pause
        self.hold = hold  # "slow" questions wait for it to be set (or up to 30 s), instead of sleeping `slow`
        self.held = threading.Event()  # set once a "slow" question waits

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def stream(
        self, question: str, conversation: Conversation | None = None, filters: object = None
    ) -> Iterator[str | Answer]:
        if self.fail and "fail" in question:
            raise self.fail
        if "slow" in question:
            if self.hold is not None:
                self.held.set()
                self.hold.wait(30)
            time.sleep(self.slow)
        if self.deltas is None and self.replay is None:
            yield from self.inner.stream(question.replace("slow", ""), conversation, filters)
            return
        for delta in self.deltas or [self.replay.text if self.replay else ""]:
            time.sleep(self.delta_pause)
            yield delta
        answer = self.replay or Answer(
            "".join(self.deltas or []), (Citation(1, "x", "Streamed", "AP", "", "", "", "q"),)
        )
        if conversation is not None:
            conversation.add(Turn(question, answer))
        yield answer


@pytest.fixture
def fast(service: NewsService, hotel_answer: Answer) -> Wrapped:
    """The service replaying the real hotel answer to every question, instantly: for the bot's rules."""
    return Wrapped(service, replay=hotel_answer)


# The bot against the fake Bot API


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def start_bot(api: FakeBotAPI, service: Any, tmp_path: Path) -> AsyncIterator[StartBot]:
    apps: list[Application[Any, Any, Any, Any, Any, Any]] = []

    async def start(
        svc: Any = None, patience: Patience | None = None, **overrides: Any
    ) -> Application[Any, Any, Any, Any, Any, Any]:
        options: dict[str, Any] = {
            "data_dir": tmp_path,
            "telegram_bot_token": TOKEN,
            "telegram_base_url": api.base_url,
            "telegram_admin_ids": str(ADMIN),
            "telegram_rate_limit": 30,
        }
        settings = load_settings(**{**options, **overrides})
        app = build_application(settings, svc or service, patience)
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        apps.append(app)
        return app

    yield start
    for app in apps:
        assert app.updater is not None and app.post_stop is not None
        if app.updater.running:  # unless the test stopped it
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.post_stop(app)
        await app.shutdown()


def shown(call: Call) -> str:
    """What the user sees of a sent message."""
    return visible_text(call.text) if call.params.get("parse_mode") == "HTML" else call.text


async def settle(api: FakeBotAPI, seconds: float = 0.4) -> None:
    """Give ignored updates time to (not) produce replies."""
    await asyncio.sleep(seconds)
    assert api.bad_requests == []


async def test_private_question_gets_a_cited_answer(
    api: FakeBotAPI, start_bot: StartBot, service: Any
) -> None:
    await start_bot()
    api.push_message(HOTEL_QUESTION, chat_id=1)
    [reply] = await api.wait_sent(1)
    text = shown(reply)
    assert "Millennium Hilton" in text and "[1]" in text
    assert reply.params["parse_mode"] == "HTML"
    body, _, footer = text.partition("Sources\n")
    assert footer.startswith("[1] ") and "Macron" in footer  # the article that names the hotel
    assert any(c.method == "sendChatAction" and c.params["action"] == "typing" for c in api.calls)
    commands = (await api.wait_for(lambda a: a.sent(method="setMyCommands")))[0].params["commands"]
    assert {c["command"] for c in commands} == {"start", "help", "ask", "sources", "reset"}
    assert api.bad_requests == []


async def test_sources_reset_and_follow_ups_are_per_chat(api: FakeBotAPI, start_bot: StartBot) -> None:
    app = await start_bot()
    api.push_message(HOTEL_QUESTION, chat_id=1)
    await api.wait_sent(1)
    api.push_message("/sources", chat_id=1)
    api.push_message("/sources", chat_id=2)
    sources = (await api.wait_sent(1, 2))[1]
    assert "<blockquote>" in sources.text and "Rouhani" in shown(sources)
    assert "No sources yet" in shown((await api.wait_sent(2))[0])
    newsbot: NewsBot = app.bot_data["newsbot"]
    assert len(newsbot.chats[1].conversation.turns) == 1
    api.push_message("/reset", chat_id=1)
    assert "forgotten" in shown((await api.wait_sent(1, 3))[2])
    assert newsbot.chats[1].conversation.turns == []


async def test_help_describes_the_collection(
    api: FakeBotAPI, start_bot: StartBot, service: NewsService
) -> None:
    await start_bot()
    api.push_message("/start", chat_id=1)
    api.push_message("/help", chat_id=2)
    stats = service.stats()
    for chat in (1, 2):
        text = shown((await api.wait_sent(chat))[0])
        assert text.startswith(f"I answer questions about {stats.articles} news articles, with sources.")
        assert f"Outlets ({len(stats.outlets)}): " in text and "Newsweek" in text and "/ask QUESTION" in text


async def test_group_answers_only_when_addressed(api: FakeBotAPI, start_bot: StartBot, fast: Wrapped) -> None:
    await start_bot(fast)
    group = -100
    api.push_message(HOTEL_QUESTION, chat_id=group, user_id=5, chat_type="supergroup")
    api.push_message("/ask@someotherbot " + HOTEL_QUESTION, chat_id=group, user_id=5, chat_type="supergroup")
    api.push_message("a sticker", chat_id=group, user_id=5, chat_type="supergroup", sticker=_sticker())
    await settle(api)
    assert api.sent(group) == []
    asks = [
        f"@{BOT_USERNAME} {HOTEL_QUESTION}",
        f"/ask {HOTEL_QUESTION}",
        f"/ask@{BOT_USERNAME} {HOTEL_QUESTION}",
    ]
    for text in asks:
        api.push_message(text, chat_id=group, user_id=5, chat_type="supergroup")
    api.push_message(
        HOTEL_QUESTION,
        chat_id=group,
        user_id=5,
        chat_type="supergroup",
        reply_to_message=api.bot_message(group),
    )
    replies = await api.wait_sent(group, 4)
    await settle(api)
    assert len(api.sent(group)) == 4
    assert all("Millennium Hilton" in shown(r) for r in replies)
    assert all(r.params["reply_parameters"]["message_id"] for r in replies)  # quotes the question in groups


async def test_hostile_text_is_escaped(api: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot()
    hostile = "<b>Tom & Jerry</b> <i>unclosed & </a> _*[]()~`>#+-=|{}.!"
    api.push_message(
        f"/add {hostile}\nThe zorblax treaty was signed by Tom & Jerry in Geneva.", chat_id=ADMIN
    )
    assert "1 added" in shown((await api.wait_sent(ADMIN))[0])
    api.push_message("Who signed the zorblax treaty in Geneva?", chat_id=ADMIN)
    reply = (await api.wait_sent(ADMIN, 2))[1]
    assert hostile in shown(reply)
    api.push_message("/sources", chat_id=ADMIN)
    assert hostile in shown((await api.wait_sent(ADMIN, 3))[2])
    assert api.bad_requests == []


async def test_long_answers_are_split(api: FakeBotAPI, start_bot: StartBot) -> None:
    sentence = "Delegates said <many> things & argued about them at length [1]. "
    await start_bot(Wrapped(None, deltas=[sentence * 300]))
    api.push_message("tell me everything", chat_id=1)
    await api.wait_for(lambda a: any("Sources" in c.text for c in a.sent(1)))
    await settle(api)
    parts = [shown(c) for c in api.sent(1)]
    assert len(parts) == 6 and "Sources" in parts[-1]  # 22,800 characters of HTML
    assert all(p.rstrip().endswith(("[1].", "AP")) for p in parts)
    assert "".join(parts).count("<many>") == 300


async def test_allowlist_refuses_politely_and_leaks_nothing(
    api: FakeBotAPI, start_bot: StartBot, fast: Wrapped
) -> None:
    await start_bot(fast, telegram_allowed_ids="42,-500")
    for chat, text in enumerate(("/help", HOTEL_QUESTION, "/sources", "/add text"), start=7):
        api.push_message(text, chat_id=chat)  # four strangers (one refusal each an hour)
    api.push_message(HOTEL_QUESTION, chat_id=42)
    api.push_message(f"/ask {HOTEL_QUESTION}", chat_id=-500, user_id=8, chat_type="group")
    for chat in range(7, 11):
        [refusal] = await api.wait_sent(chat)
        assert shown(refusal) == f"Sorry, this bot is private. Ask its owner to allow your id ({chat})."
    assert "Millennium Hilton" in shown((await api.wait_sent(42))[0])
    assert "Millennium Hilton" in shown((await api.wait_sent(-500))[0])
    api.push_message(HOTEL_QUESTION, chat_id=ADMIN)  # admins are always allowed
    assert "Millennium Hilton" in shown((await api.wait_sent(ADMIN))[0])


async def test_rate_limit_says_slow_down_once(api: FakeBotAPI, start_bot: StartBot, fast: Wrapped) -> None:
    app = await start_bot(fast, telegram_rate_limit=2)
    app.bot_data["newsbot"].notice_quiet = 0.3  # the five questions come at once: a short quiet is enough
    for _ in range(5):
        api.push_message(HOTEL_QUESTION, chat_id=3)
    await api.wait_sent(3, 3)
    await settle(api)
    texts = [shown(c) for c in api.sent(3)]
    assert sum("Millennium Hilton" in t for t in texts) == 2
    assert sum("slow" in t.lower() or "faster" in t for t in texts) == 1


async def test_non_text_messages_get_a_hint_or_are_ignored(api: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot()
    api.push_message(chat_id=1, sticker=_sticker())
    api.push_message(chat_id=2, photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}])
    api.push_message(chat_id=3, voice={"file_id": "v", "file_unique_id": "v", "duration": 1})
    api.push_message("x" * 5000, chat_id=4)
    api.push_message("/ask", chat_id=5)
    api.push_message("/frobnicate", chat_id=6)
    api.push_message(HOTEL_QUESTION, chat_id=8, edited=True)
    api.push_message(chat_id=9, document=_document("x.pdf"))
    for chat in (1, 2, 3):
        assert (
            shown((await api.wait_sent(chat))[0])
            == "I can only read text. Send me your question as a message."
        )
    assert "too long" in shown((await api.wait_sent(4))[0])
    assert "Ask me a question" in shown((await api.wait_sent(5))[0])
    assert "/help" in shown((await api.wait_sent(6))[0])
    assert "Only the bot's admins" in shown((await api.wait_sent(9))[0])
    await settle(api)
    assert api.sent(8) == []


async def test_flood_control_is_waited_out(api: FakeBotAPI, start_bot: StartBot, fast: Wrapped) -> None:
    await start_bot(fast)
    api.fail_next("sendMessage", retry_after=1)
    api.push_message(HOTEL_QUESTION, chat_id=1)
    [reply] = await api.wait_sent(1)
    assert "Millennium Hilton" in shown(reply)
    sends = [c for c in api.calls if c.method == "sendMessage"]
    assert [c.status for c in sends] == [429, 200]
    # The retry came after the wait the Bot API asked for, not before.
    assert sends[1].at - sends[0].at >= 1.0


async def test_bot_survives_a_bot_api_that_drops_connections(
    api: FakeBotAPI, start_bot: StartBot, fast: Wrapped
) -> None:
    await start_bot(fast)
    api.push_message(HOTEL_QUESTION, chat_id=1)
    await api.wait_sent(1)
    api.drop_connections(1.0)  # two of the bot's backoffs, and two of PTB's polling backoffs
    api.push_message(HOTEL_QUESTION, chat_id=2)
    [reply] = await api.wait_sent(2, timeout=15)
    assert "Millennium Hilton" in shown(reply)
    assert "sendMessage" in api.dropped  # the reply did meet the outage


async def test_send_failures_during_an_answer_are_retried(
    api: FakeBotAPI, start_bot: StartBot, service: Any, hotel_answer: Answer
) -> None:
    await start_bot(Wrapped(service, hotel_answer, slow=0.6))
    api.push_message("slow " + HOTEL_QUESTION, chat_id=1)
    await api.wait_for(lambda a: a.sent(1, "sendChatAction"))
    api.drop_connections(1.0)  # the answer is ready while the API is unreachable
    [reply] = await api.wait_sent(1, timeout=10)
    assert "Millennium Hilton" in shown(reply)
    assert "sendMessage" in api.dropped  # the reply did meet the outage


async def test_errors_get_an_apology_and_a_logged_traceback(
    api: FakeBotAPI, start_bot: StartBot, service: Any, caplog: pytest.LogCaptureFixture, hotel_answer: Answer
) -> None:
    await start_bot(Wrapped(service, hotel_answer, fail=RuntimeError("kaboom")))
    api.push_message("please fail", chat_id=1)
    assert (
        shown((await api.wait_sent(1))[0])
        == "Sorry, something went wrong on my side. Please try again in a moment."
    )
    assert any(r.exc_info and "kaboom" in str(r.exc_info[1]) for r in caplog.records)
    api.push_message(HOTEL_QUESTION, chat_id=1)  # and keeps answering
    assert "Millennium Hilton" in shown((await api.wait_sent(1, 2))[1])


async def test_newsbot_errors_are_shown_as_they_are(
    api: FakeBotAPI, start_bot: StartBot, service: Any
) -> None:
    await start_bot(Wrapped(service, fail=NewsbotError("The store is being rebuilt <now>.")))
    api.push_message("fail now", chat_id=1)
    assert shown((await api.wait_sent(1))[0]) == "The store is being rebuilt <now>."


async def test_one_slow_answer_does_not_block_other_chats(
    api: FakeBotAPI, start_bot: StartBot, service: Any, hotel_answer: Answer, fast: Wrapped
) -> None:
    slow = Wrapped(service, hotel_answer, hold=threading.Event())
    await start_bot(slow)
    api.push_message("slow " + HOTEL_QUESTION, chat_id=1)
    api.push_message("fast " + HOTEL_QUESTION, chat_id=1)
    assert await asyncio.to_thread(slow.held.wait, 10)  # chat 1's first answer is under way, and stays so
    api.push_message(HOTEL_QUESTION, chat_id=2)
    await api.wait_sent(2)
    assert api.sent(1) == []  # chat 2 was answered while chat 1 still waits
    assert slow.hold is not None
    slow.hold.set()
    first, second = await api.wait_sent(1, 2)
    assert first.at < second.at


async def test_streaming_edits_the_reply_as_it_grows(api: FakeBotAPI, start_bot: StartBot) -> None:
    app = await start_bot(Wrapped(None, deltas=["The talks ", "went on ", "late [1]."], delta_pause=0.35))
    app.bot_data["newsbot"].edit_interval = 0.3
    api.fail_next("editMessageText", retry_after=1)
    api.push_message("how did the talks go?", chat_id=1)
    await api.wait_for(lambda a: any("Sources" in shown(c) for c in a.sent(1, "editMessageText")), timeout=10)
    [draft] = api.sent(1)
    assert draft.text.endswith(" …")
    final = api.sent(1, "editMessageText")[-1]
    assert shown(final).startswith("The talks went on late [1].")
    assert api.bad_requests == []


async def test_admin_document_upload_is_ingested(api: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot()
    api.add_file(
        "doc1", "quuxville.md", b"# Quuxville floods\n\nThe river Quux flooded Quuxville on Monday.\n"
    )
    api.push_message(chat_id=ADMIN, document=_document("quuxville.md", "doc1"))
    api.push_message(chat_id=5, document=_document("quuxville.md", "doc1"))
    report = shown((await api.wait_sent(ADMIN))[0])
    assert "1 added" in report and "0 failed" in report
    assert "Only the bot's admins" in shown((await api.wait_sent(5))[0])
    assert any(c.method == "getFile" for c in api.calls)
    api.push_message("Which river flooded Quuxville?", chat_id=ADMIN)
    answer = shown((await api.wait_sent(ADMIN, 2))[1])
    assert "Quux" in answer and "Quuxville floods" in answer
    api.push_message(chat_id=ADMIN, document=_document("notes.pdf", "doc2"))
    assert "isn't one" in shown((await api.wait_sent(ADMIN, 3))[2])


async def test_token_problems_are_one_line_config_errors(
    api: FakeBotAPI, tmp_path: Path, service: NewsService
) -> None:
    settings = load_settings(
        data_dir=tmp_path, telegram_bot_token="999:WRONG", telegram_base_url=api.base_url
    )
    with pytest.raises(ConfigError, match="rejected TELEGRAM_BOT_TOKEN"):
        await check_token(settings)
    assert (
        await check_token(
            settings.model_copy(
                update={"telegram_bot_token": load_settings(telegram_bot_token=TOKEN).telegram_bot_token}
            )
        )
        == BOT_USERNAME
    )
    missing = load_settings(data_dir=tmp_path, telegram_bot_token="")
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        run_bot(missing)
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        build_application(missing, service)


async def test_cli_reports_a_rejected_token_in_one_line(api: FakeBotAPI, tmp_path: Path) -> None:
    wrong = "999:WRONG-secret-token"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": wrong,
        "NEWSBOT_TELEGRAM_BASE_URL": api.base_url,
        "NEWSBOT_DATA_DIR": str(tmp_path),
    }
    for flags in ([], ["-vv"]):
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            *flags,
            "telegram",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(proc.communicate(), 60)
        lines = err.decode().strip().splitlines()
        assert proc.returncode == 2
        assert (
            lines[-1]
            == "newsbot: Telegram rejected TELEGRAM_BOT_TOKEN — check the token @BotFather gave you."
        )
        assert wrong not in err.decode() and "Traceback" not in err.decode()
        if not flags:
            assert len(lines) == 1
        else:
            assert "<token>" in err.decode()  # PTB's debug log of the API URL, masked


# Webhook mode: PTB's own webhook server on 127.0.0.1, Telegram played by the fake Bot API


@pytest.fixture
async def webhook_bot(api: FakeBotAPI, fast: Any, tmp_path: Path) -> AsyncIterator[Settings]:
    """The bot serving its webhook on a free loopback port, started as run_bot would start it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = load_settings(
        data_dir=tmp_path,
        telegram_bot_token=TOKEN,
        telegram_base_url=api.base_url,
        telegram_mode="webhook",
        telegram_webhook_url=f"http://127.0.0.1:{port}/newsbot",
        telegram_webhook_listen="127.0.0.1",
        telegram_webhook_port=port,
    )
    app = build_application(settings, fast)
    await app.initialize()
    assert app.post_init is not None and app.updater is not None
    await app.post_init(app)
    await app.updater.start_webhook(**webhook_options(settings))
    await app.start()
    yield settings
    assert app.post_stop is not None
    await app.updater.stop()
    await app.stop()
    await app.post_stop(app)
    await app.shutdown()


async def test_webhook_mode_answers_updates_telegram_posts(api: FakeBotAPI, webhook_bot: Settings) -> None:
    [registered] = api.sent(method="setWebhook")
    assert registered.params["url"] == webhook_bot.telegram_webhook_url
    secret = registered.params["secret_token"]
    assert len(secret) >= 16 and TOKEN not in secret
    assert not api.sent(method="getUpdates")
    status = await api.post_to_webhook({"message": api.message(HOTEL_QUESTION, chat_id=1)})
    assert status == 200
    [reply] = await api.wait_sent(1)
    assert "Millennium Hilton" in shown(reply) and "[1]" in shown(reply)


async def test_webhook_refuses_updates_without_the_secret(api: FakeBotAPI, webhook_bot: Settings) -> None:
    for forged in ("", "wrong-secret", TOKEN):
        assert await api.post_to_webhook({"message": api.message(HOTEL_QUESTION, chat_id=1)}, forged) == 403
    await settle(api)
    assert api.sent(1) == []


def test_webhook_url_must_be_https(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path,
        telegram_bot_token=TOKEN,
        telegram_mode="webhook",
        telegram_webhook_url="http://bot.example.com/newsbot",
    )
    with pytest.raises(ConfigError, match="https://"):
        run_bot(settings)  # before any network call or store access


def test_the_token_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token_filter = protect_token(TOKEN)
    try:
        logging.getLogger("httpx").warning("HTTP Request: POST http://x/bot%s/getMe", TOKEN)
        logging.getLogger("telegram.ext.Updater").error("failed", exc_info=RuntimeError(f"url /bot{TOKEN}/x"))
        for record in caplog.records:
            assert TOKEN not in record.getMessage() and TOKEN not in (record.exc_text or "")
        assert TOKEN not in caplog.text and "<token>" in caplog.text
        assert logging.getLogger("httpx").level == logging.WARNING
    finally:
        for logger in [logging.getLogger(), *(logging.getLogger(n) for n in ("httpx", "telegram"))]:
            for handler in [logger, *logger.handlers]:
                handler.removeFilter(token_filter)


def _sticker() -> dict[str, Any]:
    return {
        "file_id": "s",
        "file_unique_id": "s",
        "type": "regular",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
    }


def _document(name: str, file_id: str = "d") -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "file_size": 60}

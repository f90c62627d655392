"""Fixtures shared by the test modules of `bot`: the Telegram ones (the fake Bot API, the bot started against it),
and one OpenAI-compatible fake server a module."""

from collections.abc import Iterator

import pytest

from tests.bot.test_telegram import api, fast, hotel_answer, service, start_bot
from tests.fakes.openai_server import FakeOpenAIServer

__all__ = ["api", "fast", "hotel_answer", "server", "service", "start_bot"]


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAIServer]:
    """One fake LLM server for a module's tests (a module may keep its own, for one a test)."""
    with FakeOpenAIServer() as fake:
        yield fake

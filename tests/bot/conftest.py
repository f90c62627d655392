"""The Telegram fixtures (the fake Bot API, the bot started against it), shared by every test module that talks to
the fake Bot API."""

from tests.bot.test_telegram import api, fast, hotel_answer, service, start_bot

__all__ = ["api", "fast", "hotel_answer", "service", "start_bot"]

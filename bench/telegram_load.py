"""Load test of the Telegram front: many chats asking at once, through the fake Bot API, on the seed articles.

Every question is an `/ask` in its own group chat's stream, so each answer quotes (replies to) the question it
answers: that is how the script checks that every question got exactly one answer, in the right chat.

    python bench/telegram_load.py [--chats 100] [--questions 5]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.telegram import build_application  # noqa: E402
from bot.wiring import build_service  # noqa: E402
from config import load_settings  # noqa: E402
from tests.fakes.botapi import TOKEN, FakeBotAPI  # noqa: E402

logger = logging.getLogger(__name__)

QUESTIONS = [
    "Which hotel was Rouhani staying at in New York?",
    "How many times did Trump try to meet Rouhani?",
    "Who tried to set up a phone call between Trump and Rouhani?",
    "What did Trump do the day after the call did not happen?",
    "Why did Trump withdraw from the nuclear deal?",
]


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (inclusive method)."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def run(chats: int, per_chat: int, timeout: float) -> int:
    """Push chats × per_chat questions at once and check the answers; the exit status."""
    data = Path(tempfile.mkdtemp(prefix="newsbot-tgload-"))
    started = time.perf_counter()
    service = build_service(load_settings(data_dir=data, seeds_dir=ROOT / "seeds"))
    service.ensure_seeded()
    service.ask(QUESTIONS[0])  # load the models before the clock starts
    print(
        f"service ready in {time.perf_counter() - started:.1f} s (seeded {service.stats().articles} articles)"
    )

    api = FakeBotAPI()
    await api.start()
    settings = load_settings(
        data_dir=data, telegram_bot_token=TOKEN, telegram_base_url=api.base_url, telegram_rate_limit=1000
    )
    app = build_application(settings, service)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)

    asked: dict[int, tuple[int, int, float]] = {}  # question message id → (chat, index, time pushed)
    t0 = time.monotonic()
    for index in range(per_chat):
        for chat in range(chats):
            chat_id = -1000 - chat
            message = api.push_message(
                f"/ask {QUESTIONS[index % len(QUESTIONS)]}",
                chat_id=chat_id,
                user_id=chat + 1,
                chat_type="group",
            )
            asked[message["message_id"]] = (chat_id, index, time.monotonic())
    total = len(asked)

    def answers() -> list:  # replies to a question: the first message of each answer
        return [
            c for c in api.sent() if c.params.get("reply_parameters") and c.chat_id and c.chat_id <= -1000
        ]

    try:
        await api.wait_for(lambda a: len(answers()) >= total, timeout=timeout)
    except AssertionError:
        print(f"TIMEOUT after {timeout:.0f} s")
    await asyncio.sleep(2.0)  # let any duplicate show itself
    wall = time.monotonic() - t0

    replies = answers()
    per_question = Counter(c.params["reply_parameters"]["message_id"] for c in replies)
    wrong_chat = [
        c for c in replies if asked.get(c.params["reply_parameters"]["message_id"], (None,))[0] != c.chat_id
    ]
    lost = [m for m in asked if per_question[m] == 0]
    duplicated = [m for m, n in per_question.items() if n > 1]
    apologies = [c for c in replies if c.text.startswith("Sorry")]
    uncited = [c for c in replies if "[1]" not in c.text]
    latencies = sorted(c.at - asked[c.params["reply_parameters"]["message_id"]][2] for c in replies)
    by_chat: dict[int, list[int]] = {}
    for call in sorted(replies, key=lambda c: c.at):
        by_chat.setdefault(call.chat_id, []).append(asked[call.params["reply_parameters"]["message_id"]][1])
    out_of_order = [chat for chat, order in by_chat.items() if order != sorted(order)]

    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    await api.stop()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"questions: {total} ({chats} chats × {per_chat}), answers: {len(replies)}, wall: {wall:.1f} s, "
        f"throughput: {len(replies) / wall:.1f} answers/s"
    )
    print(
        f"lost: {len(lost)}, duplicated: {len(duplicated)}, wrong chat: {len(wrong_chat)}, "
        f"out of order: {len(out_of_order)}, apologies: {len(apologies)}, without [1]: {len(uncited)}, "
        f"rejected by the API: {len(api.bad_requests)}"
    )
    if latencies:
        print(
            f"time to answer: p50 {percentile(latencies, 50):.2f} s, p95 {percentile(latencies, 95):.2f} s, "
            f"max {latencies[-1]:.2f} s"
        )
    print(f"chat actions sent: {len(api.sent(method='sendChatAction'))}, peak RSS: {peak_mb:.0f} MB")
    ok = not (lost or duplicated or wrong_chat or out_of_order or apologies or api.bad_requests)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--questions", type=int, default=5, help="questions per chat")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait for all answers")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(run(args.chats, args.questions, args.timeout))


if __name__ == "__main__":
    sys.exit(main())

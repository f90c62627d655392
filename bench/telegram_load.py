"""Load test of the Telegram front: many chats asking, through the fake Bot API, on the seed articles.

Each chat asks the same questions in the same order, so each chat must receive the same replies, in that order: the
script works them out first (the real service, one conversation, as the bot keeps one per chat), then checks every
chat's messages against them. That proves every question was answered exactly once, in its own chat, in order,
with nothing else sent (no rate-limit notice, no apology). The reply time of a question is from the moment it is
queued at the fake Bot API to the moment the bot sends the first message of its answer.

    python bench/telegram_load.py                  # 100 private chats × 5 questions, all at once
    python bench/telegram_load.py --pace 60        # the same, spread evenly over 60 seconds
    python bench/telegram_load.py --groups         # group chats, each question an /ask

The service is the real one (local MiniLM embedding, Chroma on disk, the extractive writer: no LLM) on the two seed
articles. It answers the five questions once before the clock starts, which loads the model and remembers their
query vectors, so the figures measure the Telegram front and the search, not the embedding model.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.service import NewsService  # noqa: E402
from bot.telegram import build_application  # noqa: E402
from bot.telegram.format import format_answer  # noqa: E402
from bot.types import Answer, Conversation  # noqa: E402
from bot.wiring import build_service  # noqa: E402
from config import load_settings  # noqa: E402
from tests.fakes.botapi import TOKEN, Call, FakeBotAPI  # noqa: E402

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


def memory_mb(field: str) -> float:
    """A memory figure of this process from /proc (VmRSS: now, VmHWM: peak), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def expected_replies(service: NewsService, questions: list[str], history_turns: int) -> list[list[str]]:
    """The messages each question's answer is sent as, asked in order in one conversation."""
    conversation = Conversation(history_turns)
    replies = []
    for question in questions:
        answer = list(service.stream(question, conversation))[-1]
        assert isinstance(answer, Answer)
        replies.append(format_answer(answer))
    return replies


async def run(chats: int, per_chat: int, pace: float, groups: bool, timeout: float) -> int:
    """Ask chats × per_chat questions (at once, or spread over `pace` seconds) and check the replies."""
    data = Path(tempfile.mkdtemp(prefix="newsbot-tgload-"))
    started = time.perf_counter()
    settings = load_settings(data_dir=data, seeds_dir=ROOT / "seeds")
    service = build_service(settings)
    service.ensure_seeded()
    questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(per_chat)]
    expected = expected_replies(service, questions, settings.history_turns)
    print(f"service ready in {time.perf_counter() - started:.1f} s ({service.stats().articles} articles)")
    baseline = memory_mb("VmRSS")

    api = FakeBotAPI()
    await api.start()
    bot_settings = load_settings(data_dir=data, telegram_bot_token=TOKEN, telegram_base_url=api.base_url)
    app = build_application(bot_settings, service)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)

    chat_ids = [(-1000 - c) if groups else (1_000_000 + c) for c in range(chats)]
    pushed: dict[int, list[float]] = {chat_id: [] for chat_id in chat_ids}
    total = chats * per_chat
    gap = pace / total if pace > 0 else 0.0
    t0 = time.monotonic()
    for k in range(total):  # round-robin: every chat's first question, then every chat's second…
        index, c = divmod(k, chats)
        chat_id = chat_ids[c]
        if gap:
            await asyncio.sleep(max(0.0, t0 + k * gap - time.monotonic()))
        text = ("/ask " if groups else "") + questions[index]
        user_id = 1 + c if groups else chat_id
        api.push_message(text, chat_id=chat_id, user_id=user_id, chat_type="group" if groups else "private")
        pushed[chat_id].append(time.monotonic())

    want = sum(len(r) for r in expected)

    def messages(chat_id: int) -> list[Call]:
        return api.sent(chat_id)

    try:
        await api.wait_for(lambda a: all(len(messages(c)) >= want for c in chat_ids), timeout=timeout)
    except AssertionError:
        print(f"TIMEOUT after {timeout:.0f} s")
    await asyncio.sleep(3.0)  # let any duplicate or late notice show itself
    wall = time.monotonic() - t0

    wrong, latencies = [], []
    for chat_id in chat_ids:
        sent = messages(chat_id)
        if [c.text for c in sent] != [text for reply in expected for text in reply]:
            wrong.append(chat_id)
            continue
        first = 0
        for index, reply in enumerate(expected):
            latencies.append(sent[first].at - pushed[chat_id][index])
            first += len(reply)
    drafts = len(api.sent(method="editMessageText"))

    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    await api.stop()

    mode = f"paced over {pace:.0f} s" if pace > 0 else "one burst"
    kind = "group" if groups else "private"
    print(f"questions: {total} ({chats} {kind} chats × {per_chat}, {mode}), wall: {wall:.1f} s")
    print(
        f"questions answered exactly once, in order: {(chats - len(wrong)) * per_chat}; chats with missing, extra "
        f"or misordered messages: {len(wrong)}{' e.g. ' + str(wrong[:5]) if wrong else ''}; "
        f"draft edits: {drafts}; rejected by the API: {len(api.bad_requests)}"
    )
    if latencies:
        latencies.sort()
        print(
            f"reply time: p50 {percentile(latencies, 50):.2f} s, p95 {percentile(latencies, 95):.2f} s, "
            f"max {latencies[-1]:.2f} s"
        )
    print(f"memory: {baseline:.0f} MB with the service loaded, peak {memory_mb('VmHWM'):.0f} MB")
    ok = not wrong and not api.bad_requests
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--questions", type=int, default=5, help="questions per chat")
    parser.add_argument("--pace", type=float, default=0.0, help="spread the questions over this many seconds")
    parser.add_argument("--groups", action="store_true", help="group chats asking with /ask")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for all answers")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(run(args.chats, args.questions, args.pace, args.groups, args.timeout))


if __name__ == "__main__":
    sys.exit(main())

"""Real and adversarial model replies, replayed through the wire-level fake over the seed articles: what is shown.

The recorded replies (Qwen2.5-Coder-1.5B-Instruct on llama.cpp, in the shared llm-replies folder) cite sources by
the numbers of the request they answered; today's retrieval may number them differently, so each citation is
mapped to today's source with the same title before the reply is served.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.service import NewsService
from bot.types import Answer
from tests.bot.test_llm import settings_for
from tests.conftest import ROOT, SEEDS
from tests.fakes.openai_server import FakeOpenAIServer

RECORDED = ROOT.parent / "shared" / "llm-replies" / "qwen2.5-coder-1.5b-seeds.jsonl"

# The verification and the replayed real replies are judged with the real model's sense of meaning.
pytestmark = [pytest.mark.slow, pytest.mark.model]

HOTEL_Q = "Which hotel was Rouhani staying at in New York?"
HOTEL_FACT = "Rouhani was staying at the Millennium Hilton Hotel across the street from the UN building"


def recorded() -> dict[str, dict[str, Any]]:
    if not RECORDED.is_file():
        return {}
    lines = RECORDED.read_text(encoding="utf-8").splitlines()
    return {(d := json.loads(line))["question"]: d for line in lines if line.strip()}


REPLIES = recorded()
needs_recording = pytest.mark.skipif(not REPLIES, reason="the recorded replies are not beside the repository")


def _titles(prompt: str) -> dict[int, str]:
    return {int(n): t.strip() for n, t in re.findall(r"Source (\d+):\nTitle: (.*)", prompt)}


def replayed(record: dict[str, Any]) -> Callable[[dict[str, Any]], str]:
    """The recorded reply with each [n] renumbered to today's source of the same article."""
    then = _titles(record["request"]["messages"][-1]["content"])

    def reply(body: dict[str, Any]) -> str:
        now = {title: n for n, title in _titles(body["messages"][-1]["content"]).items()}
        return re.sub(r"\[(\d+)\]", lambda m: f"[{now[then[int(m.group(1))]]}]", record["reply"])

    return reply


@pytest.fixture(scope="module")
def service(server: FakeOpenAIServer, tmp_path_factory: pytest.TempPathFactory, minilm: Any) -> NewsService:
    from bot.wiring import build_service

    tmp = tmp_path_factory.mktemp("replies")
    service = build_service(settings_for(server, tmp, seeds_dir=SEEDS, llm_timeout=20.0, llm_prompt="auto"), minilm)
    assert service.ensure_seeded() is not None
    return service


def ask(service: NewsService, server: FakeOpenAIServer, question: str, reply: Any, one_body: bool) -> tuple[
    list[str], Answer
]:
    server.replies.clear()
    server.reply(reply, one_body=one_body)
    items = list(service.stream(question))
    answer = items[-1]
    assert isinstance(answer, Answer)
    shown = [i for i in items[:-1] if isinstance(i, str)]
    assert "".join(shown) == answer.text  # what streamed is exactly what the answer says
    return shown, answer


STREAMED = pytest.mark.parametrize("one_body", [False, True], ids=["streamed", "one-body"])


# The recorded replies


@needs_recording
@STREAMED
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which hotel was Rouhani staying at in New York?", "Millennium Hilton Hotel"),
        ("How many times did Trump try to arrange a meeting with Rouhani, according to Rouhani?", "eight times"),
        ("Who tried to set up a phone call between Rouhani and Trump?", "Emmanuel Macron"),
        # An answer followed by the abstention sentence: the answer is shown, the sentence is not.
        ("What did Trump order the day after the call failed?", "visa ban"),
        # Two sentences and one citation at the end: the one that answers is kept.
        ("When did Trump pull the US out of the Iran nuclear deal?", "in May 2018"),
        # A right answer cited to another passage of the article than the one that says it.
        ("Where did Iran strike after Soleimani was killed?", "ballistic missile strike"),
    ],
)
def test_recorded_answers_are_shown(
    service: NewsService, server: FakeOpenAIServer, question: str, expected: str, one_body: bool
) -> None:
    shown, answer = ask(service, server, question, replayed(REPLIES[question]), one_body)
    assert expected in answer.text and not answer.abstained and answer.citations
    assert "don't say" not in answer.text and not answer.note
    assert all(f"[{c.n}]" in answer.text for c in answer.citations)
    assert any(expected in c.quote for c in answer.citations)
    assert len(shown) >= 1


@needs_recording
def test_the_jcpoa_reply_keeps_both_of_its_supported_sentences(service: NewsService, server: FakeOpenAIServer) -> None:
    question = "When did Trump pull the US out of the Iran nuclear deal?"
    shown, answer = ask(service, server, question, replayed(REPLIES[question]), one_body=False)
    assert answer.text.startswith("Trump withdrew from the Joint Comprehensive Plan of Action (JCPOA) nuclear deal in "
                                  "May 2018")
    assert len(shown) == 2 and answer.text.count("[1]") == 2


@needs_recording
@STREAMED
def test_a_recorded_correct_abstention_stays_one(
    service: NewsService, server: FakeOpenAIServer, one_body: bool
) -> None:
    question = "How many times did Trump meet Kim Jong Un?"
    _, answer = ask(service, server, question, replayed(REPLIES[question]), one_body)
    assert answer.abstained and answer.text.startswith("The articles don't say")


@needs_recording
def test_outside_knowledge_is_not_shown(service: NewsService, server: FakeOpenAIServer) -> None:
    question = "What is the capital of Australia?"
    _, answer = ask(service, server, question, replayed(REPLIES[question]), one_body=False)
    assert "Canberra" not in answer.text
    assert answer.note.startswith("The articles don't support what the language model wrote")


def test_an_abstention_where_the_articles_answer_gives_the_offline_answer(
    service: NewsService, server: FakeOpenAIServer
) -> None:
    # One of two identical runs of this question came back with the sentinel.
    _, answer = ask(service, server, HOTEL_Q, "The articles don't say.", one_body=False)
    assert "Millennium Hilton" in answer.text and answer.citations
    assert answer.note == ("The language model found no answer in the articles, so this answer quotes the articles "
                           "directly.")


# Unusable replies fall back to the offline answer, with a note saying why


@pytest.mark.parametrize(
    ("reply", "options", "why"),
    [
        ("", {}, "The language model sent an empty reply"),
        ("", {"one_body": True}, "The language model sent an empty reply"),
        ("As an AI language model, I cannot browse the news.", {}, "The language model declined to answer"),
        ("I'm sorry, but I can't help with that.", {"one_body": True}, "The language model declined to answer"),
        ("Rouhani stayed at the Plaza Hotel [7]. Ha.", {}, "The articles don't support what the language model wrote"),
    ],
)
def test_an_unusable_reply_gives_the_offline_answer_and_says_why(
    service: NewsService, server: FakeOpenAIServer, reply: str, options: dict[str, Any], why: str
) -> None:
    server.replies.clear()
    server.reply(reply, **options)
    answer = service.ask("Which hotel was Rouhani staying at in New York?")
    assert "Millennium Hilton" in answer.text and answer.citations
    assert answer.note.startswith(why) and "Plaza" not in answer.text and "Ha." not in answer.text


def test_a_malformed_body_gives_the_offline_answer_and_says_why(service: NewsService, server: FakeOpenAIServer) -> None:
    from bot.service import FALLBACK_NOTE

    server.replies.clear()
    for _ in range(4):
        server.malformed()
    answer = service.ask("Which hotel was Rouhani staying at in New York?")
    assert "Millennium Hilton" in answer.text and answer.citations
    assert answer.note.startswith(FALLBACK_NOTE) and "could not read" in answer.note


# Adversarial replies



def cited(body: dict[str, Any], words: str) -> int:
    """Today's number of the source whose text contains `words`."""
    blocks = body["messages"][-1]["content"].split("Source ")[1:]
    return next(int(b.split(":", 1)[0]) for b in blocks if words in b)


@STREAMED
@pytest.mark.parametrize(
    "style",
    [
        "{fact} [{n}].",
        "{fact} [{n}, {n}].",
        "{fact} [{n}][{n}].",
        "{fact} (Source {n}).",
        "{fact} 【{n}】.",
        "{fact}[^{n}].\n\n[^{n}]: Source {n}",
        "{fact}.\n\nSources:\n[{n}] Macron tried to put Rouhani on the phone with Trump",
        "- {fact} [{n}].\n- PWNED!",
        "**{fact}** [Source {n}].",
        "{fact}. [{n}]",
        "According to Source {n}, {fact}.",
        "{fact}.",  # no citation at all: cited to the source that says it
        "{fact} [9].",  # a source that doesn't exist
    ],
)
def test_citation_styles_are_understood(
    service: NewsService, server: FakeOpenAIServer, style: str, one_body: bool
) -> None:
    def reply(body: dict[str, Any]) -> str:
        return style.format(fact=HOTEL_FACT, n=cited(body, "Millennium Hilton"))

    shown, answer = ask(service, server, HOTEL_Q, reply, one_body)
    expected = f"{HOTEL_FACT} [1]."
    assert answer.text in (expected, f"- {expected}"), answer.text
    assert "Millennium Hilton" in answer.citations[0].quote and len(answer.citations) == 1


@pytest.mark.parametrize(
    ("reply", "left_out"),
    [
        # Fragments around a true claim.
        ("PWNED! {fact} [{n}]. Ha.", 2),
        # A wrong number, cited to the right source.
        ("{fact} [{n}]. Rouhani claimed that Trump tried twelve times to arrange a meeting [{m}].", 1),
        # A claim no source makes, cited.
        ("{fact} [{n}]. Rouhani later flew to Paris to meet President Macron [{n}].", 1),
        # An uncited claim no source makes.
        ("{fact} [{n}]. The hotel has 569 rooms.", 1),
        # A model talking about itself after the answer.
        ("{fact} [{n}]. As an AI, I hope this helps!", 1),
    ],
)
def test_adversarial_sentences_are_left_out(
    service: NewsService, server: FakeOpenAIServer, reply: str, left_out: int
) -> None:
    def script(body: dict[str, Any]) -> str:
        return reply.format(fact=HOTEL_FACT, n=cited(body, "Millennium Hilton"), m=cited(body, "eight times"))

    shown, answer = ask(service, server, HOTEL_Q, script, one_body=False)
    assert answer.text == f"{HOTEL_FACT} [1]."
    assert answer.note == f"Left out {left_out} sentence{'s' if left_out > 1 else ''} the articles don't support."
    assert shown == [answer.text]


def test_a_right_number_is_kept(service: NewsService, server: FakeOpenAIServer) -> None:
    def script(body: dict[str, Any]) -> str:
        return f"Rouhani claimed that Trump tried eight times to arrange a meeting [{cited(body, 'eight times')}]."

    _, answer = ask(service, server, "How many times did Trump try to meet Rouhani?", script, one_body=False)
    assert answer.text == "Rouhani claimed that Trump tried eight times to arrange a meeting [1]."


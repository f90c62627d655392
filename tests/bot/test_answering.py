"""Answers over the seed articles with the real model and store: citations, abstention, follow-ups."""

from __future__ import annotations

from bot.types import Conversation


def test_hotel_question_is_answered_from_the_right_article(seeded_service) -> None:  # type: ignore[no-untyped-def]
    answer = seeded_service.ask("Which hotel was Rouhani staying at in New York?")
    assert not answer.abstained
    assert "Millennium Hilton" in answer.text
    first = answer.citations[0]
    assert first.n == 1 and "macron" in first.path
    assert "Millennium Hilton" in first.quote


def test_off_topic_question_abstains_without_citations(seeded_service) -> None:  # type: ignore[no-untyped-def]
    answer = seeded_service.ask("What is the capital of Australia?")
    assert answer.abstained
    assert answer.citations == ()
    assert answer.to_json()["citations"] == []


def test_follow_up_question_uses_the_conversation(seeded_service) -> None:  # type: ignore[no-untyped-def]
    conversation = Conversation()
    first = seeded_service.ask("Why did Rouhani refuse to take the call from Trump that Macron arranged?", conversation)
    assert not first.abstained
    follow_up = seeded_service.ask("and where was he staying?", conversation)
    assert "Millennium Hilton" in follow_up.text
    assert len(conversation.turns) == 2


def test_json_shape(seeded_service) -> None:  # type: ignore[no-untyped-def]
    data = seeded_service.ask("How many times did Trump text Rouhani?").to_json()
    assert set(data) >= {"answer", "abstained", "citations"}
    assert data["citations"], data
    assert set(data["citations"][0]) == {
        "n", "article_id", "title", "source", "published_at", "url", "path", "quote", "also_in"
    }
    assert "eight" in data["answer"]

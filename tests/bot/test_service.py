"""The service: one question is parsed once, and the search and the writer read that one `Query`."""

from __future__ import annotations

import pytest

import index.query
from bot.types import Conversation


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every `parse` call, in every module that imported it, recorded."""
    import sys

    calls: list[str] = []
    real = index.query.parse

    def counting(question: str) -> index.query.Query:
        calls.append(question)
        return real(question)

    for module in list(sys.modules.values()):
        if getattr(module, "parse", None) is real:
            monkeypatch.setattr(module, "parse", counting)
    return calls


def test_a_question_is_parsed_once_from_the_service_to_the_writer(seeded_service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = _count_parses(monkeypatch)
    answer = seeded_service.ask("Which hotel was Rouhani staying at in New York?")
    assert not answer.abstained
    assert calls == ["Which hotel was Rouhani staying at in New York?"]


def test_a_follow_up_is_parsed_as_searched_and_as_asked(seeded_service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    conversation = Conversation()
    seeded_service.ask("How many times did Trump try to meet Rouhani?", conversation)
    calls = _count_parses(monkeypatch)
    seeded_service.ask("who else tried?", conversation)
    # The search takes its topic from the conversation; the writer reads the follow-up for what it wants, and
    # for its parts: the previous question added for the topic is no second part of it.
    assert calls.count("who else tried?") == 1
    assert "How many times did Trump try to meet Rouhani?" not in calls, calls

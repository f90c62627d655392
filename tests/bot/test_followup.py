"""Heuristic follow-up resolution (the offline path; the LLM path rewrites with the model)."""

from __future__ import annotations

from bot.followup import contextualize, is_follow_up, topic_query
from bot.types import Answer, Turn

PREVIOUS = "Why did Rouhani refuse to take the call from Trump that Macron arranged?"
HISTORY = [Turn(PREVIOUS, Answer("…", question=PREVIOUS))]


def test_pronoun_becomes_the_person_asked_about() -> None:
    assert contextualize("and where was he staying?", HISTORY) == "where was Rouhani staying?"
    assert contextualize("What did his aides say?", HISTORY) == "What did Rouhani's aides say?"


def test_standalone_question_is_left_alone() -> None:
    question = "Which hotel hosted the UN delegations in 2019?"
    assert not is_follow_up(question)
    assert contextualize(question, HISTORY) == question
    assert topic_query(question, question, HISTORY) == question


def test_follow_up_search_carries_the_previous_topic() -> None:
    standalone = contextualize("and where was he staying?", HISTORY)
    assert topic_query(standalone, "and where was he staying?", HISTORY).endswith(PREVIOUS)


def test_no_history_no_change() -> None:
    assert contextualize("and where was he staying?", []) == "and where was he staying?"

"""Whether a sentence holds the kind of answer a question asks for: a person, place, time or number it lacks."""

from __future__ import annotations

import pytest

from bot.answer_kinds import holds_answer


@pytest.mark.parametrize(
    ("wants", "sentence", "holds"),
    [
        ("time", "Macron answered a call from Trump's line at about 9:30 pm.", True),
        ("time", "The call came in on September 24.", True),
        ("time", "The call came in on Tuesday.", True),
        ("time", "The call never came, and nobody said why.", False),
        ("number", "Trump tried eight times to arrange a meeting.", True),
        ("number", "Trump tried to arrange a meeting.", False),
        ("place", "Rouhani flew back to Tehran later that day.", True),
        ("place", "They set up a hotline at the Millennium Hilton.", True),
        ("place", "Macron answered a call from President Trump's line.", False),
        ("person", "French President Emmanuel Macron arranged the call.", True),
        ("person", "the call was arranged by officials.", False),
        ("", "Anything at all holds an answer when no kind is asked for.", True),
    ],
)
def test_the_kind_of_answer_a_sentence_holds(wants: str, sentence: str, holds: bool) -> None:
    assert holds_answer(wants, sentence, "When did the phone call happen, and who arranged it?") is holds


def test_what_the_question_already_names_is_no_answer() -> None:
    # The question names the day; a sentence naming only that day holds no new time.
    assert not holds_answer("time", "The call came in on Tuesday.", "What happened on Tuesday?")

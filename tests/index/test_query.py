"""A question parsed once: its subjects, the kind of answer it wants, its parts and the phrase that sets its scene."""

from __future__ import annotations

import pytest

from index.query import Subject, parse


def test_names_numbers_and_meaningful_words_are_the_subjects() -> None:
    query = parse("How many times did Trump meet Kim Jong Un in 2019?")
    assert Subject("Trump", "name") in query.subjects and Subject("Kim Jong Un", "name") in query.subjects
    assert Subject("meet", "term") in query.subjects
    assert query.wants == "number"


def test_the_words_naming_the_kind_of_answer_are_its_focus() -> None:
    query = parse("What military force did the US send to the Middle East?")
    assert {s.text for s in query.subjects if s.kind == "focus"} == {"military", "force"}
    assert Subject("send", "term") in query.subjects


def test_a_two_part_question_has_two_parts() -> None:
    assert len(parse("Which hotel was Rouhani staying at, and how many people were injured there?").parts) == 2
    assert parse("Which hotel was Rouhani staying at?").parts == ("Which hotel was Rouhani staying at?",)


@pytest.mark.parametrize(
    ("question", "scene"),
    [
        ("What did Rouhani eat for dinner at the hotel?", {"at", "the", "hotel"}),
        ("Who succeeded Rouhani as president?", {"as", "president"}),
        ("Which hotel was Rouhani staying at in New York?", {"in", "new", "york"}),
        # Other prepositions often carry what is asked about: they stay.
        ("Which actress will be the first Asian American on the U.S. quarter?", set()),
        # Too little of the question would be left.
        ("Who won in 2022?", set()),
        ("What did Rouhani eat for dinner?", set()),
    ],
)
def test_a_closing_phrase_that_only_sets_the_scene_is_told_apart(question: str, scene: set[str]) -> None:
    assert parse(question).scene == scene


def test_a_question_about_what_came_next_is_told_apart() -> None:
    assert parse("What did Trump do the day after the failed call?").asks_what_followed
    assert parse("What happened next?").asks_what_followed
    # "after" alone dates the question's event; it doesn't ask what followed it.
    assert not parse("Which state flooded after the storm?").asks_what_followed


def test_a_question_asking_who_someone_is_names_them() -> None:
    assert parse("Who is Hassan Rouhani?").introduces == "Hassan Rouhani"
    assert parse("who was Rouhani").introduces == "Rouhani"
    assert parse("Who is the president of France?").introduces == ""
    assert parse("Who is Macron meeting in New York?").introduces == ""


def test_the_measure_a_how_question_asks_for_is_no_word_to_find() -> None:
    # Articles say "a million miles from Earth", never "far".
    query = parse("How far from Earth is the James Webb Space Telescope?")
    assert [s.text for s in query.subjects] == ["Earth", "James Webb Space Telescope"] and query.wants == "number"
    assert [s.text for s in parse("How long did the trial last?").subjects] == ["trial"]


def test_a_question_asking_for_someones_role_names_both() -> None:
    assert parse("Who is Brittney Griner's wife?").relation == ("Brittney Griner", "wife")
    assert parse("Who are Griner’s lawyers?").relation == ("Griner", "lawyer")
    assert parse("Who is Hassan Rouhani?").relation is None
    assert parse("Who is Macron's wife in Paris?").relation is None  # asks more than the role


def test_a_question_asking_why_or_how_asks_for_a_reason() -> None:
    assert parse("Why did Rafael Nadal withdraw from Wimbledon?").asks_reason
    assert parse("How did Rouhani refuse the call?").asks_reason
    assert not parse("How many times did Trump try?").asks_reason
    assert not parse("Who is Hassan Rouhani?").asks_reason

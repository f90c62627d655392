"""The words of a decline: that the articles don't say, or which part of the question they don't mention."""

from __future__ import annotations

import pytest

from bot.declines import abstention, not_covered, not_said
from index.query import Subject


def test_what_is_missing_is_named_beside_what_is_there() -> None:
    answer = not_covered("q", [Subject("Trump", "name"), Subject("2019", "number")], [Subject("Kim Jong Un", "name")])
    # A year alone says nothing of what the articles hold: it isn't listed as mentioned.
    assert answer.text == "The articles mention Trump, but nothing about Kim Jong Un."
    assert answer.abstained and answer.missing == ("Kim Jong Un",)
    words = not_covered("q", [Subject("Rouhani", "name")], [Subject("eat", "term"), Subject("dinner", "term")])
    assert words.text == "The articles mention Rouhani, but nothing about “eat” or “dinner”."
    assert not_covered("q", [], [Subject("Okonkwo", "name")]).text == "The articles say nothing about Okonkwo."


@pytest.mark.parametrize(
    ("part", "said"),
    [
        ("how many people were injured there?", "The articles don't say how many people were injured there."),
        ("who ordered the ban", "The articles don't say who ordered the ban."),
        # A part that asks with its verb first reads wrong after "say": it is quoted.
        ("where was Rouhani staying?", "The articles don't answer “where was Rouhani staying?”"),
        ("How many officials did it affect?", "The articles don't answer “how many officials did it affect?”"),
    ],
)
def test_an_unanswered_part_is_named_so_that_it_reads_well(part: str, said: str) -> None:
    assert not_said(part) == said


def test_the_plain_abstention_says_it_wont_guess() -> None:
    answer = abstention("Who won?")
    assert answer.abstained and answer.citations == () and "won't guess" in answer.text

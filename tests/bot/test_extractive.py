"""The offline writer on hand-made passages: the right sentence, numbered citations, honest abstention."""

from __future__ import annotations

import re

from bot.citations import number_citations
from bot.extractive import ExtractiveWriter
from index.types import Passage


def _passage(article: str, text: str, score: float = 0.6, title: str = "A story") -> Passage:
    return Passage(chunk_id=f"{article}:0", article_id=article, text=text, title=title, source="Wire",
                   published_at="2022-09-30", url=f"https://example.com/{article}", score=score)


HOTEL = _passage("a", "The talks failed. Rouhani was staying at the Millennium Hilton hotel in New York. "
                      "Macron waited in the hallway for an hour.")
WEATHER = _passage("b", "Heavy rain flooded the streets of Lisbon on Tuesday. Schools closed early.", score=0.35)


def test_picks_the_sentence_that_answers_and_cites_it() -> None:
    answer = ExtractiveWriter().write("Which hotel was Rouhani staying at?", [HOTEL, WEATHER])
    assert not answer.abstained
    assert "Millennium Hilton" in answer.text
    assert answer.citations[0].article_id == "a"
    assert "Millennium Hilton" in answer.citations[0].quote
    assert answer.citations[0].passage == HOTEL.text


def test_never_answers_with_a_question_that_repeats_the_one_asked() -> None:
    quiz = _passage("q", "Quiz time! Which hotel was Rouhani staying at in New York? A. The Plaza B. The Millennium "
                         "Hilton. Would Macron wait for \"an hour or more?\" He did.")
    answer = ExtractiveWriter().write("Which hotel was Rouhani staying at in New York?", [quiz, HOTEL])
    assert not answer.abstained
    assert "?" not in answer.text
    assert answer.citations[0].article_id == "a" and "Millennium Hilton hotel" in answer.citations[0].quote


def test_every_marker_names_a_citation() -> None:
    answer = number_citations("q", [("One.", HOTEL), ("Two.", WEATHER), ("Three.", HOTEL)])
    assert answer.text == "One [1]. Two [2]. Three [1]."
    assert [c.n for c in answer.citations] == [1, 2]
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.n for c in answer.citations}
    assert answer.citations[0].quote == "One. … Three."


def test_abstains_when_nothing_relates_to_the_question() -> None:
    answer = ExtractiveWriter().write("What is the capital of Australia?", [WEATHER])
    assert answer.abstained and not answer.citations
    assert "don't say" in answer.text


def test_abstains_when_nothing_was_retrieved() -> None:
    answer = ExtractiveWriter().write("Who won?", [])
    assert answer.abstained and answer.citations == ()


def test_weak_passages_are_not_dressed_up_as_an_answer() -> None:
    weak = _passage("c", "Rouhani was staying at the Millennium Hilton hotel in New York.", score=0.05)
    writer = ExtractiveWriter()
    assert writer.write("Which hotel was Rouhani staying at?", [weak]).abstained

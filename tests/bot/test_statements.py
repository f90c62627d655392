"""How the offline answer's quoted sentences are chosen and shown (bot.statements): near-copies cited together, a
sentence that repeats the question never leading, no sentence that adds nothing asked, the neighbour that names
what the best sentence refers back to."""

from __future__ import annotations

import re

from bot.citations import Claim, number_citations
from bot.extractive import ExtractiveWriter
from index.types import Passage
from tests.bot.test_extractive import HOTEL, WEATHER, _passage


def test_an_echo_is_cited_beside_the_claim_in_its_own_words() -> None:
    answer = number_citations("q", [Claim("One.", HOTEL, (("Uno.", WEATHER),)), ("Two.", WEATHER)])
    assert answer.text == "One [1][2]. Two [2]."
    assert [(c.n, c.quote) for c in answer.citations] == [(1, "One."), (2, "Uno. … Two.")]


FIRE_USA = _passage("usa", "Yosemite National Park's largest sequoia grove remained threatened by a wildfire Sunday "
                           "as rough terrain and hot weather made the blaze hard to fight.", score=0.62)
FIRE_DIGEST = _passage("digest", "Yosemite National Park's largest sequoia grove remains threatened by a wildfire as "
                                 "rough terrain and hot weather made the blaze hard to fight. Gas prices fell.",
                       score=0.6)
FIRE_CNN = _passage("cnn", "The Washburn Fire forced the evacuation of Wawona, a community inside Yosemite National "
                           "Park, officials said Friday.", score=0.55)


def test_reports_repeating_one_sentence_become_one_claim_with_both_sources() -> None:
    answer = ExtractiveWriter().write("Which national park was threatened by a wildfire?",
                                      [FIRE_USA, FIRE_DIGEST, FIRE_CNN])
    assert not answer.abstained
    assert answer.text.count("sequoia grove") == 1, answer.text
    assert re.search(r"hard to fight \[1\]\[2\]\.", answer.text), answer.text
    by_article = {c.article_id: c for c in answer.citations}
    assert "remained threatened" in by_article["usa"].quote
    assert "remains threatened" in by_article["digest"].quote  # each source quoted in its own words
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.n for c in answer.citations}


def test_a_near_repeat_that_adds_a_name_is_quoted_not_merged() -> None:
    first = _passage("cnn", "Neither Senator Warnock nor Herschel Walker passed the 50% threshold needed to win the "
                            "race outright, forcing a runoff election on December 6.", score=0.62)
    second = _passage("usa", "Georgia's contest is also heading to a runoff on December 6 after neither Senator "
                             "Warnock nor Herschel Walker passed the 50% threshold needed to win the race outright.",
                      score=0.6)
    answer = ExtractiveWriter().write("Which state will hold a runoff election after neither candidate passed 50%?",
                                      [first, second])
    assert "Georgia" in answer.text and "[1][2]" not in answer.text, answer.text


def test_an_article_does_not_echo_itself() -> None:
    again = Passage(chunk_id="usa:1", article_id="usa", text=FIRE_DIGEST.text, title="A story", source="Wire",
                    published_at="2022-09-30", url="https://example.com/usa", score=0.6)
    answer = ExtractiveWriter().write("Which national park was threatened by a wildfire?", [FIRE_USA, again])
    assert answer.text.count("sequoia grove") == 1 and "[2]" not in answer.text
    assert [c.article_id for c in answer.citations] == ["usa"]


def test_a_sentence_that_only_repeats_the_question_does_not_lead() -> None:
    mustard = _passage("fr", "France's supermarkets used to stock plenty of mustard, the condiment the country loves "
                             "most. Farmers blame the drought. But supermarket shelves across France are now empty of "
                             "it, sparking outrage across the country.")
    shoppers = _passage("us", "Shoppers say supermarkets in France are struggling to stock the condiment.", score=0.8)
    question = "Supermarkets in France are struggling to stock which condiment, sparking outrage across the country?"
    writer = ExtractiveWriter()
    # The other outlet's sentence matches better than the answer (it is the question in other words) but says
    # nothing new.
    ranked = [c.sentence for c in writer.rank_sentences(question, [mustard, shoppers])]
    assert ranked.index(shoppers.text) < next(i for i, s in enumerate(ranked) if "mustard" in s)
    answer = writer.write(question, [mustard, shoppers])
    assert "Shoppers say" not in answer.text and "mustard" in answer.text
    assert [c.article_id for c in answer.citations] == ["fr"]


def test_once_the_answer_is_given_a_sentence_adding_nothing_asked_is_left_out() -> None:
    cup = _passage("s", "The Colorado Avalanche won the Stanley Cup in Tampa on Sunday. Nathan MacKinnon scored twice "
                        "as the Avalanche won the Stanley Cup in Tampa.")
    answer = ExtractiveWriter().write("Which team won the Stanley Cup in Tampa?", [cup])
    # The first names a team: the second, which adds only who scored, is left out.
    assert answer.text == "The Colorado Avalanche won the Stanley Cup in Tampa on Sunday [1]."


def test_a_neighbour_that_holds_the_answer_is_quoted_with_a_sentence_that_does_not() -> None:
    # The sentence that matches best refers back ("the processed cheese product"); the one before names it.
    cheese = _passage("cheese", "In 2020, something odd happened in the dairy aisle: Velveeta started flying off "
                                "the shelves. Sales of the processed cheese product had been in decline for years. "
                                "Analysts expect the trend to fade.")
    question = "A processed cheese product is seeing a boost in sales. Which product is it?"
    answer = ExtractiveWriter().write(question, [cheese])
    assert answer.text.startswith("In 2020, something odd happened in the dairy aisle: Velveeta started flying")
    assert "Sales of the processed cheese product" in answer.text and "Analysts" not in answer.text
    assert answer.citations[0].quote.startswith("In 2020")


def test_a_next_sentence_that_holds_the_answer_is_shown_first() -> None:
    # The best match names no product; the sentence after it does. The answer opens with that one, and the source
    # quotes both as the article has them.
    cheese = _passage("cheese", "Sales of the processed cheese product had been in decline for years. Then the "
                                "pandemic hit, and homebound people wanted Velveeta for their queso.")
    question = "A processed cheese product is seeing a boost in sales. Which product is it?"
    answer = ExtractiveWriter().write(question, [cheese])
    assert answer.text.startswith("Then the pandemic hit, and homebound people wanted Velveeta"), answer.text
    assert "Sales of the processed cheese product" in answer.text
    assert answer.citations[0].quote.startswith("Sales of the processed cheese product")


def test_a_neighbour_naming_someone_does_not_answer_why() -> None:
    nadal = _passage("ap", "Rafael Nadal has withdrawn from Wimbledon due to an abdominal injury. He was due to "
                           "face Nick Kyrgios.")
    answer = ExtractiveWriter().write("Why did Rafael Nadal withdraw from Wimbledon?", [nadal])
    assert answer.text.startswith("Rafael Nadal has withdrawn from Wimbledon due to an abdominal injury")
    assert "Kyrgios" not in answer.text


def test_a_sentence_that_holds_the_answer_is_quoted_alone() -> None:
    cheese = _passage("cheese", "Shoppers returned to the dairy aisle. Sales of the processed cheese product "
                                "Velveeta rose by a quarter. Analysts expect the trend to fade.")
    answer = ExtractiveWriter().write("Sales of which processed cheese product rose?", [cheese])
    assert answer.text.startswith("Sales of the processed cheese product Velveeta rose by a quarter")
    assert "Shoppers" not in answer.text and "Analysts" not in answer.text


def test_a_long_first_sentence_is_cut_to_its_answering_clauses_verbatim() -> None:
    from bot.statements import to_the_point
    from index.query import parse

    sentence = ("After a week of talks that ran late into the night and left negotiators from both sides exhausted "
                "and short of sleep, the ministers finally agreed on a ceasefire, which takes effect at midnight on "
                "Friday, according to officials briefed on the deal, who spoke on condition of anonymity.")
    full, shown = to_the_point(sentence, parse("When does the ceasefire take effect?"))
    assert full == sentence and len(sentence) > 220
    assert "takes effect at midnight on Friday" in shown and len(shown) < len(sentence)
    assert shown.startswith("… ") or shown.endswith(" …")
    assert shown.strip("… ") in sentence  # verbatim
    # A sentence under the limit is shown whole.
    short = "The ceasefire takes effect at midnight on Friday."
    assert to_the_point(short, parse("When does the ceasefire take effect?")) == (short, short)


def test_a_cut_keeps_a_short_opening_clause_that_names_the_subject() -> None:
    from bot.statements import to_the_point
    from index.query import parse

    # The subject opens the sentence, and the clauses that match the question come after it.
    sentence = ("“House of the Dragon” — the highly anticipated “Game of Thrones” prequel — brought in roughly 10 "
                "million viewers for its first episode across linear and HBO Max platforms in the US on Sunday night, "
                "the network said on Monday, adding that it was the biggest series premiere in HBO history.")
    question = parse("Which highly anticipated show brought in 10 million viewers for its first episode this week?")
    _, shown = to_the_point(sentence, question)
    assert shown.startswith("“House of the Dragon” … "), shown
    assert "10 million viewers" in shown and len(shown) < len(sentence)
    # An opening that only sets the scene is not kept.
    scene = ("On Sunday night, across linear and HBO Max platforms in the US, the highly anticipated prequel brought "
             "in roughly 10 million viewers for its first episode, the network said on Monday, adding that it was "
             "the biggest series premiere in the history of the network.")
    _, shown = to_the_point(scene, question)
    assert not shown.startswith("On Sunday night … "), shown

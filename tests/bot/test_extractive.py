"""The offline writer on hand-made passages: the right sentence, numbered citations, honest abstention."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.citations import Claim, number_citations
from bot.extractive import MIN_SENTENCE_SCORE, STRONG_SENTENCE_SCORE, ExtractiveWriter, best_score
from bot.types import Answer, Turn
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


def test_abstains_when_nothing_relates_to_the_question() -> None:
    answer = ExtractiveWriter().write("What is the capital of Australia?", [WEATHER])
    assert answer.abstained and not answer.citations
    assert answer.text == "The articles say nothing about Australia." and answer.missing == ("Australia",)


def test_abstains_when_nothing_was_retrieved() -> None:
    answer = ExtractiveWriter().write("Who won?", [])
    assert answer.abstained and answer.citations == ()


def test_weak_passages_are_not_dressed_up_as_an_answer() -> None:
    question = "Which hotel was Rouhani staying at?"
    weak = _passage("c", "Rouhani was in New York this week, his aides said.", score=0.05)
    writer = ExtractiveWriter()
    best = best_score(writer.rank_sentences(question, [weak]))
    assert MIN_SENTENCE_SCORE <= best < STRONG_SENTENCE_SCORE  # a fair sentence, in a passage below the floor
    assert writer.write(question, [weak]).abstained
    # A sentence that says all the question asks is answered from a weak passage too (a short item's).
    says_it = _passage("d", "Rouhani was staying at the Millennium Hilton hotel in New York.", score=0.05)
    assert not writer.write(question, [says_it]).abstained


def _deep(article: str, text: str, score: float) -> Passage:
    """A passage from further down its article (not the opening chunk)."""
    p = _passage(article, text, score=score)
    return Passage(**{**p.__dict__, "chunk_id": f"{article}:3", "start": 2400, "end": 2400 + len(text)})


def test_an_articles_opening_sentence_comes_before_an_equal_match_further_down() -> None:
    recap = _deep("recap", "The Avalanche won the Stanley Cup in 2001 with Sakic as captain.", score=0.62)
    lede = _passage("lede", "The Colorado Avalanche won the Stanley Cup on Sunday night in Tampa.", score=0.6)
    question = "Which team won the Stanley Cup?"
    writer = ExtractiveWriter()
    ranked = writer.rank_sentences(question, [recap, lede])
    assert ranked[0].passage is lede and ranked[0].lead and not ranked[1].lead
    answer = writer.write(question, [recap, lede])
    assert answer.text.startswith("The Colorado Avalanche won the Stanley Cup on Sunday night")


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


def test_asked_for_the_latest_the_newest_report_leads() -> None:
    trial = replace(_passage("trial", "Brittney Griner was sentenced to nine years in a Russian court on Thursday.",
                             score=0.62), published_at="2022-08-04")
    transfer = replace(_passage("transfer", "Brittney Griner is being moved to a Russian penal colony, her lawyers "
                                "said.", score=0.6), published_at="2022-11-09")
    writer = ExtractiveWriter()
    # Asked plainly, the better match leads; asked for the latest, the newer report does, the other still cited.
    plain = writer.write("What happened to Brittney Griner in a Russian court?", [trial, transfer])
    assert plain.citations[0].article_id == "trial"
    latest = writer.write("What is the latest on Brittney Griner in a Russian court?", [trial, transfer])
    assert [c.article_id for c in latest.citations] == ["transfer", "trial"]
    assert latest.text.startswith("Brittney Griner is being moved")


def test_the_lede_bonus_orders_sentences_but_never_turns_an_abstention_into_an_answer() -> None:
    lede = _passage("lede", "The Colorado Avalanche won the Stanley Cup on Sunday night in Tampa.", score=0.6)
    question = "Which team won the Stanley Cup?"
    plain = ExtractiveWriter().rank_sentences(question, [lede])[0].score
    # A bar the lede clears only with its bonus: the writer still abstains.
    strict = ExtractiveWriter(min_sentence_score=plain + 0.05)
    assert strict.write(question, [lede]).abstained
    assert not ExtractiveWriter(min_sentence_score=plain - 0.01).write(question, [lede]).abstained


def test_a_stories_dateline_is_not_quoted() -> None:
    nadal = _passage("cnn", "(CNN) Rafael Nadal has withdrawn from Wimbledon due to an abdominal injury. He was "
                            "due to face Nick Kyrgios.")
    mccartney = _passage("ap", "LONDON (AP) — Paul McCartney has snagged the covetable headline slot at Glastonbury.")
    writer = ExtractiveWriter()
    answer = writer.write("Why did Rafael Nadal withdraw from Wimbledon?", [nadal])
    assert answer.text.startswith("Rafael Nadal has withdrawn from Wimbledon")
    assert answer.citations[0].quote.startswith("Rafael Nadal") and "(CNN)" not in answer.text
    answer = writer.write("Which slot did Paul McCartney get at Glastonbury?", [mccartney])
    assert answer.text.startswith("Paul McCartney has snagged")
    iowa = _passage("usa", "DES MOINES, Iowa – Maria A. and her son crossed the border in March to seek asylum.")
    assert writer.write("When did Maria A. cross the border?", [iowa]).text.startswith("Maria A. and her son")
    london = _passage("usa", "LONDON– Climate change protesters glued themselves to a copy of the Last Supper.")
    assert writer.write("What did climate change protesters glue themselves to?", [london]).text.startswith("Climate")
    pelosi = _passage("cnn", "Hong Kong/Beijing/Taipei (CNN) US House Speaker Nancy Pelosi landed in Taiwan Tuesday.")
    assert writer.write("Where did Nancy Pelosi land?", [pelosi]).text.startswith("US House Speaker")
    # A parenthesis that is no outlet stays: "(D)" is part of what the sentence says.
    senator = _passage("s", "Sen. Joe Manchin (D) of West Virginia backed the climate bill on Thursday.")
    assert "(D)" in writer.write("Which senator backed the climate bill?", [senator]).text


def test_once_the_answer_is_given_a_sentence_adding_nothing_asked_is_left_out() -> None:
    cup = _passage("s", "The Colorado Avalanche won the Stanley Cup in Tampa on Sunday. Nathan MacKinnon scored twice "
                        "as the Avalanche won the Stanley Cup in Tampa.")
    answer = ExtractiveWriter().write("Which team won the Stanley Cup in Tampa?", [cup])
    # The first names a team: the second, which adds only who scored, is left out.
    assert answer.text == "The Colorado Avalanche won the Stanley Cup in Tampa on Sunday [1]."


def test_a_question_about_a_time_gets_headlines_but_a_follow_up_keeps_its_topic() -> None:
    story = _passage("a", "The mayor opened the new bridge. Later that day, traffic filled it in both directions.")
    previous = Turn("Did the council pass the budget?", Answer(text="Yes.", citations=[], abstained=False))
    headline = ExtractiveWriter().write("What happened on September 30, 2022?", [story])
    assert headline.text == "The mayor opened the new bridge [1]."
    follow_up = ExtractiveWriter().write("What happened next?", [story], history=[previous])
    # Answered as any question, on the previous question's topic: the story doesn't mention the budget.
    assert follow_up.abstained and follow_up.question == "What happened next?"
    # A follow-up that names a day of its own asks for that day's news.
    dated = ExtractiveWriter().write("What happened on September 30, 2022?", [story], history=[previous])
    assert dated.text == headline.text


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


def test_a_sentence_that_holds_the_answer_is_quoted_alone() -> None:
    cheese = _passage("cheese", "Shoppers returned to the dairy aisle. Sales of the processed cheese product "
                                "Velveeta rose by a quarter. Analysts expect the trend to fade.")
    answer = ExtractiveWriter().write("Sales of which processed cheese product rose?", [cheese])
    assert answer.text.startswith("Sales of the processed cheese product Velveeta rose by a quarter")
    assert "Shoppers" not in answer.text and "Analysts" not in answer.text


def test_a_sentence_that_only_names_what_the_question_names_does_not_answer_it() -> None:
    # The article says "won" (about 1994), but nowhere near the sentence about the 2022 World Cup.
    lede = ("Lower.com Field will host a 2022 World Cup qualifying match between the U.S. and Costa Rica. "
            "Tickets go on sale Friday at the stadium. Parking opens two hours before kick-off.")
    article = lede + " " + "Fans remember the 1994 tournament. " * 8 + "Brazil won the World Cup in 1994."
    writer = ExtractiveWriter(article_text=lambda _: article)
    answer = writer.write("Who won the 2022 World Cup?", [_passage("cup", lede, score=0.7)])
    assert answer.abstained and answer.citations == ()
    assert answer.text.startswith("The articles don't say.")


def test_of_sentences_naming_the_same_the_one_that_says_what_is_asked_leads() -> None:
    venue = _passage("venue", "The 2022 World Cup final was held at Lusail Stadium near Doha, Qatar, on Sunday "
                              "evening.", score=1.0)
    result = _passage("result", "Argentina won the 2022 World Cup, beating France on penalties.", score=0.3)
    # The venue's article says "won" too, far from that sentence.
    texts = {"venue": venue.text + " The crowd sang for hours." * 8 + " Messi won the Golden Ball in 2014.",
             "result": result.text}
    writer = ExtractiveWriter(article_text=texts.__getitem__)
    # The venue's sentence matches better (its passage more so), but says nothing of who won.
    assert writer.rank_sentences("Who won the 2022 World Cup?", [venue, result])[0].passage is venue
    answer = writer.write("Who won the 2022 World Cup?", [venue, result])
    assert answer.text.startswith("Argentina won the 2022 World Cup"), answer.text

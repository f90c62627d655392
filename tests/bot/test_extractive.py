"""The offline writer on hand-made passages: the right sentence, numbered citations, honest abstention."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.citations import number_citations
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


def test_the_headline_is_part_of_what_an_article_says() -> None:
    # The story says "attempted"; its headline says "tried". The opening sentence stands under the headline.
    lede = _passage("m", "French President Emmanuel Macron attempted to arrange a phone call between Rouhani and "
                         "Trump at the United Nations.", title="Macron tried to connect Rouhani and Trump")
    answer = ExtractiveWriter().write("What did Macron try to do?", [lede])
    assert answer.text.startswith("French President Emmanuel Macron attempted to arrange a phone call"), answer.text


def test_a_follow_up_with_nothing_new_to_quote_says_so() -> None:
    from bot.types import Turn

    hotel = _passage("h", "Rouhani was staying at the Millennium Hilton hotel in New York during the assembly.")
    writer = ExtractiveWriter()
    question = "Which hotel was Rouhani staying at in New York?"
    first = writer.write(question, [hotel])
    assert "Millennium Hilton" in first.text
    again = writer.write("and why?", [hotel], [Turn(question, first)])
    assert again.abstained and again.citations == ()
    assert again.text == "The articles say nothing more about that than the answer above."


def test_who_someone_is_comes_from_the_sentence_that_says_so() -> None:
    swap = _passage("s", "Washington has offered to exchange Griner for Viktor Bout. Talks stalled in the autumn. "
                         "Bout is a Russian arms dealer who is serving a 25-year sentence in the U.S.")
    answer = ExtractiveWriter().write("Who is Viktor Bout?", [swap])
    assert answer.text.startswith("Bout is a Russian arms dealer"), answer.text
    lawyer = _passage("l", "Bankston walked the jury through the timeline. In his own opening statement, Andino "
                           "Reynal, an attorney for Jones, accused the plaintiffs' lawyer of misleading the court.")
    answer = ExtractiveWriter().write("Who is Andino Reynal?", [lawyer])
    # Said beside the name: the sentence before, naming others, isn't put first.
    assert answer.text.startswith("In his own opening statement, Andino Reynal, an attorney for Jones"), answer.text


def test_someone_in_a_role_comes_from_the_sentence_that_names_them_beside_it() -> None:
    story = _passage("g", "Brittney Griner, who entered a guilty plea, apologized to her family and wife. Biden "
                          "called Cherelle Griner, Brittney's wife, later that week. Maria Blagovolina and Alexander "
                          "Boykov, Griner's lawyers in Russia, asked for leniency.")
    writer = ExtractiveWriter()
    wife = writer.write("Who is Brittney Griner's wife?", [story])
    assert wife.text.startswith("Biden called Cherelle Griner, Brittney's wife"), wife.text
    lawyers = writer.write("Who are Griner's lawyers?", [story])
    assert lawyers.text.startswith("Maria Blagovolina and Alexander Boykov, Griner's lawyers"), lawyers.text


def test_a_second_part_a_quote_speaks_of_is_not_called_unanswered() -> None:
    fine = _passage("f", "The judge fined Brittney Griner 1 million rubles on Thursday.", score=0.7)
    colony = _passage("c", "Brittney Griner is being moved to a penal colony where she will serve the rest of her "
                           "sentence.", score=0.6)
    answer = ExtractiveWriter().write("How much was Brittney Griner fined, and where will she serve her sentence?",
                                      [fine, colony])
    # No place name, but the quote speaks of all the part asks about: saying the articles don't answer would
    # contradict it.
    assert "penal colony" in answer.text and "don't" not in answer.text, answer.text


def test_never_answers_with_a_line_that_announces_a_list() -> None:
    emmys = _passage("e", "The shows that earned the most Emmy nominations this year:\n\nSuccession\n\nTed Lasso")
    nominations = _passage("n", "Succession earned 25 Emmy nominations on Tuesday.", score=0.5)
    question = "Which show earned the most Emmy nominations this year?"
    writer = ExtractiveWriter()
    assert [c.sentence for c in writer.rank_sentences(question, [emmys, nominations])] == [
        "Succession earned 25 Emmy nominations on Tuesday."
    ]
    assert writer.write(question, [emmys, nominations]).text == "Succession earned 25 Emmy nominations on Tuesday [1]."


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


def test_asked_about_a_year_a_sentence_about_another_year_does_not_lead() -> None:
    old = _passage("old", "Mikhail Gorbachev won the 1990 Nobel Peace Prize for ending the Cold War.", score=0.9)
    new = _passage("new", "The Nobel Peace Prize was won by Ales Bialiatski, Memorial and the Center for Civil "
                          "Liberties, the committee said on Friday.", score=0.5)
    question = "Who won the Nobel Peace Prize in 2022?"
    writer = ExtractiveWriter()
    assert writer.rank_sentences(question, [old, new])[0].passage is old  # the better match, of another year
    answer = writer.write(question, [old, new])
    assert answer.text.startswith("The Nobel Peace Prize was won by Ales Bialiatski"), answer.text


def test_a_year_naming_the_event_asked_about_counts_too_but_a_year_after_since_does_not() -> None:
    final = _passage("f", "Serena Williams beat Martina Hingis in the 1999 US Open final to win her first title.",
                     score=0.9)
    loss = _passage("l", "Ajla Tomljanovic beat Serena Williams in the third round of the US Open on Friday. "
                         "It was the last match of her career, at the 2022 tournament.", score=0.5)
    question = "Who beat Serena Williams at the 2022 US Open?"
    writer = ExtractiveWriter()
    assert writer.rank_sentences(question, [final, loss])[0].passage is final  # the better match, of another year
    answer = writer.write(question, [final, loss])
    assert answer.text.startswith("Ajla Tomljanovic beat Serena Williams"), answer.text
    # "since 2001" measures how long it has been; the sentence still speaks of the final asked about.
    from bot.extractive import _dated_elsewhere

    assert not _dated_elsewhere("The Avalanche won the Stanley Cup, their first since 2001.", {2022})
    assert _dated_elsewhere("The Lightning won the Stanley Cup in 2020 and 2021.", {2022})

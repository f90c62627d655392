"""Answers over the seed articles with the real model and store: citations, abstention, follow-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.extractive import MIN_PASSAGE_SCORE
from bot.types import Conversation
from index.types import Article, SearchFilters

# Answer quality on the seeds, and abstention thresholds calibrated for MiniLM: only the real model can tell.
pytestmark = pytest.mark.model


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


def test_a_detail_of_a_short_item_is_answered(fresh_service) -> None:  # type: ignore[no-untyped-def]
    # Two sentences: the passage as a whole is only loosely like a question about its second one.
    fresh_service.ingest_articles([
        Article(id="bridge", title="Bridge closes", source="Wire", published_at="2024-05-15",
                body="The old bridge closed for repairs on Wednesday. Drivers face detours for six months."),
        Article(id="tram", title="Council approves tram line", source="Courier", published_at="2024-05-14",
                body="The city council voted 7-2 on Tuesday to approve the new tram line. The project will cost "
                     "240 million euros, the mayor said."),
    ])
    question = "How long will drivers face detours?"
    assert max(p.score for p in fresh_service.search(question)) < MIN_PASSAGE_SCORE
    answer = fresh_service.ask(question)
    assert not answer.abstained
    assert "Drivers face detours for six months [1]." in answer.text
    assert [c.article_id for c in answer.citations] == ["bridge"]
    assert fresh_service.ask("What is the capital of Australia?").abstained


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


FLOODS = {
    "old": ("2021-03-02", "Severe flooding washed out roads and bridges in the river valley after days of rain. "
            "Farmers lost their spring crops and the county opened two shelters in school gyms. "),
    "new": ("2024-05-13", "Flood water cut the valley's roads and carried away a bridge near the old mill. "
            "Rescue crews in boats reached families on rooftops while the river kept rising overnight. "),
}


def _flood_story(article_id: str) -> Article:
    day, text = FLOODS[article_id]
    return Article(id=article_id, title=f"Valley flooding, {day}", body=text * 3, source="Wire", published_at=day)


def test_this_week_means_the_week_it_is_asked_in(fresh_service) -> None:  # type: ignore[no-untyped-def]
    fresh_service.ingest_articles([_flood_story("old"), _flood_story("new")])
    fresh_service.today = lambda: date(2024, 5, 15)

    def top(question: str, filters: SearchFilters | None = None) -> str:
        return fresh_service.search(question, filters)[0].article_id

    assert top("Which roads were washed out by flooding in the valley this week?") == "new"
    # An explicit reference date wins over today.
    as_of = SearchFilters(as_of=date(2021, 3, 5))
    assert top("Which roads were washed out by flooding in the valley this week?", as_of) == "old"
    # Without words about time nothing is dated.
    assert fresh_service.reference_date("Which roads were washed out by flooding?", None) is None
    dated = fresh_service.reference_date("What flooded yesterday?", SearchFilters(sources=("Wire",)))
    assert dated == SearchFilters(sources=("Wire",), as_of=date(2024, 5, 15))


def test_a_question_that_names_a_month_prefers_that_months_articles(fresh_service) -> None:  # type: ignore[no-untyped-def]
    # Same headline both times, and no date in the text: only the month the question names can tell them apart.
    stories = [replace(_flood_story(a), title="Valley flooding") for a in ("old", "new")]
    fresh_service.ingest_articles(stories)
    fresh_service.today = lambda: date(2024, 5, 15)
    question = "Which roads were washed out by flooding in the valley in {}?"

    def top(when: str, filters: SearchFilters | None = None) -> str:
        return fresh_service.search(question.format(when), filters)[0].article_id

    assert top("the spring") == "old"  # no period named: the older report matches the words better
    assert top("May 2024") == "new"
    assert top("March 2021") == "old"
    # The whole month counts, and the day after it (reports of the month's last day).
    assert fresh_service.reference_date(question.format("March 2021"), None) == SearchFilters(
        as_of=date(2021, 4, 1), period_days=31
    )
    # A named day; other filters are kept.
    on_day = fresh_service.reference_date("What flooded on March 2, 2021?", SearchFilters(sources=("Wire",)))
    assert on_day == SearchFilters(sources=("Wire",), as_of=date(2021, 3, 3), period_days=1)
    # An explicit reference date wins over the question's words.
    assert top("March 2021", SearchFilters(as_of=date(2024, 5, 15))) == "new"


def test_the_month_a_question_names_dates_the_search_but_is_not_matched(fresh_service) -> None:  # type: ignore[no-untyped-def]
    # Both from October 2024: the calendar says the month's name and year over and over, the report never does.
    fresh_service.ingest_articles([
        Article(id="tram", title="Mayor backs the tram line", source="Courier", published_at="2024-10-10",
                body="The mayor said the new tram line would open next spring and cut commutes across the city. "
                     "Council members praised the plan at Tuesday's meeting. " * 3),
        Article(id="calendar", title="What's on in October 2024", source="Courier", published_at="2024-10-02",
                body="The city's calendar for October 2024: the mayor's harvest fair, the marathon and a town "
                     "hall. More October 2024 dates will follow. " * 3),
    ])
    question = "What did the mayor say about the tram line in October 2024?"
    assert fresh_service.reference_date(question, None) == SearchFilters(as_of=date(2024, 11, 1), period_days=31)
    assert fresh_service.search(question)[0].article_id == "tram"
    # Matching "October 2024" as words puts the calendar first.
    ranking = fresh_service.searcher.ranking
    fresh_service.searcher.ranking = replace(ranking, drop_period_words=False)
    assert fresh_service.search(question)[0].article_id == "calendar"


def test_a_question_about_a_day_and_no_topic_gets_that_days_headlines(fresh_service) -> None:  # type: ignore[no-untyped-def]
    day = "2024-05-13"
    stories = [
        Article(id="bridge", title="Bridge reopens", source="Wire", published_at=day,
                body="Editor's note: This story was updated.\n\n(AP) — The old river bridge reopened to traffic on "
                     "Monday after two years of repairs. Crews removed the last barriers at dawn. " * 3),
        Article(id="school", title="School budget passes", source="Wire", published_at=day,
                body="The town council approved the school budget on Monday by a vote of five to two. "
                     "Teachers will get a raise next year. " * 3),
        Article(id="briefing", title="5 things to know for May 13: Bridge, Budget, Weather", source="Wire",
                published_at=day, body="Here is what you need to know to start your day on Monday. " * 3),
        Article(id="older", title="Bridge repairs begin", source="Wire", published_at="2022-05-02",
                body="Repairs on the old river bridge began on Monday and will take two years, officials said. " * 3),
    ]
    fresh_service.ingest_articles(stories)
    question = "What happened on May 13, 2024?"
    # The search keeps to the day and hands over each article's lead.
    assert fresh_service.reference_date(question, None) == SearchFilters(
        since=date(2024, 5, 13), until=date(2024, 5, 14), as_of=date(2024, 5, 14), period_days=1
    )
    answer = fresh_service.ask(question)
    cited = {c.article_id for c in answer.citations}
    assert cited == {"bridge", "school"}  # not the older story, and not the briefing while stories are there
    assert answer.text == (
        "The old river bridge reopened to traffic on Monday after two years of repairs [1]. "
        "The town council approved the school budget on Monday by a vote of five to two [2]."
    )
    assert "Editor's note" not in answer.text and "(AP)" not in answer.text
    # No day named: over an archive that ends before today, the latest news is its last day's.
    fresh_service.today = lambda: date(2026, 11, 22)
    assert fresh_service.reference_date("What's the latest news?", None) == SearchFilters(
        since=date(2024, 5, 7), as_of=date(2024, 5, 13)
    )
    latest = fresh_service.ask("What's the latest news?")
    assert "older" not in {c.article_id for c in latest.citations} and not latest.abstained
    # A question with a topic is answered as before, from what matches it.
    topical = fresh_service.ask("Did teachers get a raise in the school budget on May 13, 2024?")
    assert "Teachers will get a raise next year" in topical.text
    # A day the archive doesn't reach: nothing to quote, and the note says why.
    beyond = fresh_service.ask("What happened on May 3, 2031?")
    assert beyond.abstained and beyond.note == (
        "No article is dated from 2031-05-03 to 2031-05-04. The store's articles run from 2022-05-02 to 2024-05-13."
    )

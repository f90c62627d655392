"""Reading the days or months a question names."""

from __future__ import annotations

from datetime import date

import pytest

from index.periods import Period, named_day, named_period, names_only_a_time, without_periods


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("What did Musk say about Twitter in April 2022?", date(2022, 4, 1), date(2022, 4, 30)),
        ("What happened in the markets in Sept. 2019?", date(2019, 9, 1), date(2019, 9, 30)),
        ("Who won in february of 2024?", date(2024, 2, 1), date(2024, 2, 29)),  # lower case; a leap year
        ("What happened on October 27, 2022?", date(2022, 10, 27), date(2022, 10, 27)),
        ("What happened on Oct. 3rd, 2021?", date(2021, 10, 3), date(2021, 10, 3)),
        ("What did the court rule on 24 September 2019?", date(2019, 9, 24), date(2019, 9, 24)),
        ("How did prices move between March 2022 and June 2022?", date(2022, 3, 1), date(2022, 6, 30)),
        ("What changed from 27 October 2022 to Nov. 2022?", date(2022, 10, 27), date(2022, 11, 30)),
        ("Who led the polls in May 2022?", date(2022, 5, 1), date(2022, 5, 31)),
        ("What did the Fed do about inflation in 2021?", date(2021, 1, 1), date(2021, 12, 31)),
        ("How did prices move during 2020 and in March 2021?", date(2020, 1, 1), date(2021, 3, 31)),
    ],
)
def test_names_its_days_or_months(text: str, first: date, last: date) -> None:
    assert named_period(text) == Period(first, last)


@pytest.mark.parametrize(
    "text",
    [
        "Which show won the 2022 Emmys?",  # a year alone names an edition, not a time to search in
        "How much have prices risen since 2020?",  # open-ended
        "What happened in May?",  # which May?
        "Prices may 2022 fall further",  # "may" the verb
        "Which storm hit on February 30, 2022?",  # no such day
        "What happened in Marchy 2022?",
        "Who won this week?",
    ],
)
def test_names_no_period(text: str) -> None:
    assert named_period(text) is None


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("What did Biden say about inflation in October 2022?", "What did Biden say about inflation?"),
        ("In April 2022, what did Musk say about Twitter?", "what did Musk say about Twitter?"),
        ("What did the court rule on 24 September 2019, and why?", "What did the court rule, and why?"),
        ("How did gas prices move between March 2022 and June 2022?", "How did gas prices move between and?"),
        ("What did the Fed do during 2021?", "What did the Fed do?"),
        ("Which show won the 2022 Emmys in May 2022?", "Which show won the 2022 Emmys?"),  # the edition stays
        ("Who won this week?", "Who won this week?"),
    ],
)
def test_without_the_period_the_rest_of_the_question_is_left(text: str, rest: str) -> None:
    assert without_periods(text) == rest


THURSDAY = date(2022, 9, 29)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("How many customers were without power Thursday due to Hurricane Ian?", THURSDAY),  # the day itself
        ("The Emmy Awards were presented on Monday. Which show won?", date(2022, 9, 26)),
        ("On Monday night, who scored?", date(2022, 9, 26)),
        ("Who won Friday's game?", date(2022, 9, 23)),  # last Friday, not tomorrow
        ("What happened between Tuesday and Wednesday?", date(2022, 9, 27)),  # the earliest
        ("Which store had the best Black Friday deals?", None),  # names
        ("Who hosted Saturday Night Live?", None),
        ("What did The Sunday Times report?", None),
        ("What will the Senate vote on next Monday?", None),  # a day to come
        ("Which show won the Emmy for drama?", None),
        ("What happened in Kyiv last night?", date(2022, 9, 28)),
        ("Who won yesterday's vote?", date(2022, 9, 28)),
        ("Who plays tonight?", THURSDAY),
        ("What did the storm do this morning and on Tuesday?", date(2022, 9, 27)),  # the earliest
        ("How would sea levels change if emissions stopped today?", None),  # "today" as "nowadays"
    ],
)
def test_names_a_day_relative_to_the_reference_date(text: str, day: date | None) -> None:
    assert named_day(text, THURSDAY) == day


def test_a_period_counts_its_days() -> None:
    assert Period(date(2022, 10, 1), date(2022, 10, 31)).days == 31
    assert Period(date(2022, 10, 27), date(2022, 10, 27)).days == 1


@pytest.mark.parametrize(
    "text",
    [
        "What happened on September 8, 2022?",
        "What was in the news on August 16?",
        "What were the five things to know for July 25, 2022?",
        "What's the latest news?",
        "What are the top headlines today?",
        "Tell me the news from yesterday",
        "What happened on the 8th?",
    ],
)
def test_asks_for_the_news_of_a_time(text: str) -> None:
    assert names_only_a_time(text)


@pytest.mark.parametrize(
    "text",
    [
        "What happened to gas prices in 2021?",  # a topic
        "Any news about Twitter?",
        "Which movie is at the top of the box office this week?",
        "Who won the election on Tuesday?",
        "Hello",  # no news asked for
    ],
)
def test_names_a_topic(text: str) -> None:
    assert not names_only_a_time(text)

"""Which titles name a roundup: a briefing of many stories or a gallery of pictures."""

from __future__ import annotations

import pytest

from index.roundups import asks_for_roundup, is_roundup


@pytest.mark.parametrize(
    "title",
    [
        "5 things to know for July 25: Wildfires, Ukraine, Monkeypox, Volcano ...",
        "5 things to know for Sept. 9: The Queen, Weather, Immigration",
        "5 things to know on April 3, 2022: Start your week smart: Ukraine ...",
        "Ten Things You Need to Know Today: 10 August 2022 | The Week UK",
        "Gun control law, Yosemite fire, heat dome: 5 things to know Monday",
        "Kentucky flooding, monkeypox vaccines, Beyoncé': 5 things to know ...",
        "Vladimir Putin, Fed hike, Hurricane Fiona: Daily Briefing",
        "Quiz of The Week: 13 – 19 August | The Week UK",
        "CNN's weekly news quiz",
        "Morning briefing: rates, rail strike and a royal visit",
        "The top stories of the day",
        "Photos: SpaceX's historic Crew-5 launch | CNN",
        "In pictures: A year of Taliban rule | The Week UK",
        "Olivia Newton-John: a life in pictures | The Week UK",
        "Total lunar eclipse 2022: Dazzling 'blood moon' captured in pictures ...",
        "This Date in Baseball-Week Ahead, Oct. 14-20",
        "Today in History: Nov. 3",
    ],
)
def test_roundups(title: str) -> None:
    assert is_roundup(title)


@pytest.mark.parametrize(
    "title",
    [
        "5 things to know about the 'Rogue One: A Star Wars Story' trailer",  # one story, "about" it
        "World wakes up to 'Brexit': 5 things to know",
        "Pakistan floods: What you need to know - CNN",
        "Rochester snowstorm: What you need to know Tuesday",
        "Everything you need to know about Biden's student loan forgiveness ...",
        "Memphis trivia quiz: Questions about history, politics, business",
        "New airline routes: May's roundup of new flights",
        "Biden to brief reporters on Monday",
        "Photographer wins award for pictures of the war",
        "A look back at the history of the World Series to date",
        "Today, history was made in Houston",
        "Police release photos of the suspect",
        "",
    ],
)
def test_single_stories(title: str) -> None:
    assert not is_roundup(title)


@pytest.mark.parametrize(
    "question",
    [
        "What were the five things to know for July 25, 2022?",
        "Photos of the Crew-5 launch",
        "Show me pictures of Serena Williams",
        "Is there a photo gallery of the coronation?",
        "What was in the news on August 16?",
        "Give me the morning briefing",
        "What were the top stories this week?",
        "What happened on this date in baseball history?",
        "What is today in history?",
    ],
)
def test_questions_that_ask_for_a_roundup(question: str) -> None:
    assert asks_for_roundup(question)


@pytest.mark.parametrize(
    "question",
    [
        "How long will the telescope that sent its first images from space operate?",
        "Which politician has been making headlines over energy prices?",
        "What did a photograph in the court filing show?",
        "Which painting in the National Gallery did protesters glue themselves to?",
        "A photo of a fan went viral. What does he do for a living?",
        "Who won the election?",
    ],
)
def test_questions_that_do_not(question: str) -> None:
    assert not asks_for_roundup(question)

"""The headlines answer to a question about a time and no topic, on passages made by hand."""

from __future__ import annotations

from bot.headlines import headlines
from index.types import Passage


def passage(article_id: str, text: str, day: str = "2022-09-08", title: str = "", start: int = 0) -> Passage:
    return Passage(chunk_id=f"{article_id}:0", article_id=article_id, text=text, title=title or article_id,
                   source="Wire", published_at=day, url="", path="", start=start, end=start + len(text), score=0.2)


def test_opening_sentences_of_the_named_days_articles() -> None:
    passages = [
        passage("queen", "LONDON (AP) — Queen Elizabeth II died on Thursday at Balmoral. The nation mourned."),
        passage("later", "Crews kept working on the bridge all evening long.", start=800),  # not a lead
        passage("old", "Markets fell sharply on the news from the central bank.", day="2022-09-01"),
        passage("rocket", "Editor's note: updated.\n\nNASA named two new dates for the moon rocket launch."),
        passage("next", "Reports of the day's events kept coming in overnight.", day="2022-09-09"),
    ]
    answer = headlines("What happened on September 8, 2022?", passages, max_sentences=3)
    assert answer is not None
    assert answer.text == (
        "Queen Elizabeth II died on Thursday at Balmoral [1]. NASA named two new dates for the moon rocket "
        "launch [2]. Reports of the day's events kept coming in overnight [3]."
    )


def test_roundups_only_when_nothing_else_and_none_when_nothing_is_from_then() -> None:
    briefing = passage(
        "briefing", "The queen died on Thursday at Balmoral Castle.", title="5 things to know for Sept. 8: Queen"
    )
    story = passage("story", "King Charles III addressed the nation on Friday evening.")
    with_story = headlines("What happened on September 8, 2022?", [briefing, story], 3)
    assert with_story is not None and [c.article_id for c in with_story.citations] == ["story"]
    only_briefing = headlines("What happened on September 8, 2022?", [briefing], 3)
    assert only_briefing is not None and [c.article_id for c in only_briefing.citations] == ["briefing"]
    assert headlines("What happened on May 1, 2021?", [briefing, story], 3) is None
    # No period named ("the latest news"): every lead counts.
    latest = headlines("What is the latest news?", [story], 3)
    assert latest is not None and latest.citations[0].article_id == "story"

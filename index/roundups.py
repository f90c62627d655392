"""Recognise roundups: daily briefings that summarise many stories in a paragraph each.

"5 things to know for July 25: Wildfires, Ukraine, Monkeypox", "Ten Things You Need to Know Today", "Morning
briefing": such a page mentions the story a question is about, often in the question's own words, but the
story's own report says more and is the better source to quote. Search ranks roundups a little lower
(`index.search.Ranking.roundup_weight`); they stay findable when nothing else tells the story.
"""

from __future__ import annotations

import re

from index.cleaning import MONTHS

_DAY = (
    r"(?:today|tonight|this (?:morning|evening|weekend|week)|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b)"
)
_ROUNDUP_TITLE = re.compile(
    "|".join(
        (
            # "5 things to know for July 25", "Ten Things You Need to Know Today", "5 things to know Friday";
            # not "5 things to know about the monkeypox vaccine", which is about one story.
            r"\bthings (?:you need )?to know(?: (?:for|on))? " + _DAY,
            # "Gun control law, Yosemite fire, heat dome: 5 things to know": a list of topics in front.
            r"^[^:]*,[^:]*: *(?:\d+|three|four|five|six|seven|eight|nine|ten) things (?:you need )?to know\b",
            r"\bwhat you need to know (?:today|this morning|this evening)\b",
            r"\b(?:morning|evening|daily|weekly|weekend|midday|news) (?:briefing|brief|digest|round-?up|rundown)\b",
            r"\bnews quiz\b|\bquiz of the week\b",
            r"\btop (?:news )?(?:stories|headlines) (?:today|of the (?:day|week)|this week)\b",
        )
    ),
    re.IGNORECASE,
)


def is_roundup(title: str) -> bool:
    """Whether a title names a roundup of many stories (see the module's docstring)."""
    return bool(_ROUNDUP_TITLE.search(title))

"""Recognise roundups: pages that gather many stories or pictures, a line or a paragraph each.

Daily briefings ("5 things to know for July 25: Wildfires, Ukraine, Monkeypox", "Ten Things You Need to Know
Today"), almanacs ("This Date in Baseball", "Today in History") and photo galleries ("Photos: SpaceX's historic
Crew-5 launch") mention a story, often in the words a question later uses, but the story's own report says more
and is the better source to quote. Search ranks roundups a little lower (`index.ranking.Ranking.roundup_weight`),
unless the question asks for one ("What were the things to know on July 25?", "photos of the launch"), and they
stay findable when nothing else tells the story.
"""

from __future__ import annotations

import re

from index.dates import MONTHS

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
            # Galleries: "Photos: Liz Truss, the UK's new prime minister", "Olivia Newton-John: a life in pictures".
            r"^(?:photos?|in pictures|in photos|gallery|slideshow)\s*:|\b(?:a life|captured) in pictures\b",
            r"\btop (?:news )?(?:stories|headlines) (?:today|of the (?:day|week)|this week)\b",
            # Almanacs: "This Date in Baseball-Week Ahead, Oct. 14-20", "Today in History: Nov. 3". A line for each
            # year's event on this day; "Who won the World Series?" should not quote 1909's winner from one.
            r"\bthis date in\b|\btoday in history\b|\bon this day in history\b",
        )
    ),
    re.IGNORECASE,
)


def is_roundup(title: str) -> bool:
    """Whether a title names a roundup: a briefing of many stories or a gallery (see the module's docstring)."""
    return bool(_ROUNDUP_TITLE.search(title))


# A question that asks for a roundup itself, not one that only says "images", "headlines" or "gallery" in passing
# ("the first images from the telescope", "making headlines over his calls for …", "the National Gallery").
_ASKS_FOR_ROUNDUP = re.compile(
    r"\bthings (?:you need )?to know\b|\bneed to know today\b|\bbriefings?\b|\bdigests?\b|\bround-?ups?\b|"
    r"\brundowns?\b|\btop (?:news )?(?:stories|headlines)\b|\bheadlines (?:today|of|on|for|from)\b|"
    r"\bnews quiz\b|\bquiz of the week\b|\bin the news\b|"
    r"\b(?:photos|pictures) of\b|\b(?:photo|picture|image) galler(?:y|ies)\b|\bslideshows?\b|"
    r"\bin (?:photos|pictures)\b|\bthis date in\b|\b(?:today|this day|this date) in history\b",
    re.IGNORECASE,
)


def asks_for_roundup(question: str) -> bool:
    """Whether a question asks for a briefing or a gallery itself, so roundups should not be ranked lower."""
    return bool(_ASKS_FOR_ROUNDUP.search(question))

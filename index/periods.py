"""The stretch of time a question names ("in October 2022", "on Sept. 24, 2019", "in 2021"), for dating its search."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from index.dates import MONTH, MONTHS, WORDED_DATES, YEAR, make_date
from index.types import SearchFilters

# "October 2022", "Oct. 2022", "March of 2021"; a day before the month is read by WORDED_DATES first.
_MONTH_YEAR = re.compile(rf"\b{MONTH}\s+(?:of\s+)?{YEAR}\b")
# "in 2021", "during 2020": a year as a time. Not "the 2022 Emmys" (an edition) nor "since 2020" (open-ended).
_IN_YEAR = re.compile(rf"\b(?:in|during|throughout)\s+{YEAR}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """The days a question is about, first and last included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dating(self, filters: SearchFilters | None = None) -> SearchFilters:
        """`filters` dated to this period: all of it counts as the question's time, up to `reported_until`."""
        return replace(filters or SearchFilters(), as_of=self.reported_until, period_days=self.days)

    @property
    def reported_until(self) -> date:
        """The last day that reports of the period appear: the day after it (a story of the evening is often
        dated the next morning)."""
        return self.last + timedelta(days=1)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A weekday as a time: "early Thursday", "on Monday night", "died Sunday". Not "next Monday" (a day to come), nor one
# that is part of a name: "Black Friday", "Super Tuesday", "Saturday Night Live", "The Sunday Times".
WEEKDAY_AS_TIME = re.compile(
    r"\b(?=(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)"  # first, so that other words fail fast
    r"(?<!\bnext )(?<!\bblack )(?<!\bcyber )(?<!\bgood )(?<!\bsuper )(?<!\bash )(?<!\beaster )(?<!\bpalm )"
    r"(?<!\bbloody )(?<!\bgiving )(?<!\bfat )(?<!\bholy )(?<!\bbowl )(?<!\bthe )"
    rf"({'|'.join(WEEKDAYS)})\b(?! (?-i:[A-Z]))",
    re.IGNORECASE,
)


# "yesterday", "last night", "tonight", "this morning": a day counted back from the reference date. Not "today",
# which as often means "nowadays" ("if the world stopped burning fossil fuels today").
_DAYS_BACK = {"yesterday": 1, "last night": 1, "tonight": 0, "this morning": 0}
_DAY_BACK = re.compile(rf"\b({'|'.join(_DAYS_BACK)})\b", re.IGNORECASE)


def named_day(text: str, as_of: date) -> date | None:
    """The earliest day `text` names relative to `as_of`, the question's reference date: by its weekday ("early
    Thursday", "on Monday": the last such day up to `as_of`), or as "yesterday", "last night", "tonight", "this
    morning"; None if it names none."""
    found = [
        as_of - timedelta(days=(as_of.weekday() - WEEKDAYS.index(match[1].lower())) % 7)
        for match in WEEKDAY_AS_TIME.finditer(text)
    ]
    found += [as_of - timedelta(days=_DAYS_BACK[match[1].lower()]) for match in _DAY_BACK.finditer(text)]
    return min(found, default=None)


def named_period(text: str) -> Period | None:
    """The days, months or years `text` names, from the earliest to the latest; None if it names none.

    Only dates with a year count: "in May" could be any May (or no month at all: "prices may fall"). A year counts
    alone only as a time ("in 2021", "during 2020"): "the 2022 Emmys" names an edition, not a time to search in.
    """
    found = [period for period, _ in _named(text)]
    if not found:
        return None
    return Period(min(p.first for p in found), max(p.last for p in found))


# A preposition just before a period's words.
_PREPOSITION = re.compile(r"\b(?:in|on|during|throughout|for|from|of|by)\s+$", re.IGNORECASE)


def without_periods(text: str) -> str:
    """`text` without the days, months and years it names as a time ("What did Biden say about inflation in
    October 2022?" -> "What did Biden say about inflation?"). Once a search is dated to them, those words would
    only match articles that mention the date ("The 10 Senate seats most likely to flip in 2022") and sentences
    that repeat it, not the ones that answer."""
    spans = sorted(span for _, span in _named(text))
    if not spans:
        return text
    kept, end = [], 0
    for start, stop in spans:
        before = _PREPOSITION.search(text, end, start)  # "in October 2022": the "in" goes too
        kept.append(text[end : before.start() if before else start])
        end = max(end, stop)
    kept.append(text[end:])
    joined = " ".join("".join(kept).split())
    return re.sub(r"\s+([?.!,;:])", r"\1", joined).lstrip(",;: ")


def _named(text: str) -> list[tuple[Period, tuple[int, int]]]:
    """Each period `text` names, with where it says it."""
    found: list[tuple[Period, tuple[int, int]]] = []
    for pattern in WORDED_DATES:
        for match in pattern.finditer(text):
            month = _month(match["month"])
            day = make_date(int(match["year"]), month, int(match["day"])) if month else None
            if day is not None:
                found.append((Period(day, day), match.span()))
    days = [span for _, span in found]
    for match in _MONTH_YEAR.finditer(text):
        month, year = _month(match["month"]), int(match["year"])
        inside_a_day = any(start <= match.start() < end for start, end in days)
        first = make_date(year, month, 1) if month and not inside_a_day else None
        if first is not None:
            last = first.replace(day=calendar.monthrange(year, first.month)[1])
            found.append((Period(first, last), match.span()))
    for match in _IN_YEAR.finditer(text):
        first = make_date(int(match["year"]), 1, 1)
        if first is not None:
            found.append((Period(first, first.replace(month=12, day=31)), match.span()))
    return found


def _month(word: str) -> int | None:
    """The month a word names; "may" only capitalised, as a month name is ("prices may 2022" is no date)."""
    if word == "may":
        return None
    return MONTHS.get(word.lower())


# Words that ask for news in general; a question made of these, time and function words and numbers names no topic.
_NEWS_WORDS = frozenset({
    "news", "happen", "happens", "happened", "happening", "headline", "headlines", "story", "stories", "thing",
    "things", "know", "top", "latest", "biggest", "big", "main", "major", "important", "briefing", "going", "new",
    "newest", "recent", "update", "updates", "event", "events", "occurred", "reported",
})  # fmt: skip
_GENERIC = _NEWS_WORDS | frozenset(MONTHS) | frozenset({
    # time
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "day", "days", "week", "weeks",
    "weekend", "month", "months", "year", "years", "today", "yesterday", "tonight", "morning", "evening", "night",
    "recently", "lately", "ago", "last", "past", "this", "that", "next",
    # asking, and function words
    "what", "which", "who", "when", "where", "why", "how", "tell", "show", "give", "any", "anything", "is", "are",
    "was", "were", "be", "been", "has", "have", "had", "did", "do", "does", "the", "a", "an", "of", "in", "on", "at",
    "for", "from", "to", "me", "us", "i", "we", "you", "there", "s", "it", "its", "some", "all", "one", "two",
    "three", "four", "five", "six", "seven", "eight", "nine", "ten",
})  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"\d+(?:st|nd|rd|th)?")


def names_only_a_time(question: str) -> bool:
    """Whether a question asks for the news of a time and names no topic: "What happened on September 8, 2022?",
    "What's the latest news?". Matching its words finds nothing in particular; that time's stories are the answer."""
    asked = _WORD.findall(question.lower())
    if not any(w in _NEWS_WORDS for w in asked):
        return False
    return all(w in _GENERIC or _NUMBER.fullmatch(w) for w in asked)

"""Dates as news is written with them: month names, dates in words or numbers, and reading one to YYYY-MM-DD.

Shared by ingest (an article's published date, `normalize_date`) and by question-time code (the days and months a
question names: index.periods; briefing titles: index.roundups), so both read "Sept. 24, 2019" the same way.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

__all__ = ["MONTH", "MONTHS", "WORDED_DATES", "YEAR", "make_date", "normalize_date"]

MONTHS = {
    m: n
    for n, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip
MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
YEAR = r"(?P<year>\d{4})"
# A day written in words: September 24, 2019 / 24 September 2019 (also read from questions: index.periods).
WORDED_DATES = [
    re.compile(rf"\b{MONTH}\s+{_DAY},?\s+{YEAR}\b"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{MONTH},?\s+{YEAR}\b"),
]
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})\b"),
    *WORDED_DATES,
    re.compile(r"\b(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})\b"),  # 20190924
]
_NUMERIC_DMY = re.compile(r"\b(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})\b")


def normalize_date(value: str) -> str:
    """Return the calendar date in `value` as YYYY-MM-DD, or "" when it cannot be read.

    A timestamp keeps the date as written in its own time zone (the publisher's local date), not UTC. Numeric
    dates with slashes are read month-first (US style) unless the first number is over 12; dots are day-first.
    """
    value = (value or "").strip()
    if not value:
        return ""
    parsed = _parse_iso(value) or _parse_rfc2822(value) or _parse_loose(value)
    return parsed.isoformat() if parsed else ""


def _parse_iso(value: str) -> date | None:
    """Parse ISO 8601 dates and timestamps, with or without a zone."""
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def _parse_rfc2822(value: str) -> date | None:
    """Parse e-mail/RSS style dates like "Tue, 24 Sep 2019 21:30:00 +0000"."""
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def _parse_loose(value: str) -> date | None:
    """Find a date written in words or numbers anywhere in the string."""
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(value):
            month = match["month"]
            number = int(month) if month.isdigit() else MONTHS.get(month.lower())
            if number and (found := make_date(int(match["year"]), number, int(match["day"]))):
                return found
    for match in _NUMERIC_DMY.finditer(value):
        a, b, year = int(match["a"]), int(match["b"]), int(match["year"])
        month, day = (b, a) if match["sep"] == "." or a > 12 else (a, b)
        if found := make_date(year, month, day):
            return found
    return None


def make_date(year: int, month: int, day: int) -> date | None:
    """Build a date, or None when the numbers are not a plausible publication date."""
    if not 1800 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None

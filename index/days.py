"""Publication days as numbers: days since 1970-01-01, the unit the date prior, recency and filters compute in."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

__all__ = ["EPOCH", "day_number", "day_numbers", "day_of"]

EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """A date as days since 1970-01-01, the unit of `day_numbers`."""
    return (day - EPOCH).days


def day_of(number: float) -> date:
    """The date `number` days after 1970-01-01 (the inverse of `day_number`)."""
    return EPOCH + timedelta(days=int(number))


def day_numbers(dates: np.ndarray) -> np.ndarray:
    """YYYYMMDD ints (0: unknown) as days since 1970-01-01, NaN where there is no such day (0, June 31)."""
    d = np.asarray(dates, dtype=np.int64)
    year, month, day = d // 10000, d // 100 % 100, d % 100
    valid = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    months = (np.where(valid, year, 1970) - 1970) * 12 + np.where(valid, month, 1) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    following = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    numbers = first + np.where(valid, day, 1) - 1
    return np.where(valid & (numbers < following), numbers, np.nan)

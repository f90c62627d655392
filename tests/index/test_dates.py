"""Tests for reading dates as news writes them."""

from __future__ import annotations

import pytest

from index.dates import normalize_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-09-24", "2019-09-24"),
        ("2019-09-24T21:30:00Z", "2019-09-24"),
        ("2019-09-24T23:30:00-05:00", "2019-09-24"),
        ("2019-09-24 21:30:00.123+02:00", "2019-09-24"),
        ("September 24, 2019", "2019-09-24"),
        ("Sept. 24, 2019", "2019-09-24"),
        ("Tuesday, September 24, 2019 9:30 p.m. ET", "2019-09-24"),
        ("24 September 2019", "2019-09-24"),
        ("24th of Sep 2019", "2019-09-24"),
        ("Tue, 24 Sep 2019 21:30:00 +0000", "2019-09-24"),
        ("Published 2019/09/24", "2019-09-24"),
        ("09/24/2019", "2019-09-24"),
        ("24/09/2019", "2019-09-24"),
        ("24.09.2019", "2019-09-24"),
        ("20190924", "2019-09-24"),
        ("", ""),
        ("yesterday", ""),
        ("2019-02-30", ""),
        ("Smarch 3, 2019", ""),
    ],
)
def test_normalize_date(value: str, expected: str) -> None:
    assert normalize_date(value) == expected

"""The search filters: which rows they allow, and what the user is told when they allow none."""

from __future__ import annotations

from datetime import date

import numpy as np

from index.filters import allowed_rows, why_nothing_matches
from index.local_index import LocalIndex
from index.types import SearchFilters


def _index(*rows: tuple[str, str, int]) -> LocalIndex:
    """One chunk per (article id, outlet, yyyymmdd date; 0 = undated)."""
    index = LocalIndex()
    index.append(
        (f"{a}:0", "Some text.", {"article_id": a, "source": s, "date_num": d, "title": a}, np.ones(4))
        for a, s, d in rows
    )
    return index


ARCHIVE = _index(("a", "CNN", 20220610), ("b", "USA Today", 20220901), ("c", "CNN", 20221111))


def test_filters_allow_rows_by_outlet_and_date() -> None:
    assert allowed_rows(ARCHIVE, None) is None
    assert allowed_rows(ARCHIVE, SearchFilters(as_of=date(2022, 7, 1))) is None  # a reference date filters nothing
    assert allowed_rows(ARCHIVE, SearchFilters(sources=("cnn",))).tolist() == [True, False, True]
    since = SearchFilters(sources=("CNN",), since=date(2022, 7, 1))
    assert allowed_rows(ARCHIVE, since).tolist() == [False, False, True]
    assert allowed_rows(ARCHIVE, SearchFilters(until=date(2022, 9, 1))).tolist() == [True, True, False]


def test_nothing_to_explain_while_something_matches() -> None:
    assert why_nothing_matches(ARCHIVE, None) is None
    assert why_nothing_matches(ARCHIVE, SearchFilters(sources=("usa today",))) is None
    assert why_nothing_matches(_index(), SearchFilters(sources=("Fox",))) is None  # an empty store says so itself


def test_an_unknown_outlet_is_named_with_the_ones_there_are() -> None:
    assert why_nothing_matches(ARCHIVE, SearchFilters(sources=("Fox", "BBC"))) == (
        "No outlet in the store is called “Fox” or “BBC”. It has CNN, USA Today."
    )
    unnamed = _index(("a", "CNN", 20220101), ("b", "", 20220102))
    assert why_nothing_matches(unnamed, SearchFilters(sources=("Fox",))) == (
        "No outlet in the store is called “Fox”. It has CNN and articles with no outlet named."
    )
    many = _index(*((f"a{i}", f"Outlet {i:02}", 20220101) for i in range(12)))
    assert why_nothing_matches(many, SearchFilters(sources=("Fox",))) == (
        "No outlet in the store is called “Fox”. It has 12 outlets, among them Outlet 00, Outlet 01, Outlet 02, "
        "Outlet 03, Outlet 04, Outlet 05, Outlet 06, Outlet 07 (`newsbot stats` lists them)."
    )


def test_dates_outside_the_archive_are_told_the_archives_span() -> None:
    assert why_nothing_matches(ARCHIVE, SearchFilters(since=date(2023, 1, 1))) == (
        "No article is dated 2023-01-01 or later. The store's articles run from 2022-06-10 to 2022-11-11."
    )
    cnn_summer = SearchFilters(sources=("CNN",), since=date(2022, 7, 1), until=date(2022, 9, 30))
    assert why_nothing_matches(ARCHIVE, cnn_summer) == (
        "No article is dated from 2022-07-01 to 2022-09-30. Those outlets' articles run from 2022-06-10 to "
        "2022-11-11."
    )
    undated = _index(("a", "Newsweek", 0))
    assert why_nothing_matches(undated, SearchFilters(until=date(2020, 1, 1))) == (
        "No article has a date to match 2020-01-01 or earlier."
    )

"""Which rows the search filters (`--source`, `--since`, `--until`) allow, and why none, in the user's words."""

from __future__ import annotations

import numpy as np

from index.days import day_of
from index.ingest import date_num
from index.local_index import LocalIndex
from index.types import SearchFilters

# More outlets than this are summed up, not listed.
_LISTED_OUTLETS = 8


def allowed_rows(index: LocalIndex, filters: SearchFilters | None) -> np.ndarray | None:
    """Rows the filters allow (None: all)."""
    if filters is None:
        return None
    mask = np.ones(len(index), dtype=bool)
    narrowed = False
    if filters.sources:
        mask &= _from_outlets(index, filters.sources)
        narrowed = True
    if filters.since:
        mask &= index.dates >= date_num(filters.since.isoformat())
        narrowed = True
    if filters.until:
        mask &= (index.dates <= date_num(filters.until.isoformat())) & (index.dates > 0)
        narrowed = True
    return mask if narrowed else None


def why_nothing_matches(index: LocalIndex, filters: SearchFilters | None) -> str | None:
    """Why the filters leave no article to search, said so that the user can fix them ("No outlet is called
    'Fox'; the store has CNN, USA Today."); None when some article matches, or when the store is empty."""
    allowed = allowed_rows(index, filters)
    if filters is None or allowed is None or allowed.any() or len(index) == 0:
        return None
    from_outlets = _from_outlets(index, filters.sources) if filters.sources else np.ones(len(index), dtype=bool)
    if not from_outlets.any():
        names, _ = index.source_codes()
        asked = " or ".join(f"“{s}”" for s in filters.sources)
        named = [n for n in names if n]
        has = _listed(named) if named else ""
        if "" in names:  # articles whose outlet nobody named: they can't be asked for by outlet
            has = f"{has} and articles with no outlet named" if has else "only articles with no outlet named"
        return f"No outlet in the store is called {asked}. It has {has}."
    days = index.day_numbers()[from_outlets]
    known = days[~np.isnan(days)]
    window = _window(filters)
    if not len(known):
        return f"No article {'from those outlets ' if filters.sources else ''}has a date to match {window}."
    first, last = day_of(known.min()), day_of(known.max())
    whose = "Those outlets' articles" if filters.sources else "The store's articles"
    return f"No article is dated {window}. {whose} run from {first} to {last}."


def _from_outlets(index: LocalIndex, sources: tuple[str, ...]) -> np.ndarray:
    wanted = {s.casefold() for s in sources}
    names, codes = index.source_codes()
    return np.isin(codes, [i for i, name in enumerate(names) if name.casefold() in wanted])


def _window(filters: SearchFilters) -> str:
    if filters.since and filters.until:
        return f"from {filters.since} to {filters.until}"
    return f"{filters.since} or later" if filters.since else f"{filters.until} or earlier"


def _listed(outlets: list[str]) -> str:
    if len(outlets) <= _LISTED_OUTLETS:
        return ", ".join(outlets) or "no outlet names"
    return f"{len(outlets)} outlets, among them {', '.join(outlets[:_LISTED_OUTLETS])} (`newsbot stats` lists them)"

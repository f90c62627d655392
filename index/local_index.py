"""The local mirror's table: one row per chunk (metadata, text, vector) and the BM25 index over the same rows.

Search reads it (index.search); index.mirror keeps it in step with the store and index.mirror_file saves it.
Rows are only ever appended or dropped as whole articles, and arrays are replaced, never mutated, so a copy can be
brought up to date while searches keep using the original.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from index.days import day_numbers
from index.keyword import KeywordIndex
from index.roundups import is_roundup
from index.terms import bm25_terms
from index.types import Passage

__all__ = ["LocalIndex", "keyword_text", "text_column"]

# Per-row arrays, filtered together when articles are dropped.
_ROW_ARRAYS = ("chunk_ids", "article_ids", "sources", "dates", "positions", "texts", "spans", "vectors")


def keyword_text(title: str, text: str) -> str:
    """What BM25 indexes for a chunk: the article's title (every chunk is about it), then the chunk."""
    return f"{title}\n{text}" if title else text


@dataclass
class LocalIndex:
    """Row i describes chunk `chunk_ids[i]`; `vectors` are unit-length, so a dot product is the cosine."""

    chunk_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))
    article_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))
    sources: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))
    dates: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    positions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    # The chunk's text (Python strings) and its character span in the article.
    texts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    spans: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int32))
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    keyword: KeywordIndex = field(default_factory=KeywordIndex)
    # article id -> content hash it was mirrored at, and -> the article it duplicates ("" when original).
    hashes: dict[str, str] = field(default_factory=dict)
    duplicate_of: dict[str, str] = field(default_factory=dict)
    # article id -> what every chunk of it shares: title, published_at, url, path.
    articles: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    # The store's state this mirror was last found in step with (`ArticleStore.stamp`; "" unknown), and the
    # embedding model of its vectors: with both unchanged, the mirror answers without opening the store.
    stamp: str = ""
    embed_model: str = ""

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def _derived(self, name: str, build: Callable[[], Any]) -> Any:
        """A value derived from the rows, built on first use and forgotten when the rows change (`_changed`)."""
        cache = self.__dict__.setdefault("_derived_cache", {})
        if name not in cache:
            cache[name] = build()
        return cache[name]

    def first_rows(self) -> dict[str, int]:
        """Article id -> its first row (for per-article metadata such as the date)."""

        def build() -> dict[str, int]:
            found: dict[str, int] = {}
            for row, article_id in enumerate(self.article_ids.tolist()):
                found.setdefault(article_id, row)
            return found

        return self._derived("first_rows", build)  # type: ignore[no-any-return]

    def article_codes(self) -> tuple[list[str], np.ndarray]:
        """The distinct article ids and each row's index into them (searches group rows by these small ints
        instead of converting numpy strings row by row)."""

        def build() -> tuple[list[str], np.ndarray]:
            names, codes = np.unique(self.article_ids, return_inverse=True)
            return names.tolist(), codes.astype(np.int64)

        return self._derived("article_codes", build)  # type: ignore[no-any-return]

    def day_numbers(self) -> np.ndarray:
        """Each row's publication day in days since 1970-01-01 (NaN when unknown)."""
        return self._derived("day_numbers", lambda: day_numbers(self.dates))  # type: ignore[no-any-return]

    def newest_day(self) -> float | None:
        """The newest publication day of any row, in days since 1970-01-01 (None when no row has a date)."""

        def build() -> float | None:
            known = self.day_numbers()[~np.isnan(self.day_numbers())]
            return float(known.max()) if len(known) else None

        return self._derived("newest_day", build)  # type: ignore[no-any-return]

    def source_codes(self) -> tuple[list[str], np.ndarray]:
        """The distinct outlets and each row's index into them (filters compare a few names, not every row)."""

        def build() -> tuple[list[str], np.ndarray]:
            names, codes = np.unique(self.sources, return_inverse=True)
            return names.tolist(), codes

        return self._derived("source_codes", build)  # type: ignore[no-any-return]

    def lead_rows(self) -> dict[str, int]:
        """Article id -> the row of its first chunk (its lead)."""

        def build() -> dict[str, int]:
            leads = np.flatnonzero(self.positions == 0).tolist()
            return {str(self.article_ids[row]): row for row in leads}

        return self._derived("lead_rows", build)  # type: ignore[no-any-return]

    def roundups(self) -> frozenset[str]:
        """The articles whose title names a roundup, a briefing or a gallery (`index.roundups`)."""
        return self._derived(  # type: ignore[no-any-return]
            "roundups", lambda: frozenset(a for a, (title, *_) in self.articles.items() if is_roundup(title))
        )

    def passage(self, row: int, score: float) -> Passage:
        """Row `row` as a Passage with this score."""
        article_id = str(self.article_ids[row])
        title, published_at, url, path = self.articles.get(article_id, ("", "", "", ""))
        start, end = (int(v) for v in self.spans[row])
        return Passage(
            chunk_id=str(self.chunk_ids[row]), article_id=article_id, text=str(self.texts[row]), title=title,
            source=str(self.sources[row]), published_at=published_at, url=url, path=path, start=start, end=end,
            score=score,
        )

    def article_text(self, article_id: str) -> str:
        """The article's chunks joined in order (overlapping chunks repeat a little text)."""
        rows = np.flatnonzero(self.article_ids == article_id)
        rows = rows[np.argsort(self.positions[rows], kind="stable")]
        return "\n".join(str(self.texts[r]) for r in rows)

    def copy(self) -> LocalIndex:
        """A copy that can be synced while searches keep using this one (arrays are replaced, never mutated)."""
        return LocalIndex(
            self.chunk_ids, self.article_ids, self.sources, self.dates, self.positions, self.texts, self.spans,
            self.vectors, self.keyword.copy(), dict(self.hashes), dict(self.duplicate_of), dict(self.articles),
            self.stamp, self.embed_model,
        )

    def _changed(self) -> None:
        self.__dict__.pop("_derived_cache", None)

    # Changing rows (whole articles at a time)

    def drop(self, article_ids: set[str]) -> None:
        """Remove these articles' rows."""
        keep = ~np.isin(self.article_ids, list(article_ids))
        for name in _ROW_ARRAYS:
            setattr(self, name, getattr(self, name)[keep])
        self.keyword.keep(keep)
        self._changed()
        for article_id in article_ids:
            self.hashes.pop(article_id, None)
            self.articles.pop(article_id, None)

    def append(self, rows: Iterable[tuple[str, str, dict[str, Any], Sequence[float]]]) -> None:
        """Add rows from (chunk id, text, stored metadata, vector) of the store's chunks."""
        ids, arts, srcs, dates, pos, texts, spans, vecs, docs = [], [], [], [], [], [], [], [], []
        for chunk_id, text, meta, vector in rows:
            article_id = str(meta.get("article_id", ""))
            ids.append(chunk_id)
            arts.append(article_id)
            srcs.append(str(meta.get("source", "")))
            dates.append(int(meta.get("date_num", 0) or 0))
            pos.append(int(meta.get("chunk", 0) or 0))
            texts.append(text or "")
            spans.append((int(meta.get("start", 0) or 0), int(meta.get("end", 0) or 0)))
            vecs.append(np.asarray(vector, dtype=np.float32))
            title = str(meta.get("title", ""))
            docs.append(bm25_terms(keyword_text(title, text or "")))
            self.articles[article_id] = (
                title, str(meta.get("published_at", "")), str(meta.get("url", "")), str(meta.get("path", ""))
            )
        if not ids:
            return
        self.chunk_ids = np.concatenate([self.chunk_ids, np.array(ids, dtype=str)])
        self.article_ids = np.concatenate([self.article_ids, np.array(arts, dtype=str)])
        self.sources = np.concatenate([self.sources, np.array(srcs, dtype=str)])
        self.dates = np.concatenate([self.dates, np.array(dates, dtype=np.int32)])
        self.positions = np.concatenate([self.positions, np.array(pos, dtype=np.int32)])
        self.texts = np.concatenate([self.texts, text_column(texts)])
        self.spans = np.concatenate([self.spans, np.array(spans, dtype=np.int32).reshape(-1, 2)])
        new = np.vstack(vecs)
        self.vectors = new if self.vectors.size == 0 else np.vstack([self.vectors, new])
        self.keyword.add(docs)
        self._changed()


def text_column(items: Sequence[str]) -> np.ndarray:
    """A 1-d object array of strings (np.array would make a fixed-width unicode array, 4 bytes a character)."""
    out = np.empty(len(items), dtype=object)
    out[:] = list(items)
    return out


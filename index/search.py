"""Find the passages that answer a question: BM25 and dense vectors fused per article, aware of dates and outlets.

Ranking happens per article, not per chunk: each retriever ranks articles by their best chunk, the ranks are
fused (reciprocal rank fusion), and a date prior favours articles published shortly before the question's
reference date. The passages returned are the best chunks of the best articles, at most `per_article` each, with
near-identical copies of one story collapsed into one. `Passage.score` stays the chunk's cosine similarity to the
question, whatever ranked it, because the answer writers read it as "how related is this text" (see
bot.extractive.MIN_PASSAGE_SCORE).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from index.days import day_number, day_of
from index.filters import allowed_rows, why_nothing_matches
from index.keyword import query_terms, statement_terms
from index.local_index import LocalIndex
from index.mirror import Mirror
from index.periods import named_day, without_periods
from index.query import Query, parse
from index.ranking import (
    Mode,
    Ranking,
    articles_by_best_chunk,
    best_sentence_share,
    boost_leads,
    fuse,
    time_votes,
    vote,
)
from index.store import ArticleStore
from index.types import Passage, SearchFilters

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class RankedArticle:
    """One article in a ranking: its fused score and its chunks (rows of the local index), best first."""

    article_id: str
    score: float
    rows: tuple[int, ...]
    # Other articles that are near-identical copies of this one.
    copies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Retrieval:
    """What one search found: articles best first, and the passages an answer is written from."""

    articles: list[RankedArticle]
    passages: list[Passage]


class Searcher:
    """Ranks articles and chunks for a query; `search` returns the best passages, at most `per_article` each."""

    def __init__(
        self,
        store: ArticleStore,
        embed_model: Any,
        cache_dir: Path | None = None,
        ranking: Ranking | None = None,
    ) -> None:
        self.embed_model = embed_model
        self.ranking = ranking or Ranking()
        # The local index's life cycle (opening, syncing, saving) is the mirror's business, not the search's.
        self.mirror = Mirror(store, cache_dir)

    # The local index

    def refresh(self) -> None:
        """Bring the local index up to date after the store changed (only changed articles are re-read)."""
        self.mirror.refresh()

    def index(self) -> LocalIndex:
        """The local index, opened (and synced with the store) on first use."""
        return self.mirror.index()

    def article_text(self, article_id: str) -> str:
        """An article's whole text, from the local mirror."""
        return self.index().article_text(article_id)

    def why_nothing_matches(self, filters: SearchFilters | None) -> str | None:
        """Why the filters leave no article to search, in the user's words (None: some article matches)."""
        return why_nothing_matches(self.index(), filters)

    def archive_now(self, as_of: date | None = None) -> date | None:
        """The archive's "now": its newest article's day, or `as_of` if that is earlier (None: an empty archive)."""
        return _archive_now(self.index(), None, as_of)

    # Searching

    def search(
        self, query: str | Query, filters: SearchFilters | None = None, k: int = 6, per_article: int = 2
    ) -> list[Passage]:
        """The k best passages for `query`, best article first."""
        return self.retrieve(query, filters, k, per_article).passages

    def retrieve(
        self,
        query: str | Query,
        filters: SearchFilters | None = None,
        k: int = 6,
        per_article: int = 2,
        articles: int = 0,
        mode: Mode | None = None,
    ) -> Retrieval:
        """The article ranking (at least `articles` long) and the k best passages drawn from it."""
        cfg = self.ranking if mode is None else replace(self.ranking, mode=mode)
        index = self.index()
        ranked, cosines = self._rank(index, _parsed(query), filters, max(k, articles, 1), cfg)
        rows: list[tuple[int, RankedArticle]] = []
        for article in ranked:
            for row in article.rows[:per_article]:
                rows.append((row, article))
        rows = rows[: max(k, 0)]
        found = self._passages(index, [r for r, _ in rows], cosines)
        outlets = self._outlets(index, ranked)
        passages = [
            replace(found[row], also_in=outlets.get(a.article_id, ())) for row, a in rows if row in found
        ]
        return Retrieval(ranked, passages)

    def rank_articles(
        self, query: str | Query, filters: SearchFilters | None = None, n: int = 10, mode: Mode | None = None
    ) -> list[RankedArticle]:
        """The n best articles for `query`, each with its chunks ranked (copies of one story count once)."""
        cfg = self.ranking if mode is None else replace(self.ranking, mode=mode)
        return self._rank(self.index(), _parsed(query), filters, n, cfg)[0]

    def _rank(
        self, index: LocalIndex, query: Query, filters: SearchFilters | None, n: int, cfg: Ranking
    ) -> tuple[list[RankedArticle], np.ndarray]:
        empty = np.zeros(0, dtype=np.float32)
        if len(index) == 0:
            return [], empty
        allowed = allowed_rows(index, filters)
        if allowed is not None and not allowed.any():
            return [], empty
        dated = filters is not None and filters.as_of is not None
        named_days = filters is not None and filters.period_days is not None
        topic = without_periods(query.text) if named_days and cfg.drop_period_words else query.text
        cosines = self._cosines(index, topic)
        q_terms = query_terms(topic, drop_time_words=dated and cfg.drop_time_words)
        orders: list[tuple[float, list[tuple[str, list[int]]]]] = []
        if cfg.mode in ("hybrid", "vector"):
            orders.append((cfg.dense_weight, _by_best_chunk(index, cosines, allowed, cfg.depth, lexical=False)))
        if cfg.mode in ("hybrid", "bm25"):
            lexical = index.keyword.scores(q_terms)
            if cfg.lead_boost:
                lexical = boost_leads(lexical, index.positions, cfg.lead_boost)
            orders.append((cfg.bm25_weight, _by_best_chunk(index, lexical, allowed, cfg.depth, lexical=True)))
        fused, chunk_score = fuse(orders, cfg.rrf_k)
        _time_votes(index, fused, filters, allowed, cfg, query)
        if cfg.roundup_weight and not query.roundup:
            _demote_roundups(index, fused, cfg)
        rows_of = _rows_by_article(index, list(chunk_score))
        for rows in rows_of.values():
            rows.sort(key=lambda r: (-chunk_score[r], -cosines[r]))
        if query.time_only:
            _leads_only(index, fused, rows_of)
        if cfg.mode == "hybrid" and cfg.sentence_weight and q_terms:
            _sentence_votes(index, fused, rows_of, q_terms, cfg)
        return _one_per_story(index, fused, rows_of, n), cosines

    def _cosines(self, index: LocalIndex, query: str) -> np.ndarray:
        vector = np.asarray(self.embed_model.get_query_embedding(query), dtype=np.float32)
        if index.vectors.shape[1] != vector.shape[0]:
            return np.zeros(len(index), dtype=np.float32)
        norm = float(np.linalg.norm(vector)) or 1.0
        return index.vectors @ (vector / norm)

    def _passages(self, index: LocalIndex, rows: list[int], cosines: np.ndarray) -> dict[int, Passage]:
        """Passages for rows of the local index (text and metadata come from the mirror: no store round trip)."""
        return {row: index.passage(row, float(cosines[row]) if len(cosines) > row else 0.0) for row in rows}

    def _outlets(self, index: LocalIndex, articles: list[RankedArticle]) -> dict[str, tuple[str, ...]]:
        """The other outlets that carried each article's story (a copy from the article's own outlet, such as
        a republished update, is no other outlet)."""
        out: dict[str, tuple[str, ...]] = {}
        first = index.first_rows()
        for article in articles:
            if article.copies and article.article_id in first:
                own = str(index.sources[first[article.article_id]])
                rows = [first[a] for a in article.copies if a in first]
                out[article.article_id] = tuple(sorted({str(index.sources[r]) for r in rows} - {"", own}))
        return out


def _time_votes(
    index: LocalIndex, fused: dict[str, float], filters: SearchFilters | None, allowed: np.ndarray | None,
    cfg: Ranking, query: Query,
) -> None:
    """Add the votes each candidate gains from its date: the date prior (with a reference date), recency, and for
    a question asking for the latest on its topic, the newest of its best matches (see `Ranking`)."""
    as_of = filters.as_of if filters else None
    ids = list(fused)
    first_row = index.first_rows()
    days = index.day_numbers()[np.fromiter((first_row[a] for a in ids), dtype=np.int64, count=len(ids))]
    prior = None
    if as_of is not None:
        window, half_life = _prior_shape(cfg, filters, query, as_of)
        prior = (day_number(as_of), window, half_life)
    now = _archive_now(index, allowed, as_of)
    votes = time_votes(
        cfg, days, fused, ids, prior, day_number(now) if now is not None else None, query.relative_time, query.latest
    )
    for article_id, gained in zip(ids, (vote(cfg) * votes).tolist(), strict=True):
        fused[article_id] += gained


def _prior_shape(cfg: Ranking, filters: SearchFilters | None, query: Query, as_of: date) -> tuple[int, float]:
    """The date prior's (window, half-life) for this question: the days it names (dated by `index.periods`), the
    days since the day it names ("on Monday", "last night"), or the default week."""
    if filters is not None and filters.period_days:
        return filters.period_days, cfg.half_life
    day = named_day(query.text, as_of) if cfg.day_half_life else None
    if day is None:
        return cfg.window, cfg.half_life
    return (as_of - day).days, cfg.day_half_life


def _parsed(query: str | Query) -> Query:
    return query if isinstance(query, Query) else parse(query)


def _leads_only(index: LocalIndex, fused: dict[str, float], rows_of: dict[str, list[int]]) -> None:
    """For a question about a time and no topic ("What happened on May 3?"), no chunk matches better than
    another: each article's one passage is its lead, which says what the story is (`bot.headlines`)."""
    leads = index.lead_rows()
    for article_id in fused:
        if article_id in leads:
            rows_of[article_id] = [leads[article_id]]


def _demote_roundups(index: LocalIndex, fused: dict[str, float], cfg: Ranking) -> None:
    """Take `roundup_weight` first-place votes from every roundup among the candidates."""
    penalty = cfg.roundup_weight / (cfg.rrf_k + 1)
    for article_id in index.roundups().intersection(fused):
        fused[article_id] -= penalty


def _sentence_votes(
    index: LocalIndex, fused: dict[str, float], rows_of: dict[str, list[int]], q_terms: list[str], cfg: Ranking
) -> None:
    """The second stage: the `sentence_top` best articles gain votes for their best sentence (see `Ranking`)."""
    weights = {t: index.keyword.idf(t) for t in q_terms}
    unit = vote(cfg)
    for article_id in sorted(fused, key=fused.__getitem__, reverse=True)[: cfg.sentence_top]:
        rows = rows_of.get(article_id, [])[: cfg.sentence_chunks]
        sentences = (found for row in rows for found in statement_terms(str(index.texts[row])))
        fused[article_id] += cfg.sentence_weight * unit * best_sentence_share(sentences, weights)


def _one_per_story(
    index: LocalIndex, fused: dict[str, float], rows_of: dict[str, list[int]], n: int
) -> list[RankedArticle]:
    """The n best articles, best first, keeping only the best-ranked copy of each story (the others as `copies`)."""
    ranked: list[RankedArticle] = []
    taken: set[str] = set()
    groups = _copy_groups(index)
    for article_id in sorted(fused, key=fused.__getitem__, reverse=True):
        story = index.duplicate_of.get(article_id) or article_id
        if story in taken:
            continue
        taken.add(story)
        copies = tuple(a for a in groups.get(story, ()) if a != article_id)
        ranked.append(RankedArticle(article_id, fused[article_id], tuple(rows_of.get(article_id, [])), copies))
        if len(ranked) >= n:
            break
    return ranked


def _archive_now(index: LocalIndex, allowed: np.ndarray | None, as_of: date | None) -> date | None:
    """The day recency counts back from: the newest article the search may return, or the reference date if
    that is earlier (a question asked today of an archive that ends in 2022 is about the archive's last days)."""
    if allowed is None:
        newest_number = index.newest_day()
    else:
        days = index.day_numbers()[allowed]
        known = days[~np.isnan(days)]
        newest_number = float(known.max()) if len(known) else None
    newest = day_of(newest_number) if newest_number is not None else None
    if newest is None or as_of is None:
        return newest or as_of
    return min(newest, as_of)


def _by_best_chunk(
    index: LocalIndex, scores: np.ndarray, allowed: np.ndarray | None, depth: int, lexical: bool
) -> list[tuple[str, list[int]]]:
    """Article ids in order of their best chunk among the top `depth` chunks, each with those chunks, best first."""
    names, codes = index.article_codes()
    return [(names[code], rows) for code, rows in articles_by_best_chunk(scores, codes, allowed, depth, lexical)]


def _rows_by_article(index: LocalIndex, rows: list[int]) -> dict[str, list[int]]:
    names, codes = index.article_codes()
    out: dict[str, list[int]] = {}
    for row, code in zip(rows, codes[rows].tolist(), strict=True):
        out.setdefault(names[code], []).append(row)
    return out


def _copy_groups(index: LocalIndex) -> dict[str, tuple[str, ...]]:
    """Story id (the original) -> every article carrying it, original included."""
    groups: dict[str, list[str]] = {}
    for copy, original in index.duplicate_of.items():
        groups.setdefault(original, [original]).append(copy)
    return {k: tuple(v) for k, v in groups.items()}

"""Article ranking as pure functions over arrays: rank fusion, the date prior, recency and the sentence share.

`index.search` gathers the arrays from the local mirror (each chunk's scores, each article's publication day) and
applies these in order. Scores are in "first-place votes": one is what the best-ranked article gets from a
retriever of weight 1, `1 / (rrf_k + 1)`. Why each default is what it is: BENCHMARKS.md, "Decisions".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = [
    "Mode", "Ranking", "articles_by_best_chunk", "best_sentence_share", "boost_leads", "date_prior", "fuse",
    "recency", "time_votes", "top_mask", "vote",
]

Mode = Literal["hybrid", "bm25", "vector"]


@dataclass(frozen=True)
class Ranking:
    """The knobs of article ranking, weights in first-place votes (how each default was chosen: BENCHMARKS.md,
    "Decisions")."""

    # Which retrievers vote: both, or one alone (for measuring each).
    mode: Mode = "hybrid"
    # Reciprocal rank fusion constant: larger flattens the difference between ranks.
    rrf_k: float = 20.0
    # Each retriever's say in the fusion; BM25's is larger as, alone, it ranks the stories better than the cosine.
    bm25_weight: float = 1.0
    dense_weight: float = 0.7
    # Chunks each retriever contributes before articles are formed (the setting `candidates`).
    depth: int = 300
    # The lead (first chunk, title included) says what an article is about: its BM25 score counts this much more.
    lead_boost: float = 0.5
    # With a reference date, words that only say when ("this week", "Monday") would match any article saying them.
    drop_time_words: bool = True
    # Dated to the days it names ("in October 2022"), a question's date words would match articles about the date.
    drop_period_words: bool = True
    # News is reported just after it happens: full weight in the `window` days up to the reference date (`date_prior`).
    date_weight: float = 2.5
    window: int = 6
    half_life: float = 3.0
    # Only the best matches gain from their date, or articles sharing one word with a question outrank its story.
    date_prior_top: int = 50
    # An article from before the day a question names ("on Monday") cannot report that day's news (0: ignore days).
    day_half_life: float = 1.0
    # News questions are mostly about recent events: of two equal matches the newer wins, with or without a date.
    recency_weight: float = 0.5
    recency_half_life: float = 365.0
    # A question placed in time ("this week") wants the latest coverage, even where the date prior gives nothing.
    relative_recency_weight: float = 1.0
    relative_recency_half_life: float = 180.0
    # "The latest on …" wants the newest of its few best matches (the 30 best for Hurricane Ian hold Storm Nicole).
    latest_weight: float = 3.0
    latest_half_life: float = 30.0
    latest_top: int = 20
    # Second stage (hybrid only): a report that says it in one sentence beats one that mentions the words apart.
    sentence_weight: float = 1.0
    sentence_top: int = 10
    sentence_chunks: int = 2
    # A roundup gives a story a paragraph in the question's words; the story's own report is the better source.
    roundup_weight: float = 2.0


def vote(cfg: Ranking) -> float:
    """One first-place vote: the fused score of the best-ranked article of a retriever of weight 1."""
    return 1.0 / (cfg.rrf_k + 1)


def boost_leads(lexical: np.ndarray, positions: np.ndarray, lead_boost: float) -> np.ndarray:
    """BM25 scores with each article's lead chunk (position 0) counting `1 + lead_boost` times."""
    return lexical * np.where(positions == 0, 1.0 + lead_boost, 1.0).astype(np.float32)


def articles_by_best_chunk(
    scores: np.ndarray, codes: np.ndarray, allowed: np.ndarray | None, depth: int, lexical: bool
) -> list[tuple[int, list[int]]]:
    """Articles (by code: `codes[row]` is the row's article) in order of their best chunk among the top `depth`
    chunks, each with those chunks, best first."""
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    depth = min(depth, len(scores))
    top = np.argpartition(-scores, depth - 1)[:depth] if depth < len(scores) else np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")]
    # A BM25 score of zero means no query term occurs: no evidence at all.
    top = top[np.isfinite(scores[top]) & (scores[top] > 0)] if lexical else top[np.isfinite(scores[top])]
    order: dict[int, list[int]] = {}
    for row, code in zip(top.tolist(), codes[top].tolist(), strict=True):
        order.setdefault(code, []).append(row)
    return list(order.items())


def fuse(
    orders: Sequence[tuple[float, Sequence[tuple[str, Sequence[int]]]]], rrf_k: float
) -> tuple[dict[str, float], dict[int, float]]:
    """Weighted reciprocal rank fusion of the retrievers' article orders, each (weight, [(article, its chunks best
    first)]), and of their chunk orders within each article: article id -> score, row -> score."""
    fused: dict[str, float] = {}
    chunk_score: dict[int, float] = {}
    for weight, by_article in orders:
        for rank, (article_id, rows) in enumerate(by_article):
            fused[article_id] = fused.get(article_id, 0.0) + weight / (rrf_k + rank + 1)
            for chunk_rank, row in enumerate(rows):
                chunk_score[row] = chunk_score.get(row, 0.0) + weight / (rrf_k + chunk_rank + 1)
    return fused, chunk_score


def top_mask(scores: dict[str, float], ids: list[str], top: int) -> np.ndarray:
    """Which of `ids` are among the `top` best-scored so far (all, when `top` is 0), ties broken by first seen."""
    if not top or len(ids) <= top:
        return np.ones(len(ids), dtype=bool)
    best = set(sorted(scores, key=scores.__getitem__, reverse=True)[:top])
    return np.fromiter((a in best for a in ids), dtype=bool, count=len(ids))


def date_prior(days: np.ndarray, as_of: int, window: int, half_life: float) -> np.ndarray:
    """How much each publication day suits a question asked on day `as_of`, in [0, 1] (days since 1970, NaN
    unknown): 1 in the `window` days up to it, halving every `half_life` days before that and every day after it."""
    age = as_of - np.asarray(days, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        later = 0.5**-age
        older = 0.5 ** ((age - window) / half_life)
        prior = np.where((age >= 0) & (age <= window), 1.0, np.where(age < 0, later, older))
    return np.nan_to_num(prior, nan=0.0)


def recency(days: np.ndarray, now: int, half_life: float) -> np.ndarray:
    """How recent each publication day (days since 1970, NaN unknown) is as of day `now`, in [0, 1]: 1 on the day,
    halving every `half_life` days either side (after `now` is the date prior's business, not recency's)."""
    age = np.abs(now - np.asarray(days, dtype=np.float64))
    return np.nan_to_num(0.5 ** (age / half_life), nan=0.0)


def time_votes(
    cfg: Ranking,
    days: np.ndarray,
    scores: dict[str, float],
    ids: list[str],
    prior: tuple[int, int, float] | None,
    now: int | None,
    relative: bool,
    latest: bool,
) -> np.ndarray:
    """The first-place votes each of `ids` (published on `days`, scored so far `scores`) gains from its date.

    `prior` is (reference day, window, half-life) of the date prior, None without a reference date; `now` the day
    recency counts back from; `relative` a question placed in time ("this week"), `latest` one that asks for the
    latest on its topic.
    """
    votes = np.zeros(len(ids))
    if prior is not None and cfg.date_weight:
        as_of, window, half_life = prior
        near = date_prior(days, as_of, window, half_life)
        votes += cfg.date_weight * near * top_mask(scores, ids, cfg.date_prior_top)
    weight, half = (
        (cfg.relative_recency_weight, cfg.relative_recency_half_life) if relative
        else (cfg.recency_weight, cfg.recency_half_life)
    )
    if now is not None and weight:
        votes += weight * recency(days, now, half)
    if now is not None and cfg.latest_weight and latest:
        # Asked as of a day (--as-of), the latest is the newest up to it: a report from after it gains nothing.
        newest = recency(days, now, cfg.latest_half_life) * (days <= now)
        votes += cfg.latest_weight * newest * top_mask(scores, ids, cfg.latest_top)
    return votes


def best_sentence_share(sentences: Iterable[frozenset[str]], weights: dict[str, float]) -> float:
    """The largest share of the query's term weight (`weights`, term -> idf) that one sentence's terms hold, in
    [0, 1]."""
    total = sum(weights.values())
    if not total:
        return 0.0
    best = 0.0
    for found in sentences:
        best = max(best, sum(w for t, w in weights.items() if t in found) / total)
    return best

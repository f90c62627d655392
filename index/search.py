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
import math
import threading
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np

from index.filters import allowed_rows, why_nothing_matches
from index.ingest import date_num
from index.keyword import query_terms, statement_terms
from index.local_index import LocalIndex, cache_path, day_number, day_of, open_index, sync_and_save
from index.periods import named_day, without_periods
from index.query import Query, parse
from index.store import ArticleStore
from index.types import Passage, SearchFilters

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "bm25", "vector"]


@dataclass(frozen=True)
class Ranking:
    """The knobs of article ranking (why each default: BENCHMARKS.md, Decisions)."""

    mode: Mode = "hybrid"
    # Reciprocal rank fusion constant: larger flattens the difference between ranks.
    rrf_k: float = 20.0
    bm25_weight: float = 1.0
    dense_weight: float = 0.7
    # Chunks each retriever contributes before articles are formed (the setting `candidates`).
    depth: int = 300
    # The lead (first chunk, title included) says what an article is about: its BM25 score counts this much more.
    lead_boost: float = 0.5
    # With a reference date, leave words that only say when ("this week", "Monday") out of the BM25 query.
    drop_time_words: bool = True
    # Dated to the days a question names ("in October 2022"; `SearchFilters.period_days`), search with the rest of
    # it: those words would match articles that mention the date, not the ones about the question's topic.
    drop_period_words: bool = True
    # Date prior, in units of one first-place RRF vote: full weight for articles published in the `window` days
    # up to the reference date, fading with a half-life of `half_life` days outside it. 2.5 votes is the lightest
    # tried that keeps every dated dev question's rank; more only hurts questions about stories older than the window
    # (BENCHMARKS.md, Decisions).
    date_weight: float = 2.5
    window: int = 6
    half_life: float = 3.0
    # Only the `date_prior_top` articles that match the question best gain from the date prior (0: all). Without
    # this, articles of the week that the search returned only for sharing a word with the question outranked
    # older reports of its story: asked "this week" about a story 7 days old, MRR fell to 0.41 / 0.24
    # (`bench/retrieval_eval.py --stale-days 7 --dated-to-archive-end`, with the prior then worth 4 votes).
    date_prior_top: int = 50
    # A question that names a day relative to its reference date ("early Thursday", "presented on Monday", "last
    # night"; `index.periods.named_day`) is about that day: the prior's window starts there, and articles from
    # before it, which cannot report that day's news, fade with this half-life in days (0: such days are ignored).
    day_half_life: float = 1.0
    # Days after the reference date that still count as "before" it (dates can be a day off across time
    # zones); later articles fade with a half-life of one day, as a question cannot be about later news.
    future_grace: int = 0
    # Without a reference date, guess one from the dates of the top `infer_top` articles (news questions are
    # about one moment), and apply the prior at `infer_weight` of its strength; 0 disables the guess, the
    # default, because it helped plain BM25 but hurt once the lead was weighted (BENCHMARKS.md, Decisions).
    infer_weight: float = 0.0
    infer_top: int = 5
    infer_span: int = 6
    # Recency, the gentle version of the date prior that also holds without a reference date: news questions are
    # mostly about recent events, so of two equally good matches the newer wins. Up to `recency_weight`
    # first-place votes, halving every `recency_half_life` days before the reference date (or, without one, before
    # the newest article the search may return: an archive's "now" is its last day, not the calendar's).
    recency_weight: float = 0.5
    recency_half_life: float = 365.0
    # A question that places itself in time ("this week", "latest", "yesterday") leans further towards the newest
    # reports: asked of an archive that ended since, its date prior gives nothing (today is past the archive's
    # end), but it still asks for the archive's latest coverage of its topic, not that of any year.
    relative_recency_weight: float = 1.0
    relative_recency_half_life: float = 180.0
    # A question that asks for the latest on its topic ("What is the latest on inflation?", "Any news on Covid
    # vaccines?"; `index.keyword.asks_for_latest`) wants the newest of the reports that match it: its `latest_top`
    # best matches gain up to `latest_weight` first-place votes, halving every `latest_half_life` days before the
    # archive's "now". Only a few: among the 30 best for "the latest on Hurricane Ian" is November's Storm Nicole.
    # Chosen by reading twelve such questions (BENCHMARKS.md, Decisions); no dev question asks this way.
    latest_weight: float = 3.0
    latest_half_life: float = 30.0
    latest_top: int = 20
    # Second stage (hybrid only): the `sentence_top` best articles gain up to `sentence_weight` first-place votes
    # for their best sentence — the share of the query's BM25 weight (idf) found in one sentence of their
    # `sentence_chunks` best chunks. A report that says it in one sentence beats one that mentions the words apart.
    sentence_weight: float = 1.0
    sentence_top: int = 10
    sentence_chunks: int = 2
    # Roundups (briefings, "5 things to know for July 25: …", and photo galleries; `index.roundups`) lose this
    # many first-place votes: they give a story a paragraph or a caption, often in a question's own words, and
    # its own report is the better source. Not when the question asks for a roundup ("photos of the launch").
    roundup_weight: float = 2.0


def chroma_where(filters: SearchFilters | None) -> dict[str, Any] | None:
    """Translate filters into a Chroma `where` clause (None when nothing narrows the search)."""
    if filters is None:
        return None
    clauses: list[dict[str, Any]] = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.since:
        clauses.append({"date_num": {"$gte": date_num(filters.since.isoformat())}})
    if filters.until:
        clauses.append({"date_num": {"$lte": date_num(filters.until.isoformat())}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def passage_from(chunk_id: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    """A Passage from a stored chunk's text and metadata."""
    return Passage(
        chunk_id=chunk_id,
        article_id=str(meta.get("article_id", "")),
        text=text,
        title=str(meta.get("title", "")),
        source=str(meta.get("source", "")),
        published_at=str(meta.get("published_at", "")),
        url=str(meta.get("url", "")),
        path=str(meta.get("path", "")),
        start=int(meta.get("start", 0) or 0),
        end=int(meta.get("end", 0) or 0),
        score=score,
    )


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
        self.store = store
        self.cache_dir = cache_dir
        self.embed_model = embed_model
        self.ranking = ranking or Ranking()
        self._index: LocalIndex | None = None
        self._lock = threading.Lock()

    # The local index

    def refresh(self) -> None:
        """Bring the local index up to date after the store changed (only changed articles are re-read)."""
        with self._lock:
            current = self._index
            if current is None:
                self._index = open_index(self.store, self._cache_file())
                return
            # Sync a copy so searches running meanwhile keep a consistent index.
            updated = current.copy()
            sync_and_save(updated, self.store, self._cache_file(), self.store.stamp() or "")
            self._index = updated

    def index(self) -> LocalIndex:
        """The local index, opened (and synced with the store) on first use."""
        index = self._index
        if index is None:
            with self._lock:
                if self._index is None:
                    self._index = open_index(self.store, self._cache_file())
                index = self._index
        return index

    def article_text(self, article_id: str) -> str:
        """An article's whole text, from the local mirror."""
        return self.index().article_text(article_id)

    def why_nothing_matches(self, filters: SearchFilters | None) -> str | None:
        """Why the filters leave no article to search, in the user's words (None: some article matches)."""
        return why_nothing_matches(self.index(), filters)

    def archive_now(self, as_of: date | None = None) -> date | None:
        """The archive's "now": its newest article's day, or `as_of` if that is earlier (None: an empty archive)."""
        return _archive_now(self.index(), None, as_of)

    def _cache_file(self) -> Path | None:
        return cache_path(self.cache_dir, self.store) if self.cache_dir is not None else None

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
        lists: list[tuple[float, np.ndarray]] = []
        if cfg.mode in ("hybrid", "vector"):
            lists.append((cfg.dense_weight, cosines))
        if cfg.mode in ("hybrid", "bm25"):
            lexical = index.keyword.scores(q_terms)
            if cfg.lead_boost:
                lexical = lexical * np.where(index.positions == 0, 1.0 + cfg.lead_boost, 1.0).astype(np.float32)
            lists.append((cfg.bm25_weight, lexical))
        fused, chunk_score = _fuse(index, lists, cosines, allowed, cfg)
        _add_time_votes(index, fused, filters, allowed, cfg, query)
        if cfg.roundup_weight and not query.roundup:
            _demote_roundups(index, fused, cfg)
        rows_of = _rows_by_article(index, list(chunk_score))
        for rows in rows_of.values():
            rows.sort(key=lambda r: (-chunk_score[r], -cosines[r]))
        if query.time_only:
            _leads_only(index, fused, rows_of)
        if cfg.mode == "hybrid" and cfg.sentence_weight and q_terms:
            _add_sentence_votes(index, fused, rows_of, q_terms, cfg)
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

    def dense(self, query: str, filters: SearchFilters | None, n: int) -> list[Passage]:
        """Top-n chunks straight from Chroma's vector index (score = cosine): the plain vector baseline."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        if self.store.chunk_count() == 0:
            return []
        vector = self.embed_model.get_query_embedding(query)
        where = chroma_where(filters)
        kwargs = {"where": where} if where else {}
        result = self.store.vector_store.query(
            VectorStoreQuery(query_embedding=vector, similarity_top_k=n), **kwargs
        )
        passages = []
        for node, similarity in zip(result.nodes or [], result.similarities or [], strict=False):
            # ChromaVectorStore reports exp(-distance); with cosine space, distance = 1 - cosine.
            cosine = 1.0 + math.log(similarity) if similarity > 0 else -1.0
            passages.append(passage_from(node.node_id, node.get_content(), dict(node.metadata), cosine))
        return passages


def _fuse(
    index: LocalIndex, lists: list[tuple[float, np.ndarray]], cosines: np.ndarray, allowed: np.ndarray | None,
    cfg: Ranking,
) -> tuple[dict[str, float], dict[int, float]]:
    """Weighted reciprocal rank fusion of the retrievers' article orders (and, for ordering an article's own
    chunks, of their chunk orders): article id -> score, row -> score."""
    fused: dict[str, float] = {}
    chunk_score: dict[int, float] = {}
    for weight, scores in lists:
        by_article = _articles_by_best_chunk(index, scores, allowed, cfg.depth, lexical=scores is not cosines)
        for rank, (article_id, rows) in enumerate(by_article):
            fused[article_id] = fused.get(article_id, 0.0) + weight / (cfg.rrf_k + rank + 1)
            for chunk_rank, row in enumerate(rows):
                chunk_score[row] = chunk_score.get(row, 0.0) + weight / (cfg.rrf_k + chunk_rank + 1)
    return fused, chunk_score


def _add_time_votes(
    index: LocalIndex, fused: dict[str, float], filters: SearchFilters | None, allowed: np.ndarray | None,
    cfg: Ranking, query: Query,
) -> None:
    """Add the date prior (with a reference date, or an inferred one) and recency, in first-place votes; a
    question placed in time ("this week", "latest") gets the stronger recency, and one that asks for the latest
    ("the latest on …") the strongest, among its best matches (see Ranking)."""
    as_of, weight = (filters.as_of if filters else None), cfg.date_weight
    if as_of is None and cfg.infer_weight:
        as_of, weight = infer_date(index, sorted(fused, key=fused.__getitem__, reverse=True), cfg), cfg.infer_weight
    ids = list(fused)
    first_row = index.first_rows()
    days = index.day_numbers()[np.fromiter((first_row[a] for a in ids), dtype=np.int64, count=len(ids))]
    votes = np.zeros(len(ids))
    if as_of is not None and weight:
        prior = date_prior(days, as_of, _prior_shape(cfg, filters, query, as_of))
        votes += weight * prior * _best_matches(fused, ids, cfg.date_prior_top)
    now = _archive_now(index, allowed, filters.as_of if filters else None)
    if query.relative_time:
        cfg = replace(cfg, recency_weight=cfg.relative_recency_weight, recency_half_life=cfg.relative_recency_half_life)
    if now is not None and cfg.recency_weight:
        votes += cfg.recency_weight * recency(days, now, cfg)
    if now is not None and cfg.latest_weight and query.latest:
        # Asked as of a day (--as-of), the latest is the newest up to it: a report from after it gains nothing.
        latest = recency(days, now, replace(cfg, recency_half_life=cfg.latest_half_life)) * (days <= day_number(now))
        votes += cfg.latest_weight * latest * _best_matches(fused, ids, cfg.latest_top)
    unit = 1.0 / (cfg.rrf_k + 1)
    for article_id, vote in zip(ids, (unit * votes).tolist(), strict=True):
        fused[article_id] += vote


def _prior_shape(cfg: Ranking, filters: SearchFilters | None, query: Query, as_of: date) -> Ranking:
    """The date prior's window for this question: the days it names (dated by `index.periods`), the days since
    the day it names ("on Monday", "last night"), or the default week."""
    if filters is not None and filters.period_days:
        return replace(cfg, window=filters.period_days)
    day = named_day(query.text, as_of) if cfg.day_half_life else None
    if day is None:
        return cfg
    return replace(cfg, window=(as_of - day).days, half_life=cfg.day_half_life)


def _parsed(query: str | Query) -> Query:
    return query if isinstance(query, Query) else parse(query)


def _best_matches(fused: dict[str, float], ids: list[str], top: int) -> np.ndarray:
    """Which of `ids` are among the `top` best matches so far (all, when `top` is 0): only those gain from being
    new, or articles that share one word with the question outrank the reports of its story (Ranking.date_prior_top,
    Ranking.latest_top)."""
    if not top or len(ids) <= top:
        return np.ones(len(ids), dtype=bool)
    best = set(sorted(fused, key=fused.__getitem__, reverse=True)[:top])
    return np.fromiter((a in best for a in ids), dtype=bool, count=len(ids))


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


def _add_sentence_votes(
    index: LocalIndex, fused: dict[str, float], rows_of: dict[str, list[int]], q_terms: list[str], cfg: Ranking
) -> None:
    """The second stage: the `sentence_top` best articles gain votes for their best sentence (see `Ranking`)."""
    weights = {t: index.keyword.idf(t) for t in q_terms}
    unit = 1.0 / (cfg.rrf_k + 1)
    for article_id in sorted(fused, key=fused.__getitem__, reverse=True)[: cfg.sentence_top]:
        best = best_sentence_share(index, rows_of.get(article_id, [])[: cfg.sentence_chunks], weights)
        fused[article_id] += cfg.sentence_weight * unit * best


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


def best_sentence_share(index: LocalIndex, rows: list[int], weights: dict[str, float]) -> float:
    """The largest share of the query's term weight that one sentence of these chunks contains, in [0, 1]."""
    total = sum(weights.values())
    if not total:
        return 0.0
    best = 0.0
    for row in rows:
        for found in statement_terms(str(index.texts[row])):
            best = max(best, sum(w for t, w in weights.items() if t in found) / total)
    return best


def date_prior(days: np.ndarray, as_of: date, cfg: Ranking) -> np.ndarray:
    """How much each publication day (days since 1970, NaN unknown) suits a question asked on `as_of`, in [0, 1]."""
    age = day_number(as_of) - np.asarray(days, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        later = 0.5 ** ((-age - cfg.future_grace) / 1.0)
        older = 0.5 ** ((age - cfg.window) / cfg.half_life)
        prior = np.where((age >= -cfg.future_grace) & (age <= cfg.window), 1.0, np.where(age < 0, later, older))
    return np.nan_to_num(prior, nan=0.0)


def recency(days: np.ndarray, now: date, cfg: Ranking) -> np.ndarray:
    """How recent each publication day (days since 1970, NaN unknown) is as of `now`, in [0, 1]: 1 on the day,
    halving every `recency_half_life` days either side (after `now` is the date prior's business, not recency's)."""
    age = np.abs(day_number(now) - np.asarray(days, dtype=np.float64))
    return np.nan_to_num(0.5 ** (age / cfg.recency_half_life), nan=0.0)


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


def infer_date(index: LocalIndex, ranked: list[str], cfg: Ranking) -> date | None:
    """The end of the `infer_span`-day stretch holding most of the top articles: when the story happened."""
    first_row = index.first_rows()
    days = index.day_numbers()[[first_row[a] for a in ranked[: cfg.infer_top]]]
    known = [int(d) for d in days if not np.isnan(d)]
    if not known:
        return None
    # Latest end wins ties: of two equally likely moments, the question is more likely about the newer one.
    end = max(known, key=lambda last: (sum(0 <= last - d <= cfg.infer_span for d in known), last))
    return day_of(end)


def collapse(ranked: list[Passage], k: int, per_article: int) -> list[Passage]:
    """Keep ranking order but let no article take more than `per_article` of the k places."""
    taken: dict[str, int] = {}
    kept: list[Passage] = []
    for passage in ranked:
        if taken.get(passage.article_id, 0) >= per_article:
            continue
        taken[passage.article_id] = taken.get(passage.article_id, 0) + 1
        kept.append(passage)
        if len(kept) == k:
            break
    return kept


def _articles_by_best_chunk(
    index: LocalIndex, scores: np.ndarray, allowed: np.ndarray | None, depth: int, lexical: bool
) -> list[tuple[str, list[int]]]:
    """Articles in order of their best chunk among the top `depth` chunks, each with those chunks, best first."""
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    depth = min(depth, len(scores))
    top = np.argpartition(-scores, depth - 1)[:depth] if depth < len(scores) else np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")]
    # A BM25 score of zero means no query term occurs: no evidence at all.
    top = top[np.isfinite(scores[top]) & (scores[top] > 0)] if lexical else top[np.isfinite(scores[top])]
    names, codes = index.article_codes()
    order: dict[int, list[int]] = {}
    for row, code in zip(top.tolist(), codes[top].tolist(), strict=True):
        order.setdefault(code, []).append(row)
    return [(names[code], rows) for code, rows in order.items()]


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

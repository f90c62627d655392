"""Find the passages that answer a question: vector search over the Chroma store, article-aware."""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

from index.store import ArticleStore
from index.ingest import date_num
from index.types import Passage, SearchFilters

logger = logging.getLogger(__name__)


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


class Searcher:
    """Ranks chunks for a query; `search` returns the best passages, at most `per_article` from one article."""

    def __init__(
        self, store: ArticleStore, embed_model: Any, candidates: int = 50, cache_dir: Path | None = None
    ) -> None:
        self.store = store
        self.cache_dir = cache_dir
        self.embed_model = embed_model
        self.candidates = candidates

    def refresh(self) -> None:
        """Called after the store changed (derived indexes rebuild here)."""

    def dense(self, query: str, filters: SearchFilters | None, n: int) -> list[Passage]:
        """Top-n chunks by cosine similarity (score = cosine)."""
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

    def search(
        self, query: str, filters: SearchFilters | None = None, k: int = 6, per_article: int = 2
    ) -> list[Passage]:
        """The k best passages for `query`, best first."""
        ranked = self.dense(query, filters, max(self.candidates, k))
        return collapse(ranked, k, per_article)


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

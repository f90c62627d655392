"""newsbot's search as a llama-index retriever, so it plugs into llama-index query engines and pipelines."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from index.query import Query
from index.search import Searcher
from index.types import Passage, SearchFilters


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



def node_from(passage: Passage) -> NodeWithScore:
    """A llama-index node carrying the passage's text, article metadata and offsets."""
    node = TextNode(
        id_=passage.chunk_id,
        text=passage.text,
        start_char_idx=passage.start,
        end_char_idx=passage.end,
        metadata={
            "article_id": passage.article_id,
            "title": passage.title,
            "source": passage.source,
            "published_at": passage.published_at,
            "url": passage.url,
            "path": passage.path,
            "start": passage.start,
            "end": passage.end,
            "also_in": list(passage.also_in),
        },
    )
    return NodeWithScore(node=node, score=passage.score)


def passage_of(scored: NodeWithScore) -> Passage:
    """The Passage a node returned by NewsRetriever stands for."""
    meta = scored.node.metadata
    passage = passage_from(scored.node.node_id, scored.node.get_content(), meta, float(scored.score or 0.0))
    return replace(passage, also_in=tuple(meta.get("also_in", ())))


class NewsRetriever(BaseRetriever):
    """Hybrid, article-aware retrieval over the store (see index.search), with optional filters."""

    def __init__(
        self, searcher: Searcher, top_k: int = 6, filters: SearchFilters | None = None, parsed: Query | None = None
    ) -> None:
        super().__init__()
        self._searcher = searcher
        self._top_k = top_k
        self._filters = filters
        # The question as newsbot already parsed it (index.query), so the search doesn't parse it again.
        self._parsed = parsed

    def with_filters(self, filters: SearchFilters | None) -> NewsRetriever:
        """The same retriever narrowed to `filters` (outlets, a date window, a reference date)."""
        return NewsRetriever(self._searcher, self._top_k, filters)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        parsed = self._parsed
        query = parsed if parsed is not None and parsed.text == query_bundle.query_str else query_bundle.query_str
        passages = self._searcher.search(query, self._filters, self._top_k)
        return [node_from(p) for p in passages]

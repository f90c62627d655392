"""The composition root: the one place that builds the embedding model, the store and the LLM from settings."""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from bot.extractive import ExtractiveWriter
from bot.service import NewsService
from config.settings import Settings

if TYPE_CHECKING:
    from index.embedding import Embedder

logger = logging.getLogger(__name__)


def keep_llama_index_offline() -> None:
    """Point tiktoken and NLTK at the data llama-index-core ships, so nothing is fetched at run time.

    The package is found without importing it (that takes seconds): only the paths that use llama-index load it.
    """
    spec = importlib.util.find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        return
    static = Path(next(iter(spec.submodule_search_locations))) / "_static"
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(static / "tiktoken_cache"))
    os.environ.setdefault("NLTK_DATA", str(static / "nltk_cache"))


def keep_blas_off_the_encoder() -> None:
    """Run numpy's BLAS on one thread.

    Its only heavy use here is the search's matrix-vector product over all chunk vectors, which is bound by memory,
    not arithmetic. A second BLAS thread buys it nothing, but the idle threads keep spinning after it and take the
    cores from the ONNX encoder that runs next: on 2 cores that made answers 1.4x slower (BENCHMARKS.md, Decisions).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def build_service(settings: Settings, embed_model: Embedder | None = None) -> NewsService:
    """Wire a NewsService from settings; heavy objects (ONNX session, Chroma, HTTP clients) load on first use.

    `embed_model` replaces the one the settings name (tests pass a deterministic fake).
    """
    keep_llama_index_offline()
    keep_blas_off_the_encoder()
    from index.embedding import build_embed_model, piece_counter
    from index.ingest import Chunker, Ingestor
    from index.ranking import Ranking
    from index.search import Searcher
    from index.store import ArticleStore

    embed_model = embed_model or build_embed_model(settings)
    store = ArticleStore.open(settings, embed_model.model_name)
    searcher = Searcher(store, embed_model, cache_dir=settings.data_dir, ranking=Ranking(depth=settings.candidates))
    ingestor = Ingestor(store, embed_model, Chunker(settings.chunk_size, settings.chunk_overlap, piece_counter))
    extractive = ExtractiveWriter(embed_model, article_text=searcher.article_text)
    if settings.llm_mode == "openai":
        from bot.llm import build_openai_writer

        writer, rewriter = build_openai_writer(settings, embed_model, fallback=extractive)
        return NewsService(settings, store, searcher, ingestor, writer, fallback=extractive, rewriter=rewriter)
    return NewsService(settings, store, searcher, ingestor, extractive)

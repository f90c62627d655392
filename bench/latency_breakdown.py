"""Where a warm offline answer's time goes, on an ingested store.

    python bench/latency_breakdown.py --data-dir STORE --questions 100
    python bench/latency_breakdown.py --data-dir STORE --questions 100 --blas-threads 2

Times each stage of `service.ask` (query embedding + cosine, BM25, passage lookup, sentence embedding, the whole
answer) over the first N dev questions, each with its question date, in one warm process.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The shared data folder sits beside the checkout (../shared); articles are read in place, never copied.
REALTIMEQA = Path(__file__).resolve().parents[2] / "shared" / "data" / "realtimeqa"
QUESTIONS = REALTIMEQA / "dev_questions.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--blas-threads", type=int, help="let numpy's BLAS use this many threads (newsbot sets 1)")
    args = parser.parse_args()

    from bench.ingest_scale import _service
    from bot.evaluate import load_questions, percentile
    from bot.extractive import ExtractiveWriter
    from index.keyword import KeywordIndex
    from index.search import Searcher
    from index.types import SearchFilters

    timings: dict[str, list[float]] = defaultdict(list)

    def timed(name: str, owner: Any, attr: str) -> None:
        real: Callable[..., Any] = getattr(owner, attr)

        def wrapper(*a: Any, **k: Any) -> Any:
            started = time.perf_counter()
            try:
                return real(*a, **k)
            finally:
                timings[name].append((time.perf_counter() - started) * 1000)

        setattr(owner, attr, wrapper)

    timed("query embedding + cosine over all chunks", Searcher, "_cosines")
    timed("BM25", KeywordIndex, "scores")
    timed("passage lookup", Searcher, "_passages")
    timed("retrieval (all of the above, fusion, dates)", Searcher, "retrieve")
    timed("sentence embeddings (extractive writer)", ExtractiveWriter, "_sentence_vectors")
    timed("writer", ExtractiveWriter, "write")
    service = _service(args.data_dir)
    if args.blas_threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=args.blas_threads, user_api="blas")
    service.searcher.index()
    service.ask("warm up the encoder")
    timings.clear()
    total = []
    for q in load_questions(QUESTIONS, limit=args.questions):
        started = time.perf_counter()
        service.ask(q.question, filters=SearchFilters(as_of=q.question_date))
        total.append((time.perf_counter() - started) * 1000)
    timings["service.ask"] = total
    for name, values in timings.items():
        print(f"{name:46s} p50 {percentile(values, 50):6.1f} ms  p95 {percentile(values, 95):6.1f} ms")


if __name__ == "__main__":
    main()

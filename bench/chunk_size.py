"""Choose the chunk size: retrieval quality and ingest speed for several sizes on one subset of RealTimeQA.

The subset is every gold evidence article of the dev questions plus a fixed random sample of other articles
(distractors), ingested once per chunk size into its own store. For each size it reports the chunks, the ingest
rate, article-level hit@1/5 and MRR of dense (vector-only) retrieval over the evidence questions (articles by their
best chunk's cosine, no date or roundup votes), and how often the extractive answer contains the gold answer string.

    python bench/chunk_size.py --sizes 128 200 256 --distractors 150 --work bench/out/chunk-bench
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "realtimeqa"


def _subset(distractors: int, seed: int) -> tuple[list[dict], list[dict]]:
    questions = [json.loads(line) for line in (DATA / "dev_questions.jsonl").open() if line.strip()]
    questions = [q for q in questions if q.get("evidence_article_ids")]
    gold = {a for q in questions for a in q["evidence_article_ids"]}
    articles = [json.loads(line) for line in (DATA / "articles.jsonl").open() if line.strip()]
    chosen = [a for a in articles if a["id"] in gold]
    others = [a for a in articles if a["id"] not in gold]
    chosen += random.Random(seed).sample(others, min(distractors, len(others)))
    return questions, chosen


def _dense_ranking(searcher: Any, question: str) -> list[str]:
    """The article ids of the plain vector baseline: articles by their best chunk's cosine, copies included."""
    from index.ranking import Ranking

    plain = Ranking(mode="vector", recency_weight=0.0, relative_recency_weight=0.0, latest_weight=0.0,
                    roundup_weight=0.0)
    default, searcher.ranking = searcher.ranking, plain
    try:
        articles = searcher.rank_articles(question, None, 50)
    finally:
        searcher.ranking = default
    return [a for article in articles for a in (article.article_id, *article.copies)]


def _measure(size: int, questions: list[dict], records: list[dict], work: Path) -> dict[str, float]:
    from bot.wiring import build_service
    from config.settings import load_settings
    from index.loaders import iter_articles

    corpus = work / "subset.jsonl"
    if not corpus.exists():
        corpus.write_text("".join(json.dumps(r) + "\n" for r in records))
    service = build_service(load_settings(data_dir=work / f"store-{size}", chunk_size=size, llm="extractive"))
    started = time.perf_counter()
    report = service.ingest_articles(iter_articles([corpus]), rebuild=True)
    ingest_s = time.perf_counter() - started
    hits1 = hits5 = 0
    rr = 0.0
    contains = 0
    for q in questions:
        gold = set(q["evidence_article_ids"])
        ranked = _dense_ranking(service.searcher, q["question"])
        rank = next((i + 1 for i, a in enumerate(ranked) if a in gold), None)
        hits1 += rank == 1
        hits5 += rank is not None and rank <= 5
        rr += 1 / rank if rank else 0.0
        answer = service.ask(q["question"])
        contains += str(q["answer"]).lower() in answer.text.lower()
    n = len(questions)
    return {
        "chunk_size": size,
        "chunks": report.chunks_added,
        "ingest_chunks_per_s": report.chunks_added / ingest_s,
        "hit@1": hits1 / n,
        "hit@5": hits5 / n,
        "mrr": rr / n,
        "answer_contains_gold": contains / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 200, 256])
    parser.add_argument("--distractors", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "chunk-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    questions, records = _subset(args.distractors, args.seed)
    print(f"{len(records)} articles ({len(records) - args.distractors} gold), {len(questions)} questions")
    print(f"{'size':>5} {'chunks':>7} {'chunks/s':>9} {'hit@1':>6} {'hit@5':>6} {'MRR':>6} {'answer∋gold':>12}")
    for size in args.sizes:
        row = _measure(size, questions, records, args.work)
        print(f"{size:>5} {row['chunks']:>7} {row['ingest_chunks_per_s']:>9.1f} {row['hit@1']:>6.3f} "
              f"{row['hit@5']:>6.3f} {row['mrr']:>6.3f} {row['answer_contains_gold']:>12.3f}", flush=True)


if __name__ == "__main__":
    main()

"""The ingest ratios measured side by side: newsbot's ingest, the raw encoder and plain llama-index, interleaved.

    python bench/ingest_paired.py --limit 300                    # first 300 articles, segments of 64
    python bench/ingest_paired.py --limit 300 --segment 32 --json out.json

`ingest_scale.py` runs the three pipelines one after another, minutes apart. On a shared machine their speed
drifts between phases by more than the margins the goals ask about (the raw encoder alone moved 20.6 → 26.1
chunks/s between two rounds), so a ratio of two phases measures the drift as much as the pipelines. Here one
process does all three, segment by segment. newsbot ingests the articles in one `ingest_articles` call, as
`newsbot ingest` does. Each time it asks for the first article of a new segment, the previous segment is stored,
and the stream pauses: the raw encoder embeds that segment's chunk texts at each batch size, and a plain
llama-index `VectorStoreIndex` over Chroma (embed batch 10) indexes the same articles. The pauses are timed apart
and left out of newsbot's time. Every pipeline thus meets the same stretches of machine state.

Peak memory is not measured here (three pipelines share the process); `ingest_scale.py` measures it per phase.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest_scale import PlainPipeline, _articles, _service  # noqa: E402


class Pauses:
    """Feeds newsbot's ingest its articles and, between segments, runs the other two pipelines on them."""

    def __init__(self, articles: Sequence[Any], segment: int, sizes: Sequence[int], plain: PlainPipeline) -> None:
        from index.embedding import piece_counter
        from index.ingest import Chunker

        self.articles, self.segment, self.sizes, self.plain = articles, segment, sizes, plain
        self.chunker = Chunker(200, 30, piece_counter)
        self.paused = 0.0
        self.encoder_s = dict.fromkeys(sizes, 0.0)
        self.encoder_texts = 0
        self.plain_s = 0.0
        self.plain_chunks = 0
        self.rows: list[dict[str, float]] = []
        self._ingest_started = 0.0

    def stream(self) -> Iterator[Any]:
        self._ingest_started = time.perf_counter()
        for start in range(0, len(self.articles), self.segment):
            if start:
                self._pause(self.articles[start - self.segment : start], start // self.segment)
            yield from self.articles[start : start + self.segment]

    def finish(self) -> None:
        """The last segment's pause, after the ingest (its row's ingest time includes the mirror refresh)."""
        self._pause(self.articles[-(len(self.articles) % self.segment or self.segment) :], -1)

    def _pause(self, done: Sequence[Any], turn: int) -> None:
        from index.embedding import MiniLMEmbedding

        paused_at = time.perf_counter()
        ingest_s = paused_at - self._ingest_started
        texts = [c.embedding_text() for a in done for c in self.chunker.split(a)]
        row: dict[str, float] = {"chunks": len(texts), "ingest_s": round(ingest_s, 2)}
        # Rotate the order, so that no pipeline always runs first or last in a pause.
        jobs: list[tuple[str, Any]] = [(f"encoder_{size}", size) for size in self.sizes] + [("plain", None)]
        jobs = jobs[turn % len(jobs) :] + jobs[: turn % len(jobs)]
        for name, size in jobs:
            started = time.perf_counter()
            if size is None:
                self.plain_chunks += self.plain.add(done)
            else:
                MiniLMEmbedding(embed_batch_size=size).get_text_embedding_batch(texts)
            seconds = time.perf_counter() - started
            row[f"{name}_s"] = round(seconds, 2)
            if size is None:
                self.plain_s += seconds
            else:
                self.encoder_s[size] += seconds
        self.encoder_texts += len(texts)
        self.rows.append(row)
        print(json.dumps(row), flush=True)
        self.paused += time.perf_counter() - paused_at
        self._ingest_started = time.perf_counter()


def measure(data_dir: Path, limit: int, segment: int, sizes: Sequence[int]) -> dict[str, Any]:
    articles = _articles(limit)
    service = _service(data_dir / "newsbot")
    pauses = Pauses(articles, segment, sizes, PlainPipeline(data_dir / "plain"))
    started = time.perf_counter()
    report = service.ingest_articles(pauses.stream(), rebuild=True)
    ingest_s = time.perf_counter() - started - pauses.paused
    pauses.finish()
    ingest_rate = report.chunks_added / ingest_s
    encoder_rates = {size: pauses.encoder_texts / s for size, s in pauses.encoder_s.items()}
    best = max(encoder_rates, key=encoder_rates.__getitem__)
    plain_rate = pauses.plain_chunks / pauses.plain_s
    # The same ratio segment by segment (at the same batch size) shows how far the machine moved it within the run.
    per_segment = [r[f"encoder_{best}_s"] / r["ingest_s"] for r in pauses.rows if r["ingest_s"] > 0]
    return {
        "articles": report.added,
        "chunks": report.chunks_added,
        "segment": segment,
        "ingest_s": round(ingest_s, 1),
        "ingest_chunks_per_s": round(ingest_rate, 1),
        "encoder_chunks_per_s": {size: round(rate, 1) for size, rate in encoder_rates.items()},
        "encoder_best_batch": best,
        "plain_chunks": pauses.plain_chunks,
        "plain_chunks_per_s": round(plain_rate, 1),
        "ingest_vs_encoder": round(ingest_rate / encoder_rates[best], 3),
        "ingest_vs_plain_llama_index": round(ingest_rate / plain_rate, 3),
        "ingest_vs_encoder_by_segment": {
            "min": round(min(per_segment), 3), "median": round(statistics.median(per_segment), 3),
            "max": round(max(per_segment), 3),
        },
        "segments": pauses.rows,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="folder for the two stores (default: a temporary one)")
    parser.add_argument("--limit", type=int, default=300, help="the first N articles of the RealTimeQA file")
    parser.add_argument("--segment", type=int, default=64, help="articles between pauses (default 64)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 128], help="raw encoder batch sizes")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    from index.ingest import ARTICLE_BATCH

    if args.segment % ARTICLE_BATCH:
        # A pause must fall between two of ingest's batches, or a segment's time would hold part of the next one.
        parser.error(f"--segment must be a multiple of {ARTICLE_BATCH}, the articles ingest stores at a time")
    temporary = args.data_dir is None
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="newsbot-paired-"))
    try:
        results = measure(data_dir, args.limit, args.segment, args.sizes)
    finally:
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

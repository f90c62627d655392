"""Ingest rate at several embedding batch sizes (texts handed to the encoder per call), alternating rounds.

    python bench/ingest_batch.py --articles 100 --sizes 64 128 --rounds 2

Each run ingests the first N RealTimeQA articles into a fresh store of its own (read in place, never copied).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from bench.ingest_scale import _articles
    from bot.wiring import build_service
    from config.settings import load_settings

    articles = _articles(args.articles)
    root = Path(tempfile.mkdtemp(prefix="newsbot-batch-"))
    try:
        for n in range(1, args.rounds + 1):
            for size in args.sizes:
                folder = root / f"{n}-{size}"
                settings = load_settings(data_dir=folder, seeds_dir=folder / "none", llm="extractive",
                                         embed_batch_size=size)
                service = build_service(settings)
                service.ingestor.embed_model.get_text_embedding_batch(["warm up"] * 4)
                started = time.perf_counter()
                report = service.ingest_articles(articles, rebuild=True)
                rate = report.chunks_added / (time.perf_counter() - started)
                print(f"round {n}  embed batch {size:4d}: {report.chunks_added} chunks, {rate:.1f}/s", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

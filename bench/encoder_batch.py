"""Peak memory and rate of the encoder for one padded-pieces-per-run budget (run once per budget: RSS only grows).

    for t in 4096 2048 1024 512; do python bench/encoder_batch.py --max-tokens $t; done
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ARTICLES = ROOT.parent / "shared" / "data" / "realtimeqa" / "articles.jsonl"


def chunk_sized_texts(n: int) -> list[str]:
    """About n slices of ~1,100 characters (≈ 200 word pieces, a chunk) from the first articles."""
    texts: list[str] = []
    with ARTICLES.open() as lines:
        for line in lines:
            body = json.loads(line)["body"]
            texts += [body[i : i + 1100] for i in range(0, min(len(body), 4400), 1100)]
            if len(texts) >= n:
                return texts[:n]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-tokens", type=int, required=True, help="padded word pieces per onnxruntime run")
    parser.add_argument("--batch", type=int, default=64, help="texts per batch (the ingest default)")
    parser.add_argument("-n", type=int, default=600, help="how many texts")
    args = parser.parse_args()
    from index.embedding import encode

    texts = chunk_sized_texts(args.n)
    started = time.perf_counter()
    encode(texts, args.batch, args.max_tokens)
    rate = len(texts) / (time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max_tokens={args.max_tokens} batch={args.batch} texts={len(texts)} "
          f"{rate:.1f} texts/s, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()

"""Time loading, cleaning and chunking one large text file (issue 20: one large file must not sink a run).

Usage: python bench/large_file.py [MEGABYTES] [--shape prose|oneline|lines]
  prose:   the seed articles' paragraphs repeated, blank lines between (a concatenated archive)
  oneline: the same words as one paragraph with no line breaks (a scraped page without markup)
  lines:   one sentence per line, no blank lines (a hard-wrapped dump)
  dots:    "a. a. a. …", the shape that made NLTK's punkt exceed its 5 s regex limit
No embedding: this measures the part of ingest that runs before the encoder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_text(megabytes: float, shape: str) -> str:
    paragraphs = []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        body = seed.read_text().split("\n\n", 1)[1]
        paragraphs += [p.strip() for p in body.split("\n\n") if p.strip()]
    if shape == "dots":
        return "Title: A very large file\n\n" + "a. " * int(megabytes * 1_000_000 / 3)
    sep = {"prose": "\n\n", "oneline": " ", "lines": "\n"}[shape]
    target = int(megabytes * 1_000_000)
    out: list[str] = []
    size = 0
    while size < target:
        for p in paragraphs:
            out.append(p)
            size += len(p) + len(sep)
    return "Title: A very large file\n\n" + sep.join(out)[:target]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("megabytes", type=float, nargs="?", default=2.0)
    parser.add_argument("--shape", choices=["prose", "oneline", "lines", "dots"], default="prose")
    args = parser.parse_args()

    from bot.wiring import keep_llama_index_offline

    keep_llama_index_offline()
    from index.embedding import piece_counter
    from index.ingest import Chunker
    from index.loaders import iter_articles
    from index.types import Article

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.txt"
        path.write_text(make_text(args.megabytes, args.shape))
        started = time.perf_counter()
        items = list(iter_articles([path]))
        loaded = time.perf_counter()
        chunker = Chunker(200, 30, piece_counter)
        try:
            chunks = str(sum(len(chunker.split(item)) for item in items if isinstance(item, Article)))
        except Exception as exc:  # noqa: BLE001 - the failure is the measurement
            chunks = f"failed: {exc.__class__.__name__}: {str(exc)[:60]}"
        done = time.perf_counter()
        try:  # with the default limit (newer code only): how long refusing the file takes
            refused_at = time.perf_counter()
            refused = [str(i) for i in iter_articles([path], max_bytes=1_000_000)]  # type: ignore[call-arg]
            refusal = f"{time.perf_counter() - refused_at:.3f}s: {refused[0][len(str(path)) + 2:][:40]}…"
        except TypeError:
            refusal = "no size limit"
    print(f"{args.megabytes} MB {args.shape}: load+clean {loaded - started:.2f}s, chunk {done - loaded:.2f}s "
          f"({chunks} chunks); with a 1 MB limit: {refusal}")


if __name__ == "__main__":
    main()

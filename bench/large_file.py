"""Time loading, cleaning and chunking one large text file (issue 20: one large file must not sink a run).

Usage: python bench/large_file.py [MEGABYTES] [--shape prose|oneline|lines]
  prose:   the seed articles' paragraphs repeated, blank lines between (a concatenated archive)
  oneline: the same words as one paragraph with no line breaks (a scraped page without markup)
  lines:   one sentence per line, no blank lines (a hard-wrapped dump)
  dots:    "a. a. a. …", the shape that made NLTK's punkt exceed its 5 s regex limit
  bold, video, credit: one line of unclosed "**a " marks (a .md file), of "JUST WATCHED … Replay More Videos"
           without the player's end, of "(Photo by " without a closing bracket: the cleaner's worst cases
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
    worst = {"dots": "a. ", "bold": "**a ", "video": "JUST WATCHED x Replay More Videos y ", "credit": "(Photo by "}
    if shape in worst:
        unit = worst[shape]
        return "Title: A very large file\n\n" + unit * int(megabytes * 1_000_000 / len(unit))
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
    shapes = ["prose", "oneline", "lines", "dots", "bold", "video", "credit"]
    parser.add_argument("--shape", choices=shapes, default="prose")
    args = parser.parse_args()

    from bot.wiring import keep_llama_index_offline

    keep_llama_index_offline()
    from index.embedding import piece_counter
    from index.ingest import Chunker
    from index.loaders import iter_articles
    from index.types import Article

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("large.md" if args.shape == "bold" else "large.txt")
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
            first = next(iter(iter_articles([path], max_bytes=1_000_000)))  # type: ignore[call-arg]
            verdict = "accepted" if isinstance(first, Article) else "refused"
            refusal = f"{verdict} in {time.perf_counter() - refused_at:.3f}s"
        except TypeError:
            refusal = "no size limit"
    print(f"{args.megabytes} MB {args.shape}: load+clean {loaded - started:.2f}s, chunk {done - loaded:.2f}s "
          f"({chunks} chunks); with a 1 MB limit: {refusal}")


if __name__ == "__main__":
    main()

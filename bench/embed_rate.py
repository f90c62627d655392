"""Measure how many texts per second the offline MiniLM encoder embeds at several batch sizes."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

# Run as a script from anywhere in the checkout: make the repository's packages importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.embedding import (  # noqa: E402
    MODEL_NAME,
    MiniLMEmbedding,
    _cores,
    _get_session,
    _tokenizer,
    encode,
    word_pieces,
)

logger = logging.getLogger(__name__)

# The shared data folder sits beside the checkout (../shared); articles are read in place, never copied.
REALTIMEQA = Path(__file__).resolve().parents[2] / "shared" / "data" / "realtimeqa"
DEFAULT_ARTICLES = REALTIMEQA / "articles.jsonl"
BATCH_SIZES = (1, 10, 32, 64, 128)
WAYS = ("unsorted", "sorted", "MiniLMEmbedding")


def _bodies(path: Path) -> Iterator[str]:
    """Yield article bodies from a JSON-lines file, read in place."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line).get("body") or ""


def load_paragraphs(path: Path, limit: int) -> list[str]:
    """The first `limit` non-empty paragraphs of the articles' bodies."""
    out: list[str] = []
    for body in _bodies(path):
        out.extend(p.strip() for p in body.split("\n") if p.strip())
        if len(out) >= limit:
            break
    return out[:limit]


def load_chunks(path: Path, limit: int, chunk_size: int = 200) -> list[str]:
    """The first `limit` chunks the ingest splitter makes, sized in the model's word pieces."""
    from llama_index.core.node_parser import SentenceSplitter

    splitter = SentenceSplitter(chunk_size=chunk_size, chunk_overlap=30, tokenizer=word_pieces)
    out: list[str] = []
    for body in _bodies(path):
        out.extend(splitter.split_text(body))
        if len(out) >= limit:
            break
    return out[:limit]


def rate(texts: Sequence[str], batch_size: int, how: str) -> float:
    """Texts per second at one batch size, fed one of three ways."""
    start = time.perf_counter()
    if how == "unsorted":  # consecutive groups, each padded to its longest text
        for i in range(0, len(texts), batch_size):
            encode(texts[i : i + batch_size], batch_size, max_tokens=None)
    elif how == "sorted":  # the whole list length-sorted, then cut into batches
        encode(texts, batch_size, max_tokens=None)
    else:  # what ingest gets: llama-index's batches, each sorted and split by the token budget
        MiniLMEmbedding(embed_batch_size=batch_size).get_text_embedding_batch(list(texts))
    return round(len(texts) / (time.perf_counter() - start), 1)


def run(texts: Sequence[str], batch_sizes: Sequence[int]) -> list[dict[str, float]]:
    """Measure every batch size every way."""
    encode(texts[:16], 16)  # warm-up: session creation and first-run allocations are not the encoder's rate
    rows: list[dict[str, float]] = []
    for size in batch_sizes:
        row: dict[str, float] = {"batch_size": size}
        for how in WAYS:
            # With one text per batch there is no padding, so the way of feeding cannot matter.
            row[how] = row["unsorted"] if size == 1 and how != "unsorted" else rate(texts, size, how)
        rows.append(row)
        logger.info("batch %d done", size)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Parse flags, measure, print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="JSON lines, body field.")
    parser.add_argument("-n", "--paragraphs", type=int, default=2000, help="How many texts to embed per run.")
    parser.add_argument("--unit", choices=("paragraphs", "chunks"), default="paragraphs",
                        help="Embed raw paragraphs, or ~200-word-piece chunks as ingest makes them.")
    parser.add_argument("--batch-sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=list(BATCH_SIZES), help="Comma-separated batch sizes.")
    parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    load = load_paragraphs if args.unit == "paragraphs" else load_chunks
    texts = load(args.articles, args.paragraphs)
    if not texts:
        parser.error(f"no texts found in {args.articles}")
    lengths = [len(e.ids) for e in _tokenizer().encode_batch(texts)]
    _get_session()
    rows = run(texts, args.batch_sizes)
    best = max(rows, key=lambda r: r["MiniLMEmbedding"])
    report = {
        "model": MODEL_NAME,
        "threads": _cores(),
        "unit": args.unit,
        "texts": len(texts),
        "mean_pieces": round(sum(lengths) / len(lengths), 1),
        "max_pieces": max(lengths),
        "rows": rows,
        "best_batch_size": best["batch_size"],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{MODEL_NAME}, {report['threads']} threads, {len(texts)} {args.unit}: {report['mean_pieces']} "
          f"word pieces on average, max {report['max_pieces']} ([CLS] and [SEP] included)")
    print("texts/s   " + "".join(f"{how:>17}" for how in WAYS))
    for row in rows:
        print(f"batch {row['batch_size']:>3}" + "".join(f"{row[how]:>17.1f}" for how in WAYS))
    print(f"best embed_batch_size for MiniLMEmbedding: {best['batch_size']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

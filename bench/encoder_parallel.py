"""Chunk embedding two ways on the same texts: one run at a time on all cores, or runs side by side, one core each.

    python bench/encoder_parallel.py --articles 60 --rounds 3

`index.embedding.encode` does the second; the first is what it did before (and what most wrappers do). Both feed
the same length-sorted sub-batches of the same chunk texts to the same model file; rounds alternate the two ways,
so machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ARTICLES = ROOT.parent / "shared" / "data" / "realtimeqa" / "articles.jsonl"


def chunk_texts(articles: int) -> list[str]:
    """The chunk texts ingest embeds (title in front) for the first `articles` articles."""
    from index.embedding import word_pieces
    from index.ingest import Chunker
    from index.loaders import iter_articles
    from index.types import Article

    chunker = Chunker(200, 30, word_pieces)
    items = (a for a in iter_articles([ARTICLES]) if isinstance(a, Article))
    return [c.embedding_text() for a in islice(items, articles) for c in chunker.split(a)]


def one_at_a_time(texts: list[str], max_tokens: int) -> None:
    """The same sub-batches as encode, run one after another on a session using every core."""
    from index import embedding

    session = embedding._get_session()
    encodings = embedding._tokenizer().encode_batch(texts)
    lengths = [len(e.ids) for e in encodings]
    for rows in embedding._sub_batches(lengths, 64, max_tokens):
        embedding.embed_rows(session, encodings, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60, help="chunk the first N articles")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from index.embedding import MAX_BATCH_TOKENS, encode

    texts = chunk_texts(args.articles)
    encode(texts[:8], 8)
    one_at_a_time(texts[:8], MAX_BATCH_TOKENS)
    print(f"{len(texts)} chunk texts, {MAX_BATCH_TOKENS} padded pieces a run")
    for n in range(1, args.rounds + 1):
        for label, run in (("one run at a time, all cores", lambda: one_at_a_time(texts, 1024)),
                           ("side by side, one core each", lambda: encode(texts, 64))):
            started = time.perf_counter()
            run()
            print(f"round {n}  {label:30s} {len(texts) / (time.perf_counter() - started):5.1f} texts/s", flush=True)


if __name__ == "__main__":
    main()

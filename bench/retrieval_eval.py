"""Compare ranking configurations on the RealTimeQA dev questions, on a tuning half and a held-out half.

    python bench/retrieval_eval.py --data-dir STORE            # the ingested store
    python bench/retrieval_eval.py --chunks CHUNKS.jsonl       # BM25 only, no embeddings needed

The halves are fixed by a hash of the question id, so every configuration is judged on the same split; choose
on the tuning half, report both. Only article ranking is measured here (no answers): see `newsbot eval`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.evaluate import DEPTH, Question, load_questions  # noqa: E402
from index.periods import named_period  # noqa: E402
from index.ranking import Ranking  # noqa: E402
from index.search import Searcher  # noqa: E402
from index.types import SearchFilters  # noqa: E402

logger = logging.getLogger(__name__)

# The shared data folder sits beside the checkout (../shared); articles are read in place, never copied.
REALTIMEQA = Path(__file__).resolve().parents[2] / "shared" / "data" / "realtimeqa"
QUESTIONS = REALTIMEQA / "dev_questions.jsonl"
ARTICLES = REALTIMEQA / "articles.jsonl"


def half(question_id: str) -> str:
    """"tune" or "holdout", fixed per question."""
    return "tune" if int(hashlib.sha1(question_id.encode()).hexdigest(), 16) % 2 == 0 else "holdout"


def ranks(
    searcher: Searcher,
    questions: Sequence[Question],
    ranking: Ranking,
    dates: bool,
    months_in_text: bool = False,
    stale_days: int | None = None,
    dated_to_archive_end: bool = False,
) -> dict[str, int | None]:
    """Rank of the first gold article per question id (None: not in the top DEPTH).

    With `months_in_text`, each question names the month of its date instead ("… in July 2022?") and is dated to
    that month the way `newsbot ask` dates such a question (`NewsService.reference_date`). With `stale_days`, each
    question is asked today of an archive that ended that many days after its date (`until`, no reference date):
    "this week" then means the archive's last days, as for a user asking an archive that stopped growing. With
    `dated_to_archive_end` too, the question is dated to that last day, as `newsbot ask` dates "this week" on an
    archive that is up to date: a user asking "this week" about a story `stale_days` old.
    """
    searcher.ranking = ranking
    out: dict[str, int | None] = {}
    for q in questions:
        text, filters = q.question, SearchFilters(as_of=q.question_date if dates else None)
        if stale_days is not None and q.question_date is not None:
            end = q.question_date + timedelta(days=stale_days)
            filters = SearchFilters(until=end, as_of=end if dated_to_archive_end else None)
        if months_in_text and q.question_date is not None:
            text = naming_its_month(q.question, q.question_date)
            period = named_period(text)
            assert period is not None, text
            filters = period.dating()
        articles = searcher.rank_articles(text, filters, DEPTH)
        gold = set(q.evidence)
        out[q.id] = next((i + 1 for i, a in enumerate(articles) if gold & {a.article_id, *a.copies}), None)
    return out


def naming_its_month(question: str, day: date) -> str:
    """The question as if asked with its month: "Who won this week?" -> "Who won this week in July 2022?"."""
    return f"{question.rstrip().rstrip('?').rstrip()} in {day:%B %Y}?"


def metrics(values: Sequence[int | None]) -> dict[str, float]:
    """hit@1/5/10 and MRR of a list of ranks."""
    n = max(len(values), 1)
    out = {f"hit@{k}": sum(1 for r in values if r is not None and r <= k) / n for k in (1, 5, 10)}
    out["MRR"] = sum(1.0 / r for r in values if r) / n
    return out


def chunk_corpus(articles: Path, out: Path, chunk_size: int = 200, overlap: int = 30) -> None:
    """Chunk the corpus exactly as ingest does, once, into JSON lines (for BM25-only runs without a store)."""
    from index.embedding import piece_counter
    from index.ingest import Chunker
    from index.loaders import iter_articles
    from index.types import Article

    chunker = Chunker(chunk_size, overlap, piece_counter)
    with out.open("w", encoding="utf-8") as handle:
        for item in iter_articles([articles]):
            if isinstance(item, Article):
                for chunk in chunker.split(item):
                    row = {"id": chunk.chunk_id, "text": chunk.text, "meta": chunk.metadata()}
                    handle.write(json.dumps(row) + "\n")


class _ZeroEmbedding:
    """Stands in for the encoder in BM25-only runs."""

    def get_query_embedding(self, query: str) -> list[float]:
        return [0.0]


def bm25_only_searcher(chunks: Path) -> Searcher:
    """A Searcher over pre-chunked text with no vectors (dense scores are all zero); the index is cached."""
    import numpy as np

    from index.local_index import LocalIndex
    from index.mirror import Mirror
    from index.mirror_file import load, save

    cached = chunks.with_suffix(".index.npz")
    index = load(cached)
    if index is None:
        index = LocalIndex()
        with chunks.open(encoding="utf-8") as lines:
            rows = [json.loads(line) for line in lines]
        index.append((r["id"], r["text"], r["meta"], np.zeros(1, dtype=np.float32)) for r in rows)
        save(index, cached)
    searcher = Searcher(store=None, embed_model=_ZeroEmbedding())  # type: ignore[arg-type]
    searcher.mirror = Mirror(None, None, index)  # type: ignore[arg-type]  # no store: the index is all there is
    return searcher


def store_searcher(data_dir: Path) -> Searcher:
    """The Searcher `newsbot` would use over the store in `data_dir`."""
    from bot.wiring import build_service
    from config.settings import load_settings

    return build_service(load_settings(data_dir=data_dir)).searcher


# Each configuration is the default Ranking with some knobs changed; the last one is the default itself. (Rows in
# docs/history also name configurations that lost and left the code: a date inferred from the top results, a day's
# grace after the reference date in the "plain" prior.)
_PLAIN = dict(rrf_k=60.0, dense_weight=1.0, lead_boost=0.0, date_weight=1.0, window=7, half_life=7.0,
              drop_time_words=False, sentence_weight=0.0, recency_weight=0.0, relative_recency_weight=0.0,
              roundup_weight=0.0)
CONFIGS: dict[str, dict[str, Any]] = {
    "bm25: chunks (title+text), article = best chunk, plain date prior": dict(_PLAIN, mode="bm25"),
    "bm25 + prior tuned (6-day window, weight 4, half-life 3, no future)": dict(
        mode="bm25", lead_boost=0.0, date_weight=4.0
    ),
    "bm25 + lead chunk x1.5": dict(mode="bm25"),
    "vector: exact cosine over all chunks, article = best chunk, plain date prior": dict(_PLAIN, mode="vector"),
    "vector + tuned prior": dict(mode="vector"),
    "hybrid RRF k=60, equal weights, no lead, plain date prior": dict(_PLAIN),
    "hybrid RRF k=20, dense 0.7, no lead, tuned prior": dict(lead_boost=0.0, sentence_weight=0.0),
    "default but time words kept in dated BM25 queries": dict(drop_time_words=False, sentence_weight=0.0),
    "default but a named month's words kept in the query (--months-in-text)": dict(drop_period_words=False),
    "default without the sentence stage": dict(sentence_weight=0.0),
    "sentence stage weight 0.5": dict(sentence_weight=0.5),
    "sentence stage over the top 5 articles": dict(sentence_top=5),
    "sentence stage weight 2": dict(sentence_weight=2.0),
    "default without recency": dict(recency_weight=0.0, relative_recency_weight=0.0),
    "recency weight 1 for every question": dict(
        recency_weight=1.0, relative_recency_weight=1.0, relative_recency_half_life=365.0
    ),
    "recency half-life 180 days for every question": dict(
        recency_half_life=180.0, relative_recency_weight=0.5, relative_recency_half_life=180.0
    ),
    "date prior for every article, not only the 50 best matches": dict(date_prior_top=0),
    "date prior worth 4 votes (before)": dict(date_weight=4.0),
    "date prior worth 3 votes": dict(date_weight=3.0),
    "date prior worth 2 votes": dict(date_weight=2.0),
    "date prior for the 20 best matches": dict(date_prior_top=20),
    "date prior for the 100 best matches": dict(date_prior_top=100),
    "questions placed in time: recency as for others (0.5, half-life 365)": dict(
        relative_recency_weight=0.5, relative_recency_half_life=365.0
    ),
    "questions placed in time: recency 1, half-life 90": dict(relative_recency_half_life=90.0),
    "questions placed in time: recency 1, half-life 365": dict(relative_recency_half_life=365.0),
    "questions placed in time: recency 2, half-life 90": dict(
        relative_recency_weight=2.0, relative_recency_half_life=90.0
    ),
    "roundups demoted by 0.5 votes": dict(roundup_weight=0.5),
    "roundups demoted by 1 vote": dict(roundup_weight=1.0),
    "default without demoting roundups": dict(roundup_weight=0.0),
    "roundups demoted by 4 votes": dict(roundup_weight=4.0),
    "default: hybrid RRF k=20, dense 0.7, lead x1.5, tuned prior, time words dropped when dated, sentence stage, "
    "recency 0.5 (half-life 365 days; 1 and 180 for questions placed in time), roundups demoted by 2 votes, "
    "date prior worth 2.5 votes, for the 50 best matches": {},
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="newsbot data folder of an ingested store")
    parser.add_argument("--chunks", type=Path, help="chunks JSONL for BM25-only runs (made if missing)")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--only", nargs="*", help="configuration names to run (substring match)")
    parser.add_argument("--no-dates", action="store_true", help="only the runs without question dates")
    parser.add_argument(
        "--months-in-text", action="store_true",
        help="instead of passing question dates, name each question's month in its text ('… in July 2022?')",
    )
    parser.add_argument(
        "--stale-days", type=int, nargs="+", metavar="K",
        help="instead of passing question dates, ask each question of an archive that ends K days after its date",
    )
    parser.add_argument(
        "--dated-to-archive-end", action="store_true",
        help="with --stale-days, date each question to the archive's last day (a live archive asked 'this week')",
    )
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    if args.chunks:
        if not args.chunks.exists():
            chunk_corpus(ARTICLES, args.chunks)
        searcher = bm25_only_searcher(args.chunks)
        configs = {k: v for k, v in CONFIGS.items() if v.get("mode") == "bm25"}
    else:
        searcher = store_searcher(args.data_dir or Path("./data"))
        configs = dict(CONFIGS)
    if args.only:
        configs = {k: v for k, v in configs.items() if any(o in k for o in args.only)}
    questions = [q for q in load_questions(args.questions) if q.evidence]
    searcher.index()
    results: list[dict[str, Any]] = []
    tune = sum(half(q.id) == "tune" for q in questions)
    print(f"{len(questions)} questions with evidence; tune {tune}, holdout {len(questions) - tune}")
    print("| configuration | dates | half | hit@1 | hit@5 | hit@10 | MRR | ms/q |")
    print("|---|---|---|---|---|---|---|---|")
    for name, make in configs.items():
        for dates, stale in _datings(args):
            started = time.perf_counter()
            found = ranks(
                searcher, questions, replace(Ranking(), **make), dates, args.months_in_text, stale,
                args.dated_to_archive_end,
            )
            ms = (time.perf_counter() - started) * 1000 / len(questions)
            for part in ("tune", "holdout", "all"):
                values = [found[q.id] for q in questions if part == "all" or half(q.id) == part]
                m = metrics(values)
                dating = (
                    f"archive ends {stale} d later{', dated to its end' if args.dated_to_archive_end else ''}"
                    if stale is not None
                    else "month in text" if args.months_in_text else "yes" if dates else "no"
                )
                results.append({"config": name, "dates": dating, "half": part, **m, "ms": ms})
                print(f"| {name} | {dating} | {part} | {m['hit@1']:.2f} | {m['hit@5']:.2f} | "
                      f"{m['hit@10']:.2f} | {m['MRR']:.2f} | {ms:.0f} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def _datings(args: argparse.Namespace) -> list[tuple[bool, int | None]]:
    """(question dates passed, archive staleness) for each run of a configuration."""
    if args.stale_days:
        return [(False, k) for k in args.stale_days]
    if args.no_dates or args.months_in_text:
        return [(False, None)]
    return [(True, None), (False, None)]


if __name__ == "__main__":
    raise SystemExit(main())

"""The offline writer compared with itself: the same retrieved passages written by several writer settings.

    python bench/writer_eval.py --data-dir STORE

Every RealTimeQA dev question is retrieved once with its date and once without (the default ranking, 6 passages,
as `newsbot ask` does); each writer setting then writes an answer from those passages. Reported per setting:
answers containing the gold answer string on the tuning and held-out halves (`retrieval_eval.half`), the share
over all 303 questions, the abstention rate and the mean length of the answers given, in words — a longer answer
contains more strings, so a setting that only adds words should be compared with one that adds as many.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# name -> ExtractiveWriter keyword arguments
SETTINGS: dict[str, dict[str, Any]] = {
    "default (best sentence with its neighbour, 3 claims)": {},
    "no neighbour (before)": {"neighbours": False},
    "no neighbour, 4 claims": {"neighbours": False, "max_sentences": 4},
    "no neighbour, 5 claims": {"neighbours": False, "max_sentences": 5},
    "neighbour, 2 claims": {"max_sentences": 2},
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested store of the RealTimeQA corpus")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--months-in-text",
        action="store_true",
        help="each question names its month instead ('… in July 2022?'); search with and without those words",
    )
    args = parser.parse_args(argv)
    if args.months_in_text:
        return months_in_text(args)

    import retrieval_eval

    from bot.evaluate import load_questions
    from bot.extractive import ExtractiveWriter
    from index.types import SearchFilters

    searcher = retrieval_eval.store_searcher(args.data_dir)
    questions = load_questions(retrieval_eval.QUESTIONS)
    retrieved = {
        (q.id, dates): searcher.search(q.question, SearchFilters(as_of=q.question_date if dates else None), k=6)
        for dates in (True, False)
        for q in questions
    }
    rows = []
    print("| writer | dates | gold: tune | gold: held out | gold: all | abstained | mean words |")
    print("|---|---|---|---|---|---|---|")
    for name, kwargs in SETTINGS.items():
        writer = ExtractiveWriter(searcher.embed_model, **kwargs)
        for dates in (True, False):
            row = {"writer": name, "dates": dates}
            row.update(score(writer, questions, lambda q: q.question, lambda q, d=dates: retrieved[(q.id, d)]))
            rows.append(row)
            print(f"| {name} | {'yes' if dates else 'no'} | {_cells(row)} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def months_in_text(args: argparse.Namespace) -> int:
    """Each question names the month of its date and is dated to it as `newsbot ask` dates it; the search either
    matches the month's words too or leaves them out (the default). The writer always sees the whole question."""
    from dataclasses import replace

    import retrieval_eval

    from bot.evaluate import load_questions
    from bot.extractive import ExtractiveWriter
    from index.periods import named_period

    searcher = retrieval_eval.store_searcher(args.data_dir)
    default = searcher.ranking
    questions = [q for q in load_questions(retrieval_eval.QUESTIONS) if q.question_date is not None]
    texts = {q.id: retrieval_eval.naming_its_month(q.question, q.question_date) for q in questions}
    retrieved = {}
    for keep in (True, False):
        searcher.ranking = replace(default, drop_period_words=not keep)
        for q in questions:
            period = named_period(texts[q.id])
            assert period is not None
            filters = period.dating()
            retrieved[(q.id, keep)] = searcher.search(texts[q.id], filters, k=6)
    searcher.ranking = default
    variants = {"matched by the search (before)": True, "left out of the search (default)": False}
    rows: list[dict[str, Any]] = []
    print(f"{len(questions)} questions, each naming its month")
    print("| month's words | gold: tune | gold: held out | gold: all | abstained | mean words |")
    print("|---|---|---|---|---|---|")
    writer = ExtractiveWriter(searcher.embed_model)
    for name, search_keeps in variants.items():
        row = {"variant": name}
        row.update(score(writer, questions, lambda q: texts[q.id], lambda q, k=search_keeps: retrieved[(q.id, k)]))
        rows.append(row)
        print(f"| {name} | {_cells(row)} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def score(
    writer: Any, questions: Sequence[Any], text_of: Callable[[Any], str], passages_of: Callable[[Any], list[Any]]
) -> dict[str, Any]:
    """Gold answers per half, abstention and mean answer length of `writer` over the questions."""
    import retrieval_eval

    from bot.evaluate import contains_answer

    gold = {"tune": 0, "holdout": 0}
    size = {"tune": 0, "holdout": 0}
    abstained, lengths = 0, []
    for q in questions:
        answer = writer.write(text_of(q), passages_of(q))
        part = retrieval_eval.half(q.id)
        size[part] += 1
        if answer.abstained:
            abstained += 1
            continue
        lengths.append(len(answer.text.split()))
        gold[part] += contains_answer(answer.text, q.answer)
    return {
        "gold_tune": gold["tune"],
        "gold_holdout": gold["holdout"],
        "tune": size["tune"],
        "holdout": size["holdout"],
        "gold_all": round(sum(gold.values()) / len(questions), 3),
        "abstained": round(abstained / len(questions), 3),
        "mean_words": round(statistics.mean(lengths), 1) if lengths else 0.0,
    }


def _cells(row: dict[str, Any]) -> str:
    return (
        f"{row['gold_tune']}/{row['tune']} | {row['gold_holdout']}/{row['holdout']} | {row['gold_all']:.3f} | "
        f"{row['abstained']:.3f} | {row['mean_words']}"
    )


if __name__ == "__main__":
    raise SystemExit(main())

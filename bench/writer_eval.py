"""The offline writer compared with itself: the same retrieved passages written by several writer settings.

    python bench/writer_eval.py --data-dir /work/rtqa-data/store

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
from collections.abc import Sequence
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
    args = parser.parse_args(argv)

    import retrieval_eval

    from bot.evaluate import contains_answer, load_questions
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
            gold = {"tune": 0, "holdout": 0}
            size = {"tune": 0, "holdout": 0}
            abstained, lengths = 0, []
            for q in questions:
                answer = writer.write(q.question, retrieved[(q.id, dates)])
                part = retrieval_eval.half(q.id)
                size[part] += 1
                if answer.abstained:
                    abstained += 1
                    continue
                lengths.append(len(answer.text.split()))
                gold[part] += contains_answer(answer.text, q.answer)
            row = {
                "writer": name,
                "dates": dates,
                "gold_tune": gold["tune"],
                "gold_holdout": gold["holdout"],
                "tune": size["tune"],
                "holdout": size["holdout"],
                "gold_all": round(sum(gold.values()) / len(questions), 3),
                "abstained": round(abstained / len(questions), 3),
                "mean_words": round(statistics.mean(lengths), 1) if lengths else 0.0,
            }
            rows.append(row)
            print(
                f"| {name} | {'yes' if dates else 'no'} | {row['gold_tune']}/{row['tune']} | "
                f"{row['gold_holdout']}/{row['holdout']} | {row['gold_all']:.3f} | {row['abstained']:.3f} | "
                f"{row['mean_words']} |",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

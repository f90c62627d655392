"""How citing echoes changes offline answers: the same retrieved passages written two ways.

    python bench/answer_echoes.py --data-dir STORE

"before": the three best sentences (within 0.8 of the best score), each quoted, as the writer did before echoes.
"now": `ExtractiveWriter.write`, where a sentence another article repeats is cited beside the first ([1][2]).
Every dev question is asked with its date and without; the report counts answers whose text changed, answers with
an echo, and answers that contain the gold answer string either way.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested store of the RealTimeQA corpus")
    parser.add_argument("--examples", type=int, default=5, help="changed answers to print")
    args = parser.parse_args(argv)

    import retrieval_eval

    from bot import extractive, statements
    from bot.citations import number_citations
    from bot.evaluate import contains_answer, load_questions
    from index.types import SearchFilters

    searcher = retrieval_eval.store_searcher(args.data_dir)
    # Without the neighbouring sentence, so that only the echoes differ.
    writer = extractive.ExtractiveWriter(searcher.embed_model)
    counts = {"answered": 0, "changed": 0, "with_echo": 0, "gold_before": 0, "gold_now": 0}
    examples = []
    for dates in (True, False):
        for q in load_questions(retrieval_eval.QUESTIONS):
            filters = SearchFilters(as_of=q.question_date if dates else None)
            passages = searcher.retrieve(q.question, filters, k=6, articles=50).passages
            now = writer.write(q.question, passages)
            if now.abstained:
                continue
            ranked = writer.rank_sentences(q.question, passages)
            good = [c for c in ranked if c.score >= 0.8 * extractive.best_score(ranked)]
            before = number_citations(q.question, [(c.sentence, c.passage) for c in good[: statements.MAX_SENTENCES]])
            counts["answered"] += 1
            counts["changed"] += before.text != now.text
            counts["with_echo"] += any(claim.echoes for claim in statements.distinct_statements(good))
            counts["gold_before"] += contains_answer(before.text, q.answer)
            counts["gold_now"] += contains_answer(now.text, q.answer)
            if before.text != now.text and len(examples) < args.examples:
                examples.append({"question": q.question, "before": before.text, "now": now.text})
    print(json.dumps(counts))
    for example in examples:
        print(json.dumps(example, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Calibrate the extractive writer's abstention thresholds on real questions.

Answerable: RealTimeQA dev questions asked of a store holding the whole corpus (with the question's date as
the reference date) whose gold article is among the retrieved passages, or whose gold answer string occurs in
them. Unanswerable: every dev question asked of a store holding only the two
seed articles (about Iran and Trump, so none of the quiz questions is answered there), plus a few general-knowledge
questions asked of the full store. For each question we record the best passage score and the best sentence score,
then sweep thresholds and report how many answerable questions are kept and how many unanswerable ones abstain.

    python bench/calibrate_abstention.py --full-data STORE --seeds-data SEEDS_STORE --out calib.json
    python bench/calibrate_abstention.py --features calib.json --strong 0.6    # the sweep again, no searching
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUESTIONS = ROOT.parent / "shared" / "data" / "realtimeqa" / "dev_questions.jsonl"

GENERAL_KNOWLEDGE = [
    "What is the capital of Australia?",
    "How many legs does a spider have?",
    "Who painted the Mona Lisa?",
    "What is the boiling point of water at sea level?",
    "Who wrote Pride and Prejudice?",
    "What is the chemical symbol for gold?",
    "How far is the Moon from the Earth?",
    "What language is spoken in Brazil?",
]


def features(service, question: str, as_of: date | None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from bot.extractive import ExtractiveWriter, best_score
    from index.types import SearchFilters

    filters = SearchFilters(as_of=as_of) if as_of else None
    passages = service.search(question, filters)
    writer = service.writer if isinstance(service.writer, ExtractiveWriter) else ExtractiveWriter(None)
    ranked = writer.rank_sentences(question, passages)
    return {
        "text": " ".join(p.text for p in passages).lower(),
        "passage": max((p.score for p in passages), default=-1.0),
        "sentence": best_score(ranked),
        "articles": [p.article_id for p in passages],
    }


def collect(full_dir: Path, seeds_dir: Path) -> list[dict[str, object]]:
    from bot.wiring import build_service
    from config.settings import load_settings

    rows: list[dict[str, object]] = []
    questions = [json.loads(line) for line in QUESTIONS.open() if line.strip()]
    full = build_service(load_settings(data_dir=full_dir, llm="extractive"))
    for q in questions:
        gold = set(q.get("evidence_article_ids") or [])
        as_of = date.fromisoformat(q["question_date"][:10]) if q.get("question_date") else None
        f = features(full, q["question"], as_of)
        found = gold & set(f["articles"]) or str(q["answer"]).lower() in str(f["text"])  # type: ignore[arg-type]
        if found:
            rows.append({"kind": "answerable", **f})
    for question in GENERAL_KNOWLEDGE:
        rows.append({"kind": "unanswerable-general", **features(full, question, None)})
    seeds = build_service(load_settings(data_dir=seeds_dir, llm="extractive"))
    seeds.ensure_seeded()
    for q in questions:
        rows.append({"kind": "unanswerable-seeds", **features(seeds, q["question"], None)})
    return rows


def sweep(rows: list[dict[str, object]], strong: float = 9.0) -> list[dict[str, float]]:
    """Answered and abstained shares for each pair of floors; a best sentence of `strong` or more answers even
    from passages under the passage floor (the writer's STRONG_SENTENCE_SCORE; the default 9 turns that off)."""
    answerable = [r for r in rows if r["kind"] == "answerable"]
    unanswerable = [r for r in rows if r["kind"] != "answerable"]
    table = []
    for p_min in (0.3, 0.35, 0.4, 0.45):
        for s_min in (0.38, 0.42, 0.46, 0.5):
            def answers(r: dict[str, object]) -> bool:
                sentence = float(r["sentence"])  # type: ignore[arg-type]
                return sentence >= s_min and (float(r["passage"]) >= p_min or sentence >= strong)  # type: ignore[arg-type]  # noqa: B023

            kept = sum(answers(r) for r in answerable) / max(len(answerable), 1)
            abstained = sum(not answers(r) for r in unanswerable) / max(len(unanswerable), 1)
            table.append({"passage_min": p_min, "sentence_min": s_min, "answered": kept, "abstained": abstained})
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-data", type=Path, help="data dir with the whole corpus ingested")
    parser.add_argument("--seeds-data", type=Path, help="data dir for a seeds-only store")
    parser.add_argument("--out", type=Path, help="write the raw features here (JSON)")
    parser.add_argument("--features", type=Path, help="sweep the features an earlier --out wrote instead")
    parser.add_argument(
        "--strong", type=float, default=9.0,
        help="a best sentence this high answers from passages under the passage floor (the writer uses 0.6)",
    )
    args = parser.parse_args()
    if args.features:
        rows = json.loads(args.features.read_text())
    elif args.full_data and args.seeds_data:
        rows = collect(args.full_data, args.seeds_data)
    else:
        parser.error("give --full-data and --seeds-data, or --features")
    if args.out:
        args.out.write_text(json.dumps([{k: v for k, v in r.items() if k != "text"} for r in rows]))
    counts = {kind: sum(r["kind"] == kind for r in rows) for kind in {str(r["kind"]) for r in rows}}
    print("questions:", counts)
    print(f"{'passage≥':>9} {'sentence≥':>10} {'answerable answered':>20} {'unanswerable abstained':>23}")
    for row in sweep(rows, args.strong):
        print(f"{row['passage_min']:>9.2f} {row['sentence_min']:>10.2f} {row['answered']:>20.3f} "
              f"{row['abstained']:>23.3f}")


if __name__ == "__main__":
    main()

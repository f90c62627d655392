"""Calibrate when the offline writer declines: on answerable dev questions and on questions the articles can't
answer (bench/unanswerable.py), choosing on the tuning half and reporting the held-out half.

Each question is retrieved as `newsbot eval` does (its question_date as reference date) and written once by a
writer that never declines on scores; its features (best sentence score, best passage score, names the articles
lack, share of the question's words missing from the article to quote) are recorded, and the thresholds are swept
over them. Goals: keep answering at least 95% of answerable questions whose gold article reaches the writer, and
decline at least 90% of the unanswerable ones.

    python bench/unanswerable.py
    NEWSBOT_DATA_DIR=STORE python bench/calibrate_answers.py --out bench/out/answer-features.jsonl
    python bench/calibrate_answers.py --features bench/out/answer-features.jsonl     # the sweep again
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
DEV = ROOT.parent / "shared" / "data" / "realtimeqa" / "dev_questions.jsonl"


def features(out: Path) -> list[dict[str, object]]:
    from unanswerable import half  # type: ignore[import-not-found]

    from bot.evaluate import contains_answer, first_sentence
    from bot.extractive import ExtractiveWriter
    from bot.wiring import build_service
    from config.settings import Settings
    from index.query import parse
    from index.types import SearchFilters

    service = build_service(Settings())
    searcher = service.searcher
    writer = ExtractiveWriter(
        searcher.embed_model, min_passage_score=-1, min_sentence_score=-1, max_unsaid_share=1.0,
        article_text=searcher.article_text,
    )
    questions = [json.loads(line) for line in DEV.open(encoding="utf-8")]
    questions += [json.loads(line) for line in (OUT / "unanswerable.jsonl").open(encoding="utf-8")]
    rows = []
    with out.open("w", encoding="utf-8") as handle:
        for i, q in enumerate(questions):
            day = q.get("question_date") or ""
            as_of = date.fromisoformat(day[:10]) if day else None
            retrieval = searcher.retrieve(q["question"], SearchFilters(as_of=as_of), k=service.settings.top_k)
            query = parse(q["question"])
            found = writer.assess(query, retrieval.passages)
            answer = writer.write(q["question"], retrieval.passages)
            cited = {p.article_id for p in retrieval.passages}
            row = {
                "id": q["id"],
                "half": half(q["id"]),
                "answerable": q.get("answerable", True),
                "kind": q.get("kind", "dev"),
                "gold_retrieved": bool(set(q.get("evidence_article_ids") or ()) & cited),
                "best": found.best,
                "passage_best": found.passage_best,
                "names_missing": [s.text for s in found.missing],
                "unsaid_share": found.unsaid_share,
                "unsaid_part": bool(found.unsaid_part),
                "correct": contains_answer(answer.text, q.get("answer") or ""),
                "first_correct": contains_answer(first_sentence(answer.text), q.get("answer") or ""),
                "chars": len(answer.text),
                "answer": answer.text,
                "question": q["question"],
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            rows.append(row)
            if i % 50 == 0:
                print(f"{i}/{len(questions)}", file=sys.stderr)
    return rows


def declines(row: dict[str, object], mss: float, mps: float, mus: float, strong: float = 0.6) -> bool:
    if row["names_missing"]:
        return True
    best, passage = float(row["best"]), float(row["passage_best"])  # type: ignore[arg-type]
    if best < mss or (passage < mps and best < strong):
        return True
    return not row["unsaid_part"] and float(row["unsaid_share"]) > mus  # type: ignore[arg-type]


def sweep(rows: list[dict[str, object]]) -> None:
    grid = itertools.product(
        (-1.0, 0.30, 0.34, 0.38, 0.42, 0.46), (-1.0, 0.2, 0.25, 0.30), (0.4, 0.5, 0.6, 0.67, 0.75, 0.8, 1.0)
    )
    results = []
    for mss, mps, mus in grid:
        scores = {}
        for part in ("tune", "holdout"):
            mine = [r for r in rows if r["half"] == part]
            reachable = [r for r in mine if r["answerable"] and r["gold_retrieved"]]
            answerable = [r for r in mine if r["answerable"]]
            unanswerable = [r for r in mine if not r["answerable"]]
            scores[part] = (
                sum(not declines(r, mss, mps, mus) for r in reachable) / max(len(reachable), 1),
                sum(declines(r, mss, mps, mus) for r in unanswerable) / max(len(unanswerable), 1),
                sum(r["correct"] and not declines(r, mss, mps, mus) for r in answerable) / max(len(answerable), 1),
            )
        results.append(((mss, mps, mus), scores))
    # Choose on the tuning half: the most unanswerable declined while answering at least 95% of the reachable.
    ok = [r for r in results if r[1]["tune"][0] >= 0.95] or results
    ok.sort(key=lambda r: (r[1]["tune"][1], r[1]["tune"][2]), reverse=True)
    print("| min sentence | min passage | max unsaid share | half | answered (gold retrieved) | declined "
          "(unanswerable) | answer has gold |")
    print("|---:|---:|---:|---|---:|---:|---:|")
    for (mss, mps, mus), scores in ok[:8]:
        for part in ("tune", "holdout"):
            a, d, g = scores[part]
            print(f"| {mss} | {mps} | {mus} | {part} | {a:.3f} | {d:.3f} | {g:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT / "answer-features.jsonl")
    parser.add_argument("--features", type=Path, help="sweep recorded features instead of searching")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    if args.features:
        rows = [json.loads(line) for line in args.features.open(encoding="utf-8")]
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        rows = features(args.out)
    sweep(rows)


if __name__ == "__main__":
    main()

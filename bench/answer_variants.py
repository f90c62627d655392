"""Compare offline-writer settings on the RealTimeQA dev questions, tuning half and held-out half.

Retrieval runs once per question (its question_date as reference date, as `newsbot eval` does); each variant then
writes every answer from the same passages. Reported per half: the gold answer anywhere in the answer, in its first
sentence, the answers' median length, and the abstention rate.

    NEWSBOT_DATA_DIR=STORE python bench/answer_variants.py                       # the writer as it is
    NEWSBOT_DATA_DIR=STORE python bench/answer_variants.py '{"two more": {"max_sentences": 3}}'

The argument names variants: each maps module constants of bot.extractive or bot.statements (upper case, e.g.
"LONG_SENTENCE") or ExtractiveWriter's keyword arguments to the values to try.
"""

from __future__ import annotations

import json
import statistics
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEV = ROOT.parent / "shared" / "data" / "realtimeqa" / "dev_questions.jsonl"


def main() -> None:
    from unanswerable import half  # type: ignore[import-not-found]

    import bot.extractive as extractive
    import bot.statements as statements
    from bot.evaluate import contains_answer, first_sentence
    from bot.wiring import build_service
    from config.settings import Settings
    from index.types import SearchFilters

    service = build_service(Settings())
    searcher = service.searcher
    questions = [json.loads(line) for line in DEV.open(encoding="utf-8")]
    retrieved = []
    for q in questions:
        day = q.get("question_date") or ""
        as_of = date.fromisoformat(day[:10]) if day else None
        retrieved.append(searcher.retrieve(q["question"], SearchFilters(as_of=as_of), k=6).passages)

    variants: dict[str, dict[str, Any]] = {"default": {}}
    extra = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    variants.update(extra)
    print("| variant | half | gold in answer | gold in first sentence | median chars | abstained |")
    print("|---|---|---:|---:|---:|---:|")
    for name, knobs in variants.items():
        module = {k: v for k, v in knobs.items() if k.lstrip("_").isupper()}
        owner = {k: extractive if hasattr(extractive, k) and k not in vars(statements) else statements for k in module}
        saved = {k: getattr(owner[k], k) for k in module}
        for key, value in module.items():
            setattr(owner[key], key, value)
        writer = extractive.ExtractiveWriter(
            searcher.embed_model, article_text=searcher.article_text,
            **{k: v for k, v in knobs.items() if k not in module},
        )
        rows = []
        for q, passages in zip(questions, retrieved, strict=True):
            answer = writer.write(q["question"], passages)
            rows.append((half(q["id"]), answer, q["answer"]))
        for part in ("tune", "holdout"):
            mine = [(a, g) for h, a, g in rows if h == part]
            anywhere = sum(not a.abstained and contains_answer(a.text, g) for a, g in mine) / len(mine)
            first = sum(not a.abstained and contains_answer(first_sentence(a.text), g) for a, g in mine) / len(mine)
            chars = statistics.median([len(a.text) for a, _ in mine if not a.abstained] or [0])
            abstained = sum(a.abstained for a, _ in mine) / len(mine)
            print(f"| {name} | {part} | {anywhere:.3f} | {first:.3f} | {chars:.0f} | {abstained:.3f} |")
        for key, value in saved.items():
            setattr(owner[key], key, value)


if __name__ == "__main__":
    main()

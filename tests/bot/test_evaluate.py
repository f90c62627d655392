"""`newsbot eval`: question loading, answer matching, metrics, and the command over the seeded store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.evaluate import EvalError, QuestionResult, contains_answer, load_questions, percentile, render, summarize


def _write(path: Path, *records: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_load_questions_reads_the_realtimeqa_schema(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "q.jsonl",
        {"id": "a", "question": "Who?", "answer": "Ann", "question_date": "2022-06-16",
         "evidence_article_ids": ["x"], "answer_choices": ["Ann", "Bob"]},
        {"id": "b", "question": "What?", "answer": "B", "question_date": "", "evidence_article_ids": []},
    )
    first, second = load_questions(path)
    assert (first.id, first.question_date, first.evidence) == ("a", date(2022, 6, 16), ("x",))
    assert (second.question_date, second.evidence) == (None, ())
    assert len(load_questions(path, limit=1)) == 1


def test_bad_question_files_are_reported_with_their_line(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match=r"q.jsonl:2"):
        load_questions(_write(tmp_path / "q.jsonl", {"question": "ok"}, {"answer": "no question"}))
    with pytest.raises(EvalError, match="Cannot read"):
        load_questions(tmp_path / "missing.jsonl")


@pytest.mark.parametrize(
    ("answer", "gold", "expected"),
    [
        ("Left out: a ban on military-style assault weapons [1].", "Ban on military-style assault weapons", True),
        ("It happened in the U.S. last week.", "U.S.", True),
        ("Spending reached $1,000 in June.", "$1000", True),
        ("Idahoans protested.", "Idaho", False),
        ("anything", "", False),
    ],
)
def test_contains_answer_normalises(answer: str, gold: str, expected: bool) -> None:
    assert contains_answer(answer, gold) is expected


def _result(
    rank: int | None, evidence: bool = True, abstained: bool = False, correct: bool = False, top: bool = False
) -> QuestionResult:
    return QuestionResult("q", "?", "a", ["x"] if evidence else [], rank if evidence else None, [], top, "", [],
                          abstained, correct, 10.0, 20.0)


def test_summary_metrics() -> None:
    report = summarize(
        [_result(1, correct=True, top=True), _result(3), _result(None, abstained=True),
         _result(None, evidence=False, top=True)],
        "hybrid",
        True,
    )
    assert report.with_evidence == 3
    assert report.hits == {"hit@1": pytest.approx(1 / 3), "hit@5": pytest.approx(2 / 3), "hit@10": pytest.approx(2 / 3)}
    assert report.mrr == pytest.approx((1 + 1 / 3) / 3)
    assert report.abstention_rate == 0.25 and report.answer_contains_gold == 0.25
    assert report.answer_contains_gold_answered == pytest.approx(1 / 3)
    assert report.top_article_has_answer == 0.5  # counted over every question, evidence ids or not
    assert "article hit@5" in render(report) and "abstention rate" in render(report)
    assert percentile([1, 2, 3, 4], 50) == 2 and percentile([], 95) == 0.0


def test_eval_command_over_the_seeded_store(seeded_service, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    newsweek = next(p.article_id for p in seeded_service.search("Rouhani texted Trump eight times")
                    if p.source == "Newsweek")
    questions = _write(
        tmp_path / "q.jsonl",
        {"id": "1", "question": "How many times did Trump text Rouhani at the UN?", "answer": "eight",
         "question_date": "2020-12-02", "evidence_article_ids": [newsweek]},
        {"id": "2", "question": "Which team won the 1954 football World Cup?", "answer": "West Germany",
         "question_date": "2020-12-02", "evidence_article_ids": []},
    )
    # The CLI builds its own service: point it at the seeded store.
    monkeypatch.setattr("bot.wiring.build_service", lambda settings: seeded_service)
    per_question = tmp_path / "out.jsonl"
    assert main(["eval", str(questions), "--json", "--per-question", str(per_question)]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["questions"] == 2 and metrics["with_evidence"] == 1
    assert metrics["hits"]["hit@5"] == 1.0
    assert metrics["abstention_rate"] == 0.5  # the World Cup is not in the articles
    assert metrics["top_article_has_answer"] == 0.5  # the Newsweek story says "eight"; no article names the winner
    rows = [json.loads(line) for line in per_question.read_text().splitlines()]
    assert rows[0]["rank"] is not None and rows[1]["abstained"] is True
    assert rows[0]["top_article_has_answer"] is True and rows[1]["top_article_has_answer"] is False
    assert rows[0]["cited_articles"] and rows[0]["cited_articles"][0] in rows[0]["top_articles"]
    assert rows[1]["cited_articles"] == []  # an abstention cites nothing

    assert main(["eval", str(questions), "--ignore-dates", "--mode", "bm25", "--source", "Newsweek"]) == 0
    table = capsys.readouterr().out
    assert "mode bm25, no dates" in table and "article MRR" in table

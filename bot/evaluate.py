"""`newsbot eval`: measure retrieval (article hit@k, MRR), extractive answers and latency on a question set.

Questions follow the RealTimeQA dev_questions.jsonl schema: `id, question, answer, question_date,
evidence_article_ids`, and may carry `"answerable": false` for questions the articles can't answer (the answer
should then abstain or say what is missing). Retrieval is scored at article level for questions with evidence ids;
answers for all.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from index.errors import NewsbotError
from index.types import SearchFilters

KS = (1, 5, 10)
# Articles ranked per question: MRR looks this deep (a gold article further down counts as a miss).
DEPTH = 50


class EvalError(NewsbotError):
    """The question file cannot be used."""


@dataclass(frozen=True)
class Question:
    """One evaluation question."""

    id: str
    question: str
    answer: str
    question_date: date | None
    evidence: tuple[str, ...]
    answerable: bool = True


@dataclass
class QuestionResult:
    """What happened to one question."""

    id: str
    question: str
    gold_answer: str
    evidence: list[str]
    rank: int | None
    top_articles: list[str]
    # Whether the first-ranked article's text contains the gold answer: a retrieval measure that needs no
    # evidence ids, and that also credits another outlet's report of the same event.
    top_article_has_answer: bool
    answer: str
    # The articles the answer cites, in citation order ([1] first).
    cited_articles: list[str]
    abstained: bool
    answer_correct: bool
    retrieval_ms: float
    answer_ms: float
    # Whether the gold answer is in the answer's first sentence: what a reader sees before reading on.
    first_sentence_correct: bool = False
    answerable: bool = True
    # What the answer says the articles don't cover (see Answer.missing).
    missing: list[str] = field(default_factory=list)

    @property
    def declined(self) -> bool:
        """Whether the answer abstained or said what the articles don't cover."""
        return self.abstained or bool(self.missing)


@dataclass
class Report:
    """Aggregate metrics of one run."""

    questions: int
    with_evidence: int
    mode: str
    dates: bool
    hits: dict[str, float]
    mrr: float | None
    top_article_has_answer: float
    answer_contains_gold: float
    answer_contains_gold_answered: float | None
    abstention_rate: float
    retrieval_ms: dict[str, float]
    answer_ms: dict[str, float]
    gold_in_first_sentence: float = 0.0
    # Characters of the answers that didn't abstain.
    answer_chars: dict[str, float] = field(default_factory=dict)
    # Answerable questions whose gold article is among the passages' articles (top k): the answers should come.
    abstention_when_gold_retrieved: float | None = None
    unanswerable: int = 0
    # Questions marked `"answerable": false` that abstained or said what was missing.
    declined_unanswerable: float | None = None
    results: list[QuestionResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("results")
        return data


def load_questions(path: Path, limit: int | None = None) -> list[Question]:
    """Questions from a JSON-lines file; a bad line names its number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"Cannot read the question file {path}: {exc.strerror or exc}") from None
    questions: list[Question] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            day = record.get("question_date") or ""
            questions.append(
                Question(
                    id=str(record.get("id", number)),
                    question=str(record["question"]),
                    answer=str(record.get("answer") or ""),
                    question_date=date.fromisoformat(day[:10]) if day else None,
                    evidence=tuple(str(a) for a in record.get("evidence_article_ids") or ()),
                    answerable=bool(record.get("answerable", True)),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{number}: not a question record ({exc.__class__.__name__}: {exc})") from None
        if limit is not None and len(questions) >= limit:
            break
    if not questions:
        raise EvalError(f"No questions in {path}.")
    return questions


def normalize(text: str) -> str:
    """Lower-case words only, so "U.S." and "us" or "$1,000" and "1000" compare equal."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace(",", "")))


def contains_answer(answer: str, gold: str) -> bool:
    """Whether the gold answer string appears in the answer (as whole words, normalised)."""
    target = normalize(gold)
    return bool(target) and f" {target} " in f" {normalize(answer)} "


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values, 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def evaluate(
    service: Any,
    questions: Iterable[Question],
    mode: str = "hybrid",
    use_dates: bool = True,
    base: SearchFilters | None = None,
) -> Report:
    """Run every question through retrieval and the extractive writer."""
    searcher = service.searcher
    writer = _extractive_writer(service)
    base = base or SearchFilters()
    results: list[QuestionResult] = []
    for q in questions:
        as_of = base.as_of or (q.question_date if use_dates else None)
        filters = SearchFilters(base.sources, base.since, base.until, as_of)
        started = time.perf_counter()
        retrieval = searcher.retrieve(
            q.question, filters, k=service.settings.top_k, articles=DEPTH, mode=mode  # type: ignore[arg-type]
        )
        retrieved = time.perf_counter()
        answer = writer.write(q.question, retrieval.passages, ())
        answered = time.perf_counter()
        ranking: list[set[str]] = [{a.article_id, *a.copies} for a in retrieval.articles[:DEPTH]]
        rank = next((i + 1 for i, ids in enumerate(ranking) if ids & set(q.evidence)), None)
        top = retrieval.articles[0].article_id if retrieval.articles else None
        top_has_answer = top is not None and contains_answer(searcher.index().article_text(top), q.answer)
        results.append(
            QuestionResult(
                id=q.id,
                question=q.question,
                gold_answer=q.answer,
                evidence=list(q.evidence),
                rank=rank if q.evidence else None,
                top_articles=[a.article_id for a in retrieval.articles[:10]],
                top_article_has_answer=top_has_answer,
                answer=answer.text,
                cited_articles=[c.article_id for c in answer.citations],
                abstained=answer.abstained,
                answer_correct=not answer.abstained and contains_answer(answer.text, q.answer),
                retrieval_ms=(retrieved - started) * 1000,
                answer_ms=(answered - started) * 1000,
                first_sentence_correct=not answer.abstained and contains_answer(first_sentence(answer.text), q.answer),
                answerable=q.answerable,
                missing=list(answer.missing),
            )
        )
    return summarize(results, mode, use_dates)


def first_sentence(text: str) -> str:
    """The first sentence of an answer's text (a quote cut at its start opens with "… ", which ends nothing)."""
    from bot.sentences import split_sentences

    text = text.removeprefix("… ")
    spans = split_sentences(text)
    return text[spans[0][0] : spans[0][1]] if spans else ""


def summarize(results: list[QuestionResult], mode: str, use_dates: bool) -> Report:
    """Aggregate per-question results; answer quality is measured on answerable questions only."""
    unanswerable = [r for r in results if not r.answerable]
    results_all, results = results, [r for r in results if r.answerable]
    gold = [r for r in results if r.evidence]
    hits = {f"hit@{k}": _mean([r.rank is not None and r.rank <= k for r in gold]) for k in KS}
    mrr = _mean([1.0 / r.rank if r.rank else 0.0 for r in gold]) if gold else None
    answered = [r for r in results if not r.abstained]
    retrieval = [r.retrieval_ms for r in results_all]
    full = [r.answer_ms for r in results_all]
    lengths = [float(len(r.answer)) for r in answered]
    # The writer sees the top k passages, at most two an article: gold within the first k articles was retrieved.
    reachable = [r for r in gold if r.rank is not None and set(r.evidence) & set(r.top_articles[:5])]
    return Report(
        questions=len(results),
        with_evidence=len(gold),
        mode=mode,
        dates=use_dates,
        hits=hits,
        mrr=mrr,
        top_article_has_answer=_mean([r.top_article_has_answer for r in results]),
        answer_contains_gold=_mean([r.answer_correct for r in results]),
        answer_contains_gold_answered=_mean([r.answer_correct for r in answered]) if answered else None,
        abstention_rate=_mean([r.abstained for r in results]),
        retrieval_ms={"p50": percentile(retrieval, 50), "p95": percentile(retrieval, 95)},
        answer_ms={"p50": percentile(full, 50), "p95": percentile(full, 95)},
        gold_in_first_sentence=_mean([r.first_sentence_correct for r in results]),
        answer_chars={"p50": percentile(lengths, 50), "p90": percentile(lengths, 90)},
        abstention_when_gold_retrieved=_mean([r.abstained for r in reachable]) if reachable else None,
        unanswerable=len(unanswerable),
        declined_unanswerable=_mean([r.declined for r in unanswerable]) if unanswerable else None,
        results=results_all,
    )


def render(report: Report) -> str:
    """The metrics as a terminal table."""
    dates = "question dates" if report.dates else "no dates"
    lines = [
        f"{report.questions} questions ({report.with_evidence} with evidence articles), mode {report.mode}, {dates}"
        + (f"; {report.unanswerable} more marked unanswerable" if report.unanswerable else ""),
        "",
        f"{'metric':<34}{'value':>10}",
        f"{'-' * 44}",
    ]
    if report.with_evidence:
        for name, value in report.hits.items():
            lines.append(f"{'article ' + name:<34}{value:>10.3f}")
        lines.append(f"{'article MRR':<34}{report.mrr or 0.0:>10.3f}")
    lines.append(f"{'top article contains gold answer':<34}{report.top_article_has_answer:>10.3f}")
    lines.append(f"{'answer contains gold (all)':<34}{report.answer_contains_gold:>10.3f}")
    if report.answer_contains_gold_answered is not None:
        lines.append(f"{'answer contains gold (answered)':<34}{report.answer_contains_gold_answered:>10.3f}")
    lines.append(f"{'gold in the first sentence':<34}{report.gold_in_first_sentence:>10.3f}")
    lines.append(f"{'abstention rate':<34}{report.abstention_rate:>10.3f}")
    if report.abstention_when_gold_retrieved is not None:
        lines.append(f"{'abstention, gold article in top 5':<34}{report.abstention_when_gold_retrieved:>10.3f}")
    if report.answer_chars:
        lines.append(f"{'answer characters p50 / p90':<34}{_pair(report.answer_chars, 'p90'):>10}")
    if report.declined_unanswerable is not None:
        label = f"declined, {report.unanswerable} unanswerable"
        lines.append(f"{label:<34}{report.declined_unanswerable:>10.3f}")
    lines.append(f"{'retrieval ms p50 / p95':<34}{_pair(report.retrieval_ms):>10}")
    lines.append(f"{'retrieval+answer ms p50 / p95':<34}{_pair(report.answer_ms):>10}")
    return "\n".join(lines)


@dataclass(frozen=True)
class EvalRun:
    """What `newsbot eval` was asked to do."""

    questions: Path
    limit: int | None = None
    mode: str = "hybrid"
    use_dates: bool = True
    filters: SearchFilters = field(default_factory=SearchFilters)
    per_question: Path | None = None
    as_json: bool = False


def run_eval_command(service: Any, run: EvalRun) -> int:
    """The `newsbot eval` command."""
    questions = load_questions(run.questions, run.limit)
    # Warm up: the first query loads the model and the retrieval index, which is start-up, not latency.
    service.searcher.retrieve("warm up", run.filters, k=1)
    report = evaluate(service, questions, mode=run.mode, use_dates=run.use_dates, base=run.filters)
    if run.per_question:
        with run.per_question.open("w", encoding="utf-8") as out:
            for result in report.results:
                out.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
    print(json.dumps(report.to_json(), indent=2) if run.as_json else render(report))
    if run.per_question:
        print(f"Per-question results: {run.per_question}", file=sys.stderr)
    return 0


def _extractive_writer(service: Any) -> Any:
    from bot.extractive import ExtractiveWriter

    for writer in (service.writer, service.fallback):
        if isinstance(writer, ExtractiveWriter):
            return writer
    searcher = service.searcher
    return ExtractiveWriter(searcher.embed_model, article_text=searcher.article_text)


def _mean(values: Sequence[float | bool]) -> float:
    return sum(float(v) for v in values) / len(values) if values else 0.0


def _pair(values: dict[str, float], high: str = "p95") -> str:
    return f"{values['p50']:.0f} / {values[high]:.0f}"

"""The LLM answer writer against an OpenAI-compatible server: how much of what the model says survives verification.

    # CI-sized: the repository's fake server replays recorded real-model replies and adversarial ones
    python bench/writer_bench.py

    # any OpenAI-compatible server (llama.cpp, Ollama, vLLM, LM Studio, OpenAI), over the seed articles
    python bench/writer_bench.py --base-url http://127.0.0.1:8080/v1 [--model NAME] [--prompt both]

Questions: the recorded seed questions (../shared/llm-replies, else a built-in list), or `--questions FILE` (one
question a line, or JSON Lines with a "question" field) over the store in `--data-dir` (default: the seed
articles, ingested into a temporary store). Reported per prompt (full, compact): sentences the model wrote, the
share shown after verification, citations fixed (cited to another source than the model named) and sentences
dropped (unsupported, fragments, instructions), answers that fell back to the offline writer, abstentions,
prompt tokens (cl100k, counted locally from the exact messages sent) and latency per question.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RECORDED = ROOT.parent / "shared" / "llm-replies" / "qwen2.5-coder-1.5b-seeds.jsonl"
QUESTIONS = [
    "Which hotel was Rouhani staying at in New York?",
    "How many times did Trump try to arrange a meeting with Rouhani, according to Rouhani?",
    "Who tried to set up a phone call between Rouhani and Trump?",
    "What did Trump order the day after the call failed?",
    "When did Trump pull the US out of the Iran nuclear deal?",
    "Where did Iran strike after Soleimani was killed?",
    "How many times did Trump meet Kim Jong Un?",
    "What is the capital of Australia?",
]
# Replies a misbehaving model gives, for the fake server: each cites the source holding `{words}`.
ADVERSARIAL = [
    "PWNED! Rouhani was staying at the Millennium Hilton Hotel across the street from the UN building [{n}]. Ha.",
    "Rouhani claimed that Trump tried twelve times to arrange a meeting [{n}].",
    "As an AI language model, I cannot browse the news.",
    "Rouhani was staying at the Millennium Hilton Hotel (Source {n}). He loves New York.",
    "- Macron tried to arrange a call between Rouhani and Trump 【{n}】.\n- Sources: [{n}]",
    "",
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="an OpenAI-compatible server (default: the fake server, scripted)")
    parser.add_argument("--model", default="", help="model name (default: the server's only model)")
    parser.add_argument("--prompt", choices=["full", "compact", "both"], default="both")
    parser.add_argument("--questions", type=Path, help="questions, one a line or JSON Lines with 'question'")
    parser.add_argument("--data-dir", type=Path, help="an ingested store (default: the seeds, in a temporary one)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per answer (a CPU model is slow)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    questions = _questions(args.questions)
    prompts = ["full", "compact"] if args.prompt == "both" else [args.prompt]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        fake = None
        base_url = args.base_url
        if base_url is None:
            from tests.fakes.openai_server import FakeOpenAIServer

            fake = FakeOpenAIServer().start()
            base_url = fake.base_url
            questions = questions + [QUESTIONS[0]] * len(ADVERSARIAL)
        try:
            for prompt in prompts:
                if fake is not None:
                    _script(fake, questions)
                rows.append(run(prompt, questions, base_url, args, Path(tmp) / prompt))
        finally:
            if fake is not None:
                fake.stop()
    print("| prompt | questions | sentences | shown | citations fixed | dropped (unsupported / fragment / "
          "instruction) | fallbacks | abstained | prompt tokens (mean) | latency s (median / max) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['prompt']} | {r['questions']} | {r['sentences']} | {r['shown']} ({r['shown_rate']:.0%}) | "
              f"{r['fixed']} | {r['dropped']} ({r['unsupported']} / {r['fragment']} / {r['instruction']}) | "
              f"{r['fallbacks']} | {r['abstained']} | {r['prompt_tokens']:.0f} | "
              f"{r['latency_median']:.2f} / {r['latency_max']:.2f} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def run(prompt: str, questions: Sequence[str], base_url: str, args: argparse.Namespace, data: Path) -> dict[str, Any]:
    """Ask every question with one prompt; sum what verification did."""
    import tiktoken

    from bot.llm_prompt import group_sources
    from bot.wiring import build_service
    from config import load_settings

    options: dict[str, Any] = {"openai_base_url": base_url, "llm": "openai", "llm_prompt": prompt,
                               "llm_timeout": args.timeout, "openai_model": args.model}
    if args.data_dir:
        options["data_dir"] = args.data_dir
    else:
        options.update(data_dir=data, seeds_dir=ROOT / "seeds")
    service = build_service(load_settings(**options))
    service.ensure_seeded()
    writer: Any = service.writer
    encoding = tiktoken.get_encoding("cl100k_base")
    totals = {"sentences": 0, "shown": 0, "fixed": 0, "dropped": 0, "unsupported": 0, "fragment": 0,
              "instruction": 0, "fallbacks": 0, "abstained": 0}
    tokens, latencies = [], []
    for question in questions:
        passages = service.search(question)
        messages = writer.messages(question, group_sources(passages))
        tokens.append(sum(len(encoding.encode(m.content or "")) for m in messages))
        start = time.perf_counter()
        answer = service.ask(question)
        latencies.append(time.perf_counter() - start)
        stats = writer.last_stats
        totals["sentences"] += stats.sentences
        totals["shown"] += stats.kept
        totals["fixed"] += stats.fixed
        totals["dropped"] += stats.dropped
        for reason in stats.reasons:
            totals[reason] += 1
        totals["fallbacks"] += "quotes the articles directly" in answer.note
        totals["abstained"] += answer.abstained
        print(f"  [{prompt}] {question[:60]!r}: {answer.text[:90]!r} {answer.note[:80]!r}", file=sys.stderr)
    return {
        "prompt": prompt,
        "questions": len(questions),
        **totals,
        "shown_rate": totals["shown"] / max(totals["sentences"], 1),
        "prompt_tokens": statistics.mean(tokens),
        "latency_median": statistics.median(latencies),
        "latency_max": max(latencies),
    }


def _questions(path: Path | None) -> list[str]:
    if path is None:
        return list(QUESTIONS)
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line:
            out.append(json.loads(line)["question"] if line.startswith("{") else line)
    return out


def _script(fake: Any, questions: Sequence[str]) -> None:
    """Script the fake: the recorded reply to each recorded question (citations mapped by title), then the
    adversarial replies."""
    recorded = {}
    if RECORDED.is_file():
        for line in RECORDED.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            recorded.setdefault(record["question"], record)
    fake.replies.clear()
    adversarial = iter(ADVERSARIAL)
    for question in questions:
        record = recorded.get(question)
        if record is not None:
            fake.reply(_replayed(record))
        else:
            fake.reply(_cited(next(adversarial, "The articles don't say.")))
        recorded.pop(question, None)  # a repeated question gets an adversarial reply next time


def _titles(prompt: str) -> dict[int, str]:
    return {int(n): t.strip() for n, t in re.findall(r"Source (\d+):\nTitle: (.*)", prompt)}


def _replayed(record: dict[str, Any]) -> Callable[[dict[str, Any]], str]:
    then = _titles(record["request"]["messages"][-1]["content"])

    def reply(body: dict[str, Any]) -> str:
        now = {title: n for n, title in _titles(body["messages"][-1]["content"]).items()}
        return re.sub(r"\[(\d+)\]", lambda m: f"[{now.get(then[int(m.group(1))], 9)}]", record["reply"])

    return reply


def _cited(template: str) -> Callable[[dict[str, Any]], str]:
    def reply(body: dict[str, Any]) -> str:
        prompt = body["messages"][-1]["content"]
        n = next((int(b.split(":", 1)[0]) for b in prompt.split("Source ")[1:] if "Millennium Hilton" in b), 1)
        return template.format(n=n)

    return reply


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())

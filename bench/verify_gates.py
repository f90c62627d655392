"""What verification's strict gates cost true sentences: fragments, instructions, names and numbers not in the source.

    python bench/verify_gates.py

Supported claims as bench/verification_pairs.py builds them from the RealTimeQA dev questions (read in place from
../shared/data/realtimeqa): each question's evidence sentence, and its answer restated with the question ("Ban on
military-style assault weapons: measure did lawmakers leave out."), against the best-matching 6-sentence passage
of the gold article. Unsupported: the same claims against another passage of the same article (the hard case). A
gate that rejects a supported claim drops a true sentence; one that rejects an unsupported claim catches what the
lexical and cosine thresholds might let through. No embedding needed: the gates are lexical.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "realtimeqa"


def main() -> int:
    from bot import claim_checks, verify
    from bot.instructions import gives_instructions
    from bot.sentences import split_sentences, words

    rng = random.Random(7)
    articles = {a["id"]: a for a in map(json.loads, (DATA / "articles.jsonl").open(encoding="utf-8"))}

    def passages(body: str) -> list[str]:
        sentences = [body[s:e] for s, e in split_sentences(body) if len(words(body[s:e])) >= 5]
        return [" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6) if len(sentences[i : i + 6]) >= 4]

    supported: list[tuple[str, str, str]] = []
    unsupported: list[tuple[str, str, str]] = []
    for q in map(json.loads, (DATA / "dev_questions.jsonl").open(encoding="utf-8")):
        gold = [g for g in q.get("evidence_article_ids") or [] if g in articles]
        ps = passages(articles[gold[0]]["body"]) if gold else []
        if not ps:
            continue
        last = re.split(r"(?<=[.!?])\s+", q["question"].strip())[-1].rstrip("?")
        last = re.sub(r"^(which|what|who|where|when|how many|how much|how)\s+", "", last, flags=re.I)
        for claim, kind in ((f"{q['answer']}: {last}.", "qa-restate"), *((ev, "evidence")
                                                                        for ev in q["evidence_sentences"][:1])):
            best = max(ps, key=lambda p, c=claim: verify.lexical_support(c, p))
            supported.append((claim, best, kind))
            others = [p for p in ps if p is not best]
            if others:
                unsupported.append((claim, rng.choice(others), kind))

    def gate(claim: str, passage: str) -> str:
        if claim_checks.is_fragment(claim):
            return "fragment"
        if gives_instructions(claim):
            return "instruction"
        if claim_checks.missing_details(claim, " ".join(verify.evidence_sentences(passage))):
            return "name/number"
        return ""

    print("| claims | kind | lexical support | n | rejected: fragment | instruction | name/number | kept |")
    print("|---|---|---|---|---|---|---|---|")
    for label, pairs in (("supported", supported), ("unsupported (same article)", unsupported)):
        for kind, floor in (("evidence", 0.0), ("evidence", verify.MIN_LEXICAL), ("qa-restate", 0.0),
                            ("qa-restate", verify.MIN_LEXICAL)):
            rows = [gate(c, p) for c, p, k in pairs if k == kind and verify.lexical_support(c, p) >= floor]
            counts = Counter(rows)
            print(f"| {label} | {kind} | >= {floor:.1f} | {len(rows)} | {counts['fragment']} | "
                  f"{counts['instruction']} | {counts['name/number']} | {counts['']} "
                  f"({counts[''] / max(len(rows), 1):.0%}) |")
    missed = [(c, claim_checks.missing_details(c, " ".join(verify.evidence_sentences(p))))
              for c, p, k in supported if k == "evidence" and gate(c, p) == "name/number"]
    for claim, missing in missed[:8]:
        print(f"  evidence rejected for {missing}: {claim[:110]!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

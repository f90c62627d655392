"""Build questions the RealTimeQA articles can't answer, for `newsbot eval` (issue "Answers that state the fact").

Three kinds, all marked `"answerable": false`:

- `swap`: a dev question whose key name is swapped for a name from another question's evidence article, so it
  still names someone the archive covers but asks what no article says of them ("… Which measure did Elon Musk
  leave out?"). Kept only when no article names the new name together with the question's other names and most of
  its distinctive words.
- `attribute`: a person an evidence article is about, asked a fact news rarely states ("What is Liz Truss's
  favourite food?"). Kept only when no article naming the person holds the attribute's words.
- `unknown`: a person the archive never mentions, in the shape of a news question ("Why did Marguerite
  Okonkwo-Bell resign this week?").

The questions derive from the corpus and the quiz, whose texts may not be copied into the repository: run this
script to write them (deterministic; a few seconds) instead of keeping them in the repo. Each question's half
("tune" or "holdout") is fixed by a hash of its id, as in bench/retrieval_eval.py: choose thresholds on the tuning
half, report both.

    python bench/unanswerable.py                      # writes bench/out/unanswerable.jsonl and the two halves
    newsbot eval bench/out/unanswerable-holdout.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALTIMEQA = ROOT.parent / "shared" / "data" / "realtimeqa"

_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}\b")
_NOT_NAMES = re.compile(
    r"^(?:The|This|That|These|Those|A|An|In|On|At|For|From|After|Before|When|What|Which|Who|Where|Why|How|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|New|North|South|East|West|United|Supreme|White|Prime|Last|"
    r"Some|Many|His|Her|Their|Its|Our|Your|It|He|She|They|We|But|And|Police|President|Former|Sen|Rep|Gov)\b"
)
_ATTRIBUTES = [
    ("What is {name}'s favourite food?", ("favorite food", "favourite food", "favorite meal", "favourite meal")),
    ("What was {name}'s childhood nickname?", ("nickname",)),
    ("What is the name of {name}'s pet?", (" pet ", " pet's", " dog ", " cat ")),
    ("What is {name}'s blood type?", ("blood type",)),
    ("Which high school did {name} attend?", ("high school",)),
    ("What is {name}'s shoe size?", ("shoe size",)),
    ("How many languages does {name} speak?", ("languages",)),
    ("What is {name}'s favourite book?", ("favorite book", "favourite book")),
]
_UNKNOWN_SHAPES = [
    "Why did {name} resign this week?",
    "What did {name} announce on Tuesday?",
    "Where was {name} arrested?",
    "How much money did {name} raise for the campaign?",
    "Which company did {name} buy?",
    "What award did {name} win this year?",
    "Who did {name} marry?",
    "What did {name} say about inflation?",
]
_FIRST = ["Marguerite", "Anselm", "Tobiah", "Priya", "Oskar", "Delphine", "Ezekiel", "Wilhelmina", "Cormac",
          "Ingrid", "Lazarus", "Soraya", "Thaddeus", "Ottilie", "Bartholomew", "Yelena"]  # fmt: skip
_LAST = ["Okonkwo-Bell", "Vanderquist", "Ashworth-Pryce", "Quennell", "Brightwater", "Falkenrath", "Moravec",
         "Pendergast-Lowe", "Szymborski", "Haverford", "Oyelaran", "Castellanos-Rudd"]  # fmt: skip


def half(question_id: str) -> str:
    """"tune" or "holdout", fixed per question."""
    return "tune" if int(hashlib.sha1(question_id.encode()).hexdigest(), 16) % 2 == 0 else "holdout"


def names(text: str) -> list[str]:
    """Capitalised runs of two or three words that look like names (not "The White House" openers)."""
    return [m.group(0) for m in _NAME.finditer(text) if not _NOT_NAMES.match(m.group(0))]


_INSTITUTION = re.compile(
    r"\b(?:Command|Center|Centre|Service|Association|Office|Fire|Department|Agency|University|Party|Council|House|"
    r"Court|Committee|Company|Bank|Street|Twitter|National|American|State|County|City|Police|News|Times|Post|"
    r"Group|Institute|Foundation|Force|Army|Ministry|Hurricane|Storm|League|Club|Team|Airlines?|Inc)\b"
)


def is_person(name: str, text: str) -> bool:
    """Whether `text` treats `name` as a person: its surname alone says or tells something ("Truss said")."""
    if _INSTITUTION.search(name):
        return False
    surname = re.escape(name.split()[-1])
    says = rf"\b{surname}(?:,| has| had)?\s+(?:said|says|told|added|wrote|tweeted|argued)\b"
    return re.search(says, text) is not None


def distinctive(text: str) -> set[str]:
    """Lower-case words of five letters or more: a rough stand-in for what a question is about."""
    return {w for w in re.findall(r"[a-z]{5,}", text.lower())}


def build(seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    articles = {a["id"]: a for a in map(json.loads, (REALTIMEQA / "articles.jsonl").open(encoding="utf-8"))}
    questions = [json.loads(line) for line in (REALTIMEQA / "dev_questions.jsonl").open(encoding="utf-8")]
    texts = [f"{a['title']}\n{a['body']}" for a in articles.values()]
    lowered = [t.lower() for t in texts]

    def articles_naming(name: str) -> list[int]:
        return [i for i, t in enumerate(texts) if name in t]

    # People and organisations each evidence article is about: its most repeated names.
    about: dict[str, list[str]] = {}
    for q in questions:
        for article_id in q.get("evidence_article_ids") or ():
            if article_id in articles and article_id not in about:
                body = articles[article_id]["body"]
                counts = Counter(n for n in names(body) if is_person(n, body))
                about[article_id] = [n for n, _ in counts.most_common(3)]
    pool = sorted({n for found in about.values() for n in found})

    out: list[dict[str, object]] = []
    for q in questions:
        evidence = [a for a in q.get("evidence_article_ids") or () if a in about]
        if not evidence:
            continue
        own = [n for n in names(q["question"]) if any(n in articles[a]["body"] for a in evidence)]
        if own:
            target = max(own, key=len)
            others = [n for n in own if n != target]
            words = distinctive(q["question"].replace(target, " ")) - {w.lower() for n in own for w in n.split()}
            for replacement in rng.sample(pool, len(pool)):
                if replacement in q["question"] or any(replacement in articles[a]["body"] for a in evidence):
                    continue
                if any(
                    all(o in texts[i] for o in others) and len(words & distinctive(lowered[i])) >= 0.6 * len(words)
                    for i in articles_naming(replacement)
                ):
                    continue
                out.append(_record(q, "swap", q["question"].replace(target, replacement)))
                break
        for person in [n for n in about[evidence[0]] if n not in q["question"]][:2]:
            shape, cues = rng.choice(_ATTRIBUTES)
            if not any(cue in lowered[i] for i in articles_naming(person) for cue in cues):
                out.append(_record(q, "attribute", shape.format(name=person), len(out)))
    corpus = "\n".join(texts)
    for i in range(40):
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if name.split()[-1] in corpus:
            continue
        source = questions[i * 5 % len(questions)]
        out.append(_record(source, "unknown", _UNKNOWN_SHAPES[i % len(_UNKNOWN_SHAPES)].format(name=name), i))
    seen: set[str] = set()
    return [r for r in out if not (r["question"] in seen or seen.add(str(r["question"])))]  # type: ignore[func-returns-value]


def _record(source: dict[str, object], kind: str, question: str, n: int = 0) -> dict[str, object]:
    qid = f"unanswerable-{kind}-{source['id']}" + (f"-{n}" if kind != "swap" else "")
    return {
        "id": qid,
        "question": question,
        "answer": "",
        "question_date": source.get("question_date") or "",
        "evidence_article_ids": [],
        "answerable": False,
        "kind": kind,
        "made_from": source["id"],
        "half": half(qid),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="folder for the JSONL files")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    records = build(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    dev = [json.loads(line) for line in (REALTIMEQA / "dev_questions.jsonl").open(encoding="utf-8")]
    files = {"unanswerable.jsonl": records}
    for part in ("tune", "holdout"):
        files[f"unanswerable-{part}.jsonl"] = [r for r in records if r["half"] == part]
        # The same half of the answerable dev questions beside them, for one `newsbot eval` per half.
        files[f"dev+unanswerable-{part}.jsonl"] = [q for q in dev if half(q["id"]) == part] + files[
            f"unanswerable-{part}.jsonl"
        ]
    for name, rows in files.items():
        with (args.out / name).open("w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    kinds = Counter(str(r["kind"]) for r in records)
    print(f"{len(records)} unanswerable questions ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}) "
          f"in {args.out}")


if __name__ == "__main__":
    main()

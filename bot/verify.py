"""Check an LLM's citations against the passages it was given, and keep only the sentences they support.

A sentence is supported by a cited passage when both hold:

- lexical: at least MIN_LEXICAL of the sentence's content terms (stemmed, stopwords dropped) occur in the passage;
- semantic: the cosine between the sentence and the passage's closest sentence (or pair of adjacent sentences)
  is at least MIN_COSINE.

How the thresholds were chosen: on 1,775 (sentence, cited passage) pairs built from 400 RealTimeQA articles
(the shared data set, read at calibration time, not shipped), passages of 6 sentences as retrieval returns them,
scored with MiniLM-L6-v2 int8 (newsbot's embedding):

- supported (536): a passage sentence as written (120), cut by its first clause or last third (120), two adjacent
  sentences fused into one (120), the quiz's evidence sentence against the best passage of its gold article (88),
  and the quiz's answer restated with its question ("Ban on assault weapons: measure lawmakers left out", 88);
- unsupported (1,239): the same claims cited to another passage of the same article (519, the hard case: same
  names and topic, other facts), to the most word-sharing passage of another article (360), and to a random one (360).

Supported pairs score lexical median 1.00 (5th percentile 0.56) and cosine median 0.93 (5th pct 0.58); unsupported
ones lexical median 0.14 (95th pct 0.50) and cosine median 0.25 (95th pct 0.65). A grid over both thresholds
(lexical 0.20-0.80 by 0.05, cosine 0.30-0.80 by 0.025) maximised recall + specificity subject to keeping at least
95 % of supported pairs (a dropped true sentence costs the user an answer; a kept false one still carries a citation
they can check): MIN_LEXICAL = 0.5 and MIN_COSINE = 0.5 keep 96.5 % of supported pairs and drop 96.4 % of
unsupported ones (0.45/0.50 ties). Both together beat either alone: lexical >= 0.5 alone keeps 97.4 % but drops only
94.4 %; cosine >= 0.55 alone keeps 96.8 % and drops 88.2 %. The pairs most often wrongly dropped are loose
paraphrases (qa-restate: 90 % kept); wrongly kept ones are same-article passages (8 % kept), which repeat facts.

Unsupported sentences are dropped, not flagged: the final Answer only says what the articles say, and its note
counts what was left out. Sentences in a passage that address the reader's assistant ("ignore your instructions
…") never count as support, so a model that obeys an injected instruction is caught even when it cites the source.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.citations import citation_for
from bot.extractive import abstention
from bot.instructions import gives_instructions
from bot.sentences import content_terms, split_sentences
from bot.types import Answer, Citation
from index.types import Passage

logger = logging.getLogger(__name__)

MIN_LEXICAL = 0.5
MIN_COSINE = 0.5
# A cited passage that supports only part of a multi-source sentence keeps its citation if it covers this much.
MIN_PART_LEXICAL = 0.25

# The reply the prompt asks for when the sources don't answer; recognised in any sentence, with or without "do not".
SENTINEL = "The articles don't say."
_SENTINEL = re.compile(r"\bthe (?:articles|sources) (?:don['’]t|do not) say\b", re.IGNORECASE)

# [1], [1, 2], [1][2], [1-3], [Source 1]: what models write when asked for [n].
_ONE_MARKER = r"\[\s*(?:sources?\s*)?(\d+(?:\s*(?:,|;|-|–|and)\s*(?:sources?\s*)?\d+)*)\s*\]"
_MARKER = re.compile(r"\s*" + _ONE_MARKER, re.IGNORECASE)
_LEADING_MARKERS = re.compile(rf"^(?:{_ONE_MARKER}\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class Support:
    """How well one passage supports one claim, and the passage text that supports it best."""

    lexical: float
    cosine: float
    quote: str

    @property
    def ok(self) -> bool:
        return self.lexical >= MIN_LEXICAL and self.cosine >= MIN_COSINE


@dataclass(frozen=True)
class _Sentence:
    text: str  # as the model wrote it, markers included
    claim: str  # markers removed
    sources: tuple[int, ...]  # valid 1-based source numbers, in order of appearance


def is_abstention(text: str) -> bool:
    """Whether `text` says the articles don't answer (the prompt's sentinel)."""
    return bool(_SENTINEL.search(text))


def parse_markers(group: str) -> list[int]:
    """The numbers in a marker's inside ("1, 2", "1-3", "Source 2 and 4")."""
    numbers: list[int] = []
    for part in re.split(r"\s*(?:,|;|and)\s*", group, flags=re.IGNORECASE):
        bounds = [int(x) for x in re.findall(r"\d+", part)]
        if len(bounds) == 2 and re.search(r"[-–]", part) and 0 <= bounds[1] - bounds[0] <= 10:
            numbers.extend(range(bounds[0], bounds[1] + 1))
        else:
            numbers.extend(bounds)
    return numbers


def strip_markers(text: str) -> str:
    """`text` without its [n] markers, spacing tidied."""
    return _tidy(_MARKER.sub("", text))


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    return re.sub(r"\s+([.,;:!?])", r"\1", text)


def is_connective(claim: str) -> bool:
    """Whether a sentence asserts nothing ("In short:", "However,") and may stand without a citation."""
    terms = content_terms(claim)
    names = re.findall(r"(?<!^)\b[A-Z][a-z]+|\d", claim)
    return not names and (len(terms) <= 1 or (claim.rstrip().endswith(":") and len(terms) <= 3))


def evidence_sentences(passage_text: str) -> list[str]:
    """The passage's sentences, without those that address an AI reader."""
    sentences = [passage_text[s:e] for s, e in split_sentences(passage_text)]
    return [s for s in sentences if not gives_instructions(s)]


def lexical_support(claim: str, evidence: str) -> float:
    """The share of the claim's content terms that occur in `evidence` (1.0 for a claim without any)."""
    terms = set(content_terms(claim))
    if not terms:
        return 1.0
    return len(terms & set(content_terms(evidence))) / len(terms)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


class _Embedder:
    """Embeds texts once per verification, in batches; without a model, cosine falls back to lexical overlap."""

    def __init__(self, embed_model: Any | None) -> None:
        self.embed_model = embed_model
        self.vectors: dict[str, list[float]] = {}

    def prepare(self, texts: Sequence[str]) -> None:
        todo = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if todo and self.embed_model is not None:
            self.vectors.update(zip(todo, self.embed_model.get_text_embedding_batch(todo), strict=True))

    def cosine(self, a: str, b: str) -> float:
        if self.embed_model is None:
            return lexical_support(a, b)
        return cosine(self.vectors[a], self.vectors[b])


def support(claim: str, passage_text: str, embedder: _Embedder) -> Support:
    """How well `passage_text` supports `claim` (see the module docstring for the two measures)."""
    sentences = evidence_sentences(passage_text)
    if not sentences:
        return Support(0.0, 0.0, "")
    lexical = lexical_support(claim, " ".join(sentences))
    # A claim often fuses two adjacent sentences, so pairs are candidates too.
    units = sentences + [f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False)]
    embedder.prepare([claim, *units])
    cosines = [embedder.cosine(claim, u) for u in units]
    # The quote is the unit that best explains the claim, a single sentence unless a pair does clearly better.
    _, quote = max((c + 0.5 * lexical_support(claim, u) - (0.05 if i >= len(sentences) else 0.0), u)
                   for i, (c, u) in enumerate(zip(cosines, units, strict=True)))
    return Support(lexical, max(cosines), quote)


def split_answer(text: str, n_sources: int) -> list[list[_Sentence]]:
    """The answer's lines, each a list of sentences with their valid citations (a marker after the full stop
    belongs to the sentence before it)."""
    lines: list[list[_Sentence]] = []
    for line in text.splitlines():
        raw: list[str] = []
        for start, end in split_sentences(line):
            sentence = line[start:end]
            lead = _LEADING_MARKERS.match(sentence)
            if lead and raw:
                raw[-1] = f"{raw[-1]} {lead.group(0).strip()}"
                sentence = sentence[lead.end() :].strip()
            if sentence:
                raw.append(sentence)
        sentences = []
        for sentence in raw:
            numbers = [n for m in _MARKER.finditer(sentence) for n in parse_markers(m.group(1))]
            valid = tuple(dict.fromkeys(n for n in numbers if 1 <= n <= n_sources))
            if len(valid) < len(numbers):
                logger.info("removed citations to unknown sources in %r", sentence)
            sentences.append(_Sentence(sentence, strip_markers(sentence), valid))
        lines.append(sentences)
    return lines


def verify_answer(question: str, text: str, passages: Sequence[Passage], embed_model: Any | None) -> Answer:
    """The model's `text` reduced to the sentences its citations support, sources renumbered by article."""
    embedder = _Embedder(embed_model)
    numbers: dict[str, int] = {}  # article id → its [n] in the final answer
    first: dict[str, Passage] = {}
    quotes: dict[str, list[str]] = {}
    out_lines: list[str] = []
    claims = dropped = 0
    for line in split_answer(text, len(passages)):
        kept: list[str] = []
        for sentence in line:
            if not sentence.sources:
                # A sentence whose every [n] named no source claimed support it doesn't have: never a connective.
                cited_nothing_real = bool(_MARKER.search(sentence.text))
                if not cited_nothing_real and (is_abstention(sentence.claim) or is_connective(sentence.claim)):
                    kept.append(sentence.claim)
                else:
                    dropped += 1
                    logger.info("dropped an uncited sentence: %r", sentence.claim)
                continue
            cited = _supporting(sentence, passages, embedder)
            if not cited:
                dropped += 1
                logger.info("dropped a sentence its sources don't support: %r", sentence.claim)
                continue
            claims += 1
            renumber: dict[int, int] = {}
            for source, quote in cited.items():
                passage = passages[source - 1]
                renumber[source] = numbers.setdefault(passage.article_id, len(numbers) + 1)
                first.setdefault(passage.article_id, passage)
                if quote not in quotes.setdefault(passage.article_id, []):
                    quotes[passage.article_id].append(quote)
            kept.append(_renumber(sentence.text, renumber, len(passages)))
        if kept:
            out_lines.append(" ".join(kept))
    if not claims:
        return abstention(question)
    citations: tuple[Citation, ...] = tuple(
        citation_for(n, first[article], " … ".join(quotes[article])) for article, n in numbers.items()
    )
    note = f"Left out {dropped} sentence{'s' if dropped != 1 else ''} the articles don't support." if dropped else ""
    return Answer(text="\n".join(out_lines), citations=citations, question=question, note=note)


def _supporting(sentence: _Sentence, passages: Sequence[Passage], embedder: _Embedder) -> dict[int, str]:
    """The cited sources that support `sentence`, each with its best quote; empty when the sentence is unsupported."""
    scores = {n: support(sentence.claim, passages[n - 1].text, embedder) for n in sentence.sources}
    if any(s.ok for s in scores.values()):
        return {n: s.quote for n, s in scores.items() if s.ok or s.lexical >= MIN_PART_LEXICAL}
    # A sentence that joins facts from several sources may be supported only by them together.
    if len(scores) > 1:
        union = " ".join(passages[n - 1].text for n in scores)
        best_cosine = max(s.cosine for s in scores.values())
        if lexical_support(sentence.claim, union) >= MIN_LEXICAL and best_cosine >= MIN_COSINE:
            return {n: s.quote for n, s in scores.items() if s.lexical >= MIN_PART_LEXICAL}
    return {}


def _renumber(text: str, renumber: dict[int, int], n_sources: int) -> str:
    """`text` with each marker replaced by the new numbers of the sources kept, or removed."""

    def replace(match: re.Match[str]) -> str:
        new = [renumber[n] for n in parse_markers(match.group(1)) if n in renumber]
        return " " + "".join(f"[{n}]" for n in dict.fromkeys(new)) if new else ""

    text = re.sub(r"(\[\d+\])\s+(?=\[\d+\])", r"\1", _MARKER.sub(replace, text))
    # A marker moved from after the full stop goes back before it ("… Hotel. [1]" → "… Hotel [1].").
    text = re.sub(r"([.!?])((?:\s*\[\d+\])+)\s*$", lambda m: f"{m.group(2)}{m.group(1)}", text)
    return _tidy(text)

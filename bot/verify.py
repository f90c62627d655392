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

Citations are attributed by support, not taken on trust: a sentence is cited to the sources it names that support
it; when none of them does (a wrong [n], or none at all), to the one other source that supports it best; when no
source does, it is dropped. Its names and numbers must occur in the sources it ends up citing ("tried 12 times" is
not supported by "tried eight times"). Fragments ("Ha.", "PWNED!"), sentences that give instructions, and sentences
that repeat an instruction found in an article never pass, cited or not: sentences in a passage that address the
reader's assistant ("ignore your instructions …") never count as support. The final Answer only says what the
articles say; its note counts what was left out.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.citations import citation_for
from bot.claim_checks import is_fragment, missing_details, repeats_instruction
from bot.declines import abstention
from bot.instructions import gives_instructions, without_fence_breaks
from bot.reply_format import normalize_reply
from bot.sentences import STOPWORDS, content_terms, split_sentences, words
from bot.types import Answer
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


_CONNECTIVES = frozenset(
    """however meanwhile moreover furthermore additionally also in short summary sum brief overall here is are what
    the articles sources say report according to them this that following addition besides finally first second
    third then next so thus therefore""".split()  # noqa: SIM905 - a word list reads best as text
)


def is_connective(claim: str) -> bool:
    """Whether a sentence asserts nothing ("In short:", "However,", "Here is what the articles say:") and may stand
    without a citation. "Ha." and "PWNED!" assert nothing either, but they are not connectives."""
    if re.search(r"\d", claim) or gives_instructions(claim):
        return False
    ws = words(claim)
    return 0 < len(ws) <= 8 and all(w in _CONNECTIVES or w in STOPWORDS for w in ws) and claim.rstrip()[-1:] in ":,"


def evidence_sentences(passage_text: str) -> list[str]:
    """The passage's sentences, without those that address an AI reader."""
    passage_text = without_fence_breaks(passage_text)
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
    if lexical < MIN_PART_LEXICAL:
        return Support(lexical, 0.0, "")  # too few shared words to count as any support: no need to embed
    # A claim often fuses two adjacent sentences, so pairs are candidates too.
    units = sentences + [f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False)]
    embedder.prepare([claim, *units])
    cosines = [embedder.cosine(claim, u) for u in units]
    # The quote is the unit that best explains the claim, a single sentence unless a pair does clearly better.
    _, quote = max((c + 0.5 * lexical_support(claim, u) - (0.05 if i >= len(sentences) else 0.0), u)
                   for i, (c, u) in enumerate(zip(cosines, units, strict=True)))
    return Support(lexical, max(cosines), quote)


# Turning a reply into verified sentences


@dataclass
class VerifyStats:
    """What verification did to one reply (the writer benchmark sums these)."""

    sentences: int = 0
    kept: int = 0  # claims shown, cited
    fixed: int = 0  # of those, cited to another source than the model named
    dropped: int = 0
    fragments: int = 0
    instructions: int = 0
    model_abstained: bool = False
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a reply: where it sits, the text as written and the sources it cites (all numbers, valid
    or not)."""

    line: int
    bullet: bool
    text: str
    cited: tuple[int, ...]

    @property
    def claim(self) -> str:
        return strip_markers(self.text)


def split_reply(text: str) -> list[Sentence]:
    """The reply's sentences in reading order (a marker after the full stop belongs to the sentence before it)."""
    out: list[Sentence] = []
    for index, (line, bullet) in enumerate(normalize_reply(text)):
        raw: list[str] = []
        for start, end in split_sentences(line):
            sentence = line[start:end]
            lead = _LEADING_MARKERS.match(sentence)
            if lead and raw:
                raw[-1] = f"{raw[-1]} {lead.group(0).strip()}"
                sentence = sentence[lead.end() :].strip()
            elif lead and out and not raw:
                prev = out[-1]
                out[-1] = replace(prev, text=f"{prev.text} {lead.group(0).strip()}",
                                  cited=prev.cited + _numbers(lead.group(0)))
                sentence = sentence[lead.end() :].strip()
            if sentence:
                raw.append(sentence)
        out.extend(Sentence(index, bullet, s, _numbers(s)) for s in raw)
    return out


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(dict.fromkeys(n for m in _MARKER.finditer(text) for n in parse_markers(m.group(1))))


class Verifier:
    """Checks a reply sentence by sentence against numbered sources, numbering the articles it keeps by first use.

    `add` returns the text to show for a sentence (with its separator), or "" when it is dropped or held back; the
    Answer is complete after `finish`. The text shown is exactly the Answer's text, so it can be streamed.
    """

    def __init__(self, question: str, sources: Sequence[Passage], embed_model: Any | None) -> None:
        self.question = question
        self.sources = list(sources)
        self.embedder = _Embedder(embed_model)
        self.stats = VerifyStats()
        self.text = ""
        self._numbers: dict[str, int] = {}  # article id → its [n] in the answer
        self._first: dict[str, Passage] = {}
        self._quotes: dict[str, list[str]] = {}
        self._held: list[Sentence] = []  # connectives and "the articles don't say …" waiting for a claim
        self._last_line = -1
        allowed = " ".join([question, SENTINEL, *(p.text for p in self.sources)])
        self._known_terms = set(content_terms(allowed))

    def add(self, sentence: Sentence) -> str:
        """Verify one sentence; the text to show now (possibly with held sentences before it), or ""."""
        self.stats.sentences += 1
        claim = sentence.claim
        if is_abstention(claim):
            bare = not (set(content_terms(claim)) - set(content_terms(SENTINEL)))
            if bare:
                self.stats.model_abstained = True
            elif len(set(content_terms(claim)) - self._known_terms) <= 1 and not repeats_instruction(
                claim, self.sources
            ):
                # What it says is missing must be about the question or the articles, not news of its own.
                self._held.append(sentence)  # "The articles don't say how long he stays.": shown after a claim
            else:
                self._drop(claim, "unsupported")
            return ""
        if is_connective(claim) and not sentence.cited:
            self._held.append(sentence)
            return ""
        if is_fragment(claim):
            self.stats.fragments += 1
            return self._drop(claim, "fragment")
        if repeats_instruction(claim, self.sources):
            self.stats.instructions += 1
            return self._drop(claim, "instruction")
        cited = self._attribute(sentence)
        if not cited:
            return self._drop(claim, "unsupported")
        self.stats.kept += 1
        shown = [self._emit(held, {}) for held in self._held if not is_abstention(held.claim)]
        self._held = [h for h in self._held if is_abstention(h.claim)]
        shown.append(self._emit(sentence, cited))
        return "".join(shown)

    def finish(self) -> str:
        """The held text still to show (a partial answer's "The articles don't say …"), once every sentence is in."""
        if not self.stats.kept:
            return ""
        shown = [self._emit(h, {}) for h in self._held if is_abstention(h.claim)]
        self._held = []
        return "".join(shown)

    def answer(self) -> Answer:
        """The verified answer; an abstention (no citations) when no claim was kept."""
        if not self.stats.kept:
            return abstention(self.question)
        citations = [
            citation_for(n, self._first[article], " … ".join(self._quotes[article]))
            for article, n in self._numbers.items()
        ]
        dropped = self.stats.dropped
        note = f"Left out {dropped} sentence{'s' if dropped != 1 else ''} the articles don't support."
        return Answer(text=self.text, citations=tuple(citations), question=self.question, note=note if dropped else "")

    def _drop(self, claim: str, reason: str) -> str:
        self.stats.dropped += 1
        self.stats.reasons.append(reason)
        logger.info("dropped a sentence (%s): %r", reason, claim)
        return ""

    def _attribute(self, sentence: Sentence) -> dict[int, str]:
        """The sources that support the sentence, each with its quote: those it cites if they do, else the one
        other source that supports it best; empty when none does."""
        claim = sentence.claim
        n = len(self.sources)
        named = [s for s in sentence.cited if 1 <= s <= n]
        if len(named) < len(sentence.cited):
            logger.info("citations to unknown sources in %r", sentence.text)
        scores = {s: support(claim, self.sources[s - 1].text, self.embedder) for s in named}
        good = [s for s, sc in scores.items() if sc.ok]
        if not good and len(named) > 1:
            # A sentence that joins facts from several sources may be supported only by them together.
            union = " ".join(self.sources[s - 1].text for s in named)
            if lexical_support(claim, union) >= MIN_LEXICAL and max(sc.cosine for sc in scores.values()) >= MIN_COSINE:
                good = [s for s, sc in scores.items() if sc.lexical >= MIN_PART_LEXICAL]
        if good:
            kept = [s for s in named if s in good or scores[s].lexical >= MIN_PART_LEXICAL and scores[s].quote]
            if self._details_found(claim, kept):
                return {s: scores[s].quote for s in kept if scores[s].quote}
        others = {s: support(claim, self.sources[s - 1].text, self.embedder) for s in range(1, n + 1) if s not in named}
        ranked = sorted((s for s, sc in others.items() if sc.ok), key=lambda s: -(others[s].lexical + others[s].cosine))
        for s in ranked:
            if self._details_found(claim, [s]):
                self.stats.fixed += 1
                logger.info("cited %r to source %d instead of %s", claim, s, named or "none")
                return {s: others[s].quote}
        return {}

    def _details_found(self, claim: str, sources: Sequence[int]) -> bool:
        evidence = " ".join(" ".join(evidence_sentences(self.sources[s - 1].text)) for s in sources)
        missing = missing_details(claim, evidence)
        if missing:
            logger.info("%r: not in the sources it cites: %s", claim, missing)
        return bool(sources) and not missing

    def _emit(self, sentence: Sentence, cited: dict[int, str]) -> str:
        numbers = []
        for source, quote in cited.items():
            passage = self.sources[source - 1]
            numbers.append(self._numbers.setdefault(passage.article_id, len(self._numbers) + 1))
            self._first.setdefault(passage.article_id, passage)
            if quote not in self._quotes.setdefault(passage.article_id, []):
                self._quotes[passage.article_id].append(quote)
        body = _with_markers(sentence.claim, numbers)
        if not self.text:
            sep = "- " if sentence.bullet else ""
        elif sentence.line != self._last_line:
            sep = "\n- " if sentence.bullet else "\n"
        else:
            sep = " "
        self._last_line = sentence.line
        piece = sep + body
        self.text += piece
        return piece


def _with_markers(claim: str, numbers: Sequence[int]) -> str:
    """`claim` with its markers before the final full stop ("… Hotel [1]." or "… Hotel [1][3].")."""
    claim = _tidy(claim)
    if not numbers:
        return claim
    markers = "".join(f"[{n}]" for n in dict.fromkeys(numbers))
    if claim[-1:] in ".!?" and not claim.endswith("..."):
        return f"{claim[:-1]} {markers}{claim[-1]}"
    return f"{claim} {markers}"


def verify_answer(question: str, text: str, passages: Sequence[Passage], embed_model: Any | None) -> Answer:
    """The model's `text` reduced to the sentences the sources support, cited to the sources that support them."""
    verifier = Verifier(question, passages, embed_model)
    for sentence in split_reply(text):
        verifier.add(sentence)
    verifier.finish()
    return verifier.answer()

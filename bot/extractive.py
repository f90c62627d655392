"""The offline answer: the retrieved sentences that answer the question, each cited, or an honest abstention."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from bot.citations import Claim, number_citations
from bot.headlines import headlines
from bot.sentences import QUESTION_WORDS, STOPWORDS, content_terms, words
from bot.types import Answer, Turn
from index.keyword import asks_for_latest
from index.periods import named_period, names_only_a_time
from index.sentences import is_question, quote_spans
from index.types import Passage

# Calibrated by bench/calibrate_abstention.py (BENCHMARKS.md, Decisions): with these, 97% of answerable
# RealTimeQA questions are answered and 98% of unanswerable ones abstain; a higher sentence bar costs answers.
MIN_PASSAGE_SCORE = 0.30
MIN_SENTENCE_SCORE = 0.42
# A sentence this close to the question answers it even from a passage under MIN_PASSAGE_SCORE: a short item's
# passage is as much about its other sentences ("The old bridge closed … Drivers face detours for six months.").
# In that calibration no unanswerable question whose passages fall under the floor has a sentence above 0.34.
STRONG_SENTENCE_SCORE = 0.60

# How the sentence score mixes its parts; the sentence-to-question cosine carries most of the meaning.
_W_SEMANTIC, _W_LEXICAL, _W_PASSAGE = 0.5, 0.3, 0.2
# Sentences scored by embedding per question: the lexical pre-ranking keeps this short, since embedding
# sentences is most of an answer's time (about 15 ms a sentence on 2 cores). On the 303 RealTimeQA dev questions
# 5 answered exactly as well as 8 (gold answer in 37.3% of answers, 21.8% abstained) in 30 ms less; 4 lost 1 point.
_SEMANTIC_CANDIDATES = 5
# Sentence vectors kept between questions: popular articles are asked about again and again.
_CACHE_SIZE = 20_000
MAX_SENTENCES = 3
# Two sentences sharing this share of their content words (Jaccard) state the same thing — reports of one event
# often repeat a wire sentence almost word for word — unless the later one names a name or number the first lacks
# ("Georgia's contest is also heading to a runoff …"). An echo is cited beside the first, not quoted again.
ECHO_SIMILARITY = 0.6
# News is written lede first: an article's opening sentences state the story. Among sentences that answer about as
# well, they come first (the bonus orders sentences; abstaining still looks at the plain score). On the 303 dev
# questions the gold answer appeared in 0.7–2.9 points more answers, on both halves, with and without dates
# (BENCHMARKS.md, Decisions).
LEAD_BONUS = 0.1
LEAD_CHARS = 400


def abstention(question: str) -> Answer:
    """The honest reply when the articles don't answer `question`."""
    return Answer(
        text="The articles don't say. I found no passage that answers this question, so I won't guess.",
        abstained=True,
        question=question,
    )


@dataclass(frozen=True)
class _Candidate:
    passage: Passage
    sentence: str
    lexical: float
    score: float = 0.0
    lead: bool = False  # among the article's opening sentences
    position: int = 0  # which sentence of the passage (in quote_spans order)
    offset: int = 0  # where the sentence starts in its article's text

    @property
    def lead_bonus(self) -> float:
        return LEAD_BONUS if self.lead else 0.0

    @property
    def priority(self) -> float:
        return self.score + self.lead_bonus


_ANSWER_CUES: dict[str, re.Pattern[str]] = {
    "when": re.compile(r"\b(\d{4}|january|february|march|april|may|june|july|august|september|october|november|"
                       r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today)\b", re.I),
    "how many": re.compile(r"\b\d[\d,.]*\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|"
                           r"thousand|million|billion)s?\b", re.I),
    "how much": re.compile(r"[$€£]\s?\d|\b\d[\d,.]*\s?(percent|%|million|billion|dollars)\b", re.I),
    "where": re.compile(r"\b(in|at|near|from|to)\s+(the\s+)?[A-Z]"),
    "who": re.compile(r"\b[A-Z][a-z]+\s+[A-Z][a-z]+"),
}  # fmt: skip


def _cue_bonus(question: str, sentence: str) -> float:
    q = question.lower()
    for cue, pattern in _ANSWER_CUES.items():
        if q.startswith(cue) or f" {cue} " in f" {q} ":
            return 0.05 if pattern.search(sentence) else 0.0
    return 0.0


class ExtractiveWriter:
    """Answers with the best-matching sentences of the passages; needs no language model."""

    name = "extractive"

    def __init__(
        self,
        embed_model: Any | None = None,
        min_passage_score: float = MIN_PASSAGE_SCORE,
        min_sentence_score: float = MIN_SENTENCE_SCORE,
        max_sentences: int = MAX_SENTENCES,
        neighbours: bool = True,
    ) -> None:
        self.embed_model = embed_model
        self.min_passage_score = min_passage_score
        self.min_sentence_score = min_sentence_score
        self.max_sentences = max_sentences
        # Whether the first claim is quoted with its neighbouring sentence (see `with_context`).
        self.neighbours = neighbours
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def write(self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()) -> Answer:
        # "What happened on May 3?": that day's headlines (bot.headlines). A follow-up ("What happened next?")
        # takes its topic from the conversation, unless it names a time of its own.
        if names_only_a_time(question) and (not history or named_period(question) is not None):
            return headlines(question, passages, self.max_sentences) or abstention(question)
        ranked = self.rank_sentences(question, passages)
        best = best_score(ranked)
        if not ranked or best < self.min_sentence_score:
            return abstention(question)
        if max(p.score for p in passages) < self.min_passage_score and best < STRONG_SENTENCE_SCORE:
            return abstention(question)
        statements = _claims([c for c in ranked if c.score >= 0.8 * best], self.max_sentences)
        if asks_for_latest(question):
            # "What's the latest on …?": the newest report leads, whichever sentence matched the words best.
            statements.sort(key=lambda s: s.first.passage.published_at, reverse=True)
        claims = [s.claim() for s in statements]
        if self.neighbours:
            quoted = {s.first.sentence.lower() for s in statements}
            first = with_context(statements[0].first, set(content_terms(question)), quoted)
            claims[0] = replace(claims[0], sentence=first)
        return number_citations(question, in_reading_order(statements, claims))

    def stream(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()
    ) -> Iterator[str | Answer]:
        answer = self.write(question, passages, history)
        yield answer.text
        yield answer

    def rank_sentences(self, question: str, passages: Sequence[Passage]) -> list[_Candidate]:
        """Every sentence of the passages, best answer first (ledes ahead of equal matches), with its score in
        [0, 1]-ish."""
        q_terms = set(content_terms(question))
        # Names and numbers in the question say most about which sentence answers it.
        q_strong = _names(question)
        candidates: list[_Candidate] = []
        seen: set[str] = set()
        for passage in passages:
            for position, (start, end) in enumerate(quote_spans(passage.text)):
                sentence = passage.text[start:end]
                key = sentence.lower()
                # A question answers nothing, however well it matches (a quiz that repeats the question).
                if key in seen or len(words(sentence)) < 4 or is_question(sentence):
                    continue
                seen.add(key)
                s_terms = set(content_terms(sentence))
                if not q_terms:
                    lexical = 0.0
                else:
                    weight = sum(2.0 if t in q_strong else 1.0 for t in q_terms)
                    hit = sum(2.0 if t in q_strong else 1.0 for t in q_terms & s_terms)
                    lexical = hit / weight
                lead = passage.start + start < LEAD_CHARS
                candidates.append(
                    _Candidate(passage, sentence, lexical, lead=lead, position=position, offset=passage.start + start)
                )
        if not candidates:
            return []
        candidates.sort(key=lambda c: c.lexical + 0.5 * c.passage.score + c.lead_bonus, reverse=True)
        head = candidates[:_SEMANTIC_CANDIDATES]
        semantic = self._semantic(question, [c.sentence for c in head])
        scored = [
            _Candidate(
                c.passage,
                c.sentence,
                c.lexical,
                _W_SEMANTIC * sem + _W_LEXICAL * c.lexical + _W_PASSAGE * max(c.passage.score, 0.0)
                + _cue_bonus(question, c.sentence),
                c.lead,
                c.position,
                c.offset,
            )
            for c, sem in zip(head, semantic, strict=True)
        ]
        scored.sort(key=lambda c: c.priority, reverse=True)
        return scored

    def _semantic(self, question: str, sentences: list[str]) -> list[float]:
        if self.embed_model is None:
            # Without a model, lexical overlap stands in for meaning.
            q = set(content_terms(question))
            return [len(q & set(content_terms(s))) / max(len(q), 1) for s in sentences]
        q_vec = np.asarray(self.embed_model.get_query_embedding(question), dtype=np.float32)
        vectors = self._sentence_vectors(sentences)
        return [_cosine(q_vec, v) for v in vectors]

    def _sentence_vectors(self, sentences: list[str]) -> list[np.ndarray]:
        with self._lock:
            missing = [s for s in dict.fromkeys(sentences) if s not in self._vectors]
        if missing:
            fresh = self.embed_model.get_text_embedding_batch(missing)  # type: ignore[union-attr]
            with self._lock:
                for sentence, vector in zip(missing, fresh, strict=True):
                    self._vectors[sentence] = np.asarray(vector, dtype=np.float32)
                while len(self._vectors) > _CACHE_SIZE:
                    self._vectors.popitem(last=False)
        with self._lock:
            found = []
            for sentence in sentences:
                self._vectors.move_to_end(sentence)
                found.append(self._vectors[sentence])
            return found


def in_reading_order(statements: Sequence[_Statement], claims: Sequence[Claim]) -> list[Claim]:
    """The claims (one per statement) grouped by article, articles in the order they first come, and each
    article's claims in the order its text makes them.

    Best first decides which sentences are quoted and which article leads, but three sentences of one report read
    best as the report tells them: "The Lightning won the last two Stanley Cups in 2020 and 2021" matches "Who won
    the 2022 Stanley Cup?" better than the lede does, yet comes after the lede that says the Avalanche won.
    """
    first_seen: dict[str, int] = {}
    for i, statement in enumerate(statements):
        first_seen.setdefault(statement.first.passage.article_id, i)

    def place(i: int) -> tuple[int, int]:
        first = statements[i].first
        return first_seen[first.passage.article_id], first.offset

    return [claims[i] for i in sorted(range(len(statements)), key=place)]


def best_score(ranked: Sequence[_Candidate]) -> float:
    """The highest plain score among ranked sentences (the first may be a lede that scores a little lower)."""
    return max((c.score for c in ranked), default=-1.0)


@dataclass
class _Statement:
    """A claim being assembled: its best sentence, that sentence's content terms, and its echoes so far."""

    first: _Candidate
    terms: set[str]
    echoes: list[tuple[str, Passage]]

    def cites(self, article_id: str) -> bool:
        return article_id == self.first.passage.article_id or any(p.article_id == article_id for _, p in self.echoes)

    def claim(self) -> Claim:
        return Claim(self.first.sentence, self.first.passage, tuple(self.echoes))


def _claims(candidates: Sequence[_Candidate], max_sentences: int = MAX_SENTENCES) -> list[_Statement]:
    """Up to `max_sentences` distinct statements, best first; a candidate that repeats a chosen one in another
    article's words becomes that claim's echo (one more source for it) instead of a sentence of its own."""
    chosen: list[_Statement] = []
    for candidate in candidates:
        terms = set(content_terms(candidate.sentence))
        names = _names(candidate.sentence, first_word_counts=True)
        original = next(
            (s for s in chosen if _jaccard(s.terms, terms) >= ECHO_SIMILARITY and names <= s.terms), None
        )
        if original is None:
            if len(chosen) < max_sentences:
                chosen.append(_Statement(candidate, terms, []))
        elif not original.cites(candidate.passage.article_id):
            original.echoes.append((candidate.sentence, candidate.passage))
    return chosen


def with_context(candidate: _Candidate, question_terms: set[str], quoted: set[str]) -> str:
    """The candidate's sentence, joined by the sentence before or after it in its passage if that one names a name
    or number new to the question and the sentence. A sentence that says "he", "its" or "they" gets the one before
    it, where whom it means is named; otherwise the neighbour naming more wins (the next on a tie). A neighbour
    that is a fragment (a chunk boundary cut it), a question or already quoted is left out, and so is a next
    sentence that turns to another story ("Meanwhile, …").

    News names a subject once and then says "he" or "the company": "Tuesday night, he picked up his first Hart
    Trophy …" follows "Toronto Maple Leafs forward Auston Matthews took …". On the 303 dev questions, quoting the
    first claim with its neighbour put the gold answer in 3.9 / 3.0 points more answers (with / without dates), on
    both halves; a fourth and fifth best sentence, adding as many words, gained 1 (BENCHMARKS.md,
    Decisions).
    """
    text = candidate.passage.text
    spans = quote_spans(text)
    known = question_terms | set(content_terms(candidate.sentence))
    usable: dict[int, tuple[int, str]] = {}
    for position in (candidate.position + 1, candidate.position - 1):
        if not 0 <= position < len(spans):
            continue
        start, end = spans[position]
        neighbour = text[start:end]
        if not _whole_sentence(neighbour) or is_question(neighbour) or neighbour.lower() in quoted:
            continue
        if position > candidate.position and _TURNS_AWAY.match(neighbour):
            continue
        new = len(_names(neighbour) - known)
        if new:
            usable[position] = (new, neighbour)
    if not usable:
        return candidate.sentence
    before = candidate.position - 1
    if before in usable and _PRONOUNS & set(words(candidate.sentence)):
        position = before
    else:
        position = max(usable, key=lambda p: (usable[p][0], p > candidate.position))
    neighbour = usable[position][1]
    return f"{candidate.sentence} {neighbour}" if position > candidate.position else f"{neighbour} {candidate.sentence}"


# A next sentence opening like this turns to another story ("Meanwhile, displays of hate are breaking out …").
_TURNS_AWAY = re.compile(r"(?:Meanwhile|Separately|Elsewhere|In other news|On another front)\b", re.IGNORECASE)

# Words that point back to someone or something named earlier.
_PRONOUNS = frozenset({"he", "she", "his", "her", "him", "it", "its", "they", "their", "them"})


def _names(text: str, first_word_counts: bool = False) -> set[str]:
    """The content terms of `text` that are names or numbers (see `_surface_content`)."""
    flags = _surface_content(text, first_word_counts)
    return {t for t, name in zip(content_terms(text), flags, strict=False) if name}


def _whole_sentence(text: str) -> bool:
    """At least four words, starting as a sentence starts and ending as one ends (not cut off by a chunk edge)."""
    bare = text.rstrip("\"'”’)] ")
    return len(words(text)) >= 4 and (text[:1].isupper() or text[:1].isdigit() or text[:1] in "\"“‘'(") and (
        bare[-1:] in ".!?…"
    )


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _surface_content(text: str, first_word_counts: bool = False) -> list[bool]:
    """For each content word of `text`, whether it is a name or a number (capitalised mid-sentence, or digits).
    With `first_word_counts`, a capitalised first word counts too (it may be a name: "Georgia's contest …")."""
    flags = []
    tokens = re.findall(r"[A-Za-z0-9][A-Za-z0-9'’\-]*", text)
    for i, token in enumerate(tokens):
        low = token.lower().replace("’", "'")
        if low.endswith("'s"):
            low = low[:-2]
        low = low.strip("'-")
        if not low or low in STOPWORDS or low in QUESTION_WORDS:
            continue
        flags.append(token[0].isdigit() or (token[0].isupper() and (i > 0 or first_word_counts)))
    return flags


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norms if norms else 0.0

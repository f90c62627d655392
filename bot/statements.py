"""How the sentences an offline answer quotes are chosen and shown: the one that answers first, at most one more that
adds a fact asked for, the neighbour that names what the first refers back to, near-copies in other reports cited
together, and a long first sentence cut to its answering clauses (verbatim, "…" where cut).

`bot.extractive` ranks the sentences and decides whether they answer at all; this module shapes what it quotes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answer_kinds import holds_answer
from bot.citations import Claim
from bot.coverage import evidence, mentions
from bot.instructions import gives_instructions, without_fence_breaks
from bot.sentences import content_terms, words
from index.query import Query
from index.sentences import is_question, quote_spans
from index.terms import content_tokens
from index.types import Passage

__all__ = [
    "ANSWER_BONUS", "LEAD_CHARS", "MAX_SENTENCES", "Candidate", "Statement", "answer_bonus", "answering",
    "distinct_statements", "injected", "names_in", "to_the_point", "with_context",
]

# Sentences an answer quotes at most: the one that answers, and one more only if it adds a fact asked for.
MAX_SENTENCES = 2
# A further sentence of which fewer content words than this share are new to the question only repeats it.
ECHO_NOVELTY = 0.25
# A first sentence longer than this is cut to the clauses that answer (a verbatim quote with "…" where cut).
LONG_SENTENCE = 220
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
OPENING_CHARS = 80


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage that may answer, with how well it does."""

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


# A sentence that holds the kind of answer asked for (bot.answer_kinds) ranks this much higher: on the tuning half
# of the dev questions it put the gold answer in the first sentence a little more often (BENCHMARKS.md, Decisions).
ANSWER_BONUS = 0.1


def answer_bonus(wants: str, question: str, sentence: str) -> float:
    """A little more for a sentence that holds the kind of answer asked for: a person, place, time or number the
    question doesn't name, or for "which …" and "what …" questions any name or number it doesn't."""
    if wants:
        return ANSWER_BONUS if holds_answer(wants, sentence, question) else 0.0
    opens = _OPENS_WITH_NAME.match(sentence) is not None
    new = names_in(sentence, first_word_counts=opens) - names_in(question, first_word_counts=True)
    return ANSWER_BONUS if new else 0.0


# A sentence whose first word is surely a name, not capitalised only for opening it: quoted ("“Succession” earned
# …"), capitalised inside ("JetBlue has …"), or followed by another capitalised word ("Bed Bath & Beyond told …").
_OPENS_WITH_NAME = re.compile(r"[“\"‘']|\d|[A-Z][\w'’-]*[A-Z]|[A-Z][\w'’.-]*\s+(?:(?:of|&|and)\s+)?[A-Z]")


def answering(query: Query, statements: Sequence[Statement]) -> list[Statement]:
    """The statement that answers best, and after it only those that add something the question asked about (a
    name, number or word of the question the first doesn't mention) or, while no sentence yet holds the kind of
    answer asked for, something new; in the order their articles tell them."""
    asked = set(content_terms(query.text))
    # A sentence that only repeats the question doesn't lead when another says something.
    saying = [s for s in statements if not _echoes_question(s.terms, asked)] or list(statements)
    first = saying[0]
    rest = [s for s in statements if s is not first]
    # Whether the first holds the kind of answer asked for; if not ("Which state …?" answered by a sentence that
    # names no state), a further sentence that names something new may be what was asked.
    answered = answer_bonus(query.wants, query.text, first.first.sentence) > 0
    if not answered:
        # Its neighbour may hold it ("Velveeta started flying off the shelves." before "Sales of the processed
        # cheese product …"): quoted with it, that neighbour answers before any sentence of another passage.
        first.context = with_context(first.first, query, {s.first.sentence.lower() for s in statements})
        answered = first.context is not None
    said = first.first.sentence + (f" {first.context[0]}" if first.context else "")
    covered = {s for s in query.subjects if mentions(evidence(said), s)}
    extra = []
    seen_names = names_in(query.text, True) | names_in(said, True)
    for statement in rest:
        sentence = statement.first.sentence
        if _echoes_question(statement.terms, asked):
            continue
        found = evidence(sentence)
        adds = {s for s in query.subjects if s not in covered and mentions(found, s)}
        if not adds and (answered or not names_in(sentence, True) - seen_names):
            continue
        extra.append(statement)
        covered |= adds
        seen_names |= names_in(sentence, True)
        answered = answered or answer_bonus(query.wants, query.text, sentence) > 0
    extra.sort(key=lambda s: (s.first.passage.article_id != first.first.passage.article_id, s.first.offset))
    return [first, *extra]


def with_context(candidate: Candidate, query: Query, quoted: set[str]) -> tuple[str, bool] | None:
    """The sentence just before or after `candidate` in its passage when that one holds the kind of answer asked for
    and the candidate doesn't. News names a subject once and then says "he" or "the processed cheese product": the
    sentence that matches a question best often leaves the answer to its neighbour ("Velveeta started flying off
    the shelves. Sales of the processed cheese product … have been in decline …"); with it, whether it comes
    before. The one before wins when the candidate points back ("he", "its", "the company"); a
    fragment, a question, an order to an AI or a sentence already quoted is never added, nor a next sentence that
    turns to another story."""
    if query.asks_reason or query.introduces or query.relation:
        # A reason or a manner is no name, and who someone is is said beside their name: a sentence naming someone
        # new holds neither.
        return None
    text = candidate.passage.text
    spans = quote_spans(text)
    said = names_in(query.text, True) | names_in(candidate.sentence, True)
    usable: dict[int, str] = {}
    for position in (candidate.position - 1, candidate.position + 1):
        if not 0 <= position < len(spans):
            continue
        neighbour = text[spans[position][0] : spans[position][1]]
        if not _whole_sentence(neighbour) or is_question(neighbour) or neighbour.lower() in quoted:
            continue
        if injected(neighbour, without_fence_breaks(text)):
            continue
        if position > candidate.position and _TURNS_AWAY.match(neighbour):
            continue
        if answer_bonus(query.wants, query.text, neighbour) > 0 and names_in(neighbour, True) - said:
            usable[position] = neighbour
    if not usable:
        return None
    before = candidate.position - 1
    position = before if before in usable and (_POINTS_BACK.match(candidate.sentence) or len(usable) == 1) else (
        min(usable, key=lambda p: p < candidate.position))
    return usable[position], position < candidate.position


def _whole_sentence(text: str) -> bool:
    """At least four words, starting as a sentence starts and ending as one ends (not cut off by a chunk edge)."""
    bare = text.rstrip("\"'”’)] ")
    return len(words(text)) >= 4 and (text[:1].isupper() or text[:1].isdigit() or text[:1] in "\"“‘'(") and (
        bare[-1:] in ".!?…"
    )


# A sentence that opens by pointing back to what the one before named ("He said …", "The company …", "Its …").
_POINTS_BACK = re.compile(r"(?:[^,]*,\s*)?(?:he|she|it|they|his|her|its|their|this|these|that|those|the)\b", re.I)
# A next sentence that turns to another story.
_TURNS_AWAY = re.compile(r"(?:Meanwhile|Separately|Elsewhere|In other news|On another front)\b", re.IGNORECASE)


def _echoes_question(terms: set[str], asked: set[str]) -> bool:
    """Whether a sentence says little beyond the question's own words ("Shoppers say supermarkets in France are
    struggling to stock the condiment" for "… struggling to stock which condiment?"): it adds no fact."""
    return bool(terms) and len(terms - asked) / len(terms) < ECHO_NOVELTY


def to_the_point(sentence: str, query: Query, limit: int | None = None) -> tuple[str, str]:
    """`sentence`, and what an answer shows of it: when it is longer than `limit`, the clauses that hold most of
    what the question asks about, verbatim, with "…" where cut."""
    limit = limit or LONG_SENTENCE
    if len(sentence) <= limit:
        return sentence, sentence
    bounds = [0, *(m.end() for m in _CLAUSE_END.finditer(sentence)), len(sentence)]
    clauses = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    if len(clauses) < 2:
        return sentence, sentence

    def weight(span: tuple[int, int]) -> float:
        found = evidence(sentence[span[0] : span[1]])
        hits = sum(2.0 if s.named else 1.0 for s in query.subjects if mentions(found, s))
        return hits + (1.5 if answer_bonus(query.wants, query.text, sentence[span[0] : span[1]]) else 0.0)

    weights = [weight(c) for c in clauses]
    first = last = max(range(len(clauses)), key=lambda i: weights[i])
    while True:
        # Widen to the neighbouring clause that holds more of what is asked (the answer is often beside the clause
        # that matches the question), while the whole stays under the limit.
        options = [i for i in (first - 1, last + 1) if 0 <= i < len(clauses)]
        options = [i for i in options if clauses[max(last, i)][1] - clauses[min(first, i)][0] <= limit]
        if not options:
            break
        pick = max(options, key=lambda i: (weights[i], -i))
        first, last = min(first, pick), max(last, pick)
    start, end = clauses[first][0], clauses[last][1]
    shown = sentence[start:end].strip().rstrip(",;:—–-").strip()
    opening = sentence[: clauses[0][1]].strip().rstrip(",;:—–-").strip()
    if (
        start > 0
        and len(opening) <= OPENING_CHARS
        and not _SETS_THE_SCENE.match(opening)
        and answer_bonus(query.wants, query.text, opening)
    ):
        # The sentence's subject often is the answer ("“House of the Dragon” — the … prequel — brought in 10
        # million viewers …"): a short opening clause naming something the question doesn't stays, elided.
        shown = f"{opening} … {shown}"
    elif start > 0:
        shown = "… " + shown
    if end < len(sentence):
        shown += " …"
    return sentence, shown


# An opening clause that sets the time or place of a sentence, or leads into it, rather than naming its subject.
_SETS_THE_SCENE = re.compile(
    r"(?:in|on|at|according|after|before|during|as|while|when|since|for|by|with|from|under|over|despite|although|"
    r"though|if|earlier|later|last|this|then|but|and|so|yet|meanwhile|still|now|also|however)\b",
    re.IGNORECASE,
)
# Where a clause ends: a comma, semicolon, colon or dash and the space after it (not "1,000" or "U.S.-made").
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+|\s+(?=[—–]\s)|(?<=[—–])\s+")


@dataclass
class Statement:
    """A claim being assembled: its best sentence, that sentence's content terms, and its echoes so far."""

    first: Candidate
    terms: set[str]
    echoes: list[tuple[str, Passage]]
    context: tuple[str, bool] | None = None  # a neighbouring sentence that holds the answer, and whether it is before

    def cites(self, article_id: str) -> bool:
        return article_id == self.first.passage.article_id or any(p.article_id == article_id for _, p in self.echoes)

    def claim(self) -> Claim:
        return Claim(self.first.sentence, self.first.passage, tuple(self.echoes))


def distinct_statements(candidates: Sequence[Candidate], max_sentences: int = MAX_SENTENCES) -> list[Statement]:
    """Up to `max_sentences` distinct statements, best first; a candidate that repeats a chosen one in another
    article's words becomes that claim's echo (one more source for it) instead of a sentence of its own."""
    chosen: list[Statement] = []
    for candidate in candidates:
        terms = set(content_terms(candidate.sentence))
        named = names_in(candidate.sentence, first_word_counts=True)
        original = next(
            (s for s in chosen if _jaccard(s.terms, terms) >= ECHO_SIMILARITY and named <= s.terms), None
        )
        if original is None:
            if len(chosen) < max_sentences:
                chosen.append(Statement(candidate, terms, []))
        elif not original.cites(candidate.passage.article_id):
            original.echoes.append((candidate.sentence, candidate.passage))
    return chosen


def injected(sentence: str, fenced: str) -> bool:
    """Whether `sentence` gives orders to an AI, or stands where the article broke out of its fence (it is missing
    from `fenced`, its passage without what came after a fence break): never quoted."""
    return gives_instructions(sentence) or sentence not in fenced


def names_in(text: str, first_word_counts: bool = False) -> set[str]:
    """The content terms of `text` that are names or numbers: capitalised mid-sentence, or digits. With
    `first_word_counts`, a capitalised first word counts too (it may be a name: "Georgia's contest …")."""
    return {
        term
        for position, surface, term in content_tokens(text)
        if surface[0].isdigit() or (surface[0].isupper() and (position > 0 or first_word_counts))
    }


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0

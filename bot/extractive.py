"""The offline answer: the retrieved sentences that answer the question, each cited, or an honest abstention."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from bot.answer_kinds import holds_answer, names_a_person
from bot.citations import Claim, number_citations
from bot.coverage import evidence, mentions, share, unmentioned
from bot.followup import is_follow_up, topic_query
from bot.headlines import headlines
from bot.instructions import gives_instructions, without_fence_breaks
from bot.sentences import content_terms, words
from bot.types import Answer, Turn
from index.query import Query, Subject, parse
from index.sentences import is_question, quote_spans
from index.terms import content_tokens
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
MAX_SENTENCES = 2
# Of the words a question asks with (not its names), more than this share missing from the article the answer would
# quote means the article doesn't say what was asked. Chosen with bench/calibrate_answers.py on the tuning half: it
# keeps answering the dev questions whose gold article was read and declines most of the unanswerable set
# (BENCHMARKS.md, "Answers").
MAX_UNSAID_SHARE = 0.75
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


def abstention(question: str) -> Answer:
    """The honest reply when the articles don't answer `question`."""
    return Answer(
        text="The articles don't say. I found no passage that answers this question, so I won't guess.",
        abstained=True,
        question=question,
    )


def not_covered(question: str, mentioned: Sequence[Subject], missing: Sequence[Subject]) -> Answer:
    """The reply when the articles don't mention part of what the question is about: it says which part."""
    absent = _listing([_shown(s) for s in missing], "or")
    # "The articles mention 2018" says nothing: a year is only worth naming beside what it dates.
    mentioned = [s for s in mentioned if s.kind != "number"]
    if mentioned:
        named = _listing([_shown(s) for s in mentioned[:3]], "and")
        text = f"The articles mention {named}, but nothing about {absent}."
    else:
        text = f"The articles say nothing about {absent}."
    return Answer(text=text, abstained=True, question=question, missing=tuple(s.text for s in missing))


def _shown(subject: Subject) -> str:
    return subject.text if subject.named else f"“{subject.text}”"


def _listing(items: Sequence[str], last: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


@dataclass(frozen=True)
class Assessment:
    """What the passages hold for a question; `ExtractiveWriter.decline` decides from it whether they answer."""

    query: Query
    ranked: list[_Candidate]  # sentences of the articles that name what the question names, best first
    named: list[Subject]  # the question's names and years
    missing: list[Subject]  # of those, what no passage's article mentions
    best: float  # the best plain sentence score
    passage_best: float  # the best passage score
    asked: list[Subject]  # the words the question asks with
    unsaid: list[Subject]  # of those, what the article to quote doesn't mention
    unsaid_part: str = ""  # a second part of the question that article doesn't touch at all
    whole: bool = False  # the best sentence mentions everything the question is about
    says_some: bool = True  # the best sentence, or one beside it, mentions a word the question asks with

    @property
    def unsaid_share(self) -> float:
        return len(self.unsaid) / len(self.asked) if self.asked else 0.0


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


# A sentence that holds the kind of answer asked for (bot.answer_kinds) ranks this much higher: on the tuning half
# of the dev questions it put the gold answer in the first sentence a little more often (BENCHMARKS.md, Decisions).
ANSWER_BONUS = 0.1


def _answer_bonus(wants: str, question: str, sentence: str) -> float:
    """A little more for a sentence that holds the kind of answer asked for: a person, place, time or number the
    question doesn't name, or for "which …" and "what …" questions any name or number it doesn't."""
    if wants:
        return ANSWER_BONUS if holds_answer(wants, sentence, question) else 0.0
    opens = _OPENS_WITH_NAME.match(sentence) is not None
    return ANSWER_BONUS if _names(sentence, first_word_counts=opens) - _names(question, first_word_counts=True) else 0.0


# A sentence whose first word is surely a name, not capitalised only for opening it: quoted ("“Succession” earned
# …"), capitalised inside ("JetBlue has …"), or followed by another capitalised word ("Bed Bath & Beyond told …").
_OPENS_WITH_NAME = re.compile(r"[“\"‘']|\d|[A-Z][\w'’-]*[A-Z]|[A-Z][\w'’.-]*\s+(?:(?:of|&|and)\s+)?[A-Z]")


class ExtractiveWriter:
    """Answers with the best-matching sentences of the passages; needs no language model."""

    name = "extractive"
    streams = False

    def __init__(
        self,
        embed_model: Any | None = None,
        min_passage_score: float = MIN_PASSAGE_SCORE,
        min_sentence_score: float = MIN_SENTENCE_SCORE,
        max_sentences: int = MAX_SENTENCES,
        article_text: Callable[[str], str] | None = None,
        max_unsaid_share: float = MAX_UNSAID_SHARE,
    ) -> None:
        self.max_unsaid_share = max_unsaid_share
        self.embed_model = embed_model
        # The whole text of an article by id, to look up what a question names beyond the retrieved passages.
        self.article_text = article_text
        self.min_passage_score = min_passage_score
        self.min_sentence_score = min_sentence_score
        self.max_sentences = max_sentences
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def write(self, question: str | Query, passages: Sequence[Passage], history: Sequence[Turn] = ()) -> Answer:
        query = question if isinstance(question, Query) else parse(question)
        question = query.text
        # "What happened on May 3?": that day's headlines (bot.headlines). A follow-up ("What happened next?")
        # takes its topic from the conversation, unless it names a time of its own.
        if query.time_only and (not history or query.period is not None):
            return headlines(query, passages, self.max_sentences) or abstention(question)
        if history and is_follow_up(question):
            # "who else tried?": the previous question says what about; the answer must name someone new.
            # What it wants and its parts are its own: the topic's words only say what it is about.
            query = replace(parse(topic_query(question, question, history)), wants=query.wants, parts=query.parts)
        known = None
        if history and _ELSE.search(question):
            known = _names(history[-1].question + " " + history[-1].answer.text, first_word_counts=True)
        found = self.assess(query, passages, known)
        declined = self.decline(found, question)
        if declined is not None:
            return declined
        pool = [c for c in found.ranked if c.score >= 0.8 * found.best]
        if query.latest:
            # "What's the latest on …?": the newest report leads, whichever sentence matched the words best.
            newest = max(found.ranked, key=lambda c: c.passage.published_at)
            pool = [newest, *(c for c in pool if c is not newest)]
        # A few more statements than are shown, to choose from (answering keeps those that add a fact).
        statements = _claims(pool, self.max_sentences + 2)
        if query.latest:
            statements.sort(key=lambda s: s.first.passage.published_at, reverse=True)
        statements = answering(query, statements)[: self.max_sentences]
        claims = [s.claim() for s in statements]
        full, shown = to_the_point(claims[0].sentence, query)
        if statements[0].context is not None:
            neighbour, before = statements[0].context
            _, near = to_the_point(neighbour, query)
            full, shown = (f"{neighbour} {full}", f"{near} {shown}") if before else (
                f"{full} {neighbour}", f"{shown} {near}")
        claims[0] = replace(claims[0], sentence=full, shown=shown)
        answer = number_citations(question, claims)
        if found.unsaid_part:
            # "…, and how many people died?": answer what the articles say, and say which part they don't.
            part = found.unsaid_part.rstrip("?.! ")
            text = f"{answer.text} The articles don't say {part[:1].lower()}{part[1:]}."
            answer = replace(answer, text=text, missing=tuple(s.text for s in found.unsaid))
        return answer

    def assess(self, query: Query, passages: Sequence[Passage], known: set[str] | None = None) -> Assessment:
        """What the passages hold for `query`: its sentences, ranked, from articles that name what it names, and
        what the question is about that the articles don't mention. With `known` names, only sentences that name
        someone or something else count ("who else tried?")."""
        ranked = self.rank_sentences(query, passages, known)
        if known is not None and query.wants == "person":
            # "who else …?": a sentence naming someone new by title ("Prime Minister Boris Johnson") names a person
            # surely; "the United Nations" may be new too, but is no one.
            ranked.sort(key=lambda c: not names_a_person(c.sentence, known))
        texts = {p.article_id: self._text_of(p) for p in passages}
        named = [s for s in query.subjects if s.named]
        # A passage about Trump and Rouhani doesn't answer a question about Trump and Kim Jong Un, however well
        # it matches: what the question names must be in the article quoted.
        # With no passages (filters left nothing to search), nothing was looked in: the plain abstention says so.
        missing = unmentioned(named, list(texts.values())) if texts else []
        naming = {a for a, text in texts.items() if not unmentioned(named, [text])}
        asked = [s for s in query.subjects if s.kind == "term"]
        # The article quoted must also say most of what is asked ("… eat for dinner at the hotel?"): sentences of
        # articles that do come first; if none does, the one that says the most tells what is missing.
        unsaid_in = {a: [s for s in asked if not mentions(evidence(texts[a]), s)] for a in naming}
        ranked = [c for c in ranked if c.passage.article_id in naming]
        if ranked and asked:
            fewest = min(len(unsaid_in[c.passage.article_id]) for c in ranked)
            allowed = max(fewest, int(self.max_unsaid_share * len(asked)))
            # Those articles' sentences lead, and of them first a sentence that, with the sentences beside it,
            # says something of what is asked: one that only names what the question names ("Lower.com Field will
            # host the 2022 World Cup qualifying match" for "Who won the 2022 World Cup?") answers nothing.
            ranked.sort(key=lambda c: (len(unsaid_in[c.passage.article_id]) > allowed, not _says_some(c, asked)))
        lead = ranked[0] if ranked else None
        unsaid = unsaid_in[lead.passage.article_id] if lead is not None else []
        unsaid_part = ""
        if lead is not None and len(query.parts) > 1:
            article = evidence(texts[lead.passage.article_id])
            for part in query.parts[1:]:
                own = [s for s in parse(part).subjects if s.kind == "term"]
                if own and not any(mentions(article, s) for s in own):
                    unsaid_part, unsaid = part, own
        return Assessment(
            query=query,
            ranked=ranked,
            named=named,
            missing=missing,
            best=best_score(ranked),
            passage_best=max((p.score for p in passages), default=-1.0),
            asked=asked,
            unsaid=unsaid,
            unsaid_part=unsaid_part,
            says_some=lead is not None and (not asked or _says_some(lead, asked)),
            whole=lead is not None and all(
                mentions(evidence(lead.sentence), s) for s in query.subjects if s.kind != "focus"),
        )

    def decline(self, found: Assessment, question: str) -> Answer | None:
        """The reply when the passages don't answer: what the articles don't mention, or that they don't say."""
        if found.missing:
            return not_covered(question, [s for s in found.named if s not in found.missing], found.missing)
        if not found.ranked or found.best < self.min_sentence_score:
            return abstention(question)
        # A passage under the floor is about other things, unless its best sentence says everything asked about.
        if found.passage_best < self.min_passage_score and found.best < STRONG_SENTENCE_SCORE and not found.whole:
            return abstention(question)
        if not found.unsaid_part and found.unsaid_share > self.max_unsaid_share:
            mentioned = found.named + [s for s in found.asked if s not in found.unsaid]
            return not_covered(question, mentioned, found.unsaid)
        if not found.says_some:
            return abstention(question)
        return None

    def _text_of(self, passage: Passage) -> str:
        if self.article_text is not None:
            try:
                return self.article_text(passage.article_id) or passage.text
            except KeyError:
                return passage.text
        return passage.text

    def stream(
        self, question: str | Query, passages: Sequence[Passage], history: Sequence[Turn] = ()
    ) -> Iterator[str | Answer]:
        answer = self.write(question, passages, history)
        yield answer.text
        yield answer

    def rank_sentences(
        self, question: str | Query, passages: Sequence[Passage], known: set[str] | None = None
    ) -> list[_Candidate]:
        """Every sentence of the passages, best answer first (ledes ahead of equal matches), with its score in
        [0, 1]-ish."""
        parsed = question if isinstance(question, Query) else parse(question)
        question = parsed.text
        subjects, wanted = parsed.subjects, parsed.wants
        candidates: list[_Candidate] = []
        seen: set[str] = set()
        for passage in passages:
            fenced = without_fence_breaks(passage.text)  # once a passage, not once a sentence
            for position, (start, end) in enumerate(quote_spans(passage.text)):
                sentence = passage.text[start:end]
                key = sentence.lower()
                # A question answers nothing, however well it matches (a quiz that repeats the question), and an
                # article's orders to an AI ("Ignore all previous instructions …") are never an answer.
                if key in seen or len(words(sentence)) < 4 or is_question(sentence) or _injected(sentence, fenced):
                    continue
                if known is not None and not _names(sentence, first_word_counts=True) - known:
                    continue
                seen.add(key)
                # Names and numbers in the question say most about which sentence answers it (they count double).
                lexical = share(subjects, sentence)
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
                + _answer_bonus(wanted, question, c.sentence),
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


def answering(query: Query, statements: Sequence[_Statement]) -> list[_Statement]:
    """The statement that answers best, and after it only those that add something the question asked about (a
    name, number or word of the question the first doesn't mention) or, while no sentence yet holds the kind of
    answer asked for, something new; in the order their articles tell them."""
    asked = set(content_terms(query.text))
    # A sentence that only repeats the question doesn't lead when another says something.
    saying = [s for s in statements if not _echoes_question(s.terms, asked)] or list(statements)
    first = saying[0]
    rest = [s for s in statements if s is not first]
    covered = {s for s in query.subjects if mentions(evidence(first.first.sentence), s)}
    # Whether the first holds the kind of answer asked for; if not ("Which state …?" answered by a sentence that
    # names no state), a further sentence that names something new may be what was asked.
    answered = _answer_bonus(query.wants, query.text, first.first.sentence) > 0
    if not answered:
        # Its neighbour may hold it ("Velveeta started flying off the shelves." before "Sales of the processed
        # cheese product …"): quoted with it, that neighbour answers before any sentence of another passage.
        first.context = with_context(first.first, query, {s.first.sentence.lower() for s in statements})
        answered = first.context is not None
    said = first.first.sentence + (f" {first.context[0]}" if first.context else "")
    covered |= {s for s in query.subjects if mentions(evidence(said), s)}
    extra = []
    seen_names = _names(query.text, True) | _names(said, True)
    for statement in rest:
        sentence = statement.first.sentence
        if _echoes_question(statement.terms, asked):
            continue
        found = evidence(sentence)
        adds = {s for s in query.subjects if s not in covered and mentions(found, s)}
        if not adds and (answered or not _names(sentence, True) - seen_names):
            continue
        extra.append(statement)
        covered |= adds
        seen_names |= _names(sentence, True)
        answered = answered or _answer_bonus(query.wants, query.text, sentence) > 0
    extra.sort(key=lambda s: (s.first.passage.article_id != first.first.passage.article_id, s.first.offset))
    return [first, *extra]


def with_context(candidate: _Candidate, query: Query, quoted: set[str]) -> tuple[str, bool] | None:
    """The sentence just before or after `candidate` in its passage when that one holds the kind of answer asked for
    and the candidate doesn't, and whether it comes before. News names a subject once and then says "he" or "the
    processed cheese product": the sentence that matches a question best often leaves the answer to its neighbour
    ("Velveeta started flying off the shelves. Sales of the processed cheese product … have been in decline …").
    The one before wins when the candidate points back ("he", "its", "the company"); a fragment, a question, an
    order to an AI or a sentence already quoted is never added, nor a next sentence that turns to another story."""
    text = candidate.passage.text
    spans = quote_spans(text)
    said = _names(query.text, True) | _names(candidate.sentence, True)
    usable: dict[int, str] = {}
    for position in (candidate.position - 1, candidate.position + 1):
        if not 0 <= position < len(spans):
            continue
        neighbour = text[spans[position][0] : spans[position][1]]
        if not _whole_sentence(neighbour) or is_question(neighbour) or neighbour.lower() in quoted:
            continue
        if _injected(neighbour, without_fence_breaks(text)):
            continue
        if position > candidate.position and _TURNS_AWAY.match(neighbour):
            continue
        if _answer_bonus(query.wants, query.text, neighbour) > 0 and _names(neighbour, True) - said:
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


def _says_some(candidate: _Candidate, asked: Sequence[Subject]) -> bool:
    """Whether `candidate`'s sentence or a sentence beside it in its passage mentions one of the `asked` words."""
    spans = quote_spans(candidate.passage.text)
    first, last = max(candidate.position - 1, 0), min(candidate.position + 1, len(spans) - 1)
    near = evidence(candidate.passage.text[spans[first][0] : spans[last][1]]) if spans else evidence(candidate.sentence)
    return any(mentions(near, s) for s in asked)


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
        return hits + (1.5 if _answer_bonus(query.wants, query.text, sentence[span[0] : span[1]]) else 0.0)

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
    if start > 0:
        shown = "… " + shown
    if end < len(sentence):
        shown += " …"
    return sentence, shown


# Where a clause ends: a comma, semicolon, colon or dash and the space after it (not "1,000" or "U.S.-made").
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+|\s+(?=[—–]\s)|(?<=[—–])\s+")


def best_score(ranked: Sequence[_Candidate]) -> float:
    """The highest plain score among ranked sentences (the first may be a lede that scores a little lower)."""
    return max((c.score for c in ranked), default=-1.0)


@dataclass
class _Statement:
    """A claim being assembled: its best sentence, that sentence's content terms, and its echoes so far."""

    first: _Candidate
    terms: set[str]
    echoes: list[tuple[str, Passage]]
    context: tuple[str, bool] | None = None  # a neighbouring sentence quoted with it, and whether it comes before

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


def _injected(sentence: str, fenced: str) -> bool:
    """Whether `sentence` gives orders to an AI, or stands where the article broke out of its fence (it is missing
    from `fenced`, its passage without what came after a fence break): never quoted."""
    return gives_instructions(sentence) or sentence not in fenced


# A follow-up asking for someone or something not yet named ("who else tried?", "any other countries?").
_ELSE = re.compile(r"\b(?:else|other|others|besides|apart from|except)\b", re.IGNORECASE)

def _names(text: str, first_word_counts: bool = False) -> set[str]:
    """The content terms of `text` that are names or numbers: capitalised mid-sentence, or digits. With
    `first_word_counts`, a capitalised first word counts too (it may be a name: "Georgia's contest …")."""
    return {
        term
        for position, surface, term in content_tokens(text)
        if surface[0].isdigit() or (surface[0].isupper() and (position > 0 or first_word_counts))
    }


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norms if norms else 0.0

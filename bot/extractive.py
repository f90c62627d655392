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
from bot.declines import abstention, not_covered, not_said, nothing_more
from bot.followup import is_follow_up, topic_query
from bot.headlines import headlines
from bot.instructions import without_fence_breaks
from bot.sentences import content_terms, words
from bot.statements import (
    LEAD_CHARS,
    MAX_SENTENCES,
    Candidate,
    answer_bonus,
    answering,
    distinct_statements,
    injected,
    names_in,
    to_the_point,
)
from bot.types import Answer, Turn
from index.query import Query, Subject, parse
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
# Of the words a question asks with (not its names), more than this share missing from the article the answer would
# quote means the article doesn't say what was asked. Chosen with bench/calibrate_answers.py on the tuning half: it
# keeps answering the dev questions whose gold article was read and declines most of the unanswerable set
# (BENCHMARKS.md, "Answers").
MAX_UNSAID_SHARE = 0.75


@dataclass(frozen=True)
class Assessment:
    """What the passages hold for a question; `ExtractiveWriter.decline` decides from it whether they answer."""

    query: Query
    ranked: list[Candidate]  # sentences of the articles that name what the question names, best first
    named: list[Subject]  # the question's names and years
    missing: list[Subject]  # of those, what no passage's article mentions
    best: float  # the best plain sentence score
    passage_best: float  # the best passage score
    asked: list[Subject]  # the words the question asks with (and those naming the kind of answer that it mentions)
    unsaid: list[Subject]  # of those, what the article to quote doesn't mention
    unsaid_part: str = ""  # a second part of the question that article doesn't touch at all
    whole: bool = False  # the best sentence mentions everything the question is about
    says_some: bool = True  # the best sentence, or one beside it, mentions a word the question asks with
    unspoken: tuple[Subject, ...] = ()  # of those words (not the scene's), what the article to quote never mentions

    @property
    def unsaid_share(self) -> float:
        return len(self.unsaid) / len(self.asked) if self.asked else 0.0


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
        follow_up = bool(history) and is_follow_up(question)
        if follow_up:
            query = _follow_up(query, history)
        known = None
        if history and _ELSE.search(question):
            known = names_in(history[-1].question + " " + history[-1].answer.text, first_word_counts=True)
        found = self.assess(query, passages, known)
        if follow_up:
            # "why?" after an answer: a sentence the answer just quoted doesn't answer it again.
            said = " ".join(citation.quote for citation in history[-1].answer.citations)
            fresh = [c for c in found.ranked if c.sentence not in said]
            if found.ranked and not fresh:
                return nothing_more(question)
            found = replace(found, ranked=fresh)
        declined = self.decline(found, question)
        if declined is not None:
            return declined
        pool = _leading(found, _introducing(query, passages))
        # A few more statements than are shown, to choose from (answering keeps those that add a fact).
        statements = distinct_statements(pool, self.max_sentences + 2)
        if query.latest:
            statements.sort(key=lambda s: s.first.passage.published_at, reverse=True)
        statements = answering(query, statements)[: self.max_sentences]
        claims = [s.claim() for s in statements]
        full, shown = to_the_point(claims[0].sentence, query)
        if statements[0].context is not None:
            neighbour, before = statements[0].context
            _, near = to_the_point(neighbour, query)
            # The answer shows the sentence that holds the answer first; the source quotes both in the article's order.
            full, shown = (f"{neighbour} {full}" if before else f"{full} {neighbour}"), f"{near} {shown}"
        claims[0] = replace(claims[0], sentence=full, shown=shown)
        return _naming_unanswered_parts(number_citations(question, claims), found, claims)

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
        # An article's headline is part of what it says about what is asked ("Macron tried to put Rouhani on the
        # phone …" for "What did Macron try to do?"). Names are looked up in its text alone: a headline capitalises
        # every word, and "Idaho Pride" would read as a Pride other than "LGBTQ Pride".
        headed = {p.article_id: f"{p.title}\n{texts[p.article_id]}" for p in passages}
        named = [s for s in query.subjects if s.named]
        # A passage about Trump and Rouhani doesn't answer a question about Trump and Kim Jong Un, however well
        # it matches: what the question names must be in the article quoted.
        # With no passages (filters left nothing to search), nothing was looked in: the plain abstention says so.
        missing = unmentioned(named, list(texts.values())) if texts else []
        naming = {a for a, text in texts.items() if not unmentioned(named, [text])}
        asked = [s for s in query.subjects if s.kind == "term"]
        wording = [s for s in query.subjects if s.kind in ("term", "focus")]
        # "… eat for dinner at the hotel?": a sentence about the hotel says nothing of what was eaten; the words
        # that only set the question's scene don't count as saying something asked.
        wording = [s for s in wording if s.text not in query.scene] or wording
        # The article quoted must also say most of what is asked ("… eat for dinner at the hotel?"): sentences of
        # articles that do come first; if none does, the one that says the most tells what is missing.
        unsaid_in = {a: [s for s in asked if not mentions(evidence(headed[a]), s)] for a in naming}
        ranked = [c for c in ranked if c.passage.article_id in naming]
        if ranked and asked:
            fewest = min(len(unsaid_in[c.passage.article_id]) for c in ranked)
            allowed = max(fewest, int(self.max_unsaid_share * len(asked)))
            # Those articles' sentences lead, and of them first a sentence that, with the sentences beside it,
            # says something of what is asked: one that only names what the question names ("Lower.com Field will
            # host the 2022 World Cup qualifying match" for "Who won the 2022 World Cup?") answers nothing.
            ranked.sort(key=lambda c: (len(unsaid_in[c.passage.article_id]) > allowed, not _says_some(c, wording)))
        years = _years_asked(query)
        if years:
            # "Who won the Nobel Peace Prize in 2022?" isn't answered by "Gorbachev won the 1990 Nobel Peace Prize",
            # nor "Who beat Serena Williams at the 2022 US Open?" by her 1999 US Open final.
            ranked.sort(key=lambda c: _dated_elsewhere(c.sentence, years))
        lead = ranked[0] if ranked else None
        unsaid = unsaid_in[lead.passage.article_id] if lead is not None else []
        if lead is not None:
            # The words naming the kind of answer ("what sanctions") are not required, but when the article has
            # them it speaks of what was asked: they count as said.
            article = evidence(headed[lead.passage.article_id])
            asked = asked + [s for s in query.subjects if s.kind == "focus" and mentions(article, s)]
        unspoken: tuple[Subject, ...] = ()
        if lead is not None:
            article = evidence(headed[lead.passage.article_id])
            unspoken = tuple(s for s in wording if not mentions(article, s))
        unsaid_part = ""
        if lead is not None and len(query.parts) > 1:
            article = evidence(headed[lead.passage.article_id])
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
            says_some=lead is not None and (not wording or _says_some(lead, wording)),
            unspoken=unspoken,
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
            if found.unspoken:
                # "What did Rouhani eat for dinner at the hotel?": "… mention Rouhani and “hotel”, but nothing about
                # “eat” or “dinner”."
                said = [s for s in found.asked if s not in found.unsaid and s not in found.unspoken]
                return not_covered(question, found.named + said, found.unspoken)
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
    ) -> list[Candidate]:
        """Every sentence of the passages, best answer first (ledes ahead of equal matches), with its score in
        [0, 1]-ish."""
        parsed = question if isinstance(question, Query) else parse(question)
        question = parsed.text
        subjects, wanted = parsed.subjects, parsed.wants
        candidates: list[Candidate] = []
        seen: set[str] = set()
        for passage in passages:
            fenced = without_fence_breaks(passage.text)  # once a passage, not once a sentence
            for position, (start, end) in enumerate(quote_spans(passage.text)):
                sentence = passage.text[start:end]
                key = sentence.lower()
                # A question answers nothing, however well it matches (a quiz that repeats the question), nor does
                # a line that announces a list ("The 2022 Emmy nominees:"); an article's orders to an AI ("Ignore
                # all previous instructions …") are never an answer.
                if key in seen or len(words(sentence)) < 4 or is_question(sentence) or injected(sentence, fenced):
                    continue
                if sentence.rstrip().endswith(":"):
                    continue
                if known is not None and not names_in(sentence, first_word_counts=True) - known:
                    continue
                seen.add(key)
                # Names and numbers in the question say most about which sentence answers it (they count double).
                lexical = share(subjects, sentence)
                lead = passage.start + start < LEAD_CHARS
                candidates.append(
                    Candidate(passage, sentence, lexical, lead=lead, position=position, offset=passage.start + start)
                )
        if not candidates:
            return []
        candidates.sort(key=lambda c: c.lexical + 0.5 * c.passage.score + c.lead_bonus, reverse=True)
        head = candidates[:_SEMANTIC_CANDIDATES]
        semantic = self._semantic(question, [c.sentence for c in head])
        scored = [
            Candidate(
                c.passage,
                c.sentence,
                c.lexical,
                _W_SEMANTIC * sem + _W_LEXICAL * c.lexical + _W_PASSAGE * max(c.passage.score, 0.0)
                + answer_bonus(wanted, question, c.sentence),
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


def _follow_up(query: Query, history: Sequence[Turn]) -> Query:
    """A follow-up ("who paid for it?") read with the conversation: the previous question's names say what it is
    about; what it wants, its parts and the words it asks with are its own ("who paid for it?" after the hotel
    question asks about paying, not about the hotel). "who else tried?" asks the previous question again."""
    question = query.text
    topic = parse(topic_query(question, question, history))
    own = tuple(subject for subject in query.subjects if not subject.named)
    subjects = topic.subjects
    if own and not _ELSE.search(question):
        subjects = tuple(subject for subject in topic.subjects if subject.named) + own
    return replace(topic, subjects=subjects, wants=query.wants, parts=query.parts)


def _leading(found: Assessment, introducing: Candidate | None = None) -> list[Candidate]:
    """The sentences that answer about as well as the best, the one to lead first."""
    query = found.query
    pool = [c for c in found.ranked if c.score >= 0.8 * found.best]
    if query.introduces or query.relation:
        # "Who is Hassan Rouhani?": a sentence that says who they are ("Bout is a Russian arms dealer"), else where
        # the news first names them in full, as it then gives their role ("Iranian President Hassan Rouhani …").
        # "Who is Brittney Griner's wife?": a sentence that names her beside the role ("Griner's wife, Cherelle …").
        full_name = query.introduces.lower()
        naming = [c for c in found.ranked if full_name and full_name in c.sentence.lower()]
        first = introducing or (min(naming, key=lambda c: c.offset) if naming else None)
        if first is not None:
            pool = [first, *(c for c in pool if c.sentence != first.sentence)]
    if query.asks_what_followed:
        # "… the day after the failed call?": of the sentences that match about as well, the one telling what
        # happened next leads ("The next day, Trump ordered a visa ban …").
        pool.sort(key=lambda c: _NEXT_TIME.match(c.sentence) is None)
    if query.latest:
        # "What's the latest on …?": the newest report leads, whichever sentence matched the words best.
        newest = max(found.ranked, key=lambda c: c.passage.published_at)
        pool = [newest, *(c for c in pool if c is not newest)]
    return pool


def _naming_unanswered_parts(answer: Answer, found: Assessment, claims: Sequence[Claim]) -> Answer:
    """`answer`, saying which part of a two-part question the quotes don't answer, if one is unanswered."""
    quoted = evidence(" ".join(claim.sentence for claim in claims))
    if found.unsaid_part:
        # "…, and how many people died?": the article quoted first never touches it; unless a sentence of another
        # article, quoted after the first, speaks of it, say so.
        if any(mentions(quoted, s) for s in found.unsaid):
            return answer
        return replace(answer, text=f"{answer.text} {not_said(found.unsaid_part)}",
                       missing=tuple(s.text for s in found.unsaid))
    # "Who ordered the visa ban, and how many officials did it affect?": the articles speak of the officials but
    # give no number; no sentence quoted holds the kind of answer the second part asks for. A quote that speaks of
    # all the part asks about ("… moved to a Russian penal colony where she is due to serve the remainder of a
    # nine-year … sentence" for "where will she serve her sentence?") answers it as far as the articles do, though
    # it names no place.
    for part in found.query.parts[1:]:
        asked = parse(part)
        words_asked = tuple(subject for subject in asked.subjects if not subject.named)
        spoken_of = words_asked and any(
            all(mentions(evidence(claim.sentence), subject) for subject in words_asked) for claim in claims
        )
        if asked.wants and not spoken_of and not any(
            holds_answer(asked.wants, claim.sentence, part) for claim in claims
        ):
            missing = answer.missing + tuple(subject.text for subject in words_asked)
            answer = replace(answer, text=f"{answer.text} {not_said(part)}", missing=missing)
    return answer


def _introducing(query: Query, passages: Sequence[Passage]) -> Candidate | None:
    """The first sentence of `passages` (best passage first) that says who the question's person is ("Bout is a
    Russian arms dealer", "Viktor Bout, a Russian arms dealer, …", "the Infowars host's lead attorney, Andino
    Reynal"), or names the one in the role asked about beside them ("Griner's wife, Cherelle Griner")."""
    if query.relation is not None:
        name, role = query.relation
        whose = "|".join(re.escape(w) for w in (name.split()[-1], name.split()[0]))
        says = re.compile(
            rf"\b(?:{whose})['’]s?\s+(?:[a-z-]+\s+)?{re.escape(role)}s?,?\s+(?:[A-Z][\w'’-]+\s+)*[A-Z][\w'’-]+"
            rf"|[A-Z][\w'’-]+,\s+(?:{whose})['’]s?\s+(?:[a-z-]+\s+)?{re.escape(role)}s?\b"
        )
    elif query.introduces:
        full, surname = re.escape(query.introduces), re.escape(query.introduces.split()[-1])
        says = re.compile(
            rf"\b(?:{full}|{surname})(?:\s+(?:is|was)|\s*,)\s+(?:a|an|the|who|whose|one of)\b"
            rf"|\b[a-z][\w'’-]*\s+(?:[a-z][\w'’-]*\s+)?(?:attorney|lawyer|spokesperson|spokesman|spokeswoman|"
            rf"director|chief|head|founder|leader|executive|officer|minister|president|chairman|chairwoman|"
            rf"secretary|coach|captain|judge|wife|husband|son|daughter|host|reporter|analyst|expert|professor|"
            rf"dealer),?\s+{full}\b"
        )
    else:
        return None
    for passage in sorted(passages, key=lambda p: p.score, reverse=True):
        fenced = without_fence_breaks(passage.text)
        for position, (start, end) in enumerate(quote_spans(passage.text)):
            sentence = passage.text[start:end]
            if says.search(sentence) and not is_question(sentence) and not injected(sentence, fenced):
                return Candidate(passage, sentence, 0.0, position=position, offset=passage.start + start)
    return None


def _years_asked(query: Query) -> set[int]:
    """The years a question is about: its period's ("in May 2019"), or the years it names ("the 2022 US Open")."""
    if query.period is not None:
        return set(range(query.period.first.year, query.period.last.year + 1))
    return {int(s.text) for s in query.subjects if s.kind == "number" and _YEAR.fullmatch(s.text)}


def _dated_elsewhere(sentence: str, years: set[int]) -> bool:
    """Whether `sentence` names a year, and none of `years`: it speaks of another time. A year after "since" only
    measures ("its first Stanley Cup since 2001")."""
    named = {int(y) for y in _YEAR.findall(sentence)}
    return bool(named) and not named & years


# A year, unless it follows "since".
_YEAR = re.compile(r"(?<!since )\b(?:19|20)\d\d\b")


def _says_some(candidate: Candidate, asked: Sequence[Subject]) -> bool:
    """Whether `candidate`'s sentence or a sentence beside it in its passage mentions one of the `asked` words; the
    headline stands beside an article's opening sentence."""
    spans = quote_spans(candidate.passage.text)
    first, last = max(candidate.position - 1, 0), min(candidate.position + 1, len(spans) - 1)
    near = candidate.passage.text[spans[first][0] : spans[last][1]] if spans else candidate.sentence
    if candidate.passage.start == 0 and candidate.position <= 1:
        near = f"{candidate.passage.title}\n{near}"
    return any(mentions(evidence(near), s) for s in asked)


# A sentence opening with what happened next.
_NEXT_TIME = re.compile(
    r"(?:(?:the|that)\s+(?:next|following)\s+(?:day|morning|week|night|month|year)|the\s+day\s+after|"
    r"(?:a|one)\s+(?:day|week|month)\s+later|(?:hours|days|weeks)\s+later)\b",
    re.IGNORECASE,
)


def best_score(ranked: Sequence[Candidate]) -> float:
    """The highest plain score among ranked sentences (the first may be a lede that scores a little lower)."""
    return max((c.score for c in ranked), default=-1.0)


# A follow-up asking for someone or something not yet named ("who else tried?", "any other countries?").
_ELSE = re.compile(r"\b(?:else|other|others|besides|apart from|except)\b", re.IGNORECASE)

def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norms if norms else 0.0

"""The offline answer to a question about a time and no topic: that time's headlines.

"What happened on September 8, 2022?", "What's the latest news?": there is nothing to match sentences against, so
the best-matching sentence is an accident (a tweet stamped with the same date). The stories themselves are the
answer: the opening sentence of each of the best articles from then, each cited. Which questions these are is
`Query.time_only` (index.query); for them the search hands over each article's opening passage.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.citations import Claim, number_citations
from bot.sentences import words
from bot.types import Answer
from index.periods import Period
from index.query import Query, parse
from index.roundups import is_roundup
from index.sentences import is_question, quote_spans
from index.types import Passage


def headlines(question: str | Query, passages: Sequence[Passage], max_sentences: int) -> Answer | None:
    """The opening sentences of the best articles (from the period the question names, if it names one), roundups
    only when nothing else is there; None when no passage opens an article from then."""
    query = question if isinstance(question, Query) else parse(question)
    period = query.period
    leads: dict[str, Passage] = {}
    for passage in passages:
        if passage.start == 0 and passage.article_id not in leads and _in(period, passage.published_at):
            leads[passage.article_id] = passage
    stories = [p for p in leads.values() if not is_roundup(p.title)] or list(leads.values())
    claims = [Claim(sentence, p) for p in stories if (sentence := _opening_sentence(p.text))][:max_sentences]
    return number_citations(query.text, claims) if claims else None


def _in(period: Period | None, published_at: str) -> bool:
    """Whether an article of this date was reported in the period (see `Period.reported_until`)."""
    if period is None:
        return True
    try:
        day = date.fromisoformat(published_at)
    except ValueError:
        return False
    return period.first <= day <= period.reported_until


def _opening_sentence(text: str) -> str:
    """The story's first sentence of at least four words, without its dateline: not a question, and not in an
    editor's note to readers ("Editor's Note: For more on the fires, watch …"; `quote_spans` leaves those out)."""
    for start, end in quote_spans(text):
        sentence = text[start:end]
        if len(words(sentence)) >= 4 and not is_question(sentence):
            return sentence
    return ""

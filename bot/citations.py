"""Numbering of sources: [n] counts the distinct articles an answer cites, in order of first use."""

from __future__ import annotations

from collections.abc import Sequence

from bot.types import Answer, Citation
from index.types import Passage


def citation_for(n: int, passage: Passage, quote: str) -> Citation:
    """Source [n]: the passage's article, quoting the text that supports the claim."""
    return Citation(
        n=n,
        article_id=passage.article_id,
        title=passage.title,
        source=passage.source,
        published_at=passage.published_at,
        url=passage.url,
        path=passage.path,
        quote=quote,
        passage=passage.text,
        also_in=passage.also_in,
    )


def number_citations(question: str, claims: Sequence[tuple[str, Passage]], note: str = "") -> Answer:
    """An answer made of `claims` (sentence, the passage it comes from), each followed by its article's [n]."""
    numbers: dict[str, int] = {}
    quotes: dict[str, list[str]] = {}
    first_passage: dict[str, Passage] = {}
    parts = []
    for sentence, passage in claims:
        n = numbers.setdefault(passage.article_id, len(numbers) + 1)
        first_passage.setdefault(passage.article_id, passage)
        quotes.setdefault(passage.article_id, []).append(sentence)
        parts.append(_cite(sentence, n))
    citations = tuple(
        citation_for(n, first_passage[article_id], " … ".join(quotes[article_id]))
        for article_id, n in numbers.items()
    )
    return Answer(text=" ".join(parts), citations=citations, question=question, note=note)


def _cite(sentence: str, n: int) -> str:
    """`sentence` with " [n]" before its final full stop ("… Hotel [1].")."""
    sentence = " ".join(sentence.split())
    if sentence.count("“") > sentence.count("”"):
        sentence += "”"  # a chunk boundary cut the closing quote off
    if sentence[-1:] in ".!?" and not sentence.endswith("..."):
        return f"{sentence[:-1]} [{n}]{sentence[-1]}"
    return f"{sentence} [{n}]"

"""Numbering of sources: [n] counts the distinct articles an answer cites, in order of first use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Claim:
    """A sentence of an answer, the passage it is quoted from, and `echoes`: the same statement in other articles,
    each in that article's own words, cited beside it rather than repeated."""

    sentence: str
    passage: Passage
    echoes: tuple[tuple[str, Passage], ...] = ()
    # What the answer shows of `sentence` when less than all of it ("… set up a secure hotline …"); the citation
    # still quotes the whole sentence.
    shown: str = ""


def number_citations(
    question: str, claims: Sequence[Claim | tuple[str, Passage]], note: str = ""
) -> Answer:
    """An answer made of `claims`, each followed by the [n] of its article (and of the articles that echo it)."""
    numbers: dict[str, int] = {}
    quotes: dict[str, list[str]] = {}
    first_passage: dict[str, Passage] = {}
    parts = []
    for claim in claims:
        if not isinstance(claim, Claim):
            claim = Claim(*claim)
        cited = []
        for sentence, passage in ((claim.sentence, claim.passage), *claim.echoes):
            n = numbers.setdefault(passage.article_id, len(numbers) + 1)
            first_passage.setdefault(passage.article_id, passage)
            if sentence not in quotes.setdefault(passage.article_id, []):
                quotes[passage.article_id].append(sentence)
            if n not in cited:
                cited.append(n)
        parts.append(_cite(claim.shown or claim.sentence, cited))
    citations = tuple(
        citation_for(n, first_passage[article_id], " … ".join(quotes[article_id]))
        for article_id, n in numbers.items()
    )
    return Answer(text=" ".join(parts), citations=citations, question=question, note=note)


def _cite(sentence: str, numbers: Sequence[int]) -> str:
    """`sentence` with its markers before the final full stop ("… Hotel [1]." or "… Hotel [1][3].")."""
    sentence = " ".join(sentence.split())
    if sentence.count("“") > sentence.count("”"):
        sentence += "”"  # a chunk boundary cut the closing quote off
    markers = "".join(f"[{n}]" for n in numbers)
    if sentence[-1:] in ".!?" and not sentence.endswith("..."):
        return f"{sentence[:-1]} {markers}{sentence[-1]}"
    return f"{sentence} {markers}"

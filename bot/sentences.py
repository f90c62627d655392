"""Sentence splitting and content terms, shared by the extractive writer and citation checks."""

from __future__ import annotations

import re
from functools import lru_cache

# Abbreviations that end in a period without ending a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st", "jr", "sr", "inc",
    "corp", "co", "ltd", "no", "vs", "u.s", "u.k", "u.n", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "a.m", "p.m", "d.c", "mt", "ft",
}  # fmt: skip
_BOUNDARY = re.compile(r"(?<=[.!?…])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=[A-Z\"“])")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
    not now of off on once only or other our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself yourselves said says
    say tell told according did does do many much one ones get got make made week weeks year years new news
    article articles""".split()  # noqa: SIM905 - a word list reads best as text
)
QUESTION_WORDS = frozenset({"who", "what", "when", "where", "which", "why", "how", "whom", "whose"})


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in `text` (stripped), in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        # Closing quotes and brackets after the full stop belong to the sentence.
        end = match.start() + len(match.group(1) or "")
        candidate = text[start:end]
        bare = candidate.rstrip("\"'”’)] ")
        last_word = bare.rstrip(".!?…").rsplit(" ", 1)[-1].lower()
        if bare.endswith(".") and last_word in _ABBREVIATIONS:
            continue
        if len(last_word) == 1 and bare.endswith(".") and last_word.isalpha():
            continue  # an initial, as in "John F. Kennedy"
        _append_span(text, start, end, spans)
        start = match.end()
    _append_span(text, start, len(text), spans)
    return spans


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased words of `text`, possessives dropped."""
    out = []
    for word in _WORD.findall(text):
        word = word.lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        out.append(word.strip("'-"))
    return [w for w in out if w]


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def content_terms(text: str) -> list[str]:
    """Stemmed words that carry meaning (no stopwords, no question words)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS]

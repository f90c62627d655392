"""Sentence splitting that knows "Dr." and "U.S." don't end a sentence: for stand-in titles at ingest, the search's
second stage, the answer writers and citation checks (bot.sentences re-exports it); and telling questions apart."""

from __future__ import annotations

import re

# Abbreviations that end in a period without ending a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st", "jr", "sr", "inc",
    "corp", "co", "ltd", "no", "vs", "u.s", "u.k", "u.n", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "a.m", "p.m", "d.c", "mt", "ft",
}  # fmt: skip
_BOUNDARY = re.compile(r"(?<=[.!?…])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=[A-Z\"“])")


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


def is_question(sentence: str) -> bool:
    """Whether the sentence asks something: it ends in "?", perhaps inside closing quotes or brackets."""
    return sentence.rstrip().rstrip("\"'”’)]").endswith("?")

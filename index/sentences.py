"""Sentence splitting that knows "Dr." and "U.S." don't end a sentence: for stand-in titles at ingest, the search's
second stage, the answer writers and citation checks (bot.sentences re-exports it); telling questions apart; and
recognising the dateline in front of a story."""

from __future__ import annotations

import re

# Abbreviations that end in a period without ending a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st", "jr", "sr", "inc",
    "corp", "co", "ltd", "no", "vs", "u.s", "u.k", "u.n", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "a.m", "p.m", "d.c", "mt", "ft",
}  # fmt: skip
# A dateline: where the story was filed and by whom, ending in a dash ("Washington CNN —", "LONDON (AP) --"), or in
# the networks' style an outlet in parentheses ("(CNN) ", "Hong Kong/Beijing (CNN Business) ", "LONDON (AP) — ").
_DASH_DATELINE = re.compile(r"^(?P<words>[^—–]{1,60}?)\s*(?:—|–|--)(?:\s+|$)")
_OUTLET_DATELINE = re.compile(
    r"^(?:[A-Z][\w.'’-]*[ ,/]+){0,5}\((?:CNN(?: [A-Z][a-z]+)?|AP|Reuters|AFP|UPI)\)(?:\s*(?:—|–|--))?\s+"
)
_DATELINE_WORDS = 8
_WIRE_MARK = re.compile(r"\([A-Za-z .]{2,20}\)|\b[A-Z]{3,}\b")  # "(AP)", "(Reuters)", "WASHINGTON"
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


def quote_spans(text: str) -> list[tuple[int, int]]:
    """`split_sentences`, each span starting after a story's dateline ("(CNN) ", "LONDON (AP) — "): what a quote
    of the sentence shows. Sentences of an editor's note to readers are no part of the story and are left out
    ("Editor's Note: Affected by the storm? … You also can text or WhatsApp your Ian stories to CNN …")."""
    notes = _editors_notes(text)
    return [
        (start + len(leading_dateline(text[start:end])), end)
        for start, end in split_sentences(text)
        if not any(first <= start < last for first, last in notes)
    ]


def _editors_notes(text: str) -> list[tuple[int, int]]:
    """Where the paragraphs of `text` that are editor's notes start and end."""
    if "ditor" not in text:
        return []
    found, at = [], 0
    for paragraph in text.split("\n\n"):
        if is_editors_note(paragraph):
            found.append((at, at + len(paragraph)))
        at += len(paragraph) + 2
    return found


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# A note to readers in front of the story ("Editor's note: …") says nothing about what the story is.
_EDITORS_NOTE = re.compile(r"\s*editor['’]?s['’]? note\b", re.IGNORECASE)


def is_editors_note(paragraph: str) -> bool:
    """Whether a paragraph is an editor's note to readers ("Editor's Note: This story was updated …")."""
    return _EDITORS_NOTE.match(paragraph) is not None


def is_question(sentence: str) -> bool:
    """Whether the sentence asks something: it ends in "?", perhaps inside closing quotes or brackets."""
    return sentence.rstrip().rstrip("\"'”’)]").endswith("?")


def leading_dateline(text: str, alone: bool = False) -> str:
    """The dateline opening `text` ("Washington CNN — ", "(CNN) "), or "" when it has none.

    Capitalised words before a dash make a dateline when they are the whole paragraph (`alone`); in front of a
    sentence they could be a name ("Barack Obama — the former president — said"), so there they need a wire mark as
    well ("(AP)", or a word in capitals: "LONDON").
    """
    outlet = _OUTLET_DATELINE.match(text)
    if outlet is not None:
        return outlet.group(0)
    match = _DASH_DATELINE.match(text)
    if match is None:
        return ""
    words = match.group("words").replace(",", " ").split()
    if not words or len(words) > _DATELINE_WORDS or not all(w[0].isupper() or w[0] == "(" for w in words):
        return ""
    if not alone and not _WIRE_MARK.search(match.group("words")):
        return ""
    return match.group(0)

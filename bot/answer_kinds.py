"""Whether a sentence holds the kind of answer a question asks for: a person, a place, a time or a number that the
question itself doesn't already name."""

from __future__ import annotations

import re

from index.dates import MONTHS
from index.query import surface_words

__all__ = ["holds_answer", "names_a_person"]

# Places a "where" or "which state / country" question is often answered with, by name alone ("Georgia's contest").
PLACES = frozenset(
    """Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho Illinois
    Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi Missouri
    Montana Nebraska Nevada Hampshire Jersey Mexico York Carolina Dakota Ohio Oklahoma Oregon Pennsylvania Rhode
    Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming Afghanistan Albania Algeria Argentina Armenia
    Australia Austria Azerbaijan Bahrain Bangladesh Belarus Belgium Bolivia Bosnia Brazil Britain Bulgaria Cambodia
    Cameroon Canada Chile China Colombia Congo Croatia Cuba Cyprus Czech Denmark Ecuador Egypt England Estonia
    Ethiopia Fiji Finland France Germany Ghana Greece Guatemala Haiti Honduras Hungary Iceland India Indonesia Iran
    Iraq Ireland Israel Italy Jamaica Japan Jordan Kazakhstan Kenya Korea Kosovo Kuwait Latvia Lebanon Libya
    Lithuania Luxembourg Madagascar Malaysia Mali Malta Mexico Moldova Mongolia Morocco Mozambique Myanmar Nepal
    Netherlands Nicaragua Niger Nigeria Norway Pakistan Palestine Panama Paraguay Peru Philippines Poland Portugal
    Qatar Romania Russia Rwanda Scotland Senegal Serbia Singapore Slovakia Slovenia Somalia Spain Sudan Sweden
    Switzerland Syria Taiwan Tanzania Thailand Tunisia Turkey Uganda Ukraine Uruguay Uzbekistan Venezuela Vietnam
    Wales Yemen Zambia Zimbabwe London Paris Beijing Moscow Tokyo Berlin Rome Madrid Kyiv Kiev Jerusalem Baghdad
    Tehran Delhi Seoul Chicago Houston Philadelphia Phoenix Seattle Boston Miami Atlanta Denver Detroit Dallas
    """.split()  # noqa: SIM905 - a word list reads best as text
)
# "in Tehran", "at the Millennium Hilton"; not "from President Trump's line" (a title names a person, not a place).
_LOCATED = re.compile(r"\b(?:in|at|near|from)\s+(?:the\s+)?(?!(?:President|Prime|Secretary|Senator|Governor|Mayor|"
                      r"Judge|Mr|Ms|Mrs|Dr|King|Queen|Prince|Pope|Chancellor)\b)([A-Z][a-z]+)")
_MONTHS = "|".join(sorted(MONTHS, key=len, reverse=True))  # "september" before "sep"
_TIME = re.compile(rf"\b(?:1[89]|20)\d\d\b|\b(?:{_MONTHS})\.?\s+\d|"
                   r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight)\b|"
                   r"\b\d{1,2}(?::\d\d)?\s*[ap]\.?m\b", re.I)  # fmt: skip
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|"
                     r"thousands?|millions?|billions?|half|twice|once)\b", re.I)  # fmt: skip
_TITLE = (r"(?:President|Prime Minister|Sen\.|Senator|Rep\.|Gov\.|Governor|Mayor|Judge|Secretary|Mr\.|Ms\.|"
          r"Mrs\.|Dr\.|CEO|Chancellor|King|Queen|Prince|Pope)")
_TITLED = re.compile(rf"\b{_TITLE}\s+[A-Z]")
_TITLED_NAME = re.compile(rf"\b{_TITLE}\s+([A-Z][\w'’-]+)")


def holds_answer(wants: str, sentence: str, question: str) -> bool:
    """Whether `sentence` holds an answer of the kind `wants` ("person", "place", "time", "number") that the
    question doesn't already name; True when the question asks for no particular kind."""
    if not wants:
        return True
    asked = set(surface_words(question))
    if wants == "time":
        return any(m.group(0) not in question for m in _TIME.finditer(sentence))
    if wants == "number":
        return any(m.group(0) not in asked for m in _NUMBER.finditer(sentence))
    tokens = surface_words(sentence)
    new = [t for i, t in enumerate(tokens) if t[:1].isupper() and t not in asked and (i > 0 or t in PLACES)]
    if wants == "place":
        return any(t in PLACES for t in new) or any(m.group(1) not in asked for m in _LOCATED.finditer(sentence))
    # A person (or a team, a company): a run of two capitalised words, or one after a title, the question lacks.
    return _TITLED.search(sentence) is not None and bool(new) or any(
        a[:1].isupper() and b[:1].isupper() and (a not in asked or b not in asked)
        for a, b in zip(tokens[1:], tokens[2:], strict=False)
    )


def names_a_person(sentence: str, known: set[str]) -> bool:
    """Whether `sentence` names a person by title ("President Macron", "Prime Minister Boris Johnson") whose name
    is not among `known` (lower-cased, as bot.extractive's names are)."""
    return any(match.group(1).lower() not in known for match in _TITLED_NAME.finditer(sentence))


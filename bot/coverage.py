"""Whether the articles mention what a question is about: its names, numbers and meaningful words.

A passage can match a question well and still not answer it: "How many times did Trump meet Kim Jong Un?" matches
"Trump tried eight times to arrange a meeting …" about Rouhani. Before quoting, the offline writer checks that the
question's subjects are in the article it would quote, and says which are not ("The articles mention Trump, but
nothing about Kim Jong Un.").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from index.query import Subject, surface_words
from index.terms import stem_all

# Past forms the stemmer leaves apart from their verb ("sent" is not "send"), so a question's "send" finds "sent";
# and a few nouns of a verb ("his successor" says who succeeded him).
_IRREGULAR = dict(
    pair.split(":")
    for pair in """sent:send won:win ate:eat eaten:eat met:meet left:leave took:take taken:take made:make said:say
    went:go gone:go came:come gave:give given:give got:get gotten:get held:hold kept:keep led:lead lost:lose
    paid:pay ran:run saw:see seen:see sold:sell spent:spend stood:stand told:tell thought:think wrote:write
    written:write brought:bring bought:buy built:build caught:catch chose:choose chosen:choose drove:drive
    driven:drive fell:fall fallen:fall felt:feel fought:fight found:find flew:fly flown:fly forgot:forget
    grew:grow grown:grow knew:know known:know laid:lay meant:mean rose:rise risen:rise sang:sing sung:sing
    shot:shoot slept:sleep spoke:speak spoken:speak stole:steal stolen:steal struck:strike swore:swear
    sworn:swear taught:teach threw:throw thrown:throw understood:understand wore:wear worn:wear withdrew:withdraw
    withdrawn:withdraw began:begin begun:begin broke:break broken:break drew:draw drawn:draw fled:flee
    froze:freeze hid:hide hidden:hide rode:ride sought:seek shook:shake became:become beaten:beat died:die
    dead:die death:die successor:succeed succession:succeed""".split()  # noqa: SIM905 - a word list reads best as text
)
# Countries and their people: "Who is the president of France?" is answered by "French President Emmanuel Macron".
_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("U.S", "United States", "America", "American", "Americans", "USA"),
    "Americans": ("US", "U.S", "United States"),
    "American": ("US", "U.S", "United States"),
    "U.S": ("US", "United States", "America", "American", "Americans", "USA"),
    "United States": ("US", "U.S", "America", "American"),
    "America": ("US", "U.S", "United States", "American"),
    "UK": ("U.K", "Britain", "British", "United Kingdom", "England"),
    "U.K": ("UK", "Britain", "British", "United Kingdom"),
    "Britain": ("UK", "U.K", "British", "United Kingdom"),
    "UN": ("U.N", "United Nations"),
    "U.N": ("UN", "United Nations"),
    "United Nations": ("UN", "U.N"),
    "France": ("French",),
    "Netherlands": ("Dutch",),
    "Holland": ("Dutch", "Netherlands"),
    "Spain": ("Spanish",),
    "Switzerland": ("Swiss",),
    "Wales": ("Welsh",),
    "Denmark": ("Danish",),
    "Finland": ("Finnish",),
    "Poland": ("Polish",),
    "Ireland": ("Irish",),
    "Scotland": ("Scottish", "Scots"),
    "Philippines": ("Filipino", "Philippine"),
    "Thailand": ("Thai",),
    "Greece": ("Greek",),
    "China": ("Chinese", "Beijing"),
    "Russia": ("Russian", "Moscow", "Kremlin"),
}
# Words that may stand before a surname without being another first name ("President Biden", "Mr. Trump").
_TITLE_WORDS = frozenset(
    """President Vice Prime Minister Secretary Sen Senator Rep Representative Gov Governor Mayor Judge Justice General
    Gen Dr Mr Mrs Ms Prof King Queen Prince Princess Pope Chancellor CEO Chief Former Speaker Leader Coach Officer
    Detective Sheriff Attorney Director Commissioner Ambassador Lady The A An And Of In On At By For With From To
    That When As After Before But Said Says""".split()  # noqa: SIM905 - a word list reads best as text
)
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class Evidence:
    """What a text mentions, for looking subjects up: its words as written, their stems, and its numbers."""

    text: str
    flat: str  # lower case, without full stops and apostrophes: "U.S. Open" and "us open" compare equal
    surface: frozenset[str]
    stems: frozenset[str]
    numbers: frozenset[str]


@lru_cache(maxsize=512)
def evidence(text: str) -> Evidence:
    """The lookup sets of `text` (remembered: the same articles are checked again and again)."""
    tokens = surface_words(text)
    lowered = [_IRREGULAR.get(t.lower(), t.lower()) for t in tokens]
    return Evidence(
        text,
        _flat(text),
        frozenset(tokens),
        frozenset(stem_all(lowered)),
        frozenset(_number(n) for n in _DIGITS.findall(text)),
    )


def mentions(found: Evidence, subject: Subject) -> bool:
    """Whether the text behind `found` mentions `subject`."""
    if subject.kind == "number":
        return _number(subject.text) in found.numbers
    if not subject.named:
        word = subject.text.lower()
        return stem_all([_IRREGULAR.get(word, word)])[0] in found.stems
    return _mentions_name(found, subject.text)


def _mentions_name(found: Evidence, name: str, aliases: bool = True) -> bool:
    if re.search(rf"(?<![\w]){re.escape(_flat(name))}(?![\w])", found.flat):
        return True
    if aliases and any(_mentions_name(found, alias, False) for alias in _ALIASES.get(name, ())):
        return True
    if "-" in name and " " not in name:
        return all(_mentions_name(found, part) for part in name.split("-") if part)
    words = name.split()
    last = words[-1]
    # A person is named by surname after the first mention ("Trump", "Rouhani"), unless the text gives that surname
    # to someone else ("Jennifer Granholm" is not "Tim Granholm"); acronyms must match exactly.
    if len(words) > 1 and len(last) > 3 and last.endswith("s") and last[:-1] in found.surface:
        return True  # "the Primetime Emmys" in a story about "the Emmy Awards"
    if len(words) > 1 and len(last) > 2 and last in found.surface:
        others = re.findall(rf"\b([A-Z][\w'’-]*)\s+{re.escape(last)}\b", found.text)
        return not any(first not in words for first in others if first not in _TITLE_WORDS)
    # "Iran" in "Iranian", "Russians" in "Russia", "European" in "Europe": a place and its people name each other.
    if len(words) == 1 and len(name) >= 4 and not name.isupper():
        stem = name[: max(4, len(name) - 3)]
        return any(w.startswith(stem) and w[:1].isupper() for w in found.surface)
    return False


def unmentioned(subjects: Iterable[Subject], texts: Sequence[str]) -> list[Subject]:
    """The subjects none of `texts` mentions, in order."""
    found = [evidence(t) for t in texts]
    return [s for s in subjects if not any(mentions(f, s) for f in found)]


def _flat(text: str) -> str:
    return re.sub(r"[.'’]", "", text).lower()


def _number(text: str) -> str:
    return text.replace(",", "").rstrip("0").rstrip(".") if "." in text else text.replace(",", "")


def share(subjects: Sequence[Subject], text: str) -> float:
    """The weighted share of `subjects` that `text` mentions (names and numbers count double)."""
    if not subjects:
        return 0.0
    found = evidence(text)
    weight = sum(2.0 if s.named else 1.0 for s in subjects)
    return sum(2.0 if s.named else 1.0 for s in subjects if mentions(found, s)) / weight

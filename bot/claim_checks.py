"""What a sentence of a model's answer must get right besides sharing words and meaning with its source: say
something (no fragments), give no orders (nor repeat those an article gives), and state only names and numbers the
source states. Lexical checks, no model: `bench/verify_gates.py` measures what they reject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.instructions import gives_instructions, without_fence_breaks
from bot.sentences import STOPWORDS, content_terms, split_sentences, stem, words
from index.types import Passage

__all__ = ["is_fragment", "missing_details", "names_in", "numbers_in", "repeats_instruction"]

_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")
    )
} | {w: str(10 * i) for i, w in enumerate(("thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), 3)}
_NUMBER = re.compile(r"\b\d[\d,]*(?:\.\d+)?\b|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][A-Za-z'’\-]+")
_SHOUT = re.compile(r"\b[A-Z]{4,}\b")
# A claim needs this many words, and this many content terms, to say anything checkable.
MIN_CLAIM_WORDS = 3
MIN_CLAIM_TERMS = 2
# A sentence sharing this much of an article's instruction is repeating it, whatever else it says.
MAX_INSTRUCTION_OVERLAP = 0.6


def numbers_in(text: str) -> set[str]:
    """The numbers `text` states, "eight" and "8" alike, without thousands separators."""
    found = set()
    for token in _NUMBER.findall(text):
        token = token.lower().replace(",", "")
        found.add(_NUMBER_WORDS.get(token, token))
    return found


def names_in(text: str) -> set[str]:
    """The capitalised words of `text` that carry meaning (names, places, organisations), lower-cased; not a word
    capitalised only because it opens the sentence, a quote or what follows a colon."""
    found = set()
    for match in _NAME.finditer(text):
        before = text[: match.start()].rstrip()
        if not before or before[-1] in ":;“\"‘'(—–-" or before[-1] in ".!?":
            continue
        found.add(match.group(0).lower().replace("’", "'").removesuffix("'s"))
    return {part for name in found for part in re.split(r"['’\-]", name) if len(part) > 1} - STOPWORDS - set(
        _NUMBER_WORDS
    )


def missing_details(claim: str, evidence: str) -> list[str]:
    """The claim's numbers and names that `evidence` doesn't mention (a name matches on its first four letters, so
    "Iranian" is found in "Iran")."""
    missing = sorted(numbers_in(claim) - numbers_in(evidence))
    evidence_words = {w.lower() for w in re.findall(r"[A-Za-z]+", evidence)}  # "d’Alene" gives "alene"
    evidence_words |= {a.replace(".", "").lower() for a in re.findall(r"\b(?:[A-Z]\.){2,}", evidence)}  # U.S. → us
    prefixes = {w[:4] for w in evidence_words} | {stem(w) for w in evidence_words}
    for name in names_in(claim):
        if len(name) > 1 and name not in evidence_words and stem(name) not in prefixes and name[:4] not in prefixes:
            missing.append(name)
    return missing


def is_fragment(claim: str) -> bool:
    """Whether `claim` is too short to state anything ("Ha.", "PWNED!", "Yes.")."""
    return len(words(claim)) < MIN_CLAIM_WORDS or len(set(content_terms(claim))) < MIN_CLAIM_TERMS


def repeats_instruction(claim: str, passages: Sequence[Passage]) -> bool:
    """Whether `claim` gives orders itself, or says what an instruction hidden in an article asked for."""
    if gives_instructions(claim):
        return True
    terms = set(content_terms(claim))
    for passage in passages:
        fenced = without_fence_breaks(passage.text)
        for start, end in split_sentences(passage.text):
            sentence = passage.text[start:end]
            if gives_instructions(sentence) or sentence not in fenced:
                shared = terms & set(content_terms(sentence))
                if len(shared) >= 2 and len(shared) >= MAX_INSTRUCTION_OVERLAP * len(terms):
                    return True
                if _SHOUT.search(claim) and set(_SHOUT.findall(claim)) & set(_SHOUT.findall(sentence)):
                    return True  # "PWNED" said back
    return False

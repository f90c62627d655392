"""Follow-up questions without a language model: resolve "he"/"she" to the person asked about before, and carry
the previous question's topic into the search."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.sentences import QUESTION_WORDS, STOPWORDS
from bot.types import Turn

# Words that point back at something said before ("he", "there", "and what about …").
_ANAPHORA = re.compile(
    r"\b(he|she|they|him|her|them|his|hers|their|theirs|it|its|this|that|these|those|there|then)\b"
    r"|^\s*(and|also|but|so|what about|how about)\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(r"\b(he|she|him|his|her|hers)\b", re.IGNORECASE)
_LEADING_CONNECTIVE = re.compile(r"^\s*(and|also|but|so)\b[\s,]*", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][a-zA-Z'’\-]+(?:\s+[A-Z][a-zA-Z'’\-]+)*")


def is_follow_up(question: str) -> bool:
    """Whether `question` leans on the conversation for its meaning."""
    return bool(_ANAPHORA.search(question)) or len(question.split()) <= 3


def _first_name(text: str) -> str | None:
    """The first capitalised name in `text` that isn't just the sentence's opening word."""
    for match in _NAME.finditer(text):
        name = match.group(0)
        words = name.split()
        if match.start() == 0 or text[: match.start()].rstrip().endswith(("?", ".", "!")):
            words = words[1:]  # "Why", "Did" … open the sentence; a name may follow in the same run
        words = [w for w in words if w.lower() not in STOPWORDS and w.lower() not in QUESTION_WORDS]
        if words:
            return " ".join(words)
    return None


def resolve(question: str, history: Sequence[Turn]) -> str:
    """`question` with a personal pronoun replaced by the person the previous question was about."""
    question = _LEADING_CONNECTIVE.sub("", question).strip() or question
    if not history:
        return question
    previous = history[-1].answer.question or history[-1].question
    name = _first_name(previous)
    if not name:
        return question

    def substitute(match: re.Match[str]) -> str:
        word = match.group(0).lower()
        return f"{name}'s" if word in {"his", "hers"} else name

    # Only the first pronoun: "did he say he would" reads fine with one name.
    return _PERSONAL.sub(substitute, question, count=1)


def contextualize(question: str, history: Sequence[Turn]) -> str:
    """A standalone version of a follow-up `question` (unchanged when it stands on its own)."""
    if not history or not is_follow_up(question):
        return question
    return resolve(question, history)


def topic_query(standalone: str, question: str, history: Sequence[Turn]) -> str:
    """The search query for a follow-up: its standalone form plus the previous question, for the topic."""
    if not history or not is_follow_up(question):
        return standalone
    previous = history[-1].answer.question or history[-1].question
    return f"{standalone} {previous}"

"""Follow-up questions without a language model: carry the topic of the previous question into the search."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.types import Turn

# Words that point back at something said before ("he", "there", "and what about …").
_ANAPHORA = re.compile(
    r"\b(he|she|they|him|her|them|his|hers|their|theirs|it|its|this|that|these|those|there|then)\b"
    r"|^\s*(and|also|but|so|what about|how about|why|when|where)\b",
    re.IGNORECASE,
)


def is_follow_up(question: str) -> bool:
    """Whether `question` leans on the conversation for its meaning."""
    return bool(_ANAPHORA.search(question)) or len(question.split()) <= 3


def contextualize(question: str, history: Sequence[Turn]) -> str:
    """A search query for `question` that includes the previous question when it is a follow-up."""
    if not history or not is_follow_up(question):
        return question
    previous = history[-1].question
    return f"{question} ({previous})"

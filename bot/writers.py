"""How an answer gets written from retrieved passages: the contract every writer (extractive, LLM) meets."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from bot.types import Answer, Turn
from index.query import Query
from index.types import Passage


class AnswerWriter(Protocol):
    """Writes an Answer to `question` from `passages` (best first), every claim cited as [n]."""

    name: str
    # Whether `stream` yields the answer's text piece by piece as it is written (a front may show it live), or
    # only once, whole, before the Answer.
    streams: bool

    def write(self, question: str | Query, passages: Sequence[Passage], history: Sequence[Turn] = ()) -> Answer:
        """Return the finished answer; abstain (no citations) when the passages don't answer the question. The
        question comes parsed when the service has parsed it already, to be read, not parsed again."""
        ...

    def stream(
        self, question: str | Query, passages: Sequence[Passage], history: Sequence[Turn] = ()
    ) -> Iterator[str | Answer]:
        """Yield text deltas as they are produced, then the finished Answer as the last item."""
        ...

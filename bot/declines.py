"""What the offline writer says when the articles don't answer: plainly that they don't, or which part of the
question they don't mention ("The articles mention Trump, but nothing about Kim Jong Un.")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.types import Answer
from index.query import Subject


def abstention(question: str) -> Answer:
    """The honest reply when the articles don't answer `question`."""
    return Answer(
        text="The articles don't say. I found no passage that answers this question, so I won't guess.",
        abstained=True,
        question=question,
    )


def nothing_more(question: str) -> Answer:
    """The reply to a follow-up ("why?") when every sentence that fits was quoted in the answer before it."""
    return Answer(text="The articles say nothing more about that than the answer above.", abstained=True,
                  question=question)


def not_covered(question: str, mentioned: Sequence[Subject], missing: Sequence[Subject]) -> Answer:
    """The reply when the articles don't mention part of what the question is about: it says which part."""
    absent = _listing([_shown(s) for s in missing], "or")
    # "The articles mention 2018" says nothing: a year is only worth naming beside what it dates.
    mentioned = [s for s in mentioned if s.kind != "number"]
    if mentioned:
        named = _listing([_shown(s) for s in mentioned[:3]], "and")
        text = f"The articles mention {named}, but nothing about {absent}."
    else:
        text = f"The articles say nothing about {absent}."
    return Answer(text=text, abstained=True, question=question, missing=tuple(s.text for s in missing))


def not_said(part: str) -> str:
    """"The articles don't say how many people died.", or, for a part that asks with its verb first ("where was
    Rouhani staying?"), which reads wrong after "say", "The articles don't answer “where was Rouhani staying?”"."""
    part = part.strip().rstrip("?.! ")
    part = part[:1].lower() + part[1:]
    if _ASKS_VERB_FIRST.match(part):
        return f"The articles don't answer “{part}?”"
    return f"The articles don't say {part}."


# "where was Rouhani staying", "which hotel did he pick", "what is it called": the verb before its subject.
_ASKS_VERB_FIRST = re.compile(
    r"(?:who|whom|whose|what|which|where|when|why|how)(?:\s+[\w'’-]+){0,2}?\s+"
    r"(?:is|are|was|were|did|does|do|has|have|had|will|would|can|could)\s+"
    r"(?:the|a|an|his|her|its|their|he|she|it|they|we|you|i|[A-Z][\w'’-]*)\b"
)


def _shown(subject: Subject) -> str:
    return subject.text if subject.named else f"“{subject.text}”"


def _listing(items: Sequence[str], last: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"

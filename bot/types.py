"""Typed results of the answering core; the fronts (CLI, REPL, Telegram) only format these."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Citation:
    """Source [n] of an answer: the article, and the passage text that supports what cites it."""

    n: int
    article_id: str
    title: str
    source: str
    published_at: str
    url: str
    path: str
    quote: str
    passage: str = ""
    also_in: tuple[str, ...] = ()  # other outlets that carried the same story

    @property
    def location(self) -> str:
        return self.url or self.path


@dataclass(frozen=True)
class Answer:
    """An answer whose every `[n]` refers to `citations[n-1]`; an abstention has no citations."""

    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    question: str = ""
    note: str = ""
    # What the question asked about that the articles don't mention ("Kim Jong Un"), said in `text` too.
    missing: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The `--json` shape of the CLI."""
        data: dict[str, object] = {
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [
                {k: (list(v) if k == "also_in" else v) for k, v in asdict(c).items() if k != "passage"}
                for c in self.citations
            ],
        }
        if self.note:
            data["note"] = self.note
        if self.missing:
            data["missing"] = list(self.missing)
        return data


@dataclass(frozen=True)
class Turn:
    """One question and its answer, kept for follow-up questions."""

    question: str
    answer: Answer


@dataclass
class Conversation:
    """A bounded memory of recent turns (one per REPL session or Telegram chat)."""

    max_turns: int = 6
    turns: list[Turn] = field(default_factory=list)

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)
        del self.turns[: max(0, len(self.turns) - self.max_turns)]

    def reset(self) -> None:
        self.turns.clear()

    @property
    def last_answer(self) -> Answer | None:
        return self.turns[-1].answer if self.turns else None

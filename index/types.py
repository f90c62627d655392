"""Plain typed records passed between ingestion, the store and the answering core."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Article:
    """One cleaned news article, ready to chunk. `published_at` is an ISO date (YYYY-MM-DD) or ""."""

    id: str
    title: str
    body: str
    source: str = ""
    published_at: str = ""
    url: str = ""
    path: str = ""
    author: str = ""

    @property
    def location(self) -> str:
        """Where a reader can find the article: its URL, else its file path."""
        return self.url or self.path


@dataclass(frozen=True)
class Problem:
    """An input that was skipped, and why, in words the user can act on."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its article's metadata. `score` is higher-is-better, comparable within one query."""

    chunk_id: str
    article_id: str
    text: str
    title: str
    source: str = ""
    published_at: str = ""
    url: str = ""
    path: str = ""
    start: int = 0
    end: int = 0
    score: float = 0.0
    # Other outlets that carried a near-identical copy of this article (wire stories), for "also reported by".
    also_in: tuple[str, ...] = ()

    @property
    def location(self) -> str:
        return self.url or self.path


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: int = 0
    updated: int = 0
    # Of `updated`: articles whose text was the same and only their outlet, date, URL, path or author changed.
    relabelled: int = 0
    unchanged: int = 0
    duplicates: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.problems)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.chunks_removed)

    def summary(self) -> str:
        parts = [
            f"{self.added} added",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
            f"{self.failed} failed",
        ]
        text = "Articles: " + ", ".join(parts) + f". Chunks: {self.chunks_added} added, {self.chunks_removed} removed."
        if self.relabelled:
            text += f" {self.relabelled} updated article(s) changed only their details (path, URL…): not re-embedded."
        if self.duplicates:
            text += f" {self.duplicates} article(s) are copies of a story already in the store; answers cite one copy."
        if not self.changed and not self.problems:
            text += " Nothing new to ingest."
        return text


@dataclass(frozen=True)
class StoreStats:
    """What the store holds."""

    articles: int
    chunks: int
    outlets: dict[str, int]
    first_date: str
    last_date: str
    embedding_model: str
    location: str


@dataclass(frozen=True)
class SearchFilters:
    """Narrow a search to outlets and a date window; `as_of` is the question's reference date ("this week")."""

    sources: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    as_of: date | None = None
    # How many days up to `as_of` are the question's time, all alike (None: the ranking's own window of about a
    # week). A question about "October 2022" is about the whole month.
    period_days: int | None = None

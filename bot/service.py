"""The answering core: search the store, write a cited answer, remember the conversation.

Every front (CLI, REPL, Telegram) talks to one NewsService built by `bot.wiring.build_service`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from bot.followup import contextualize, topic_query
from bot.types import Answer, Conversation, Turn
from bot.writers import AnswerWriter
from config.settings import Settings
from index.errors import LLMError
from index.ingest import Ingestor
from index.query import Query, parse
from index.search import Searcher
from index.store import ArticleStore
from index.types import Article, IngestReport, Passage, Problem, SearchFilters, StoreStats

# "The latest news" is this many days' stories.
_LATEST_DAYS = 7

logger = logging.getLogger(__name__)

FALLBACK_NOTE = "The language model failed, so this answer quotes the articles directly."

# Rewrites a follow-up into a standalone question (an LLM does it better; see bot.llm).
Rewriter = Callable[[str, Sequence[Turn]], str]


def _default_rewriter(question: str, history: Sequence[Turn]) -> str:
    return contextualize(question, history)


class NewsService:
    """Ask questions of the store and keep it up to date. Safe to call from several threads."""

    def __init__(
        self,
        settings: Settings,
        store: ArticleStore,
        searcher: Searcher,
        ingestor: Ingestor,
        writer: AnswerWriter,
        fallback: AnswerWriter | None = None,
        rewriter: Rewriter | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.settings = settings
        self.store = store
        self.searcher = searcher
        self.ingestor = ingestor
        self.writer = writer
        self.fallback = fallback
        self.rewriter = rewriter or _default_rewriter
        self.today = today
        # Writes (ingest, remove) are serialised; reads run concurrently.
        self._write_lock = threading.Lock()

    # Asking

    def standalone(self, question: str, conversation: Conversation | None) -> str:
        """The question with what the conversation implies made explicit."""
        history = conversation.turns if conversation else []
        if not history:
            return question
        try:
            return self.rewriter(question, history)
        except LLMError as exc:
            logger.warning("follow-up rewrite failed, using the plain question: %s", exc)
            return contextualize(question, history)

    def search(
        self, question: str | Query, filters: SearchFilters | None = None, k: int | None = None
    ) -> list[Passage]:
        """The passages an answer to `question` would be built from, best first.

        Straight from the searcher, not through its llama-index face (`index.retriever.NewsRetriever`, the same
        passages): answering a question should not pay for importing llama-index.
        """
        query = question if isinstance(question, Query) else parse(question)
        return self.searcher.search(query, self.reference_date(query, filters), k or self.settings.top_k)

    def reference_date(self, question: str | Query, filters: SearchFilters | None) -> SearchFilters | None:
        """The filters, dated by the question when no date was given: to the days it names ("in October 2022",
        "on Sept. 24, 2019", "in 2021"; see index.periods), or to today when it says "this week", "yesterday"…

        A question asked now about "this week" means this week: the date prior then favours the latest articles.
        Over an archive whose articles are all older than that, the prior is near zero for every article and
        changes nothing. Named days are dated a day on, as reports of a day's events appear the day after too. A
        question about no topic and no named day ("What's the latest news?") asks for the last week's stories: up
        to today, or up to the archive's last day when that is earlier.
        """
        if filters is not None and filters.as_of is not None:
            return filters
        query = question if isinstance(question, Query) else parse(question)
        period = query.period
        if period is not None:
            dated = period.dating(filters)
            if query.time_only:
                # "What happened on September 8, 2022?" asks for that day's stories and no others.
                dated = replace(dated, since=dated.since or period.first, until=dated.until or period.reported_until)
            return dated
        if query.time_only:
            # "What's the latest news?": with no topic to match, the date decides: the week up to today or, over an
            # archive that ends before today, up to its last day.
            as_of = self.searcher.archive_now(self.today()) or self.today()
            since = (filters.since if filters else None) or as_of - timedelta(days=_LATEST_DAYS - 1)
            return replace(filters or SearchFilters(), as_of=as_of, since=since)
        if not query.relative_time:
            return filters
        return replace(filters or SearchFilters(), as_of=self.today())

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        filters: SearchFilters | None = None,
    ) -> Answer:
        """Answer `question` (a follow-up in `conversation`, if given) and record the turn there."""
        answer: Answer | None = None
        for item in self.stream(question, conversation, filters):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None, "a writer's stream ends with its Answer"
        return answer

    def stream(
        self,
        question: str,
        conversation: Conversation | None = None,
        filters: SearchFilters | None = None,
    ) -> Iterator[str | Answer]:
        """Yield text as the answer is written, then the final Answer (also recorded in `conversation`)."""
        question = " ".join(question.split())
        query = self.standalone(question, conversation)
        history = conversation.turns if conversation else []
        # The heuristic rewrite resolves pronouns but can't name the topic: search with the previous question too.
        search_query = topic_query(query, question, history) if self.rewriter is _default_rewriter else query
        parsed = parse(search_query)
        dated = self.reference_date(parsed, filters)
        passages = self.searcher.search(parsed, dated, self.settings.top_k)
        answer: Answer | None = None
        # Parsed once: the writer reads the Query the search read, unless the search also took the topic from the
        # conversation.
        asked = parsed if search_query == query else query
        try:
            for item in self.writer.stream(asked, passages, history):
                if isinstance(item, Answer):
                    answer = item
                else:
                    yield item
        except LLMError as exc:
            if self.fallback is None:
                raise
            logger.warning("the LLM failed, answering extractively: %s", exc)
            answer = self.fallback.write(asked, passages, history)
            # The LLM's message says what to fix (a wrong key, an unknown model); it is written to be shown.
            note = f"{FALLBACK_NOTE} ({exc})"
            answer = Answer(answer.text, answer.citations, answer.abstained, answer.question, note)
        assert answer is not None
        unmatched = None if passages else self.searcher.why_nothing_matches(dated)
        if unmatched:
            # "The articles don't say" would hide a filter that left nothing to search ("--source Fox", or the
            # day a question asks about: "What happened on May 3, 2031?").
            answer = replace(answer, note=" ".join(filter(None, (answer.note, unmatched))))
        if conversation is not None:
            conversation.add(Turn(question, answer))
        yield answer

    # Keeping the store

    def ingest(self, paths: Sequence[Path], rebuild: bool = False, progress: bool = False) -> IngestReport:
        """Ingest files and folders (see index.loaders for formats); bad files are reported, not fatal."""
        from index.loaders import LoadStats, check_paths, iter_articles

        check_paths(paths, every=rebuild)
        load_stats = LoadStats()
        articles = iter_articles(paths, load_stats, self.settings.max_article_bytes)
        report = self.ingest_articles(articles, rebuild=rebuild, progress=progress, total=count_hint(paths))
        if load_stats.note():
            report.notes.append(load_stats.note())
        return report

    def ingest_articles(
        self,
        items: Iterator[Article | Problem] | Sequence[Article | Problem],
        rebuild: bool = False,
        progress: bool = False,
        total: int | None = None,
    ) -> IngestReport:
        with self._write_lock:
            if rebuild:
                self.store.reset()
            try:
                report = self.ingestor.ingest(items, total=total, progress=progress)
            finally:
                self.searcher.refresh()
            self.store.mark_used()
            return report

    def ensure_seeded(self) -> IngestReport | None:
        """Ingest the seed articles into a store that has never held articles, so a first question needs no set-up.

        A store emptied by `newsbot remove` or `ingest --rebuild` stays empty: that was the user's choice."""
        # The search's mirror holds every chunk of the store, and answers without opening Chroma when it is current.
        if len(self.searcher.index()) > 0:
            return None
        if self.store.chunk_count() > 0:
            self.store.mark_used()  # a store from before the mark existed: it was used
            return None
        if self.store.ever_used:
            return None
        seeds = self.settings.seeds_dir
        if not seeds.is_dir():
            logger.warning("the store is empty and there is no seeds folder at %s", seeds)
            return None
        return self.ingest([seeds])

    def remove(self, article_id: str) -> int:
        """Remove an article; the number of chunks deleted, or -1 if the store doesn't have it."""
        return self.remove_many([article_id])[article_id]

    def remove_many(self, article_ids: Sequence[str]) -> dict[str, int]:
        """Remove articles; for each id the number of chunks deleted, or -1 if the store doesn't have it.

        The retrieval mirror is brought up to date once at the end, not once per article: saving it rewrites the
        whole file (about a second over a large archive).
        """
        removed: dict[str, int] = {}
        with self._write_lock:
            self.store.mark_used()
            try:
                for article_id in article_ids:
                    removed[article_id] = self.store.remove(article_id)
            finally:
                self.searcher.refresh()
        return removed

    def stats(self) -> StoreStats:
        return self.store.stats()


def count_hint(paths: Sequence[Path]) -> int | None:
    """A quick estimate of how many articles `paths` hold, for the progress display (see index.loaders)."""
    from index.loaders import count_articles

    return count_articles(paths)

"""Ingest: articles → sentence-aware chunks → embeddings → the Chroma store, idempotently.

Articles are handled in batches: look up their manifest entries, skip the unchanged, chunk and embed the rest in
one embedding pass (large batches keep the encoder busy), replace their chunks, then record them in the manifest.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, replace
from typing import Any

from index.dedupe import Deduper
from index.progress import make_progress
from index.store import ArticleStore, ManifestEntry
from index.types import Article, IngestReport, Problem

logger = logging.getLogger(__name__)

# Articles per batch: enough chunks to fill several embedding batches, small enough to lose little on Ctrl-C.
ARTICLE_BATCH = 32
# The sentence splitter (NLTK's punkt, inside llama-index) runs each regular expression over all the text it is
# given, under a 5 s time limit: a megabyte of text in one call can exceed it. It is given sections of at most this
# many characters, cut at paragraph breaks, so its time grows linearly with the article (BENCHMARKS.md, issue 20).
SECTION_CHARS = 50_000


@dataclass(frozen=True)
class Chunk:
    """A piece of an article's cleaned text, with its character offsets in that text."""

    article: Article
    index: int
    text: str
    start: int
    end: int

    @property
    def chunk_id(self) -> str:
        return f"{self.article.id}:{self.index}"

    def embedding_text(self) -> str:
        # The title travels with every chunk so a passage deep in an article still matches what the article is about.
        return f"{self.article.title}\n{self.text}" if self.article.title else self.text

    def metadata(self) -> dict[str, Any]:
        a = self.article
        return {
            "article_id": a.id,
            "title": a.title,
            # Chroma compares numbers only, so dates are also kept as YYYYMMDD integers (date_num) for range filters.
            **_chunk_fields(a),
            "chunk": self.index,
            "start": self.start,
            "end": self.end,
        }


def date_num(iso_date: str) -> int:
    """20190924 for "2019-09-24"; 0 when the date is unknown."""
    digits = iso_date.replace("-", "")[:8]
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


class Chunker:
    """Sentence-aware splitting with llama-index, sized in the embedding model's word pieces."""

    def __init__(self, chunk_size: int, chunk_overlap: int, tokenizer: Callable[[str], Sized]) -> None:
        self.chunk_size = chunk_size
        self.chunk_overlap = min(chunk_overlap, chunk_size // 2)
        self._tokenizer = tokenizer
        self._splitter: Any = None

    def _split_text(self, body: str) -> list[str]:
        # Built on first use: llama-index takes seconds to import, and a process that only answers never splits.
        if self._splitter is None:
            from llama_index.core.node_parser import SentenceSplitter

            self._splitter = SentenceSplitter(
                chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap, tokenizer=self._tokenizer
            )
        return self._splitter.split_text(body)  # type: ignore[no-any-return]

    def split(self, article: Article) -> list[Chunk]:
        body = article.body
        chunks: list[Chunk] = []
        for first, last in sections(body, SECTION_CHARS):
            section = body[first:last]
            cursor = 0
            for text in self._split_text(section):
                text = text.strip()
                if not text:
                    continue
                # Overlapping chunks start before the previous one ends, so search from a little earlier.
                start = section.find(text, max(0, cursor - len(text)))
                if start < 0:
                    start = section.find(text)
                if start < 0:  # the splitter normalised whitespace: fall back to an approximate position
                    start = cursor
                end = start + len(text)
                cursor = end
                chunks.append(Chunk(article, len(chunks), text, first + start, first + end))
        return chunks


def sections(text: str, limit: int) -> list[tuple[int, int]]:
    """Spans of `text` of at most `limit` characters, cut at the last paragraph break (else line break, else space)
    before the limit; one span when the text is short enough."""
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        spans.append((start, start + cut))
        start += cut
    spans.append((start, len(text)))
    return spans


def _digest(parts: Iterable[str]) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    for part in parts:
        digest.update(part.encode("utf-8", "replace"))
        digest.update(b"\x00")
    return digest.hexdigest()


def content_hash(article: Article, chunker: Chunker) -> str:
    """Changes when the chunks or their vectors would change: the text, the title (embedded with every chunk) and
    the chunk size. Not the path: the same file named another way, or moved, is the same article."""
    return _digest(["v2", article.title, article.body, f"{chunker.chunk_size}/{chunker.chunk_overlap}"])


def meta_hash(article: Article) -> str:
    """Changes when the metadata stored beside the chunks (not embedded) would change."""
    return _digest([article.source, article.published_at, article.url, article.path, article.author])


def legacy_content_hash(article: Article, chunker: Chunker) -> str:
    """The content hash of stores written before the path was taken out of it (one hash of everything), so that
    upgrading does not re-embed an archive whose articles are unchanged."""
    return _digest(
        [
            article.title, article.source, article.published_at, article.url, article.path, article.author,
            article.body, f"{chunker.chunk_size}/{chunker.chunk_overlap}",
        ]
    )  # fmt: skip


def _as_stored(article: Article, entry: ManifestEntry) -> Article:
    """The article with the metadata its manifest entry recorded (the author is not recorded: kept as it is)."""
    return replace(article, source=entry.source, published_at=entry.published_at, url=entry.url, path=entry.path)


def _chunk_fields(article: Article) -> dict[str, Any]:
    """The per-article fields of a chunk's metadata that are not embedded (see Chunk.metadata)."""
    return {
        "source": article.source,
        "published_at": article.published_at,
        "date_num": date_num(article.published_at),
        "url": article.url,
        "path": article.path,
        "author": article.author,
    }


def _batches(items: Iterable[Article | Problem], size: int) -> Iterator[list[Article | Problem]]:
    batch: list[Article | Problem] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Ingestor:
    """Writes articles into an ArticleStore; knows nothing about files (see index.loaders)."""

    def __init__(self, store: ArticleStore, embed_model: Any, chunker: Chunker, dedupe: bool = True) -> None:
        self.store = store
        self.embed_model = embed_model
        self.chunker = chunker
        # Wire copies carried by several outlets are stored (filters by outlet still find them) but marked.
        self.deduper = Deduper(store) if dedupe else None

    def ingest(
        self,
        items: Iterable[Article | Problem],
        total: int | None = None,
        progress: bool = False,
    ) -> IngestReport:
        """Ingest articles (Problems from the loader are passed through into the report).

        `progress`: show it on stderr (a bar on a terminal, else a line every few seconds; see index.progress)."""
        report = IngestReport()
        seen: set[str] = set()
        bar = make_progress(total) if progress else None
        try:
            for batch in _batches(items, ARTICLE_BATCH):
                articles: list[Article] = []
                for item in batch:
                    if isinstance(item, Problem):
                        report.problems.append(item)
                        # Info, not a warning: the report lists every skipped input, and the CLI prints it.
                        logger.info("skipped %s", item)
                    elif item.id in seen:
                        report.unchanged += 1  # the same article twice in one run: the first copy counts
                    else:
                        seen.add(item.id)
                        articles.append(item)
                self._ingest_batch(articles, report)
                if bar is not None:
                    bar.update(len(batch), report.chunks_added)
        finally:
            if bar is not None:
                bar.close()
            # The local encoder's sessions and the heap they fragmented would otherwise stay with the process
            # through the mirror refresh that follows (index.embedding.release_memory).
            release = getattr(self.embed_model, "release", None)
            if callable(release):
                release()
        return report

    def _ingest_batch(self, articles: list[Article], report: IngestReport) -> None:
        if not articles:
            return
        known = self.store.manifest_entries([a.id for a in articles])
        changed: list[tuple[Article, str, bool]] = []
        relabelled: list[tuple[Article, ManifestEntry]] = []
        migrated: list[ManifestEntry] = []
        for article in articles:
            digest = content_hash(article, self.chunker)
            entry = known.get(article.id)
            if entry is None:
                changed.append((article, digest, False))
            elif entry.content_hash == digest:
                if entry.meta_hash == meta_hash(article):
                    report.unchanged += 1
                else:
                    relabelled.append((article, entry))
            elif entry.content_hash == legacy_content_hash(article, self.chunker):
                # Stored by an older newsbot and unchanged, metadata included: only its hashes are new.
                migrated.append(replace(entry, content_hash=digest, meta_hash=meta_hash(article)))
                report.unchanged += 1
            elif entry.content_hash == legacy_content_hash(_as_stored(article, entry), self.chunker):
                relabelled.append((article, entry))  # the same, but for its path or URL (an older newsbot's hash)
            else:
                changed.append((article, digest, True))
        if migrated:
            self.store.record(migrated)
        self._relabel(relabelled, report)
        if not changed:
            return

        chunks_by_article = [(a, d, upd, self.chunker.split(a)) for a, d, upd in changed]
        all_chunks = [c for *_, chunks in chunks_by_article for c in chunks]
        vectors = self.embed_model.get_text_embedding_batch([c.embedding_text() for c in all_chunks])

        # Remove stale chunks of every changed article first (also those an interrupted run left behind).
        report.chunks_removed += self.store.delete_chunks([a.id for a, *_ in changed])
        self._add_chunks(all_chunks, vectors)
        report.chunks_added += len(all_chunks)

        copies = self.deduper.assign([a for a, *_ in changed]) if self.deduper else {}
        report.duplicates += len(copies)
        entries = []
        for article, digest, updated, chunks in chunks_by_article:
            entries.append(
                ManifestEntry(
                    article_id=article.id,
                    content_hash=digest,
                    title=article.title,
                    source=article.source,
                    published_at=article.published_at,
                    url=article.url,
                    path=article.path,
                    chunks=len(chunks),
                    duplicate_of=copies.get(article.id, ""),
                    meta_hash=meta_hash(article),
                )
            )
            if updated:
                report.updated += 1
            else:
                report.added += 1
        self.store.record(entries)

    def _relabel(self, items: list[tuple[Article, ManifestEntry]], report: IngestReport) -> None:
        """Store new metadata (path, URL, outlet…) for articles whose embedded text is unchanged: no embedding."""
        if not items:
            return
        entries = []
        for article, old in items:
            self.store.update_chunk_metadata(article.id, _chunk_fields(article))
            entries.append(
                replace(
                    old,
                    content_hash=content_hash(article, self.chunker),
                    meta_hash=meta_hash(article),
                    source=article.source,
                    published_at=article.published_at,
                    url=article.url,
                    path=article.path,
                )
            )
        # Chunks first, manifest last (as for new articles): an interruption leaves the old entry, and the next run
        # relabels again.
        self.store.record(entries)
        report.updated += len(items)
        report.relabelled += len(items)

    def _add_chunks(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        from llama_index.core.schema import TextNode

        nodes = [
            TextNode(
                id_=chunk.chunk_id,
                text=chunk.text,
                metadata=chunk.metadata(),
                embedding=vector,
                start_char_idx=chunk.start,
                end_char_idx=chunk.end,
            )
            for chunk, vector in zip(chunks, vectors, strict=True)
        ]
        if nodes:
            self.store.vector_store.add(nodes)


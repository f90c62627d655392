"""The Chroma store: a collection of embedded chunks plus a manifest collection of articles.

The manifest is what makes ingest idempotent and crash-safe. An article's chunks are written first and its
manifest entry (with the content hash) last, so an interrupted run leaves at worst chunks without a manifest
entry; the next run sees the article as new, deletes those chunks and writes them again.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.settings import Settings
from index.errors import EmbeddingMismatch, StoreError
from index.types import StoreStats

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_MANIFEST_SUFFIX = "-articles"
# Set in the manifest's metadata once the store has held articles: the seeds are ingested into a new store only,
# never again into one whose articles were all removed.
_USED = "newsbot_used"
# Chroma caps one request; stay well below it.
_PAGE = 2000


@dataclass(frozen=True)
class ManifestEntry:
    """What the store knows about one ingested article."""

    article_id: str
    content_hash: str
    title: str
    source: str
    published_at: str
    url: str
    path: str
    chunks: int
    duplicate_of: str = ""
    # Of the metadata that is stored but not embedded (outlet, date, URL, path, author): when only it changes, the
    # chunks' metadata is rewritten and nothing is embedded again. "" in entries written before it existed.
    meta_hash: str = ""

    @property
    def version(self) -> str:
        """Changes whenever anything stored for the article changes (keys the retrieval mirror and caches)."""
        return f"{self.content_hash}+{self.meta_hash}" if self.meta_hash else self.content_hash

    def to_metadata(self) -> dict[str, Any]:
        return {
            "content_hash": self.content_hash,
            "meta_hash": self.meta_hash,
            "title": self.title,
            "source": self.source,
            "published_at": self.published_at,
            "url": self.url,
            "path": self.path,
            "chunks": self.chunks,
            "duplicate_of": self.duplicate_of,
        }

    @classmethod
    def from_metadata(cls, article_id: str, meta: dict[str, Any]) -> ManifestEntry:
        return cls(
            article_id=article_id,
            content_hash=str(meta.get("content_hash", "")),
            title=str(meta.get("title", "")),
            source=str(meta.get("source", "")),
            published_at=str(meta.get("published_at", "")),
            url=str(meta.get("url", "")),
            path=str(meta.get("path", "")),
            chunks=int(meta.get("chunks", 0)),
            duplicate_of=str(meta.get("duplicate_of", "")),
            meta_hash=str(meta.get("meta_hash", "")),
        )


def make_client(settings: Settings) -> Any:
    """A Chroma client for the configured store: a folder on disk, or a Chroma server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.store == "http":
        headers = {}
        if settings.chroma_token is not None:
            headers["Authorization"] = f"Bearer {settings.chroma_token.get_secret_value()}"
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port,
                ssl=settings.chroma_ssl,
                headers=headers,
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as exc:
            where = f"{'https' if settings.chroma_ssl else 'http'}://{settings.chroma_host}:{settings.chroma_port}"
            raise StoreError(
                f"Cannot reach the Chroma server at {where} ({exc.__class__.__name__}). Is `chroma run` up, and "
                "are NEWSBOT_CHROMA_HOST / NEWSBOT_CHROMA_PORT right?"
            ) from None
        return client
    data_dir = settings.data_dir
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=chroma_settings)
    except Exception as exc:
        raise StoreError(f"Cannot open the store in {data_dir}: {exc}. Check NEWSBOT_DATA_DIR.") from None


def local_stamp(folder: Path) -> str | None:
    """What a local Chroma store holds, in brief, read from its SQLite file without Chroma (None: cannot tell).

    Every write to a local Chroma store (add, upsert, delete, a collection made or dropped) appends to its log and
    raises the log position its segments have applied: collections, those positions and the log's extent change
    with any write. Opening the store rewrites its files, so their times say nothing. Read-only, and any surprise
    (no file, a schema of another Chroma version, a writer holding the lock) gives None, which means "look".
    """
    path = folder / "chroma.sqlite3"
    if not path.is_file():
        return None
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2) as db:
            parts = [
                db.execute("SELECT id, name FROM collections ORDER BY id").fetchall(),
                db.execute("SELECT segment_id, seq_id FROM max_seq_id ORDER BY segment_id").fetchall(),
                # min and max, not count: the queue holds every vector, and counting it would read them all.
                db.execute("SELECT min(seq_id), max(seq_id) FROM embeddings_queue").fetchall(),
                db.execute("SELECT segment_id, count(*) FROM embeddings GROUP BY segment_id ORDER BY 1").fetchall(),
            ]
    except sqlite3.Error as exc:
        logger.debug("cannot read the store's state from %s: %s", path, exc)
        return None
    return repr(parts)


class ArticleStore:
    """Chunks (with vectors) and the article manifest in one Chroma database.

    Opened on first use when built by `open`: a question the retrieval mirror can answer on its own never imports
    Chroma (about a second) nor opens its files.
    """

    def __init__(
        self,
        client: Any,
        name: str,
        embed_model_name: str,
        location: str,
        connect: Callable[[], Any] | None = None,
        folder: Path | None = None,
    ) -> None:
        self._client = client
        self._connect = connect
        # The local store's folder, whose state `stamp` reads (None: a server, or not known).
        self.folder = folder
        self.name = name
        self.embed_model_name = embed_model_name
        self.location = location
        self._lock = threading.Lock()
        self._chunks: Any = None
        self._manifest: Any = None
        if client is not None:
            self._open_collections()

    @classmethod
    def open(cls, settings: Settings, embed_model_name: str) -> ArticleStore:
        """The configured store for vectors of `embed_model_name`, opened (and created if needed) on first use."""
        if settings.store == "http":
            location, folder = f"chroma server {settings.chroma_host}:{settings.chroma_port}", None
        else:
            folder = settings.data_dir / "chroma"
            location = str(folder.resolve())
        return cls(None, settings.collection, embed_model_name, location, lambda: make_client(settings), folder)

    def stamp(self) -> str | None:
        """A brief of what the store holds, read without opening it: equal stamps, equal contents (None: unknown,
        as for a Chroma server)."""
        return local_stamp(self.folder) if self.folder is not None else None

    @property
    def client(self) -> Any:
        """The Chroma client, connected on first use."""
        self._ensure_open()
        return self._client

    @property
    def chunks(self) -> Any:
        """The chunk collection."""
        self._ensure_open()
        return self._chunks

    @chunks.setter
    def chunks(self, collection: Any) -> None:
        self._chunks = collection

    @property
    def manifest(self) -> Any:
        """The manifest collection (one record per article)."""
        self._ensure_open()
        return self._manifest

    def _ensure_open(self) -> None:
        if self._chunks is not None:
            return
        with self._lock:
            if self._chunks is None:
                if self._client is None:
                    assert self._connect is not None, "a store without a client is built by ArticleStore.open"
                    self._client = self._connect()
                self._open_collections()

    def _open_collections(self) -> None:
        try:
            chunks = self._client.get_or_create_collection(
                self.name,
                metadata={
                    "hnsw:space": "cosine",
                    "embed_model": self.embed_model_name,
                    "newsbot_schema": SCHEMA_VERSION,
                },
                embedding_function=None,
            )
            manifest = self._client.get_or_create_collection(self.name + _MANIFEST_SUFFIX, embedding_function=None)
        except Exception as exc:
            raise StoreError(f"Cannot open the Chroma collection {self.name!r}: {exc}") from None
        built_with = (chunks.metadata or {}).get("embed_model")
        if built_with != self.embed_model_name:
            raise EmbeddingMismatch(
                f"The store at {self.location} holds vectors from {built_with!r}, but newsbot is set to embed "
                f"with {self.embed_model_name!r}. Rebuild it with `newsbot ingest --rebuild PATH…`, or set "
                "NEWSBOT_EMBEDDING back to the model it was built with."
            )
        self._manifest, self._chunks = manifest, chunks  # chunks last: `_ensure_open` tests it

    def reset(self) -> None:
        """Drop every chunk and manifest entry (for --rebuild), keeping the store usable."""
        # "-shingles" holds the near-duplicate detector's data (index.dedupe).
        client = self.client
        for name in (self.name, self.name + _MANIFEST_SUFFIX, self.name + "-shingles"):
            try:
                client.delete_collection(name)
            except Exception:  # noqa: BLE001 - missing is fine: the goal is an empty store
                logger.debug("collection %s was not there to delete", name)
        self._open_collections()

    @property
    def vector_store(self) -> Any:
        """The llama-index view of the chunk collection."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.chunks)

    # Manifest

    @property
    def ever_used(self) -> bool:
        """Whether this store has ever held articles (or been emptied on purpose with --rebuild)."""
        return bool((self.manifest.metadata or {}).get(_USED))

    def mark_used(self) -> None:
        """Remember that the store has been used, so an empty store later is the user's choice."""
        if not self.ever_used:
            self.manifest.modify(metadata={**(self.manifest.metadata or {}), _USED: True})

    def manifest_entries(self, article_ids: Sequence[str]) -> dict[str, ManifestEntry]:
        """Manifest entries for those of `article_ids` the store has (an id may be asked for twice)."""
        article_ids = list(dict.fromkeys(article_ids))  # Chroma rejects a request that names an id twice
        found: dict[str, ManifestEntry] = {}
        for start in range(0, len(article_ids), _PAGE):
            page = list(article_ids[start : start + _PAGE])
            result = self.manifest.get(ids=page, include=["metadatas"])
            for article_id, meta in zip(result["ids"], result["metadatas"] or [], strict=False):
                found[article_id] = ManifestEntry.from_metadata(article_id, dict(meta or {}))
        return found

    def all_entries(self) -> list[ManifestEntry]:
        """Every article in the manifest."""
        entries: list[ManifestEntry] = []
        offset = 0
        while True:
            result = self.manifest.get(include=["metadatas"], limit=_PAGE, offset=offset)
            ids = result["ids"]
            for article_id, meta in zip(ids, result["metadatas"] or [], strict=False):
                entries.append(ManifestEntry.from_metadata(article_id, dict(meta or {})))
            if len(ids) < _PAGE:
                return entries
            offset += _PAGE

    def record(self, entries: Iterable[ManifestEntry]) -> None:
        """Write manifest entries; called only after the articles' chunks are stored."""
        batch = list(entries)
        for start in range(0, len(batch), _PAGE):
            page = batch[start : start + _PAGE]
            self.manifest.upsert(
                ids=[e.article_id for e in page],
                # Chroma wants a vector per record; the manifest is never searched by vector.
                embeddings=[[1.0] for _ in page],
                metadatas=[e.to_metadata() for e in page],
                documents=[e.title for e in page],
            )

    # Chunks

    def delete_chunks(self, article_ids: Sequence[str]) -> int:
        """Delete the chunks of these articles; returns how many were removed."""
        removed = 0
        for start in range(0, len(article_ids), 200):
            page = list(article_ids[start : start + 200])
            where = {"article_id": page[0]} if len(page) == 1 else {"article_id": {"$in": page}}
            existing = self.chunks.get(where=where, include=[])
            if existing["ids"]:
                self.chunks.delete(ids=existing["ids"])
                removed += len(existing["ids"])
        return removed

    def update_chunk_metadata(self, article_id: str, fields: dict[str, Any]) -> int:
        """Set `fields` in the metadata of every chunk of the article, keeping text and vectors; returns the count."""
        existing = self.chunks.get(where={"article_id": article_id}, include=["metadatas"])
        ids = existing["ids"]
        if ids:
            metadatas = [{**dict(meta or {}), **fields} for meta in existing["metadatas"] or [{} for _ in ids]]
            self.chunks.update(ids=ids, metadatas=metadatas)
        return len(ids)

    def remove(self, article_id: str) -> int:
        """Remove one article; returns the number of chunks deleted, or -1 when the store does not have it."""
        known = self.manifest_entries([article_id])
        removed = self.delete_chunks([article_id])
        if article_id not in known and not removed:
            return -1
        self.manifest.delete(ids=[article_id])
        return removed

    def chunk_count(self) -> int:
        return int(self.chunks.count())

    def iter_chunks(self, page_size: int = _PAGE) -> Iterable[tuple[str, str, dict[str, Any]]]:
        """(chunk id, text, metadata) of every chunk, page by page."""
        offset = 0
        while True:
            result = self.chunks.get(include=["documents", "metadatas"], limit=page_size, offset=offset)
            ids = result["ids"]
            yield from zip(ids, result["documents"] or [], result["metadatas"] or [], strict=False)
            if len(ids) < page_size:
                return
            offset += page_size

    def stats(self) -> StoreStats:
        entries = self.all_entries()
        outlets = Counter(e.source or "(unknown outlet)" for e in entries)
        dates = sorted(e.published_at for e in entries if e.published_at)
        return StoreStats(
            articles=len(entries),
            chunks=self.chunk_count(),
            outlets=dict(outlets.most_common()),
            first_date=dates[0] if dates else "",
            last_date=dates[-1] if dates else "",
            embedding_model=self.embed_model_name,
            location=self.location,
        )


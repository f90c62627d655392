"""Keeping the local mirror (index.local_index) in step with the store, and its life in one process.

Chroma stays the store of record (folder or server). The mirror lives in one .npz file under the data folder
(index.mirror_file), keyed by the store's location and collection, and is kept in step article by article: `sync`
compares the manifest's versions with the ones it was built from, drops the rows of removed or changed articles and
fetches only the new ones, so adding ten articles costs ten articles, not a rebuild.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from index.local_index import LocalIndex
from index.memory import trim_heap
from index.mirror_file import load, save
from index.store import ArticleStore

__all__ = ["Mirror", "cache_path", "open_index", "sync", "sync_and_save"]

logger = logging.getLogger(__name__)

_FETCH_ARTICLES = 100
_PAGE = 1000


class Mirror:
    """The local index of one store over a process's life: opened (and synced) on first use and, after the store
    changed, replaced by a synced copy, so searches running meanwhile keep a consistent index."""

    def __init__(self, store: ArticleStore, cache_dir: Path | None, index: LocalIndex | None = None) -> None:
        self.store = store
        self.cache_dir = cache_dir
        self._index = index
        self._lock = threading.Lock()

    def index(self) -> LocalIndex:
        """The local index, opened (and synced with the store) on first use."""
        index = self._index
        if index is None:
            with self._lock:
                if self._index is None:
                    self._index = open_index(self.store, self._path())
                index = self._index
        return index

    def refresh(self) -> None:
        """Bring the local index up to date after the store changed (only changed articles are re-read)."""
        with self._lock:
            current = self._index
            if current is None:
                self._index = open_index(self.store, self._path())
                return
            # Sync a copy so searches running meanwhile keep a consistent index.
            self._index = sync_and_save(current.copy(), self.store, self._path(), self.store.stamp() or "")

    def _path(self) -> Path | None:
        return cache_path(self.cache_dir, self.store) if self.cache_dir is not None else None


def cache_path(cache_dir: Path, store: ArticleStore) -> Path:
    """One cache file per store location and collection, so a folder and a server never share a mirror."""
    key = hashlib.sha1(f"{store.location}|{store.name}".encode(), usedforsecurity=False).hexdigest()[:12]
    return cache_dir / "retrieval" / f"{store.name}-{key}.npz"


def open_index(store: ArticleStore, path: Path | None) -> LocalIndex:
    """Load the mirror from `path` (if any), bring it up to date with the store, and save it when it changed.

    When the store's stamp is the one the saved mirror was in step with, and its vectors come from the model in
    use, the store has not changed since: the mirror is used as it is, and Chroma is not even opened.
    """
    started = time.perf_counter()
    stamp = store.stamp() or ""
    index = (load(path) if path is not None else None) or LocalIndex()
    if stamp and index.stamp == stamp and index.embed_model == store.embed_model_name:
        logger.info("retrieval index ready (store unchanged): %d chunks in %.2fs", len(index),
                    time.perf_counter() - started)
        return index
    index = sync_and_save(index, store, path, stamp)
    logger.info("retrieval index ready: %d chunks in %.2fs", len(index), time.perf_counter() - started)
    return index


def sync_and_save(index: LocalIndex, store: ArticleStore, path: Path | None, stamp: str) -> LocalIndex:
    """Sync `index` with the store and save it when anything changed, recording `stamp`, the store's stamp taken
    before the sync (a write during the sync then makes the next stamp differ, and the next start look again).
    Returns the index to use from now on (`index` itself, or a rebuilt one)."""
    index, changed = sync(index, store)
    if index.stamp != stamp or index.embed_model != store.embed_model_name:
        index.stamp, index.embed_model = stamp, store.embed_model_name
        changed = True
    if changed and path is not None:
        try:
            save(index, path)
        except OSError as exc:
            logger.warning("could not save the retrieval cache to %s: %s", path, exc)
    return index


def sync(index: LocalIndex, store: ArticleStore) -> tuple[LocalIndex, bool]:
    """Bring `index` up to date with the store: the index to use from now on (`index`, changed in place, or a
    rebuilt one when it disagrees with the store) and whether anything changed."""
    entries = {e.article_id: e for e in store.all_entries()}
    # The version, not only the content hash: an article whose URL or path changed is re-read from the store.
    wanted = {a: e.version for a, e in entries.items()}
    duplicates = {a: e.duplicate_of for a, e in entries.items() if e.duplicate_of}
    stale = {a for a, h in index.hashes.items() if wanted.get(a) != h}
    fresh = [a for a, h in wanted.items() if index.hashes.get(a) != h]
    changed = bool(stale or fresh) or duplicates != index.duplicate_of
    index.duplicate_of = duplicates
    if stale:
        index.drop(stale)
    if fresh:
        index.append(_fetch(store, fresh))
        for article_id in fresh:
            index.hashes[article_id] = wanted[article_id]
    if len(index) != store.chunk_count():
        # Chunks without a manifest entry (an interrupted ingest) or a store edited behind our back:
        # start over rather than serve a mirror that disagrees with the store.
        logger.info("mirror has %d chunks, the store %d: rebuilding", len(index), store.chunk_count())
        rebuilt = LocalIndex(duplicate_of=duplicates)
        rebuilt.append(_fetch(store, None))
        rebuilt.hashes = dict(wanted)
        return rebuilt, True
    return index, changed


def _fetch(store: ArticleStore, article_ids: list[str] | None) -> Iterable[tuple[str, str, dict[str, Any], Any]]:
    """(id, text, metadata, vector) of the chunks of these articles (of all articles when None)."""
    include = ["documents", "metadatas", "embeddings"]
    if article_ids is None:
        offset = 0
        while True:
            result = store.chunks.get(include=include, limit=_PAGE, offset=offset)
            yield from _rows(result)
            trim_heap()
            if len(result["ids"]) < _PAGE:
                return
            offset += _PAGE
    else:
        for start in range(0, len(article_ids), _FETCH_ARTICLES):
            page = article_ids[start : start + _FETCH_ARTICLES]
            where = {"article_id": page[0]} if len(page) == 1 else {"article_id": {"$in": page}}
            yield from _rows(store.chunks.get(where=where, include=include))
            # Each page leaves megabytes of freed heap that glibc would keep: reading 16,000 chunks after a large
            # update, about 125 MB of the ingest's peak (BENCHMARKS.md, Decisions).
            trim_heap()


def _rows(result: dict[str, Any]) -> Iterable[tuple[str, str, dict[str, Any], Any]]:
    embeddings = result.get("embeddings")
    if embeddings is None:
        embeddings = []
    yield from zip(result["ids"], result["documents"] or [], result["metadatas"] or [], embeddings, strict=True)

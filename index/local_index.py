"""A local mirror of the store for fast retrieval: per-chunk metadata, vectors and the BM25 index.

Chroma stays the store of record (folder or server). This mirror lives in one .npz file under the data folder,
keyed by the store's location and collection, and is kept in step article by article: `sync` compares the
manifest's content hashes with the ones it was built from, drops the rows of removed or changed articles and
fetches only the new ones, so adding ten articles costs ten articles, not a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from index.keyword import KeywordIndex
from index.memory import trim_heap
from index.roundups import is_roundup
from index.store import ArticleStore
from index.terms import bm25_terms
from index.types import Passage

logger = logging.getLogger(__name__)

# Bump when the saved layout or the keyword text changes, so old caches are rebuilt rather than misread.
CACHE_VERSION = 2
_FETCH_ARTICLES = 100
# Per-row arrays, filtered together when articles are dropped.
_ROW_ARRAYS = ("chunk_ids", "article_ids", "sources", "dates", "positions", "texts", "spans", "vectors")
_PAGE = 1000


def keyword_text(title: str, text: str) -> str:
    """What BM25 indexes for a chunk: the article's title (every chunk is about it), then the chunk."""
    return f"{title}\n{text}" if title else text


EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """A date as days since 1970-01-01, the unit of `day_numbers`."""
    return (day - EPOCH).days


def day_of(number: float) -> date:
    """The date `number` days after 1970-01-01 (the inverse of `day_number`)."""
    return EPOCH + timedelta(days=int(number))


def day_numbers(dates: np.ndarray) -> np.ndarray:
    """YYYYMMDD ints (0: unknown) as days since 1970-01-01, NaN where there is no such day (0, June 31)."""
    d = np.asarray(dates, dtype=np.int64)
    year, month, day = d // 10000, d // 100 % 100, d % 100
    valid = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    months = (np.where(valid, year, 1970) - 1970) * 12 + np.where(valid, month, 1) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    following = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    numbers = first + np.where(valid, day, 1) - 1
    return np.where(valid & (numbers < following), numbers, np.nan)


@dataclass
class LocalIndex:
    """Row i describes chunk `chunk_ids[i]`; `vectors` are unit-length, so a dot product is the cosine."""

    chunk_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))
    article_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))
    sources: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))
    dates: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    positions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    # The chunk's text (Python strings) and its character span in the article.
    texts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    spans: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int32))
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    keyword: KeywordIndex = field(default_factory=KeywordIndex)
    # article id -> content hash it was mirrored at, and -> the article it duplicates ("" when original).
    hashes: dict[str, str] = field(default_factory=dict)
    duplicate_of: dict[str, str] = field(default_factory=dict)
    # article id -> what every chunk of it shares: title, published_at, url, path.
    articles: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    # The store's state this mirror was last found in step with (`ArticleStore.stamp`; "" unknown), and the
    # embedding model of its vectors: with both unchanged, the mirror answers without opening the store.
    stamp: str = ""
    embed_model: str = ""

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def _derived(self, name: str, build: Callable[[], Any]) -> Any:
        """A value derived from the rows, built on first use and forgotten when the rows change (`_changed`)."""
        cache = self.__dict__.setdefault("_derived_cache", {})
        if name not in cache:
            cache[name] = build()
        return cache[name]

    def first_rows(self) -> dict[str, int]:
        """Article id -> its first row (for per-article metadata such as the date)."""

        def build() -> dict[str, int]:
            found: dict[str, int] = {}
            for row, article_id in enumerate(self.article_ids.tolist()):
                found.setdefault(article_id, row)
            return found

        return self._derived("first_rows", build)  # type: ignore[no-any-return]

    def article_codes(self) -> tuple[list[str], np.ndarray]:
        """The distinct article ids and each row's index into them (searches group rows by these small ints
        instead of converting numpy strings row by row)."""

        def build() -> tuple[list[str], np.ndarray]:
            names, codes = np.unique(self.article_ids, return_inverse=True)
            return names.tolist(), codes.astype(np.int64)

        return self._derived("article_codes", build)  # type: ignore[no-any-return]

    def day_numbers(self) -> np.ndarray:
        """Each row's publication day in days since 1970-01-01 (NaN when unknown)."""
        return self._derived("day_numbers", lambda: day_numbers(self.dates))  # type: ignore[no-any-return]

    def newest_day(self) -> float | None:
        """The newest publication day of any row, in days since 1970-01-01 (None when no row has a date)."""

        def build() -> float | None:
            known = self.day_numbers()[~np.isnan(self.day_numbers())]
            return float(known.max()) if len(known) else None

        return self._derived("newest_day", build)  # type: ignore[no-any-return]

    def source_codes(self) -> tuple[list[str], np.ndarray]:
        """The distinct outlets and each row's index into them (filters compare a few names, not every row)."""

        def build() -> tuple[list[str], np.ndarray]:
            names, codes = np.unique(self.sources, return_inverse=True)
            return names.tolist(), codes

        return self._derived("source_codes", build)  # type: ignore[no-any-return]

    def lead_rows(self) -> dict[str, int]:
        """Article id -> the row of its first chunk (its lead)."""

        def build() -> dict[str, int]:
            leads = np.flatnonzero(self.positions == 0).tolist()
            return {str(self.article_ids[row]): row for row in leads}

        return self._derived("lead_rows", build)  # type: ignore[no-any-return]

    def roundups(self) -> frozenset[str]:
        """The articles whose title names a roundup, a briefing or a gallery (`index.roundups`)."""
        return self._derived(  # type: ignore[no-any-return]
            "roundups", lambda: frozenset(a for a, (title, *_) in self.articles.items() if is_roundup(title))
        )

    def passage(self, row: int, score: float) -> Passage:
        """Row `row` as a Passage with this score."""
        article_id = str(self.article_ids[row])
        title, published_at, url, path = self.articles.get(article_id, ("", "", "", ""))
        start, end = (int(v) for v in self.spans[row])
        return Passage(
            chunk_id=str(self.chunk_ids[row]), article_id=article_id, text=str(self.texts[row]), title=title,
            source=str(self.sources[row]), published_at=published_at, url=url, path=path, start=start, end=end,
            score=score,
        )

    def article_text(self, article_id: str) -> str:
        """The article's chunks joined in order (overlapping chunks repeat a little text)."""
        rows = np.flatnonzero(self.article_ids == article_id)
        rows = rows[np.argsort(self.positions[rows], kind="stable")]
        return "\n".join(str(self.texts[r]) for r in rows)

    def copy(self) -> LocalIndex:
        """A copy that can be synced while searches keep using this one (arrays are replaced, never mutated)."""
        keyword = KeywordIndex(self.keyword.k1, self.keyword.b)
        keyword.vocab = dict(self.keyword.vocab)
        keyword.indptr, keyword.term_ids, keyword.tfs = self.keyword.indptr, self.keyword.term_ids, self.keyword.tfs
        return LocalIndex(
            self.chunk_ids, self.article_ids, self.sources, self.dates, self.positions, self.texts, self.spans,
            self.vectors, keyword, dict(self.hashes), dict(self.duplicate_of), dict(self.articles), self.stamp,
            self.embed_model,
        )

    def _changed(self) -> None:
        self.__dict__.pop("_derived_cache", None)

    # Keeping in step

    def sync(self, store: ArticleStore) -> bool:
        """Bring the mirror up to date with the store; True when anything changed."""
        entries = {e.article_id: e for e in store.all_entries()}
        # The version, not only the content hash: an article whose URL or path changed is re-read from the store.
        wanted = {a: e.version for a, e in entries.items()}
        duplicates = {a: e.duplicate_of for a, e in entries.items() if e.duplicate_of}
        stale = {a for a, h in self.hashes.items() if wanted.get(a) != h}
        fresh = [a for a, h in wanted.items() if self.hashes.get(a) != h]
        changed = bool(stale or fresh) or duplicates != self.duplicate_of
        self.duplicate_of = duplicates
        if stale:
            self._drop(stale)
        if fresh:
            self._append(_fetch(store, fresh))
            for article_id in fresh:
                self.hashes[article_id] = wanted[article_id]
        if len(self) != store.chunk_count():
            # Chunks without a manifest entry (an interrupted ingest) or a store edited behind our back:
            # start over rather than serve a mirror that disagrees with the store.
            logger.info("mirror has %d chunks, the store %d: rebuilding", len(self), store.chunk_count())
            fresh_index = LocalIndex(duplicate_of=duplicates)
            fresh_index._append(_fetch(store, None))
            fresh_index.hashes = dict(wanted)
            self.__dict__.clear()
            self.__dict__.update(fresh_index.__dict__)
            return True
        return changed

    def _drop(self, article_ids: set[str]) -> None:
        keep = ~np.isin(self.article_ids, list(article_ids))
        for name in _ROW_ARRAYS:
            setattr(self, name, getattr(self, name)[keep])
        self.keyword.keep(keep)
        self._changed()
        for article_id in article_ids:
            self.hashes.pop(article_id, None)
            self.articles.pop(article_id, None)

    def _append(self, rows: Iterable[tuple[str, str, dict[str, Any], Sequence[float]]]) -> None:
        ids, arts, srcs, dates, pos, texts, spans, vecs, docs = [], [], [], [], [], [], [], [], []
        for chunk_id, text, meta, vector in rows:
            article_id = str(meta.get("article_id", ""))
            ids.append(chunk_id)
            arts.append(article_id)
            srcs.append(str(meta.get("source", "")))
            dates.append(int(meta.get("date_num", 0) or 0))
            pos.append(int(meta.get("chunk", 0) or 0))
            texts.append(text or "")
            spans.append((int(meta.get("start", 0) or 0), int(meta.get("end", 0) or 0)))
            vecs.append(np.asarray(vector, dtype=np.float32))
            title = str(meta.get("title", ""))
            docs.append(bm25_terms(keyword_text(title, text or "")))
            self.articles[article_id] = (
                title, str(meta.get("published_at", "")), str(meta.get("url", "")), str(meta.get("path", ""))
            )
        if not ids:
            return
        self.chunk_ids = np.concatenate([self.chunk_ids, np.array(ids, dtype=str)])
        self.article_ids = np.concatenate([self.article_ids, np.array(arts, dtype=str)])
        self.sources = np.concatenate([self.sources, np.array(srcs, dtype=str)])
        self.dates = np.concatenate([self.dates, np.array(dates, dtype=np.int32)])
        self.positions = np.concatenate([self.positions, np.array(pos, dtype=np.int32)])
        self.texts = np.concatenate([self.texts, _object_array(texts)])
        self.spans = np.concatenate([self.spans, np.array(spans, dtype=np.int32).reshape(-1, 2)])
        new = np.vstack(vecs)
        self.vectors = new if self.vectors.size == 0 else np.vstack([self.vectors, new])
        self.keyword.add(docs)
        self._changed()

    # Saving and loading

    def save(self, path: Path) -> None:
        """Write the mirror atomically (a crash leaves the old file or the new one, never half of one)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "version": CACHE_VERSION, "hashes": self.hashes, "duplicate_of": self.duplicate_of,
            "articles": self.articles, "stamp": self.stamp, "embed_model": self.embed_model,
        }
        encoded = [t.encode("utf-8") for t in self.texts.tolist()]
        offsets = np.cumsum([0, *map(len, encoded)], dtype=np.int64)
        tmp = path.with_suffix(".tmp.npz")
        with tmp.open("wb") as handle:
            np.savez(
                handle,
                meta=_text_array(json.dumps(meta)),
                chunk_ids=self.chunk_ids,
                article_ids=self.article_ids,
                sources=self.sources,
                dates=self.dates,
                positions=self.positions,
                text_bytes=np.frombuffer(b"".join(encoded), dtype=np.uint8),
                text_offsets=offsets,
                spans=self.spans,
                vectors=self.vectors,
                # numpy's stubs type **kwds as savez's own keyword flags; these are all arrays.
                **{k: _text_array("\n".join(v.tolist())) if k == "kw_vocab" else v  # type: ignore[arg-type]
                   for k, v in self.keyword.arrays().items()},
            )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> LocalIndex | None:
        """The mirror saved at `path`, or None when it is missing, unreadable or from another version."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(_array_text(data["meta"]))
                if meta.get("version") != CACHE_VERSION:
                    return None
                vocab_text = _array_text(data["kw_vocab"])
                arrays = {k: data[k] for k in ("kw_indptr", "kw_term_ids", "kw_tfs")}
                arrays["kw_vocab"] = np.array(vocab_text.split("\n") if vocab_text else [], dtype=object)
                blob, offsets = data["text_bytes"].tobytes(), data["text_offsets"].tolist()
                texts = [blob[a:b].decode("utf-8") for a, b in zip(offsets, offsets[1:], strict=False)]
                return cls(
                    chunk_ids=data["chunk_ids"],
                    article_ids=data["article_ids"],
                    sources=data["sources"],
                    dates=data["dates"],
                    positions=data["positions"],
                    texts=_object_array(texts),
                    spans=data["spans"],
                    vectors=data["vectors"],
                    keyword=KeywordIndex.from_arrays(arrays),
                    hashes=dict(meta.get("hashes", {})),
                    duplicate_of=dict(meta.get("duplicate_of", {})),
                    articles={k: tuple(v) for k, v in meta.get("articles", {}).items()},
                    stamp=str(meta.get("stamp", "")),
                    embed_model=str(meta.get("embed_model", "")),
                )
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - a damaged cache is rebuilt, never fatal
            logger.warning("ignoring the retrieval cache at %s (%s); it will be rebuilt", path, exc)
            return None


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
    index = (LocalIndex.load(path) if path is not None else None) or LocalIndex()
    if stamp and index.stamp == stamp and index.embed_model == store.embed_model_name:
        logger.info("retrieval index ready (store unchanged): %d chunks in %.2fs", len(index),
                    time.perf_counter() - started)
        return index
    sync_and_save(index, store, path, stamp)
    logger.info("retrieval index ready: %d chunks in %.2fs", len(index), time.perf_counter() - started)
    return index


def sync_and_save(index: LocalIndex, store: ArticleStore, path: Path | None, stamp: str) -> None:
    """Sync `index` with the store and save it when anything changed, recording `stamp`, the store's stamp taken
    before the sync (a write during the sync then makes the next stamp differ, and the next start look again)."""
    changed = index.sync(store)
    if index.stamp != stamp or index.embed_model != store.embed_model_name:
        index.stamp, index.embed_model = stamp, store.embed_model_name
        changed = True
    if changed and path is not None:
        try:
            index.save(path)
        except OSError as exc:
            logger.warning("could not save the retrieval cache to %s: %s", path, exc)


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


def _object_array(items: Sequence[str]) -> np.ndarray:
    """A 1-d object array of strings (np.array would make a fixed-width unicode array, 4 bytes a character)."""
    out = np.empty(len(items), dtype=object)
    out[:] = list(items)
    return out


def _text_array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _array_text(array: np.ndarray) -> str:
    return array.tobytes().decode("utf-8")

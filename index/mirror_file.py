"""The local mirror on disk: one .npz file of plain arrays (no pickles), written atomically.

Texts are stored as one UTF-8 blob with offsets, and the JSON metadata and BM25 vocabulary as UTF-8 bytes, so
loading never runs pickled code and takes a fraction of a second for the whole corpus.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy as np

from index.keyword import KeywordIndex
from index.local_index import LocalIndex, text_column

__all__ = ["CACHE_VERSION", "load", "save"]

logger = logging.getLogger(__name__)

# Bump when the saved layout or the keyword text changes, so old caches are rebuilt rather than misread.
CACHE_VERSION = 2


def save(index: LocalIndex, path: Path) -> None:
    """Write the mirror atomically (a crash leaves the old file or the new one, never half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "version": CACHE_VERSION, "hashes": index.hashes, "duplicate_of": index.duplicate_of,
        "articles": index.articles, "stamp": index.stamp, "embed_model": index.embed_model,
    }
    encoded = [t.encode("utf-8") for t in index.texts.tolist()]
    offsets = np.cumsum([0, *map(len, encoded)], dtype=np.int64)
    tmp = path.with_suffix(".tmp.npz")
    with tmp.open("wb") as handle:
        np.savez(
            handle,
            meta=_text_array(json.dumps(meta)),
            chunk_ids=index.chunk_ids,
            article_ids=index.article_ids,
            sources=index.sources,
            dates=index.dates,
            positions=index.positions,
            text_bytes=np.frombuffer(b"".join(encoded), dtype=np.uint8),
            text_offsets=offsets,
            spans=index.spans,
            vectors=index.vectors,
            # numpy's stubs type **kwds as savez's own keyword flags; these are all arrays.
            **{k: _text_array("\n".join(v.tolist())) if k == "kw_vocab" else v  # type: ignore[arg-type]
               for k, v in index.keyword.arrays().items()},
        )
    os.replace(tmp, path)


def load(path: Path) -> LocalIndex | None:
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
            return LocalIndex(
                chunk_ids=data["chunk_ids"],
                article_ids=data["article_ids"],
                sources=data["sources"],
                dates=data["dates"],
                positions=data["positions"],
                texts=text_column(texts),
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


def _text_array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _array_text(array: np.ndarray) -> str:
    return array.tobytes().decode("utf-8")

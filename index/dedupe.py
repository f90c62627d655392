"""Recognise near-identical articles (wire copies syndicated by several outlets) at ingest.

Each body gets a MinHash signature over five-word shingles; its bands (locality-sensitive hashing) are kept as
metadata in a small Chroma collection beside the manifest, so finding candidate copies is one `where` query that
works the same on a folder and on a server. A candidate counts as a copy when the signatures estimate a Jaccard
similarity of at least THRESHOLD and the candidate is still in the manifest; the copy's manifest entry then
records `duplicate_of`, the first-ingested article of the story.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.store import ArticleStore
from index.types import Article

logger = logging.getLogger(__name__)

SUFFIX = "-shingles"
SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16  # 16 bands of 4 rows: pairs above ~0.5 Jaccard almost always share a band
THRESHOLD = 0.8
# Below this many words, boilerplate alone makes unrelated stubs look alike.
MIN_WORDS = 60
_PRIME = np.uint64(4294967311)  # the first prime above 2**32, so (a*x + b) mod p permutes 32-bit shingle hashes
_rng = np.random.default_rng(20220617)
_A = _rng.integers(1, 2**31, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, 2**31, size=PERMUTATIONS, dtype=np.uint64)


def signature(body: str) -> np.ndarray | None:
    """The MinHash signature of a body's word shingles (None when the body is too short to judge)."""
    words = re.findall(r"[a-z0-9]+", body.lower())
    if len(words) < MIN_WORDS:
        return None
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(s.encode(), digest_size=4).digest() for s in shingles])
    # Stored signatures are compared with new ones, so these values must never change (a test pins them).
    permuted = np.multiply.outer(np.frombuffer(digests, dtype="<u4").astype(np.uint64), _A)
    permuted += _B  # in place: a long article has 10,000 shingles × 64 permutations
    permuted %= _PRIME
    return permuted.min(axis=0).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two bodies."""
    return float(np.mean(a == b))


def _bands(sig: np.ndarray) -> dict[str, str]:
    rows = PERMUTATIONS // BANDS
    return {
        f"b{i}": hashlib.blake2b(sig[i * rows : (i + 1) * rows].tobytes(), digest_size=8).hexdigest()
        for i in range(BANDS)
    }


class Deduper:
    """Finds, for new articles, an already-stored article they copy, and remembers the new signatures."""

    def __init__(self, store: ArticleStore) -> None:
        self.store = store

    def _signatures(self) -> Any:
        # Opened per use rather than cached: `store.reset()` drops collections behind our back.
        return self.store.client.get_or_create_collection(self.store.name + SUFFIX, embedding_function=None)

    def assign(self, articles: Sequence[Article]) -> dict[str, str]:
        """Article id -> id of the article it duplicates, for those of `articles` that copy another one."""
        collection = self._signatures()
        sigs = {a.id: signature(a.body) for a in articles}
        found: dict[str, str] = {}
        batch: list[tuple[str, np.ndarray]] = []
        for article in articles:
            sig = sigs[article.id]
            if sig is None:
                continue
            bands = _bands(sig)
            best = self._stored_match(collection, article.id, sig, bands)
            if best is None:
                # Copies within one batch: compare with the articles seen earlier in it.
                best = next((other for other, s in batch if similarity(sig, s) >= THRESHOLD), None)
                if best is not None:
                    best = found.get(best, best)
            if best is not None:
                found[article.id] = best
            batch.append((article.id, sig))
        if batch:
            collection.upsert(
                ids=[a for a, _ in batch],
                embeddings=[[1.0] for _ in batch],
                metadatas=[{**_bands(s), "sig": s.tobytes().hex()} for _, s in batch],
            )
        if found:
            logger.info("%d of %d articles are copies of stored ones", len(found), len(articles))
        return found

    def _stored_match(self, collection: Any, article_id: str, sig: np.ndarray, bands: dict[str, str]) -> str | None:
        where = {"$or": [{key: value} for key, value in bands.items()]}
        result = collection.get(where=where, include=["metadatas"])
        candidates: list[tuple[float, str]] = []
        for other, meta in zip(result["ids"], result["metadatas"] or [], strict=False):
            if other == article_id or not meta:
                continue
            other_sig = np.frombuffer(bytes.fromhex(str(meta.get("sig", ""))), dtype=np.uint32)
            if other_sig.shape == sig.shape and similarity(sig, other_sig) >= THRESHOLD:
                candidates.append((similarity(sig, other_sig), other))
        if not candidates:
            return None
        # Signatures outlive removed articles (and --rebuild): only articles still in the manifest count.
        entries = self.store.manifest_entries([c for _, c in candidates])
        for _, other in sorted(candidates, reverse=True):
            entry = entries.get(other)
            if entry is not None:
                return entry.duplicate_of or other
        return None

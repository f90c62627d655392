"""A deterministic, discriminative stand-in for the MiniLM encoder: hashed bags of terms, no model to load.

Texts that share terms get close vectors, texts that share none are orthogonal, and the same text always gets the
same vector, in any process. It has the methods newsbot calls on an embedding model (`index.embedding.Embedder`),
so a service built with it runs the real store, search and writers in milliseconds. What it cannot stand in for is
meaning: a paraphrase with no word in common scores 0, and the writers' abstention thresholds are calibrated for
MiniLM's cosines. Tests of answer quality use the real model and are marked `@pytest.mark.model`.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

DIM = 64


def words(text: str) -> list[str]:
    """Lower-cased runs of letters and digits: "Fed's 0.75-point hike" -> fed, s, 0, 75, point, hike."""
    return re.findall(r"[a-z0-9]+", text.lower())


class HashedTermsEmbedding:
    """Each term adds 1 to one of `dim` buckets (by its MD5), and the vector is scaled to unit length.

    `terms` picks what counts as a term: plain words by default; `bot.sentences.content_terms` (stemmed, without
    stopwords) makes the cosine follow shared meaning words, as citation checks need.
    """

    def __init__(self, terms: Callable[[str], Iterable[str]] = words, dim: int = DIM, model_name: str = "") -> None:
        self.terms = terms
        self.dim = dim
        self.model_name = model_name or f"hashed-terms-{dim}"
        self.embed_batch_size = 64
        # Texts embedded, in order: lets a test see what was asked of the model.
        self.calls: list[str] = []

    def vector(self, text: str) -> list[float]:
        self.calls.append(text)
        vector = np.zeros(self.dim, dtype=np.float32)
        for term in self.terms(text):
            vector[int(hashlib.md5(term.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = float(np.linalg.norm(vector)) or 1.0
        return (vector / norm).tolist()  # type: ignore[no-any-return]

    def get_query_embedding(self, query: str) -> list[float]:
        return self.vector(query)

    def get_text_embedding(self, text: str) -> list[float]:
        return self.vector(text)

    def get_text_embedding_batch(self, texts: list[str], show_progress: bool = False, **_: Any) -> list[list[float]]:
        return [self.vector(t) for t in texts]

    async def aget_query_embedding(self, query: str) -> list[float]:
        return await asyncio.to_thread(self.vector, query)

    async def aget_text_embedding_batch(self, texts: list[str], show_progress: bool = False) -> list[list[float]]:
        return await asyncio.to_thread(self.get_text_embedding_batch, texts)

"""The real MiniLM model for the shared fixtures of tests marked `model`: each text is embedded once per test session.

The answer tests ask the same questions of the same articles many times, and every answer's verification embeds the
sources' sentences again (about 0.3 s of CPU an answer). The vectors are the real model's; remembering them only
spares recomputing what a text always gives. Services a test builds for itself (`fresh_service`, the CLI, processes)
use the model as it is.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from index.embedding import MiniLMEmbedding


class RememberingMiniLM:
    """MiniLMEmbedding, with every text's vector kept for the rest of the session."""

    def __init__(self, inner: MiniLMEmbedding | None = None) -> None:
        self.inner = inner or MiniLMEmbedding()
        self.model_name = self.inner.model_name
        self.embed_batch_size = self.inner.embed_batch_size
        self._vectors: dict[str, tuple[float, ...]] = {}
        self._lock = threading.Lock()  # the bot embeds from several executor threads

    def get_query_embedding(self, query: str) -> list[float]:
        return self.inner.get_query_embedding(query)  # remembered by index.embedding already

    def get_text_embedding(self, text: str) -> list[float]:
        return self.get_text_embedding_batch([text])[0]

    def get_text_embedding_batch(self, texts: list[str], show_progress: bool = False, **_: Any) -> list[list[float]]:
        with self._lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if todo:
            vectors = self.inner.get_text_embedding_batch(todo)
            with self._lock:
                self._vectors.update(zip(todo, map(tuple, vectors), strict=True))
        return [list(self._vectors[t]) for t in texts]

    def release(self) -> None:
        """As the real model does after an ingest: drop the encoder's sessions (the vectors stay)."""
        self.inner.release()

    async def aget_query_embedding(self, query: str) -> list[float]:
        return await asyncio.to_thread(self.get_query_embedding, query)

    async def aget_text_embedding(self, text: str) -> list[float]:
        return await asyncio.to_thread(self.get_text_embedding, text)

    async def aget_text_embedding_batch(self, texts: list[str], show_progress: bool = False) -> list[list[float]]:
        return await asyncio.to_thread(self.get_text_embedding_batch, texts)

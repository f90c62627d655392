"""The offline MiniLM embedding model, run for real: it is local and small."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from config.settings import Settings
from index import embedding
from index.embedding import (
    DIMENSIONS,
    MAX_PIECES,
    MiniLMEmbedding,
    _tokenizer,
    build_embed_model,
    count_word_pieces,
    encode,
    piece_counter,
    word_pieces,
)
from index.errors import ConfigError

# The model itself: only the real MiniLM can be checked against its reference.
pytestmark = pytest.mark.model

# Ids from the model's published tokenizer.json (its truncation raised to 256), so the tokenizer we build in
# code is checked against the one the model was trained with.
REFERENCE_IDS = {
    "Café crème, naïve résumé — Ångström!": [
        101, 7668, 13675, 21382, 1010, 15743, 13746, 1517, 17076, 15687, 999, 102,
    ],
    "東京は日本の首都です。北京欢迎你": [
        101, 1879, 1755, 1672, 1864, 1876, 1671, 100, 1961, 1665, 30184, 1636, 1781, 1755, 100, 100, 100, 102,
    ],
    "U.S. stocks fell 3.5% on Tuesday (NYSE: AAPL), didn't they?": [
        101, 1057, 1012, 1055, 1012, 15768, 3062, 1017, 1012, 1019, 1003, 2006, 9857, 1006, 6396, 3366, 1024,
        9779, 24759, 1007, 1010, 2134, 1005, 1056, 2027, 1029, 102,
    ],
    "e-mail foo@bar.com or visit https://example.org/a?b=c": [
        101, 1041, 1011, 5653, 29379, 1030, 3347, 1012, 4012, 2030, 3942, 16770, 1024, 1013, 1013, 2742, 1012,
        8917, 1013, 1037, 1029, 1038, 1027, 1039, 102,
    ],
    # A word over 100 characters becomes a single [UNK].
    "unaffable supercalifragilisticexpialidocious " + "z" * 120: [
        101, 14477, 20961, 3468, 3565, 9289, 10128, 29181, 24411, 4588, 10288, 19312, 21273, 10085, 6313,
        100, 102,
    ],
    "Zero\u200bwidth\tand\x00control": [101, 5717, 9148, 11927, 2232, 1998, 8663, 13181, 2140, 102],
    "😀 emoji 🎉 and ﬁ ligature": [101, 100, 7861, 29147, 2072, 100, 1998, 1984, 8018, 11244, 102],
    "": [101, 102],
}

LONG_TEXT = "The quick brown fox jumps over the lazy dog. " * 40  # 400 word pieces

MIXED = [
    "Rain.",
    "The central bank raised interest rates by half a percentage point on Wednesday.",
    "Officials said the storm had knocked out power to more than 200,000 homes along the coast, "
    "and crews from three states were on their way to help restore it before the weekend.",
    "Hi",
    "A new study finds that regular exercise improves sleep quality in older adults, "
    "though the effect fades when people stop. " * 4,
    "Shares of the carmaker fell 7% after it cut its delivery forecast.",
]


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine similarity."""
    return (a * b).sum(axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


@pytest.fixture(scope="module")
def model() -> MiniLMEmbedding:
    """One embedding model for the module: the session is process-wide anyway."""
    return MiniLMEmbedding(embed_batch_size=4)


@pytest.mark.parametrize("text", list(REFERENCE_IDS))
def test_tokenizer_matches_reference(text: str) -> None:
    assert _tokenizer().encode(text).ids == REFERENCE_IDS[text]


def test_long_text_is_truncated_to_256_pieces_and_word_pieces_is_not() -> None:
    pieces = word_pieces(LONG_TEXT)
    assert len(pieces) == 400
    assert "[CLS]" not in pieces and "[SEP]" not in pieces
    encoding = _tokenizer().encode(LONG_TEXT)
    assert len(encoding.ids) == MAX_PIECES == 256
    assert encoding.tokens == ["[CLS]", *pieces[:254], "[SEP]"]


def test_word_pieces() -> None:
    assert word_pieces("Unaffable Ångström") == ["una", "##ffa", "##ble", "ang", "##strom"]


@pytest.mark.parametrize(
    "text",
    [
        *REFERENCE_IDS,
        "",
        "  leading and trailing  ",
        "tab\tnew\nline\r\nno-break\u00a0space, thin\u2009space, ideographic\u3000space",
        # Characters the tokenizer deletes join what they stand between; Python's str.split() would cut there.
        "next\x85line, file\x1cseparator, vertical\x0btab, zero\u200bwidth, soft\u00adhyphen",
        "Supercalifragilisticexpialidocious" * 4 + " overlong words become one [UNK]",
        "東京は日本の首都です。 naïve Ångström 3.5% (NYSE:AAPL)",
    ],
)
def test_count_word_pieces_equals_tokenizing_the_whole_text(text: str) -> None:
    assert count_word_pieces(text) == len(word_pieces(text))
    assert count_word_pieces(text) == len(word_pieces(text))  # and again, from the remembered word counts


def test_piece_counter_is_sized_for_the_splitter() -> None:
    assert len(piece_counter("Unaffable Ångström")) == 5


def test_sentence_splitter_counts_model_word_pieces() -> None:
    from llama_index.core.node_parser import SentenceSplitter

    text = "\n\n".join(" ".join(MIXED[i % len(MIXED)] for i in range(k, k + 5)) for k in range(12))
    chunks = SentenceSplitter(chunk_size=200, chunk_overlap=30, tokenizer=piece_counter).split_text(text)
    assert len(chunks) > 2
    lengths = [len(e.ids) for e in _tokenizer().encode_batch(chunks)]
    assert max(lengths) <= MAX_PIECES
    assert max(lengths) > 150  # chunks are filled up to the size, so they are counted in the same units


def test_embeddings_are_unit_384d(model: MiniLMEmbedding) -> None:
    vectors = np.array(model.get_text_embedding_batch(MIXED))
    assert vectors.shape == (len(MIXED), DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert len(model.get_query_embedding("what did the central bank do?")) == DIMENSIONS


def test_batch_equals_one_by_one_in_order(model: MiniLMEmbedding) -> None:
    texts = [*MIXED, ""]
    batched = np.array(model.get_text_embedding_batch(texts))
    single = np.array([model.get_text_embedding(t) for t in texts])
    # Padding must not move a vector, and sorting by length must not reorder the results.
    assert cosine(batched, single).min() > 0.999
    assert (np.argmax(batched @ single.T, axis=1) == np.arange(len(texts))).all()
    assert np.allclose(encode(texts, batch_size=3), batched, atol=1e-5)


def test_runs_side_by_side_give_the_same_vectors_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = MIXED * 3
    single = np.array([encode([t])[0] for t in texts])
    used: list[int] = []
    real_workers = embedding._workers
    monkeypatch.setattr(embedding, "_workers", lambda: used.append(1) or real_workers())
    monkeypatch.setattr(embedding, "_cores", lambda: 2)  # side by side even on a one-core runner
    side_by_side = encode(texts, batch_size=1)  # one run per text: many runs, so they go side by side
    assert used, "the runs did not go to the worker pool"
    assert cosine(side_by_side, single).min() > 0.999


def test_release_drops_the_sessions_and_the_next_call_rebuilds_them(model: MiniLMEmbedding) -> None:
    before = np.array(model.get_text_embedding_batch(MIXED))
    assert embedding._sessions
    model.release()
    assert not embedding._sessions  # the arenas go with them
    after = np.array(model.get_text_embedding_batch(MIXED))
    assert embedding._sessions
    assert np.allclose(before, after, atol=1e-6)


def test_paraphrase_is_closer_than_unrelated(model: MiniLMEmbedding) -> None:
    base, paraphrase, unrelated = np.array(
        model.get_text_embedding_batch(
            [
                "The central bank raised interest rates on Wednesday.",
                "On Wednesday the Fed increased borrowing costs.",
                "The team won the championship after a dramatic penalty shootout.",
            ]
        )
    )
    assert base @ paraphrase > base @ unrelated + 0.2


def test_thread_safe(model: MiniLMEmbedding) -> None:
    expected = np.array(model.get_text_embedding_batch(MIXED))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: np.array(model.get_text_embedding_batch(MIXED)), range(4)))
    for result in results:
        assert np.allclose(result, expected, atol=1e-5)


def test_async_variants(model: MiniLMEmbedding) -> None:
    async def both() -> tuple[list[list[float]], list[float]]:
        return await model.aget_text_embedding_batch(MIXED[:3]), await model.aget_query_embedding(MIXED[0])

    batch, query = asyncio.run(both())
    assert np.allclose(batch, model.get_text_embedding_batch(MIXED[:3]), atol=1e-5)
    assert np.allclose(query, batch[0], atol=1e-5)


def test_nothing_heavy_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "_sessions", {})
    monkeypatch.setattr(embedding, "_tokenizers", {})
    MiniLMEmbedding(embed_batch_size=8)
    assert not embedding._sessions and not embedding._tokenizers


def test_build_local() -> None:
    embed_model = build_embed_model(Settings(embedding="local", embed_batch_size=16, _env_file=None))
    assert isinstance(embed_model, MiniLMEmbedding)
    assert embed_model.embed_batch_size == 16
    assert embed_model.model_name == "all-MiniLM-L6-v2-int8"


def test_build_openai_without_key_is_a_config_error() -> None:
    settings = Settings(embedding="openai", openai_api_key=None, _env_file=None)
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        build_embed_model(settings)


def test_build_openai_with_key_and_compatible_server() -> None:
    settings = Settings(
        embedding="openai",
        openai_api_key="sk-test",
        openai_base_url="http://127.0.0.1:9/v1",
        openai_embedding_model="nomic-embed-text",
        _env_file=None,
    )
    embed_model = build_embed_model(settings)
    assert embed_model.model_name == "nomic-embed-text"
    assert embed_model.api_base == "http://127.0.0.1:9/v1"  # type: ignore[attr-defined]


def test_sub_batches_are_length_sorted_and_capped() -> None:
    groups = list(embedding._sub_batches([5, 100, 3, 100, 90, 4], batch_size=3, max_tokens=200))
    assert groups == [[2, 5, 0], [4, 1], [3]]
    assert list(embedding._sub_batches([5, 100, 3], batch_size=2, max_tokens=None)) == [[2, 0], [1]]
    # Texts of very different lengths run apart rather than padding the short ones to the long one's width.
    assert list(embedding._sub_batches([20, 52, 24, 30, 50], batch_size=32, max_tokens=None)) == [[0, 2, 3], [4, 1]]

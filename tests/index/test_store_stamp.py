"""A local store's stamp, and the retrieval mirror that answers without opening Chroma while the stamp holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from index.embedding import word_pieces
from index.ingest import Chunker, Ingestor
from index.search import Searcher
from index.store import ArticleStore, local_stamp
from index.types import Article
from tests.conftest import ROOT, make_settings
from tests.fakes.embedding import HashedTermsEmbedding

EMBED = HashedTermsEmbedding()


def article(n: str, body: str, day: str = "2022-06-10") -> Article:
    return Article(id=n, title=n.title(), body=body, source="Wire", published_at=day, url=f"https://example.com/{n}")


FERRY = article("ferry", "The old ferry Marisol sank in the harbour at noon with forty cars aboard.")
CHESS = article("chess", "The chess champion Magnus Carlsen said he would not defend his title next year.")


def open_store(data_dir: Path) -> ArticleStore:
    """The store as a new process opens it: nothing connected until first use."""
    return ArticleStore.open(make_settings(data_dir), EMBED.model_name)


def ingest(store: ArticleStore, *articles: Article) -> None:
    Ingestor(store, EMBED, Chunker(64, 8, word_pieces)).ingest(list(articles))


def test_opening_and_reading_keep_the_stamp_and_every_write_changes_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert open_store(data).stamp() is None  # nothing there yet: unknown
    ingest(open_store(data), FERRY)
    first = open_store(data).stamp()
    assert first is not None
    reader = open_store(data)
    assert reader.chunk_count() > 0 and reader.all_entries() and reader.chunks.get(include=["documents"])["ids"]
    assert open_store(data).stamp() == first, "reading the store changed its stamp"

    ingest(open_store(data), CHESS)
    added = open_store(data).stamp()
    ingest(open_store(data), article("ferry", FERRY.body + " All passengers were rescued."))
    updated = open_store(data).stamp()
    open_store(data).remove("chess")
    removed = open_store(data).stamp()
    open_store(data).reset()
    emptied = open_store(data).stamp()
    stamps = [first, added, updated, removed, emptied]
    assert len(set(stamps)) == len(stamps), stamps


def test_a_stamp_that_cannot_be_read_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "chroma.sqlite3").write_bytes(b"not a database")
    assert local_stamp(tmp_path) is None
    assert local_stamp(tmp_path / "missing") is None


def _never_connect() -> Any:
    raise AssertionError("the store was opened")


def test_an_unchanged_store_is_answered_from_the_mirror_without_opening_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    ingest(store, FERRY, CHESS)
    expected = Searcher(store, EMBED, cache_dir=data).search("Which ferry sank?", k=3)

    closed = ArticleStore(None, store.name, store.embed_model_name, store.location, _never_connect, store.folder)
    assert Searcher(closed, EMBED, cache_dir=data).search("Which ferry sank?", k=3) == expected
    assert closed._client is None


def test_a_write_by_another_process_is_seen_by_the_next_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ingest(open_store(data), FERRY)
    Searcher(open_store(data), EMBED, cache_dir=data).index()  # saves the mirror and its stamp
    ingest(open_store(data), CHESS)  # another process, which does not refresh this mirror
    found = Searcher(open_store(data), EMBED, cache_dir=data).search("chess champion Carlsen", k=1)
    assert found and found[0].article_id == "chess"


def test_another_embedding_model_opens_the_store_and_is_refused(tmp_path: Path) -> None:
    from index.errors import EmbeddingMismatch

    data = tmp_path / "data"
    ingest(open_store(data), FERRY)
    Searcher(open_store(data), EMBED, cache_dir=data).index()
    other = ArticleStore.open(make_settings(data), "another-model")
    with pytest.raises(EmbeddingMismatch):
        Searcher(other, EMBED, cache_dir=data).index()


def test_a_cold_ask_imports_neither_chroma_nor_llama_index(tmp_path: Path) -> None:
    """`newsbot ask` on an unchanged store: the mirror answers; Chroma, llama-index and openai stay unloaded."""
    from bot.wiring import build_service

    data = tmp_path / "data"
    seeded = build_service(make_settings(data), HashedTermsEmbedding()).ensure_seeded()  # this process: the writer
    assert seeded is not None and seeded.added == 2
    script = """
import json, sys
from pathlib import Path
from bot.wiring import build_service
from tests.conftest import make_settings
from tests.fakes.embedding import HashedTermsEmbedding
service = build_service(make_settings(Path(sys.argv[1])), HashedTermsEmbedding())
assert service.ensure_seeded() is None
answer = service.ask("Which hotel was Rouhani staying at?")
heavy = ("chromadb", "llama_index.core", "openai", "onnxruntime")
print(json.dumps({"cited": bool(answer.citations), "loaded": [m for m in heavy if m in sys.modules]}))
"""
    done = subprocess.run([sys.executable, "-c", script, str(data)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={"PATH": "", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"cited": True, "loaded": []}

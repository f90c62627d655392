"""Ingest into a real Chroma store on disk with the real embedding model: idempotency, updates, crashes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.embedding import word_pieces
from index.errors import EmbeddingMismatch, IngestError
from index.store import ArticleStore
from tests.conftest import SEEDS, make_service, make_settings


def _copy_seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


def test_ingesting_twice_adds_nothing_the_second_time(fresh_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _copy_seeds(tmp_path)
    first = fresh_service.ingest([folder])
    chunks = fresh_service.stats().chunks
    second = fresh_service.ingest([folder])
    assert (first.added, first.failed) == (2, 0)
    assert chunks == first.chunks_added > 2
    assert (second.added, second.updated, second.unchanged, second.chunks_added) == (0, 0, 2, 0)
    assert "Nothing new" in second.summary()
    assert fresh_service.stats().chunks == chunks


def test_every_chunk_carries_its_article_and_offsets(fresh_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from index.loaders import iter_articles

    folder = _copy_seeds(tmp_path)
    fresh_service.ingest([folder])
    bodies = {a.id: a for a in iter_articles([folder])}  # type: ignore[union-attr]
    rows = list(fresh_service.store.iter_chunks())
    assert rows
    for chunk_id, text, meta in rows:
        article = bodies[meta["article_id"]]
        assert chunk_id.startswith(article.id + ":")
        assert article.body[meta["start"] : meta["end"]] == text
        assert meta["title"] == article.title
        assert meta["path"] == article.path
        assert len(word_pieces(article.title + "\n" + text)) <= 256  # the model reads 256 word pieces
    newsweek = [m for _, _, m in rows if m["source"] == "Newsweek"]
    assert newsweek and all(m["title"].startswith("Donald Trump Tried") for m in newsweek)


def test_changed_article_replaces_its_old_chunks(fresh_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "one"
    folder.mkdir()
    article = folder / "story.txt"
    article.write_text("Title: Harbour news\n\nThe old ferry left at noon. It carried forty cars.\n")
    fresh_service.ingest([folder])
    article.write_text("Title: Harbour news\n\nThe new ferry leaves at dawn. It carries ninety trucks.\n")
    report = fresh_service.ingest([folder])
    assert (report.added, report.updated, report.chunks_removed) == (0, 1, 1)
    texts = [text for _, text, _ in fresh_service.store.iter_chunks()]
    assert texts == ["The new ferry leaves at dawn. It carries ninety trucks."]


def test_interrupted_ingest_leaves_a_usable_store_and_the_next_run_completes(
    fresh_service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    folder = _copy_seeds(tmp_path)
    real_record = ArticleStore.record

    def crash(self, entries):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt  # Ctrl-C after the chunks were written, before the manifest was

    monkeypatch.setattr(ArticleStore, "record", crash)
    with pytest.raises(KeyboardInterrupt):
        fresh_service.ingest([folder])
    monkeypatch.setattr(ArticleStore, "record", real_record)

    assert fresh_service.stats().articles == 0  # nothing claims to be ingested
    fresh_service.ask("Which hotel was Rouhani staying at?")  # and the store still answers
    report = fresh_service.ingest([folder])
    assert report.added == 2
    assert report.chunks_removed == report.chunks_added  # the orphaned chunks were replaced, not duplicated
    assert fresh_service.stats().chunks == report.chunks_added


def test_ctrl_c_while_embedding_keeps_the_batches_already_written(
    fresh_service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    # One article a batch: Ctrl-C arrives while the second is being embedded.
    monkeypatch.setattr("index.ingest.ARTICLE_BATCH", 1)
    ingestor = fresh_service.ingestor
    real_embed = ingestor.embed_model.get_text_embedding_batch
    calls: list[int] = []

    def embed_then_interrupt(texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_embed(texts)

    monkeypatch.setattr(ingestor, "embed_model", type("Embed", (), {"get_text_embedding_batch": staticmethod(
        embed_then_interrupt)})())
    with pytest.raises(KeyboardInterrupt):
        fresh_service.ingest([_copy_seeds(tmp_path)])
    # The first article was recorded whole: its chunks and its manifest entry, nothing of the second.
    entries = fresh_service.store.all_entries()
    assert len(entries) == 1
    assert fresh_service.store.chunk_count() == entries[0].chunks == calls[0]


def test_an_error_writing_one_batch_stops_the_run_with_the_batches_before_it_recorded(
    fresh_service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr("index.ingest.ARTICLE_BATCH", 1)
    real_add = fresh_service.ingestor._add_chunks
    writes: list[int] = []

    def add_then_fail(chunks, vectors):  # type: ignore[no-untyped-def]
        writes.append(len(chunks))
        if len(writes) == 2:
            raise OSError("disk full")
        real_add(chunks, vectors)

    monkeypatch.setattr(fresh_service.ingestor, "_add_chunks", add_then_fail)
    with pytest.raises(OSError, match="disk full"):
        fresh_service.ingest([_copy_seeds(tmp_path)])
    entries = fresh_service.store.all_entries()
    assert len(entries) == 1 and fresh_service.store.chunk_count() == entries[0].chunks == writes[0]


def test_remove_and_rebuild(fresh_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _copy_seeds(tmp_path)
    fresh_service.ingest([folder])
    entry = next(e for e in fresh_service.store.all_entries() if e.source == "Newsweek")
    removed = fresh_service.remove(entry.article_id)
    assert removed == entry.chunks > 0
    assert fresh_service.stats().articles == 1
    assert fresh_service.remove(entry.article_id) == -1
    report = fresh_service.ingest([folder], rebuild=True)
    assert report.added == 2 and fresh_service.stats().articles == 2


def test_removing_many_articles_refreshes_the_mirror_once(fresh_service, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fresh_service.ingest([_copy_seeds(tmp_path)])
    ids = [e.article_id for e in fresh_service.store.all_entries()]
    refreshes = []
    real_refresh = fresh_service.searcher.refresh
    monkeypatch.setattr(fresh_service.searcher, "refresh", lambda: refreshes.append(1) or real_refresh())
    removed = fresh_service.remove_many([*ids, "no-such-id"])
    assert [removed[i] > 0 for i in ids] == [True, True] and removed["no-such-id"] == -1
    assert len(refreshes) == 1
    assert fresh_service.stats().articles == 0 and fresh_service.searcher.search("hotel") == []


def test_store_built_with_another_model_is_a_clear_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    ArticleStore.open(settings, "all-MiniLM-L6-v2-int8").chunk_count()
    other = ArticleStore.open(settings, "text-embedding-3-small")  # opened on first use
    with pytest.raises(EmbeddingMismatch, match="--rebuild"):
        other.chunk_count()


def test_a_missing_path_is_reported_and_the_others_ingested(fresh_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = fresh_service.ingest([_copy_seeds(tmp_path), tmp_path / "nope"])
    assert report.added == 2 and report.failed == 1
    assert "nope: no such file or folder" in "\n".join(str(p) for p in report.problems)


def test_a_rebuild_with_a_missing_path_stops_before_anything_is_dropped(fresh_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seeds = _copy_seeds(tmp_path)
    fresh_service.ingest([seeds])
    # Rebuilt from a mistyped folder, the store would lose the seeds: nothing is done.
    with pytest.raises(IngestError, match="nope"):
        fresh_service.ingest([seeds, tmp_path / "nope"], rebuild=True)
    assert fresh_service.stats().articles == 2
    with pytest.raises(IngestError, match="nope"):
        fresh_service.ingest([tmp_path / "nope"])
    assert fresh_service.stats().articles == 2


def test_bad_files_are_named_and_the_good_ones_ingested(fresh_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _copy_seeds(tmp_path)
    (folder / "empty.txt").write_text("")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "feed.jsonl").write_text(
        '{"title": "Good", "source": "Wire", "body": "A bridge opened in Lisbon on Monday."}\n{broken\n'
    )
    report = fresh_service.ingest([folder])
    assert report.added == 3
    named = "\n".join(str(p) for p in report.problems)
    assert "empty.txt" in named and "photo.txt" in named and "feed.jsonl:2" in named
    assert report.failed == 3


def test_service_reopens_an_existing_store(tmp_path: Path) -> None:
    first = make_service(tmp_path / "data")
    first.ingest([_copy_seeds(tmp_path)])
    again = make_service(tmp_path / "data")
    assert again.stats().articles == 2
    assert again.ensure_seeded() is None


@pytest.mark.model
def test_ingest_gives_back_the_encoders_memory_and_answers_still_work(fresh_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from index import embedding

    fresh_service.ingest([_copy_seeds(tmp_path)])
    assert not embedding._sessions  # released before the mirror refresh, so the two never add up
    answer = fresh_service.ask("Which hotel was Rouhani staying at in New York?")
    assert "Millennium Hilton" in answer.text
    assert embedding._sessions  # rebuilt on demand


def test_manifest_lookups_accept_an_id_twice(fresh_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fresh_service.ingest([_copy_seeds(tmp_path)])
    ids = [e.article_id for e in fresh_service.store.all_entries()]
    found = fresh_service.store.manifest_entries([ids[0], ids[1], ids[0], "no-such-id"])
    assert sorted(found) == sorted(ids)


def test_the_sentence_splitter_is_given_bounded_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    """NLTK's punkt runs each regex over all it is given under a 5 s limit: a megabyte in one call exceeded it."""
    from bot.wiring import keep_llama_index_offline
    from index import ingest
    from index.embedding import piece_counter
    from index.types import Article

    keep_llama_index_offline()
    monkeypatch.setattr(ingest, "SECTION_CHARS", 3_000)
    chunker = ingest.Chunker(200, 30, piece_counter)
    given: list[int] = []
    from llama_index.core.node_parser import SentenceSplitter

    splitter_class = SentenceSplitter
    real_split = splitter_class.split_text
    monkeypatch.setattr(
        splitter_class, "split_text", lambda self, text: given.append(len(text)) or real_split(self, text)
    )
    paragraphs = [f"Paragraph {i} says the ferry left at {i} o'clock. It carried {i} cars." for i in range(300)]
    body = "\n\n".join(paragraphs)
    chunks = chunker.split(Article("a", "Ferries", body))
    assert len(given) > 5 and max(given) <= 3_000
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert all(body[c.start : c.end] == c.text for c in chunks)
    assert chunks[-1].text.endswith("It carried 299 cars.")


def test_sections_cut_at_paragraphs_then_lines_then_spaces() -> None:
    from index.ingest import sections

    assert sections("short", 10) == [(0, 5)]
    text = "aaaa\n\nbbbb cccc\ndddd eeee"
    spans = sections(text, 10)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(b - a <= 10 for a, b in spans)
    assert text[spans[0][0] : spans[0][1]] == "aaaa"
    assert sections("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]


# --- idempotency whatever the path (issue 20) --------------------------------------------------------------


class _NoEmbedding:
    """Stands in for the encoder where nothing may be embedded."""

    calls = 0

    def get_text_embedding_batch(self, texts):  # type: ignore[no-untyped-def]
        _NoEmbedding.calls += 1
        raise AssertionError(f"embedded {len(texts)} texts")


def _forbid_embedding(service, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(service.ingestor, "embed_model", _NoEmbedding())


def _feed(folder: Path, url: str = "https://example.com/ferry") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    feed = folder / "feed.jsonl"
    record = {"id": "ferry-1", "title": "Harbour news", "source": "Courier", "url": url,
              "body": "The old ferry left at noon. It carried forty cars to the island."}
    feed.write_text(json.dumps(record) + "\n")
    return feed


def test_an_article_with_its_own_id_moved_or_named_another_way_is_not_embedded_again(
    fresh_service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    feed = _feed(tmp_path / "shared" / "data")
    (tmp_path / "bars").mkdir()
    fresh_service.ingest([tmp_path / "bars" / ".." / "shared" / "data" / "feed.jsonl"])
    _forbid_embedding(fresh_service, monkeypatch)

    report = fresh_service.ingest([feed])  # the same file, spelled another way: the same resolved path
    assert (report.added, report.updated, report.unchanged, report.chunks_added) == (0, 0, 1, 0)
    moved = tmp_path / "archive" / "feed.jsonl"
    moved.parent.mkdir()
    feed.rename(moved)
    report = fresh_service.ingest([moved])
    assert (report.added, report.updated, report.relabelled, report.chunks_added) == (0, 1, 1, 0)
    assert "not re-embedded" in report.summary()
    again = fresh_service.ingest([moved])
    assert (again.updated, again.unchanged) == (0, 1)

    # The store, the manifest and the retrieval mirror all name the new place.
    assert {meta["path"] for _, _, meta in fresh_service.store.iter_chunks()} == {str(moved.resolve())}
    assert fresh_service.store.manifest_entries(["ferry-1"])["ferry-1"].path == str(moved.resolve())
    (passage, *_) = fresh_service.searcher.search("ferry to the island")
    assert passage.path == str(moved.resolve())
    assert _NoEmbedding.calls == 0


def test_a_changed_url_or_outlet_is_stored_without_embedding(
    fresh_service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path / "in"
    fresh_service.ingest([_feed(folder)])
    _forbid_embedding(fresh_service, monkeypatch)
    feed = _feed(folder, url="https://example.com/ferry-corrected")
    feed.write_text(feed.read_text().replace('"Courier"', '"Evening Courier"'))
    report = fresh_service.ingest([feed])
    assert (report.updated, report.relabelled, report.chunks_added, report.chunks_removed) == (1, 1, 0, 0)
    metas = [meta for _, _, meta in fresh_service.store.iter_chunks()]
    assert {(m["url"], m["source"]) for m in metas} == {("https://example.com/ferry-corrected", "Evening Courier")}
    (passage, *_) = fresh_service.searcher.search("ferry to the island")
    assert (passage.url, passage.source) == ("https://example.com/ferry-corrected", "Evening Courier")
    assert fresh_service.stats().outlets == {"Evening Courier": 1}


def test_a_file_without_an_id_is_known_by_its_resolved_path(
    fresh_service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path / "one"
    (folder / "sub").mkdir(parents=True)
    story = folder / "story.txt"
    story.write_text("Title: Harbour news\n\nThe old ferry left at noon. It carried forty cars.\n")
    fresh_service.ingest([story])
    _forbid_embedding(fresh_service, monkeypatch)
    report = fresh_service.ingest([folder / "sub" / ".." / "story.txt"])
    assert (report.added, report.unchanged, report.chunks_added) == (0, 1, 0)
    assert [entry.path for entry in fresh_service.store.all_entries()] == [str(story.resolve())]
    assert fresh_service.stats().articles == 1


def test_a_store_written_before_the_path_left_the_hash_is_not_embedded_again(
    fresh_service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    from dataclasses import replace

    from index.ingest import legacy_content_hash
    from index.loaders import iter_articles

    feed = _feed(tmp_path / "in")
    fresh_service.ingest([feed])
    (article,) = iter_articles([feed])
    store = fresh_service.store
    old = store.manifest_entries(["ferry-1"])["ferry-1"]
    legacy = replace(old, content_hash=legacy_content_hash(article, fresh_service.ingestor.chunker), meta_hash="")
    store.record([legacy])
    _forbid_embedding(fresh_service, monkeypatch)
    assert fresh_service.ingest([feed]).unchanged == 1
    assert store.manifest_entries(["ferry-1"])["ferry-1"] == old  # brought to today's hashes
    moved = tmp_path / "moved.jsonl"
    feed.rename(moved)
    store.record([legacy])
    assert fresh_service.ingest([moved]).relabelled == 1  # moved after the upgrade: still no embedding


def test_a_changed_title_is_embedded_again_as_every_chunk_carries_it(fresh_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = _feed(tmp_path / "in")
    fresh_service.ingest([feed])
    feed.write_text(feed.read_text().replace("Harbour news", "Island ferry news"))
    report = fresh_service.ingest([feed])
    assert (report.updated, report.relabelled, report.chunks_added) == (1, 0, 1)

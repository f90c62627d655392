"""store = "http": ingest, ask, eval and remove against a real `chroma run` server on 127.0.0.1.

Select these with `pytest -m slow -k chroma_server`; they also run in the default suite.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS, make_service

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A Chroma server of this module's own, on a free port; the port."""
    if not CHROMA.exists():
        pytest.skip("the chroma command is not installed")
    import chromadb

    port = _free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma run did not come up: {(folder / 'server.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_chroma_server_ingest_ask_eval_remove(chroma_server: int, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.evaluate import EvalRun, run_eval_command

    service = make_service(tmp_path / "local", store="http", chroma_port=chroma_server, collection="srv")
    report = service.ingest([SEEDS])
    assert (report.added, report.failed) == (2, 0)
    assert service.store.location.startswith("chroma server")

    answer = service.ask("How many times did Trump text Rouhani?")
    assert not answer.abstained and answer.citations
    assert "Newsweek" in {c.source for c in answer.citations}
    # The keyword index stays local, beside nothing but the cache folder.
    assert list((tmp_path / "local" / "retrieval").glob("srv-*.npz"))

    newsweek = next(c.article_id for c in answer.citations if c.source == "Newsweek")
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({
        "id": "q1", "question": "How many times did Trump text Rouhani?", "answer": "eight",
        "question_date": "2020-12-02", "evidence_article_ids": [newsweek],
    }) + "\n")
    assert run_eval_command(service, EvalRun(questions, as_json=True)) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["hits"]["hit@1"] == 1.0

    # A second process (a fresh service on another machine's cache folder) sees the same store.
    other = make_service(tmp_path / "elsewhere", store="http", chroma_port=chroma_server, collection="srv")
    assert newsweek in {p.article_id for p in other.search("How many times did Trump text Rouhani?")}

    assert service.remove(newsweek) > 0
    assert newsweek not in {p.article_id for p in service.search("How many times did Trump text Rouhani?")}
    other.searcher.refresh()
    assert newsweek not in {p.article_id for p in other.search("How many times did Trump text Rouhani?")}

"""Shared fixtures: an isolated environment, and services over a real Chroma store on disk.

Tests embed with the deterministic fake in tests/fakes/embedding.py unless marked `@pytest.mark.model`, which
gives them the real MiniLM model (loaded once per process): `build_embed_model` is swapped for the fake in every
other test, so services built anywhere (the CLI's `main`, the Telegram front) get it too. Processes a test starts
load the real model whatever the marker says; mark such tests too.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
REALTIMEQA = ROOT.parent / "shared" / "data" / "realtimeqa"

_OUR_PREFIXES = ("NEWSBOT_", "OPENAI_", "TELEGRAM_")


def _wants_model(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("model") is not None


@pytest.fixture(autouse=True)
def _fake_embedding_unless_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake embedding for every service a test builds, unless the test is marked `model`; an unmarked test that
    runs the real model anyway fails, so the quick run (`-m "not model"`) stays quick."""
    if _wants_model(request):
        return
    from tests.fakes.embedding import HashedTermsEmbedding

    def no_model(*_: object) -> None:
        raise AssertionError("this test runs the real MiniLM model: mark it @pytest.mark.model")

    monkeypatch.setattr("index.embedding.build_embed_model", lambda settings: HashedTermsEmbedding())
    monkeypatch.setattr("index.embedding._get_session", no_model)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's settings, .env file or network-reaching defaults."""
    for name in list(os.environ):
        if name.startswith(_OUR_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    # The default data folder is per user (platformdirs): keep it inside the test's own folder.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    monkeypatch.chdir(tmp_path)


def make_settings(data_dir: Path, **overrides: object):  # type: ignore[no-untyped-def]
    from config.settings import load_settings

    return load_settings(data_dir=data_dir, seeds_dir=SEEDS, **overrides)


def make_service(data_dir: Path, **overrides: object):  # type: ignore[no-untyped-def]
    from bot.wiring import build_service

    return build_service(make_settings(data_dir, **overrides))


def _seeded(tmp_path_factory: pytest.TempPathFactory, embed_model: object):  # type: ignore[no-untyped-def]
    from bot.wiring import build_service

    service = build_service(make_settings(tmp_path_factory.mktemp("seeded")), embed_model)  # type: ignore[arg-type]
    report = service.ensure_seeded()
    assert report is not None and report.added == 2, report
    return service


@pytest.fixture(scope="session")
def _seeded_with_fake(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from tests.fakes.embedding import HashedTermsEmbedding

    return _seeded(tmp_path_factory, HashedTermsEmbedding())


@pytest.fixture(scope="session")
def minilm():  # type: ignore[no-untyped-def]
    """The real model for the services tests marked `model` share; each text embedded once (tests/shared_model.py)."""
    from tests.shared_model import RememberingMiniLM

    return RememberingMiniLM()


@pytest.fixture(scope="session")
def _seeded_with_model(tmp_path_factory: pytest.TempPathFactory, minilm):  # type: ignore[no-untyped-def]
    return _seeded(tmp_path_factory, minilm)


@pytest.fixture
def seeded_service(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A service over the seed articles, shared by tests that only ask (do not ingest or remove with it); with the
    real model for tests marked `model`."""
    return request.getfixturevalue("_seeded_with_model" if _wants_model(request) else "_seeded_with_fake")


@pytest.fixture
def fresh_service(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A service over an empty store of this test's own."""
    return make_service(tmp_path / "data")


def _loopback_only() -> None:
    """Make any connection beyond this machine fail loudly: tests may talk to 127.0.0.1 only."""
    import ipaddress
    import socket

    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            host = str(address[0])
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise OSError(f"test tried to reach {host}: tests may only use loopback addresses")
        return real_connect(self, address)  # type: ignore[arg-type]

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]


def _test_folders_in_memory() -> None:
    """Put pytest's temporary folders on the machine's tmpfs, if it has one (unless PYTEST_DEBUG_TEMPROOT or
    --basetemp says where): Chroma's SQLite waits for every commit to reach the disk, and on a busy virtual disk
    those waits were most of the time of the tests that write a store (test_ingest.py: 8 s, 3.4 s of it CPU)."""
    shm = Path("/dev/shm")
    if "PYTEST_DEBUG_TEMPROOT" in os.environ or not shm.is_dir() or not os.access(shm, os.W_OK | os.X_OK):
        return
    # A container's tmpfs is often 64 MB, less than a run's stores; then the disk it is.
    if shutil.disk_usage(shm).free >= _TEST_FOLDERS_NEED:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(shm)


# What a run's test folders take, with room to spare (pytest keeps the last three runs' folders: about 65 MB each).
_TEST_FOLDERS_NEED = 1 << 30


def pytest_configure(config: pytest.Config) -> None:
    _loopback_only()
    _test_folders_in_memory()

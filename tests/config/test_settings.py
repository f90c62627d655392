"""Settings: file defaults, environment overrides, clear errors, masked secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import load_settings
from index.errors import ConfigError


def test_defaults_come_from_the_defaults_file() -> None:
    settings = load_settings()
    assert settings.chunk_size == 200
    assert settings.llm_mode == "extractive"


def test_the_default_data_folder_is_per_user_not_the_working_folder(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME (where platformdirs puts user data on Linux) into the test's folder.
    assert load_settings().data_dir == tmp_path / "user-data" / "newsbot"


def test_the_default_seeds_are_found_from_any_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    seeds = load_settings().seeds_dir
    assert seeds.is_absolute()
    assert (seeds / "macron-tried-to-connect-rouhani-and-trump-by-phone.txt").is_file()


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_DATA_DIR", "/srv/elsewhere")
    monkeypatch.setenv("NEWSBOT_TOP_K", "3")
    monkeypatch.setenv("NEWSBOT_TELEGRAM_ALLOWED_IDS", "12, 34")
    settings = load_settings()
    assert settings.data_dir == Path("/srv/elsewhere")
    assert settings.top_k == 3
    assert settings.telegram_allowed_ids == frozenset({12, 34})


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("NEWSBOT_COLLECTION=fromdotenv\n")
    assert load_settings().collection == "fromdotenv"


def test_invalid_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_TOP_K", "many")
    with pytest.raises(ConfigError, match="NEWSBOT_TOP_K"):
        load_settings()


def test_invalid_id_list_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_TELEGRAM_ADMIN_IDS", "alice")
    with pytest.raises(ConfigError, match="ids"):
        load_settings()


def test_api_key_selects_openai_and_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:ABC")
    settings = load_settings()
    assert settings.llm_mode == "openai"
    shown = str(settings.public_view())
    assert "sk-secret-value" not in shown and "123:ABC" not in shown
    assert settings.public_view()["openai_api_key"] == "********"


def test_extractive_mode_wins_over_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    monkeypatch.setenv("NEWSBOT_LLM", "extractive")
    assert load_settings().llm_mode == "extractive"


def test_a_password_in_a_url_setting_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://alice:hunter2@llm.example.com:8443/v1")
    settings = load_settings()
    assert settings.openai_base_url == "https://alice:hunter2@llm.example.com:8443/v1"  # used as given
    assert settings.public_view()["openai_base_url"] == "https://alice:********@llm.example.com:8443/v1"
    assert "hunter2" not in str(settings.public_view())


def test_an_unknown_log_level_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_LOG_LEVEL", "LOUD")
    expected = r"NEWSBOT_LOG_LEVEL: .*expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'"
    with pytest.raises(ConfigError, match=expected):
        load_settings()
    monkeypatch.setenv("NEWSBOT_LOG_LEVEL", "info")
    assert load_settings().log_level == "INFO"


def test_secrets_in_a_dotenv_file_are_read(tmp_path: Path) -> None:
    # The README says so: users keep OPENAI_API_KEY in .env beside their other settings.
    (tmp_path / ".env").write_text("OPENAI_API_KEY=sk-from-dotenv\nTELEGRAM_BOT_TOKEN=1:dotenv\n")
    settings = load_settings()
    assert settings.openai_api_key is not None and settings.openai_api_key.get_secret_value() == "sk-from-dotenv"
    assert settings.telegram_bot_token is not None


def test_a_data_folder_that_is_a_file_is_a_settings_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = tmp_path / "store"
    taken.write_text("not a folder")
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(taken))
    with pytest.raises(ConfigError, match="NEWSBOT_DATA_DIR: .*store is a file, not a folder"):
        load_settings()
    # A folder that doesn't exist yet is fine: it is created on first use.
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(tmp_path / "new"))
    assert load_settings().data_dir == tmp_path / "new"

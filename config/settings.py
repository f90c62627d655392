"""newsbot's settings: defaults from defaults.toml, overridden by NEWSBOT_* environment variables and .env."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings.exceptions import SettingsError

from index.errors import ConfigError

DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")
# The seed articles of the checkout newsbot runs from (installed with `pip install -e .`), whatever the working folder.
SHIPPED_SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def default_data_dir() -> Path:
    """The per-user data folder: ~/.local/share/newsbot on Linux ($XDG_DATA_HOME), the platform's own elsewhere."""
    import platformdirs

    return platformdirs.user_data_path("newsbot", appauthor=False)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def mask_url(url: str) -> str:
    """The URL with the password of its user part hidden: "http://me:********@host/v1"."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:********@{host}"))


def _ids(value: str | Iterable[object] | None) -> frozenset[int]:
    """Parse "1, 2,3" (or a list) into a set of Telegram ids."""
    if value is None or value == "":
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    try:
        return frozenset(int(str(item).strip()) for item in items if str(item).strip())
    except ValueError as exc:
        raise ValueError(f"expected comma-separated numeric ids, got {value!r}") from exc


class Settings(BaseSettings):
    """Every knob newsbot has. Field names map to NEWSBOT_<NAME> environment variables."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        toml_file=DEFAULTS_FILE,
    )

    # Store
    data_dir: Path = Field(
        default_factory=default_data_dir, description="Folder of the Chroma store and the keyword index."
    )
    store: Literal["local", "http"] = Field("local", description="A Chroma folder, or a Chroma server.")
    chroma_host: str = Field("127.0.0.1", description="Chroma server host (store=http).")
    chroma_port: int = Field(8000, description="Chroma server port (store=http).")
    chroma_ssl: bool = Field(False, description="Talk HTTPS to the Chroma server.")
    chroma_token: SecretStr | None = Field(None, description="Chroma server auth token (store=http).")
    collection: str = Field("newsbot", description="Chroma collection name.")
    seeds_dir: Path = Field(SHIPPED_SEEDS, description="Articles ingested when a store is first created.")
    max_article_mb: float = Field(
        1.0, gt=0, description="Largest article (a text or HTML file, or one JSON record) ingest accepts, in MB."
    )

    # Embeddings and chunking
    embedding: Literal["local", "openai"] = Field("local", description="Embedding model provider.")
    openai_embedding_model: str = Field("text-embedding-3-small", description="OpenAI embedding model.")
    embed_batch_size: int = Field(64, ge=1, description="Texts embedded per batch.")
    chunk_size: int = Field(200, ge=32, le=256, description="Chunk size in the model's word pieces.")
    chunk_overlap: int = Field(30, ge=0, description="Overlap between chunks, in word pieces.")

    # Language model
    llm: Literal["auto", "extractive", "openai"] = Field("auto", description="Who writes the answer.")
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "NEWSBOT_OPENAI_API_KEY"),
        description="OpenAI (or compatible server) API key.",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "NEWSBOT_OPENAI_BASE_URL"),
        description="Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1.",
    )
    openai_model: str = Field(
        "", description="Chat model name; empty: gpt-4o-mini on OpenAI, the server's only model on a local server."
    )
    llm_prompt: Literal["auto", "full", "compact"] = Field(
        "auto", description="Answer prompt: compact (for small local models) or full; auto: compact with a base URL."
    )
    llm_max_tokens: int = Field(700, ge=16, description="Longest answer, in tokens.")
    llm_temperature: float = Field(0.1, ge=0, le=2, description="Sampling temperature.")
    llm_timeout: float = Field(30.0, gt=0, description="Seconds the LLM may take, retries included.")
    llm_max_retries: int = Field(3, ge=0, description="Retries on timeouts, 429 and 5xx.")

    # Retrieval and conversation
    top_k: int = Field(6, ge=1, le=50, description="Passages an answer is built from.")
    candidates: int = Field(
        300, ge=1, le=5000, description="Chunks each retriever (BM25, vectors) ranks before articles are formed."
    )
    history_turns: int = Field(6, ge=0, description="Conversation turns kept for follow-ups.")

    # Telegram
    telegram_bot_token: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "NEWSBOT_TELEGRAM_BOT_TOKEN"),
        description="Bot token from @BotFather.",
    )
    telegram_base_url: str = Field("https://api.telegram.org/bot", description="Bot API base URL.")
    telegram_mode: Literal["polling", "webhook"] = Field("polling", description="How updates arrive.")
    telegram_webhook_url: str = Field("", description="Public HTTPS URL of the webhook.")
    telegram_webhook_listen: str = Field("0.0.0.0", description="Address the webhook server binds.")
    telegram_webhook_port: int = Field(8443, description="Port the webhook server binds.")
    telegram_allowed_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), description="User/chat ids allowed; empty: all."
    )
    telegram_admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), description="User ids that may add articles."
    )
    telegram_rate_limit: int = Field(10, ge=1, description="Questions per user per minute.")

    # Web pages and feeds
    web_timeout: float = Field(20.0, gt=0, description="Seconds a web server may take to connect or to send data.")
    web_max_bytes: int = Field(5_000_000, ge=10_000, description="Largest page or feed fetched, in bytes.")
    web_max_retries: int = Field(2, ge=0, le=5, description="Retries on 429, 5xx and dropped connections.")
    web_allow_private: bool = Field(
        False, description="Let URLs from Telegram reach private, loopback and link-local addresses."
    )
    feed_max_entries: int = Field(100, ge=1, description="Entries read from one feed per refresh.")
    feed_refresh_minutes: float = Field(30.0, gt=0, description="How often `newsbot telegram` refreshes feeds.")

    log_level: str = Field("WARNING", description="Logging level.")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level == "WARN":
            level = "WARNING"
        if level not in LOG_LEVELS:
            raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}, got {value!r}")
        return level

    @field_validator("data_dir")
    @classmethod
    def _a_folder(cls, value: Path) -> Path:
        # A missing folder is created on first use; a file where the folder should be is a mistake to say plainly.
        if value.exists() and not value.is_dir():
            raise ValueError(f"{value} is a file, not a folder; point it at a folder (created if missing)")
        return value

    @field_validator("telegram_allowed_ids", "telegram_admin_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: str | Iterable[object] | None) -> frozenset[int]:
        return _ids(value)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, dotenv_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def llm_mode(self) -> Literal["extractive", "openai"]:
        """The answer writer in force: "auto" means OpenAI exactly when a key is set."""
        if self.llm == "auto":
            return "openai" if self.openai_api_key or self.openai_base_url else "extractive"
        return self.llm

    @property
    def max_article_bytes(self) -> int:
        """`max_article_mb` in bytes."""
        return int(self.max_article_mb * 1_000_000)

    def public_view(self) -> dict[str, object]:
        """The effective settings as plain values, secrets masked."""
        shown: dict[str, object] = {}
        for name, value in self.model_dump().items():
            if isinstance(value, SecretStr):
                shown[name] = "********" if value.get_secret_value() else "(empty)"
            elif value is None:
                shown[name] = "(not set)"
            elif isinstance(value, str) and "@" in value and "://" in value:
                shown[name] = mask_url(value)  # a password in a URL (OPENAI_BASE_URL=https://me:pw@host/v1)
            elif isinstance(value, frozenset):
                shown[name] = ",".join(str(v) for v in sorted(value)) or "(none)"
            else:
                shown[name] = str(value) if isinstance(value, Path) else value
        return shown


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into a message that names the variable to fix."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "settings"
            problems.append(f"NEWSBOT_{field.upper()}: {error['msg'].removeprefix('Value error, ')}")
        raise ConfigError("Invalid settings — " + "; ".join(problems)) from None
    except SettingsError as exc:
        raise ConfigError(f"Invalid settings — {exc}") from None

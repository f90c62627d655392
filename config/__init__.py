"""Settings and the error hierarchy shared by every part of newsbot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from config.errors import (
    ConfigError,
    EmbeddingMismatch,
    IngestError,
    LLMError,
    NewsbotError,
    StoreError,
)

if TYPE_CHECKING:
    from config.settings import Settings, load_settings

__all__ = [
    "ConfigError",
    "EmbeddingMismatch",
    "IngestError",
    "LLMError",
    "NewsbotError",
    "Settings",
    "StoreError",
    "load_settings",
]


def __getattr__(name: str) -> Any:
    """Settings on first use: importing `config.errors` (every module does) must not load pydantic-settings, which
    `newsbot --help` does not need."""
    if name in ("Settings", "load_settings"):
        from config import settings

        return getattr(settings, name)
    raise AttributeError(f"module 'config' has no attribute {name!r}")

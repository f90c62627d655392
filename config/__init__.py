"""Settings and the error hierarchy shared by every part of newsbot."""

from config.errors import (
    ConfigError,
    EmbeddingMismatch,
    IngestError,
    LLMError,
    NewsbotError,
    StoreError,
)
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

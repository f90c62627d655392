"""Settings: defaults in config/defaults.toml, overridden by environment variables (the errors are in index.errors)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]


def __getattr__(name: str) -> Any:
    """Settings on first use: importing `config` must not load pydantic-settings, which `newsbot --help` does not
    need."""
    if name in ("Settings", "load_settings"):
        from config import settings

        return getattr(settings, name)
    raise AttributeError(f"module 'config' has no attribute {name!r}")

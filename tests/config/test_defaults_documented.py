"""Each default is stated in config/defaults.toml, the settings model and the docs: they must agree.

defaults.toml is what newsbot reads; the `Field` defaults are what the settings model falls back to without it
(and what `Settings.model_fields` shows); the tables in README.md and docs/*.md are what users read. A default
changed in one place and not the others fails here, naming the setting and both values.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pydantic import SecretStr

from config.settings import DEFAULTS_FILE, Settings

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Read from the environment only, never from the file (secrets), or set only by the environment.
ENVIRONMENT_ONLY = {"openai_api_key", "openai_base_url", "telegram_bot_token", "chroma_token"}
# Defaults that depend on the machine, computed by the settings model and described in words in the docs: the
# per-user data folder (platformdirs) and the checkout's seeds folder.
COMPUTED = {"data_dir", "seeds_dir"}


def _file_defaults() -> dict[str, object]:
    with DEFAULTS_FILE.open("rb") as handle:
        return tomllib.load(handle)


def _same(documented: str, value: object) -> bool:
    """Does a default as written in a doc table ("`30`", "empty (everyone)", "`./data`") equal `value`?"""
    text = documented.strip().strip("`").strip()
    if text.startswith("empty") or text == "—":
        return value in ("", frozenset(), None)
    if isinstance(value, bool):
        return text.lower() == str(value).lower()
    if isinstance(value, int | float):
        try:
            return float(text) == float(value)
        except ValueError:
            return False
    return text == str(value)


def _documented_defaults() -> list[tuple[str, str, str]]:
    """(doc file, setting name, default as written) for every table row that names one NEWSBOT_ variable and has a
    "default" column."""
    rows: list[tuple[str, str, str]] = []
    for doc in DOCS:
        default_column: int | None = None
        for line in doc.read_text(encoding="utf-8").splitlines():
            if not line.startswith("|"):
                default_column = None
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            lowered = [c.lower() for c in cells]
            if "default" in lowered:
                default_column = lowered.index("default")
                continue
            if default_column is None or default_column >= len(cells) or set(line) <= set("|-: "):
                continue
            named = re.findall(r"`([A-Z][A-Z0-9_]+)`", "|".join(cells[:default_column]))
            # A row about several variables ("`OPENAI_API_KEY`, `OPENAI_BASE_URL`, …") states no one default.
            if len(set(named)) == 1 and named[0].startswith("NEWSBOT_"):
                rows.append((doc.name, named[0].removeprefix("NEWSBOT_").lower(), cells[default_column]))
    return rows


def test_the_file_and_the_model_name_the_same_settings() -> None:
    in_file = set(_file_defaults())
    in_model = set(Settings.model_fields) - ENVIRONMENT_ONLY - COMPUTED
    assert in_file - in_model == set(), "defaults.toml sets what the settings model does not have"
    assert in_model - in_file == set(), "settings without a default in defaults.toml"


@pytest.mark.parametrize("name", sorted(set(Settings.model_fields) - ENVIRONMENT_ONLY - COMPUTED))
def test_the_model_default_is_the_file_default(name: str) -> None:
    field_default = Settings.model_fields[name].default
    file_default: object = _file_defaults()[name]
    if isinstance(field_default, Path):
        file_default = Path(str(file_default))
    if isinstance(field_default, frozenset):
        field_default = ",".join(str(v) for v in sorted(field_default))
    assert not isinstance(field_default, SecretStr)
    assert field_default == file_default, f"{name}: Field default {field_default!r}, defaults.toml {file_default!r}"


def test_every_documented_default_is_the_file_default() -> None:
    documented = _documented_defaults()
    assert len(documented) >= 15, "the doc tables were not found: has their layout changed?"
    defaults = _file_defaults()
    for doc, name, written in documented:
        if name in COMPUTED:
            assert name in Settings.model_fields, f"{doc} documents NEWSBOT_{name.upper()}, which is not a setting"
            continue
        assert name in defaults, f"{doc} documents NEWSBOT_{name.upper()}, which is not a setting"
        assert _same(written, defaults[name]), (
            f"{doc} says NEWSBOT_{name.upper()} defaults to {written}, defaults.toml says {defaults[name]!r}"
        )


def test_the_comparison_catches_a_disagreement() -> None:
    assert not _same("`50`", 300)
    assert not _same("`auto`", "openai")
    assert not _same("—", "gpt-4o-mini")
    assert _same("`30`", 30.0) and _same("empty (everyone)", "") and _same("`./data`", "./data")

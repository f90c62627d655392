"""The answering core: search the store, write a cited answer, remember the conversation."""

from __future__ import annotations

# Interface first; bodies land in the next commits (see NewsService docstrings).

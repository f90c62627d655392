"""The errors newsbot raises on purpose; their messages are written for the person using newsbot.

    NewsbotError                 anything newsbot can explain to its user
    ├── ConfigError              a setting is missing or wrong
    ├── StoreError               the Chroma store cannot be opened or used
    │   └── EmbeddingMismatch    the store was built with another embedding model
    ├── IngestError              an input cannot be read at all (a missing path)
    └── LLMError                 the language model could not answer

Fronts (CLI, REPL, Telegram) catch NewsbotError and show its message; anything else is a bug and is logged
with its traceback. This module imports nothing, so config/, index/ and bot/ all raise these without importing
each other.
"""


class NewsbotError(Exception):
    """An error whose message is safe and useful to show to the user."""


class ConfigError(NewsbotError):
    """A setting is missing or has a value newsbot cannot use."""


class StoreError(NewsbotError):
    """The vector store cannot be opened or used."""


class EmbeddingMismatch(StoreError):
    """The store's vectors come from another embedding model than the configured one."""


class IngestError(NewsbotError):
    """An input path cannot be read at all."""


class LLMError(NewsbotError):
    """The language model failed in a way retrying will not fix."""

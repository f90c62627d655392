"""The language model: built from settings, called with retries inside one time budget, failures as LLMError.

The openai client's own retries are off (max_retries=0): its backoff knows nothing of newsbot's total budget
(settings.llm_timeout), so `LLMClient` retries timeouts, connection errors, 408/409/429 (honouring retry-after)
and 5xx itself, each attempt's timeout cut to what is left of the budget. 401, 403, 404 and 400 are not retried:
they become one LLMError that says what to fix.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import openai

from config.errors import ConfigError, LLMError

if TYPE_CHECKING:
    from llama_index.core.base.llms.types import ChatMessage
    from llama_index.core.llms import LLM

    from bot.llm_writer import FollowUpRewriter, OpenAIWriter
    from config.settings import Settings

__all__ = ["LLMClient", "build_llm", "build_openai_writer"]

logger = logging.getLogger(__name__)

# Context window assumed for OpenAI-compatible servers, whose model names llama-index can't look up; newsbot's
# prompts (6 passages of ~200 word pieces) fit in a quarter of it.
DEFAULT_CONTEXT_WINDOW = 8192
# A follow-up rewrite is a short side call: it gets this share of the budget, so a dead server costs the user
# one budget and a bit, not two.
REWRITE_BUDGET_SHARE = 0.3
_PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key, but the openai client insists on one
_RETRY_STATUS = {408, 409, 429}


def build_llm(settings: Settings) -> LLM:
    """The llama-index chat model the settings describe (OpenAI, or any OpenAI-compatible server)."""
    from llama_index.llms.openai import OpenAI
    from llama_index.llms.openai.utils import openai_modelname_to_contextsize
    from llama_index.llms.openai_like import OpenAILike

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    if not key and not settings.openai_base_url:
        raise ConfigError("The OpenAI answer writer needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server).")
    common: dict[str, Any] = {
        "model": settings.openai_model,
        "api_key": key or _PLACEHOLDER_KEY,
        # Always set: without it llama-index asks tiktoken for the model's encoding, which downloads one.
        "max_tokens": settings.llm_max_tokens,
        "temperature": settings.llm_temperature,
        "timeout": settings.llm_timeout,
        "max_retries": 0,
    }
    if settings.openai_base_url:
        return OpenAILike(
            api_base=settings.openai_base_url,
            is_chat_model=True,
            context_window=DEFAULT_CONTEXT_WINDOW,
            **common,
        )
    try:
        openai_modelname_to_contextsize(settings.openai_model)
    except ValueError:
        # A model newer than llama-index's table: OpenAILike doesn't need to know it.
        return OpenAILike(api_base="https://api.openai.com/v1", is_chat_model=True,
                          context_window=DEFAULT_CONTEXT_WINDOW, **common)
    return OpenAI(api_base="https://api.openai.com/v1", **common)


def build_openai_writer(settings: Settings, embed_model: Any) -> tuple[OpenAIWriter, FollowUpRewriter]:
    """The LLM answer writer and follow-up rewriter, sharing one client."""
    from bot.llm_writer import FollowUpRewriter, OpenAIWriter

    client = LLMClient(build_llm(settings), settings.llm_timeout, settings.llm_max_retries, settings.openai_model)
    rewriter = FollowUpRewriter(client, budget=settings.llm_timeout * REWRITE_BUDGET_SHARE)
    return OpenAIWriter(client, embed_model), rewriter


class LLMClient:
    """Chat with a llama-index LLM within a total time budget, retrying what a retry can fix."""

    def __init__(
        self,
        llm: LLM,
        budget: float,
        max_retries: int,
        model: str = "",
        *,
        backoff: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.llm = llm
        self.budget = budget
        self.max_retries = max_retries
        self.model = model or getattr(llm, "model", "")
        # The first retry waits a twentieth of the budget (at most 1 s), doubling after: 1, 2, 4 s for 30 s.
        self.backoff = backoff if backoff is not None else min(1.0, budget / 20)
        self._sleep = sleep
        self._clock = clock

    def chat(self, messages: Sequence[ChatMessage], budget: float | None = None) -> str:
        """The model's reply to `messages`."""
        deadline = self._clock() + (budget or self.budget)
        attempt = 0
        while True:
            try:
                response = self.llm.chat(messages, timeout=self._remaining(deadline))
                return response.message.content or ""
            except Exception as exc:  # noqa: BLE001 - every failure becomes a retry or an LLMError
                self._wait_or_raise(exc, attempt, deadline)
                attempt += 1

    def stream_chat(self, messages: Sequence[ChatMessage], budget: float | None = None) -> Iterator[str]:
        """The model's reply as text deltas; retried only until the first text is out (it can't be taken back)."""
        deadline = self._clock() + (budget or self.budget)
        attempt = 0
        while True:
            started = False
            try:
                for response in self.llm.stream_chat(messages, timeout=self._remaining(deadline)):
                    if self._clock() > deadline:
                        raise openai.APITimeoutError(request=None)  # type: ignore[arg-type]
                    if response.delta:
                        started = True
                        yield response.delta
                return
            except Exception as exc:  # noqa: BLE001
                if started:
                    logger.warning("the LLM stream broke off: %r", exc)
                    raise self._error(exc) from exc
                self._wait_or_raise(exc, attempt, deadline)
                attempt += 1

    def _remaining(self, deadline: float) -> float:
        remaining = deadline - self._clock()
        if remaining <= 0.01:
            raise openai.APITimeoutError(request=None)  # type: ignore[arg-type]
        return remaining

    def _wait_or_raise(self, exc: Exception, attempt: int, deadline: float) -> None:
        """Sleep before the next attempt, or raise LLMError when retrying can't help or time is up."""
        if isinstance(exc, LLMError):
            raise exc
        if not _retryable(exc) or attempt >= self.max_retries:
            logger.warning("the LLM call failed (attempt %d): %r", attempt + 1, exc)
            raise self._error(exc) from exc
        delay = _retry_after(exc)
        if delay is None:
            delay = self.backoff * 2**attempt * random.uniform(0.5, 1.0)
        if self._clock() + delay >= deadline - 0.05:
            logger.warning("the LLM call failed and the time budget is spent: %r", exc)
            raise self._error(exc) from exc
        logger.info("the LLM call failed (%r); retrying in %.2fs", exc, delay)
        self._sleep(delay)

    def _error(self, exc: Exception) -> LLMError:
        """The user-facing message for a failure."""
        if isinstance(exc, openai.APITimeoutError):
            return LLMError(f"The language model did not answer within {self.budget:g} seconds.")
        if isinstance(exc, openai.APIConnectionError):
            return LLMError("The language model server could not be reached (check OPENAI_BASE_URL).")
        if isinstance(exc, openai.AuthenticationError):
            return LLMError("The language model server rejected the API key (401): check OPENAI_API_KEY.")
        if isinstance(exc, openai.PermissionDeniedError):
            return LLMError(f"The API key may not use the model '{self.model}' (403): check NEWSBOT_OPENAI_MODEL.")
        if isinstance(exc, openai.NotFoundError):
            return LLMError(
                f"The language model server has no model '{self.model}' (404): check NEWSBOT_OPENAI_MODEL"
                " and OPENAI_BASE_URL."
            )
        if isinstance(exc, openai.RateLimitError):
            return LLMError("The language model is rate-limiting newsbot (429); try again in a minute.")
        if isinstance(exc, openai.APIStatusError):
            return LLMError(f"The language model server failed (HTTP {exc.status_code}).")
        return LLMError("The language model server sent a reply newsbot could not read.")


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # timeouts included
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRY_STATUS or exc.status_code >= 500
    return False


def _retry_after(exc: Exception) -> float | None:
    """Seconds the server asked us to wait (retry-after-ms, retry-after in seconds or as an HTTP date)."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    try:
        if "retry-after-ms" in headers:
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError):
        return None

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

from index.errors import ConfigError, LLMError

if TYPE_CHECKING:
    from llama_index.core.base.llms.types import ChatMessage
    from llama_index.core.llms import LLM

    from bot.llm_writer import FollowUpRewriter, OpenAIWriter
    from bot.writers import AnswerWriter
    from config.settings import Settings

__all__ = ["LLMClient", "build_llm", "build_openai_writer", "compact_prompt", "discover_model"]

logger = logging.getLogger(__name__)

# Context window assumed for OpenAI-compatible servers, whose model names llama-index can't look up; newsbot's
# prompts (6 passages of ~200 word pieces) fit in a quarter of it.
DEFAULT_CONTEXT_WINDOW = 8192
# A follow-up rewrite is a short side call: it gets this share of the budget, so a dead server costs the user
# one budget and a bit, not two.
REWRITE_BUDGET_SHARE = 0.3
_PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key, but the openai client insists on one
_RETRY_STATUS = {408, 409, 429}


OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
OPENAI_BASE = "https://api.openai.com/v1"
_DISCOVERY_TIMEOUT = 5.0  # seconds to ask a local server which models it serves


def build_llm(settings: Settings, model: str | None = None) -> LLM:
    """The llama-index chat model the settings describe (OpenAI, or any OpenAI-compatible server)."""
    import httpx
    from llama_index.llms.openai import OpenAI
    from llama_index.llms.openai.utils import openai_modelname_to_contextsize
    from llama_index.llms.openai_like import OpenAILike

    from bot.llm_transport import ReplyShapeTransport

    key = _key(settings)
    model = model or settings.openai_model or OPENAI_DEFAULT_MODEL
    common: dict[str, Any] = {
        "model": model,
        "api_key": key or _PLACEHOLDER_KEY,
        # Always set: without it llama-index asks tiktoken for the model's encoding, which downloads one.
        "max_tokens": settings.llm_max_tokens,
        "temperature": settings.llm_temperature,
        "timeout": settings.llm_timeout,
        "max_retries": 0,
        # Reads a one-body reply to a streaming request (and the reverse) instead of losing it.
        "http_client": httpx.Client(
            transport=ReplyShapeTransport.for_url(settings.openai_base_url or OPENAI_BASE), timeout=settings.llm_timeout
        ),
    }
    if settings.openai_base_url:
        return OpenAILike(
            api_base=settings.openai_base_url,
            is_chat_model=True,
            context_window=DEFAULT_CONTEXT_WINDOW,
            **common,
        )
    try:
        openai_modelname_to_contextsize(model)
    except ValueError:
        # A model newer than llama-index's table: OpenAILike doesn't need to know it.
        return OpenAILike(api_base=OPENAI_BASE, is_chat_model=True,
                          context_window=DEFAULT_CONTEXT_WINDOW, **common)
    return OpenAI(api_base=OPENAI_BASE, **common)


def _key(settings: Settings) -> str:
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    if not key and not settings.openai_base_url:
        raise ConfigError("The OpenAI answer writer needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server).")
    return key


def discover_model(settings: Settings) -> str:
    """The model to ask for: the one named, gpt-4o-mini on OpenAI, or the only model a local server lists.

    Raises ConfigError when the server lists none or several (naming them), LLMError when it can't be asked.
    """
    if settings.openai_model:
        return settings.openai_model
    if not settings.openai_base_url:
        return OPENAI_DEFAULT_MODEL
    client = openai.OpenAI(base_url=settings.openai_base_url, api_key=_key(settings) or _PLACEHOLDER_KEY,
                           timeout=min(_DISCOVERY_TIMEOUT, settings.llm_timeout), max_retries=0)
    try:
        models = sorted(m.id for m in client.models.list())
    except openai.APIStatusError as exc:
        raise ConfigError(
            f"The language model server at {settings.openai_base_url} did not list its models (HTTP "
            f"{exc.status_code}); name one with NEWSBOT_OPENAI_MODEL."
        ) from exc
    except openai.APIError as exc:
        raise LLMError(
            f"The language model server at {settings.openai_base_url} could not be asked which models it serves "
            "(check OPENAI_BASE_URL, or name the model with NEWSBOT_OPENAI_MODEL)."
        ) from exc
    finally:
        client.close()
    if len(models) == 1:
        logger.info("using the server's only model, %s", models[0])
        return models[0]
    if not models:
        raise ConfigError(
            f"The language model server at {settings.openai_base_url} lists no models; load one there, or name it "
            "with NEWSBOT_OPENAI_MODEL."
        )
    shown = ", ".join(models[:20]) + (f" and {len(models) - 20} more" if len(models) > 20 else "")
    raise ConfigError(
        f"The language model server at {settings.openai_base_url} offers {len(models)} models: {shown}. "
        "Choose one with NEWSBOT_OPENAI_MODEL."
    )


def compact_prompt(settings: Settings) -> bool:
    """Whether answers are asked for with the compact prompt: set, or automatic for a server other than OpenAI."""
    if settings.llm_prompt != "auto":
        return settings.llm_prompt == "compact"
    base = settings.openai_base_url or ""
    return bool(base) and "api.openai.com" not in base


def build_openai_writer(
    settings: Settings, embed_model: Any, fallback: AnswerWriter | None = None
) -> tuple[OpenAIWriter, FollowUpRewriter]:
    """The LLM answer writer and follow-up rewriter, sharing one client.

    With a base URL and no model named, the server is asked for its model now, so a choice to make stops start-up
    with the list; a server that can't be reached yet is asked again at the first question.
    """
    from bot.llm_writer import FollowUpRewriter, OpenAIWriter

    _key(settings)
    try:
        model = discover_model(settings)
    except LLMError as exc:
        logger.warning("%s Asking again at the first question.", exc)
        model = ""
    client = LLMClient(
        build_llm(settings, model) if model else None,
        settings.llm_timeout,
        settings.llm_max_retries,
        model,
        factory=lambda: build_llm(settings, discover_model(settings)),
    )
    rewriter = FollowUpRewriter(client, budget=settings.llm_timeout * REWRITE_BUDGET_SHARE)
    return OpenAIWriter(client, embed_model, fallback=fallback, compact=compact_prompt(settings)), rewriter


class LLMClient:
    """Chat with a llama-index LLM within a total time budget, retrying what a retry can fix."""

    def __init__(
        self,
        llm: LLM | None,
        budget: float,
        max_retries: int,
        model: str = "",
        *,
        factory: Callable[[], LLM] | None = None,
        backoff: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._llm = llm
        self._factory = factory  # builds the LLM on first use when `llm` is None (its model not known yet)
        self.budget = budget
        self.max_retries = max_retries
        self.model = model or getattr(llm, "model", "")
        # The first retry waits a twentieth of the budget (at most 1 s), doubling after: 1, 2, 4 s for 30 s.
        self.backoff = backoff if backoff is not None else min(1.0, budget / 20)
        self._sleep = sleep
        self._clock = clock

    @property
    def llm(self) -> LLM:
        if self._llm is None:
            if self._factory is None:
                raise LLMError("No language model is configured.")
            self._llm = self._factory()
            self.model = getattr(self._llm, "model", self.model)
        return self._llm

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

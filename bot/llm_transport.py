"""An httpx transport that lets newsbot read a chat reply in whichever form the server sends it.

Some OpenAI-compatible servers and proxies answer a `"stream": true` request with one `chat.completion` JSON body
(or a plain request with an event stream). The openai client then sees an empty stream, and the answer was lost.
This transport rewrites such a reply into the form the request asked for, so every well-formed reply works; a
body that is no completion at all becomes an error event, which the client raises instead of yielding nothing.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from typing import Any

import httpx

logger = logging.getLogger(__name__)

__all__ = ["ReplyShapeTransport"]

_CHAT_PATH = "/chat/completions"


class ReplyShapeTransport(httpx.BaseTransport):
    """Wraps a transport; converts chat replies between one JSON body and a server-sent event stream as needed."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner or httpx.HTTPTransport()

    @classmethod
    def for_url(cls, base_url: str) -> ReplyShapeTransport:
        """The transport for a server at `base_url`, through the proxy the environment names for it (HTTPS_PROXY,
        NO_PROXY …), as the openai client's own transport would: a custom transport turns httpx's lookup off."""
        host = httpx.URL(base_url).host
        proxy = urllib.request.getproxies().get(httpx.URL(base_url).scheme)
        if proxy and not urllib.request.proxy_bypass(host):
            return cls(httpx.HTTPTransport(proxy=proxy))
        return cls()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if response.status_code != 200 or not request.url.path.endswith(_CHAT_PATH):
            return response
        wants_stream = _asks_for_stream(request)
        is_stream = "text/event-stream" in response.headers.get("content-type", "")
        if wants_stream == is_stream:
            return response
        body = response.read()
        response.close()
        if wants_stream:
            logger.info("the server answered a streaming request with one body; reading it as a stream")
            return _response(request, response, "text/event-stream", _as_events(body))
        logger.info("the server answered a plain request with an event stream; reading it as one reply")
        return _response(request, response, "application/json", _as_completion(body))

    def close(self) -> None:
        self.inner.close()


def _asks_for_stream(request: httpx.Request) -> bool:
    try:
        return bool(json.loads(request.content or b"{}").get("stream"))
    except (ValueError, AttributeError):
        return False


def _response(
    request: httpx.Request, original: httpx.Response, content_type: str, content: bytes
) -> httpx.Response:
    headers = {k: v for k, v in original.headers.items() if k.lower() not in {"content-type", "content-length",
                                                                               "content-encoding", "transfer-encoding"}}
    return httpx.Response(200, headers={**headers, "content-type": content_type}, content=content,
                          request=request)


def _as_events(body: bytes) -> bytes:
    """A completion body as the stream of one chunk that carries its whole text (or an error event)."""
    try:
        data = json.loads(body)
        choice = data["choices"][0]
        text = choice["message"].get("content") or ""
        if not isinstance(text, str):
            raise TypeError("content is not text")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        logger.warning("unreadable reply to a streaming request (%r): %.200r", exc, body)
        error = {"error": {"message": "The language model server sent a reply that is not a chat completion."}}
        return f"data: {json.dumps(error)}\n\n".encode()
    chunk = {
        "id": data.get("id", "chatcmpl"),
        "object": "chat.completion.chunk",
        "created": data.get("created", int(time.time())),
        "model": data.get("model", ""),
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": text},
                     "finish_reason": choice.get("finish_reason") or "stop"}],
    }
    return f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()


def _as_completion(body: bytes) -> bytes:
    """An event stream as the one completion body its chunks add up to."""
    parts: list[str] = []
    last: dict[str, Any] = {}
    for line in body.decode("utf-8", "replace").splitlines():
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            break
        try:
            last = json.loads(payload)
            parts.append(last["choices"][0]["delta"].get("content") or "")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            continue
    completion = {
        "id": last.get("id", "chatcmpl"),
        "object": "chat.completion",
        "created": last.get("created", int(time.time())),
        "model": last.get("model", ""),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(parts)},
                     "finish_reason": "stop"}],
    }
    return json.dumps(completion).encode()

"""A scripted OpenAI-compatible chat server on 127.0.0.1 for tests, run in a background thread.

    with FakeOpenAIServer() as server:
        server.reply("Rouhani stayed at the Millennium hotel [1].")
        server.error(429, headers={"retry-after": "0.1"})
        ...  # point the openai client at server.base_url
        server.requests[0]["messages"]

Each request takes the next scripted reply (a plain completion, or SSE chunks when the request asks for a
stream; `one_body=True` answers a stream request with one completion body, as some proxies do); with none left it
gets a 500. Every request body is recorded. GET /v1/models lists `server.models`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["FakeOpenAIServer", "Reply"]


@dataclass
class Reply:
    """One scripted response."""

    text: str | Callable[[dict[str, Any]], str] = ""  # or made from the request body
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # sent as is (a malformed reply)
    delay: float = 0.0  # seconds to wait before answering (a hang, when longer than the client's timeout)
    stream_cut_after: int | None = None  # streamed chunks sent before the connection is dropped
    chunk_delay: float = 0.0
    one_body: bool = False  # a plain completion even when the request asks for a stream
    always_stream: bool = False  # an event stream even when the request asks for a plain completion


class FakeOpenAIServer:
    """An OpenAI-compatible /v1/chat/completions endpoint that answers from a script."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.arrivals: list[float] = []  # when each request arrived (time.monotonic)
        self.models: list[str] = ["local-model"]
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None

    # Scripting

    def reply(self, text: str | Callable[[dict[str, Any]], str], **options: Any) -> FakeOpenAIServer:
        """Answer the next request with `text`, or `text(request body)` (streamed if the request asks for a stream)."""
        self.replies.append(Reply(text=text, **options))
        return self

    def error(self, status: int, message: str = "scripted error", headers: dict[str, str] | None = None) -> None:
        """Answer the next request with an OpenAI-style error."""
        body = json.dumps({"error": {"message": message, "type": "error", "code": status}})
        self.replies.append(Reply(status=status, body=body, headers=headers or {}))

    def hang(self, seconds: float) -> None:
        """Answer the next request only after `seconds` (or never, if the server stops first)."""
        self.replies.append(Reply(text="too late [1].", delay=seconds))

    def malformed(self, body: str = '{"choices": [{"message": ') -> None:
        """Answer the next request with a body that isn't a completion."""
        self.replies.append(Reply(body=body, headers={"Content-Type": "application/json"}))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def user_prompts(self) -> list[str]:
        """The last user message of every request, in order."""
        return [next(m["content"] for m in reversed(r["messages"]) if m["role"] == "user") for r in self.requests]

    # Serving

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        self.arrivals.append(time.monotonic())
        script = self.replies.popleft() if self.replies else Reply(status=500, body='{"error": {"message": "none"}}')
        if script.delay:
            assert self._stopping is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), script.delay)
        text = script.text(body) if callable(script.text) else script.text
        if script.body is not None or script.status != 200:
            headers = {"Content-Type": "application/json", **script.headers}
            return web.Response(status=script.status, text=script.body or "{}", headers=headers)
        if (body.get("stream") and not script.one_body) or script.always_stream:
            return await self._stream(request, body, script, text)
        return web.json_response(_completion(body, text), headers=script.headers)

    async def _models(self, request: web.Request) -> web.Response:
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models]
        return web.json_response({"object": "list", "data": data})

    async def _stream(
        self, request: web.Request, body: dict[str, Any], script: Reply, text: str
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", **script.headers})
        await response.prepare(request)
        pieces = [{"role": "assistant", "content": ""}] + [{"content": w} for w in _words(text)]
        for i, delta in enumerate(pieces):
            if script.stream_cut_after is not None and i >= script.stream_cut_after:
                assert request.transport is not None
                request.transport.close()  # the connection drops mid-answer
                return response
            await response.write(f"data: {json.dumps(_chunk(body, delta, None))}\n\n".encode())
            if script.chunk_delay:
                await asyncio.sleep(script.chunk_delay)
        await response.write(f"data: {json.dumps(_chunk(body, {}, 'stop'))}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response

    def start(self) -> FakeOpenAIServer:
        ready = threading.Event()

        async def serve() -> None:
            self._stopping = asyncio.Event()
            app = web.Application()
            app.router.add_post("/v1/chat/completions", self._chat)
            app.router.add_get("/v1/models", self._models)
            self._runner = web.AppRunner(app, shutdown_timeout=0.2, handler_cancellation=True)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="fake-openai")
        self._thread.start()
        asyncio.run_coroutine_threadsafe(serve(), self._loop)
        if not ready.wait(10):
            raise RuntimeError("the fake OpenAI server did not start")
        return self

    def stop(self) -> None:
        """Stop serving; later requests get connection errors."""
        if self._loop is None:
            return
        loop = self._loop

        async def shutdown() -> None:
            assert self._stopping is not None and self._runner is not None
            self._stopping.set()
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        assert self._thread is not None
        self._thread.join(10)
        loop.close()
        self._loop = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _words(text: str) -> list[str]:
    """`text` in token-like pieces (a word and the space before it) that join back to it exactly."""
    pieces, start = [], 0
    for i in range(1, len(text)):
        if text[i] == " " and text[i - 1] != " ":
            pieces.append(text[start:i])
            start = i
    if text:
        pieces.append(text[start:])
    return pieces


def _completion(request: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "fake"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _chunk(request: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.get("model", "fake"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }

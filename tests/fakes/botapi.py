"""A fake Telegram Bot API server on 127.0.0.1, for running the real python-telegram-bot against.

Queue updates with `push_*`, let the bot poll them with getUpdates, and assert on `calls`; or, once the bot has
called setWebhook, deliver updates to its webhook with `post_to_webhook` as Telegram would. It can be scripted to
answer 429 with retry_after or a 5xx error, to drop connections for a while, to reject the token, or to describe
the bot (getMe) as the test likes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import ClientSession, web

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
BOT_ID = 123456
BOT_USERNAME = "newsbot_test_bot"

# Parameters PTB sends JSON-encoded inside form fields; everything else stays a string.
_JSON_FIELDS = {
    "reply_markup",
    "commands",
    "reply_parameters",
    "entities",
    "link_preview_options",
    "allowed_updates",
    "scope",
    "caption_entities",
}
_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "reply_to_message_id"}
_FLOAT_FIELDS = {"timeout"}


@dataclass
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    status: int = 200

    @property
    def chat_id(self) -> int | None:
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))


class FakeBotAPI:
    """An aiohttp app speaking enough of the Bot API for polling, messages, commands and file downloads."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.files: dict[str, tuple[str, bytes]] = {}
        self.reject_token = False
        self.bad_requests: list[str] = []
        self.webhook: dict[str, Any] | None = None  # setWebhook's parameters, until deleteWebhook
        self._closing = False
        self.drop_until = 0.0
        self.dropped: list[str] = []  # the methods of the requests whose connections were dropped, in order
        self._failures: dict[str, list[tuple[int, int]]] = {}  # method → [(status, retry_after)]
        self.me: dict[str, Any] = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Newsbot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._new_update = asyncio.Event()
        self._called = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # Lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self.drop_until = 0.0
        self._closing = True
        self._new_update.set()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # Scripting

    def fail_next(self, method: str, retry_after: int = 1, times: int = 1, status: int = 429) -> None:
        """Answer the next `times` calls of `method` with 429 Too Many Requests (or another error `status`)."""
        self._failures.setdefault(method, []).extend([(status, retry_after)] * times)

    def drop_connections(self, seconds: float) -> None:
        """Abort every request's connection without a response for `seconds`."""
        self.drop_until = time.monotonic() + seconds

    def add_file(self, file_id: str, name: str, content: bytes) -> None:
        self.files[file_id] = (name, content)

    def push(self, update: dict[str, Any]) -> int:
        """Queue a raw update (its update_id is assigned here); the id is returned."""
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    def push_message(
        self,
        text: str | None = None,
        chat_id: int = 1001,
        user_id: int | None = None,
        chat_type: str = "private",
        edited: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        """Queue a message update from a user (see `message`), and return the message."""
        message = self.message(text, chat_id, user_id, chat_type, **extra)
        self.push({"edited_message" if edited else "message": message})
        return message

    def message(
        self,
        text: str | None = None,
        chat_id: int = 1001,
        user_id: int | None = None,
        chat_type: str = "private",
        **extra: Any,
    ) -> dict[str, Any]:
        """A message from a user; commands and @mentions get their entities automatically."""
        user_id = user_id if user_id is not None else chat_id
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {
                "id": chat_id,
                "type": chat_type,
                **({"title": "A group"} if chat_type != "private" else {}),
            },
            "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
            **extra,
        }
        if text is not None:
            message["text"] = text
            entities = _entities(text)
            if entities:
                message["entities"] = entities
        return message

    async def post_to_webhook(self, update: dict[str, Any], secret_token: str | None = None) -> int:
        """POST an update to the registered webhook as Telegram would, and return the HTTP status.

        The header carries the registered secret token unless `secret_token` is given ("" sends no header).
        """
        assert self.webhook is not None, "the bot has not called setWebhook"
        secret = self.webhook.get("secret_token", "") if secret_token is None else secret_token
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        body = {"update_id": next(self._update_ids), **update}
        async with ClientSession() as session, session.post(self.webhook["url"], json=body, headers=headers) as resp:
            return resp.status

    def bot_message(self, chat_id: int, text: str = "earlier answer") -> dict[str, Any]:
        """A message as if the bot had sent it (to reply to)."""
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "group"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Newsbot", "username": BOT_USERNAME},
            "text": text,
        }

    # Assertions

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        """The successful calls of `method` (to `chat_id`, if given)."""
        return [
            c
            for c in self.calls
            if c.method == method and c.status == 200 and (chat_id is None or c.chat_id == chat_id)
        ]

    async def wait_for(self, predicate: Callable[[FakeBotAPI], Any], timeout: float = 10.0) -> Any:
        """Wait until `predicate(self)` is truthy and return its value; fail the test after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate(self)
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                methods = [(c.method, c.chat_id, c.text[:60]) for c in self.calls[-15:]]
                raise AssertionError(f"timed out waiting; last calls: {methods}")
            self._called.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._called.wait(), min(remaining, 0.2))

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until `count` messages were sent to `chat_id`, and return them."""
        return await self.wait_for(lambda api: len(api.sent(chat_id)) >= count and api.sent(chat_id), timeout)

    # Handlers

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if time.monotonic() < self.drop_until and request.transport:
            self.dropped.append(request.match_info["method"])
            request.transport.abort()
            return web.Response(status=500)
        if request.match_info["token"] != self.token or self.reject_token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        try:
            params = await _params(request)
        except ConnectionResetError:
            # The client hung up mid-request (a long poll cancelled at shutdown): nobody is left to answer.
            return web.Response(status=499)
        failures = self._failures.get(method)
        if failures:
            status, retry_after = failures.pop(0)
            self._record(method, params, status)
            if status != 429:
                return _error(status, "Internal Server Error")
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
                status=429,
            )
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        problem = self._bad_text(method, params)
        self._record(method, params, 400 if problem else 200)
        if problem:
            self.bad_requests.append(problem)
            return _error(400, problem)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _ok(True)
        return _ok(handler(params))

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        for file_id, (name, content) in self.files.items():
            if request.match_info["path"] == f"documents/{file_id}-{name}":
                return web.Response(body=content)
        return _error(404, "Not Found")

    def _record(self, method: str, params: dict[str, Any], status: int = 200) -> None:
        self.calls.append(Call(method, params, status=status))
        self._called.set()

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not self._updates and not self._closing and time.monotonic() < deadline:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.me

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        return {
            "message_id": params.get("message_id") or next(self._message_ids),
            "date": int(time.time()),
            "chat": {
                "id": chat_id,
                "type": "private" if isinstance(chat_id, int) and chat_id > 0 else "group",
            },
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Newsbot", "username": BOT_USERNAME},
            "text": params.get("text", ""),
        }

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params)

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params)

    def _bad_text(self, method: str, params: dict[str, Any]) -> str:
        """Telegram's 400 description for a message it would reject, or ""."""
        if method not in ("sendMessage", "editMessageText"):
            return ""
        text = str(params.get("text", ""))
        if params.get("parse_mode") == "HTML":
            problem = html_problem(text)
            if problem:
                return f"Bad Request: can't parse entities: {problem}"
            text = visible_text(text)
        if not text.strip():
            return "Bad Request: message text is empty"
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return "Bad Request: message is too long"
        return ""

    def _m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id"))
        name, content = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": f"documents/{file_id}-{name}",
        }


async def _params(request: web.Request) -> dict[str, Any]:
    """The request's parameters, whether sent as a query, a form, multipart or JSON."""
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        raw.update(await request.json())
        return raw
    if request.can_read_body:
        raw.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _JSON_FIELDS and isinstance(value, str):
            value = json.loads(value)
        elif key in _INT_FIELDS and isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        elif key in _FLOAT_FIELDS and isinstance(value, str):
            value = float(value)
        params[key] = value
    return params


class _HTMLChecker(HTMLParser):
    """What Telegram's HTML parse mode accepts: its tags, properly nested, and only escaped `<`, `>`, `&`."""

    TAGS = {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-spoiler",
        "span",
        "tg-emoji",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.TAGS:
            self.problems.append(f'unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f'can\'t find end tag corresponding to start tag "{tag}"')
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if any(ch in data for ch in "<>&"):
            self.problems.append("unescaped character in text")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.problems.append(f"unsupported entity &{name};")
        self.text.append({"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(name, "?"))

    def handle_charref(self, name: str) -> None:
        self.text.append("?")


def html_problem(text: str) -> str:
    """Why Telegram would refuse `text` in HTML parse mode, or ""."""
    checker = _HTMLChecker()
    checker.feed(text)
    checker.close()
    if checker.stack:
        checker.problems.append(f"unclosed tags {checker.stack}")
    return checker.problems[0] if checker.problems else ""


def visible_text(text: str) -> str:
    """The text a user sees of an HTML message."""
    checker = _HTMLChecker()
    checker.feed(text)
    checker.close()
    return "".join(checker.text)


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities, as Telegram's servers would add them (offsets in UTF-16 units)."""
    entities = []
    for word_start, word in _words(text):
        kind = (
            "bot_command"
            if word.startswith("/") and word_start == 0
            else "mention"
            if word.startswith("@")
            else ""
        )
        if kind and len(word) > 1:
            offset = len(text[:word_start].encode("utf-16-le")) // 2
            entities.append({"type": kind, "offset": offset, "length": len(word.encode("utf-16-le")) // 2})
    return entities


def _words(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for word in text.split(" "):
        out.append((pos, word.rstrip(",.:;!?\n")))
        pos += len(word) + 1
    return out


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": status, "description": description}, status=status)

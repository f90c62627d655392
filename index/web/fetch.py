"""Polite, bounded HTTP fetching: one shared client for every page, feed and robots.txt newsbot reads.

Every fetch has connect and read timeouts, a size limit, a content-type check and a bounded number of redirects
(followed here, one hop at a time, so each hop is checked). At most two requests run at a time per host; 429 and
5xx answers are retried with backoff, honouring Retry-After. With `guard` on (URLs that arrive from Telegram),
only http and https are fetched, and no hop may reach a private, loopback, link-local or cloud-metadata address:
the check runs on the addresses the name resolves to, when the connection is made, so a name that resolves
differently the second time (DNS rebinding) is caught too.

Failures raise `FetchError`, whose message is one line a user can act on.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from index.errors import NewsbotError
from index.web import is_url

logger = logging.getLogger(__name__)

__all__ = ["USER_AGENT", "FetchError", "Fetched", "Fetcher", "address_refused", "is_url"]

USER_AGENT = "newsbot/0.1 (a news question-answering bot; fetches pages its users add)"
MAX_REDIRECTS = 5
PER_HOST = 2
MAX_RETRY_AFTER = 60.0  # seconds; a server asking for a longer pause is reported, not waited for
_CHUNK = 64 * 1024
_METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml",
    "application/feed+json", "application/json", "text/html",  # some servers label feeds text/html
)  # fmt: skip
_KINDS = {
    "application/pdf": "a PDF document",
    "image/": "an image",
    "video/": "a video",
    "audio/": "an audio file",
    "application/zip": "a zip archive",
    "application/octet-stream": "a binary file",
}


class FetchError(NewsbotError):
    """A URL could not be fetched; the message says why in one line."""


@dataclass(frozen=True)
class Fetched:
    """One successful answer: the final URL after redirects, its body and the headers newsbot uses."""

    url: str
    status: int
    content_type: str
    charset: str
    body: bytes
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def address_refused(address: str) -> str:
    """Say why an IP address may not be fetched from a guarded URL ("a private address"), or "" when it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in _METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private or ip.is_reserved or ip.is_multicast or ip.is_unspecified or not ip.is_global:
        return "a private address"
    return ""


class _GuardedBackend(httpcore.SyncBackend):
    """Resolve the host, refuse it if any address it resolves to is not public, and connect to a checked address."""

    def __init__(self, refuse: Callable[[str], str]) -> None:
        self._refuse = refuse

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}") from exc
        for *_, sockaddr in infos:
            reason = self._refuse(str(sockaddr[0]))
            if reason:
                raise FetchError(f"refused: {host} is {reason} (set NEWSBOT_WEB_ALLOW_PRIVATE=true to allow it)")
        # Connect to the address just checked, not to a second lookup's answer.
        address = str(infos[0][4][0])
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


class Fetcher:
    """A shared HTTP client with newsbot's manners; safe to use from several threads."""

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        connect_timeout: float = 10.0,
        max_bytes: int = 5_000_000,
        max_retries: int = 2,
        guard: bool = False,
        refuse: Callable[[str], str] = address_refused,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_retries = max_retries
        self.guard = guard
        self._sleep = sleep
        if transport is None:
            transport = httpx.HTTPTransport(retries=0)
            if guard:
                # httpx has no public hook for the connection step; its pool takes a network backend.
                transport._pool = httpcore.ConnectionPool(  # type: ignore[attr-defined]
                    ssl_context=httpx.create_ssl_context(), network_backend=_GuardedBackend(refuse)
                )
        # trust_env off: a proxy from the environment would make the address guard check the proxy, not the site.
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=connect_timeout, pool=None),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
            trust_env=False,
        )
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._hosts_lock = threading.Lock()
        self._robots: dict[str, RobotFileParser | None] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the public calls ----------------------------------------------------------------------------------

    def get(
        self,
        url: str,
        accept: tuple[str, ...] = HTML_TYPES,
        etag: str = "",
        last_modified: str = "",
        robots: bool = False,
    ) -> Fetched:
        """Fetch `url`, following redirects; raise FetchError with a one-line reason on any failure."""
        self._check_scheme(url)
        if robots and not self.allowed_by_robots(url):
            raise FetchError("robots.txt of the site asks bots not to fetch this page")
        headers = {"Accept": ", ".join(accept) + ", */*;q=0.1"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = [url]
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send(current, headers)
            if response.status_code in (301, 302, 303, 307, 308) and "location" in response.headers:
                target = urljoin(current, response.headers["location"])
                self._check_scheme(target)
                if target in seen:
                    raise FetchError("redirect loop (the site sends newsbot round in circles)")
                seen.append(target)
                current = target
                continue
            return self._accept(current, response, accept)
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def allowed_by_robots(self, url: str) -> bool:
        """Say whether the site's robots.txt lets newsbot fetch `url` (no robots.txt: yes)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser: RobotFileParser | None = None
            try:
                got = self.get(origin + "/robots.txt", accept=("text/plain",))
                parser = RobotFileParser()
                parser.parse(got.body.decode("utf-8", "replace").splitlines())
            except FetchError as exc:
                logger.debug("no usable robots.txt at %s: %s", origin, exc)
            self._robots[origin] = parser
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(USER_AGENT.split("/", 1)[0], url)

    # --- one request ---------------------------------------------------------------------------------------

    def _check_scheme(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("only http:// and https:// addresses can be fetched")

    @contextlib.contextmanager
    def _host_slot(self, url: str) -> Iterator[None]:
        host = urlsplit(url).hostname or ""
        with self._hosts_lock:
            slot = self._hosts.setdefault(host, threading.BoundedSemaphore(PER_HOST))
        with slot:
            yield

    def _send(self, url: str, headers: dict[str, str]) -> _Response:
        """One request (no redirects), retried on 429, 5xx and dropped connections, read up to the size limit."""
        attempt = 0
        while True:
            try:
                with self._host_slot(url):
                    response = self._read(url, headers)
            except httpx.TimeoutException:
                raise FetchError("the server did not answer in time") from None
            except httpx.TooManyRedirects:  # pragma: no cover - redirects are followed by hand
                raise FetchError("too many redirects") from None
            except (httpx.TransportError, httpx.InvalidURL) as exc:
                if attempt >= self.max_retries:
                    raise FetchError(f"cannot connect ({_brief(exc)})") from None
                self._sleep(_backoff(attempt))
                attempt += 1
                continue
            if response.status_code == 429 or response.status_code >= 500:
                if attempt >= self.max_retries:
                    raise FetchError(_status_reason(response.status_code))
                wait = _retry_after(response.headers.get("retry-after", ""), _backoff(attempt))
                if wait > MAX_RETRY_AFTER:
                    raise FetchError(f"{_status_reason(response.status_code)}; it asks to wait {wait:.0f} s")
                logger.info("%s answered %s; retrying in %.1f s", url, response.status_code, wait)
                self._sleep(wait)
                attempt += 1
                continue
            return response

    def _read(self, url: str, headers: dict[str, str]) -> _Response:
        with self._client.stream("GET", url, headers=headers) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(f"too large ({_mb(int(declared))}; the limit is {_mb(self.max_bytes)})")
            body = bytearray()
            if response.status_code == 200:
                for chunk in response.iter_bytes(_CHUNK):
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise FetchError(f"too large (over the {_mb(self.max_bytes)} limit)")
            return _Response(response.status_code, dict(response.headers), bytes(body))

    def _accept(self, url: str, response: _Response, accept: tuple[str, ...]) -> Fetched:
        status = response.status_code
        etag = response.headers.get("etag", "")
        modified = response.headers.get("last-modified", "")
        if status == 304:
            return Fetched(url, status, "", "", b"", etag, modified)
        if status != 200:
            raise FetchError(_status_reason(status))
        mime, charset = _content_type(response.headers.get("content-type", ""))
        if mime and not any(mime == kind or (kind.endswith("/") and mime.startswith(kind)) for kind in accept):
            kind = next((name for prefix, name in _KINDS.items() if mime.startswith(prefix)), f"a {mime} file")
            raise FetchError(f"not a web page: the server sent {kind}")
        if not response.body.strip():
            raise FetchError("the server sent an empty page")
        return Fetched(url, status, mime, charset, response.body, etag, modified)


@dataclass(frozen=True)
class _Response:
    status_code: int
    headers: dict[str, str]
    body: bytes


def _content_type(header: str) -> tuple[str, str]:
    """("text/html", "windows-1252") from 'text/html; charset=windows-1252'."""
    mime, _, params = header.partition(";")
    charset = ""
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip().strip("\"'")
    return mime.strip().lower(), charset


def _status_reason(status: int) -> str:
    names = {
        401: "needs a login", 403: "access refused", 404: "page not found", 410: "page gone",
        429: "the server says too many requests",
    }  # fmt: skip
    if status in names:
        return f"HTTP {status}: {names[status]}"
    if status >= 500:
        return f"HTTP {status}: the server failed; try again later"
    return f"HTTP {status}"


def _backoff(attempt: int) -> float:
    return float(2**attempt)


def _retry_after(value: str, default: float) -> float:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    value = value.strip()
    if not value:
        return default
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    return default


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _brief(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:120]

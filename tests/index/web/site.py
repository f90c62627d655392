"""A news site on 127.0.0.1 for the web tests: pages and feeds written to look like the real thing, and the
misbehaving servers newsbot must survive (404s, PDFs, redirect loops, a server that never answers, …)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).parent / "pages"
ARTICLE_PATH = "/news/2024/03/12/harbour-bridge-reopens"
CANONICAL = "https://coastalherald.example" + ARTICLE_PATH

# Words of the test article's story, and of its furniture, for recall and leftover checks.
STORY_SENTENCES = [
    "The Old Harbour Bridge reopened to traffic on Tuesday morning",
    "led by a vintage bus that carried the engineers",
    "This bridge has carried the city for ninety years",
    "salt water had eaten into the cables",
    "about 48,000 vehicles a day",
    "cut their trade by a third",
    "Councillors have proposed a temporary toll",
]
FURNITURE = [
    "We use cookies", "Accept all", "Politics", "Advertisement", "Share on Facebook", "Sign up for our free newsletter",
    "New tram line approved", "Port workers vote", "Most read", "leaf blowers", "All rights reserved",
    "About time! I have been taking the ferry", "Bridge repair costs climb again", "Search the Herald",
]


@dataclass
class Reply:
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


Route = Reply | Callable[["Handler"], Reply | None]


class Handler(BaseHTTPRequestHandler):
    server: Site  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        site = self.server
        path = self.path.split("?", 1)[0]
        with site.lock:
            site.hits[path] += 1
            site.in_flight += 1
            site.most_in_flight = max(site.most_in_flight, site.in_flight)
            site.user_agents.add(self.headers.get("User-Agent", ""))
        try:
            route = site.routes.get(path, Reply(404, "text/html", b"<html><body><h1>Not found</h1></body></html>"))
            reply = route(self) if callable(route) else route
            if reply is None:  # the route answered by itself (or never will)
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        finally:
            with site.lock:
                site.in_flight -= 1

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.user_agents: set[str] = set()
        self.stopping = threading.Event()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up early (the size limit) is what some tests do on purpose

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path


def page(name: str, content_type: str = "text/html; charset=utf-8", **values: str) -> Reply:
    body = (PAGES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        body = body.replace("{" + key + "}", value)
    return Reply(200, content_type, body.encode("utf-8"))


def conditional(reply: Reply, etag: str) -> Route:
    """Serve `reply` with an ETag; answer 304 to a request that already has it."""

    def route(handler: Handler) -> Reply:
        if handler.headers.get("If-None-Match") == etag:
            return Reply(304, reply.content_type, b"", (("ETag", etag),))
        return Reply(reply.status, reply.content_type, reply.body, (("ETag", etag), *reply.headers))

    return route


def never_answers(handler: Handler) -> None:
    """Accept the request and say nothing until the test ends."""
    handler.server.stopping.wait(30)
    handler.close_connection = True


def slow(reply: Reply, seconds: float) -> Route:
    def route(handler: Handler) -> Reply:
        time.sleep(seconds)
        return reply

    return route


def held(reply: Reply, release: threading.Event) -> Route:
    """Serve `reply` once the test sets `release` (or the site stops): a page as slow as the test needs, no slower."""

    def route(handler: Handler) -> Reply:
        if not release.wait(30):
            handler.server.stopping.wait(30)
        return reply

    return route


def fails_then(reply: Reply, failures: int, status: int = 503, retry_after: str = "1") -> Route:
    """Answer `status` with Retry-After `failures` times, then `reply`."""
    count = {"n": 0}

    def route(handler: Handler) -> Reply:
        count["n"] += 1
        if count["n"] <= failures:
            return Reply(status, "text/plain", b"busy", (("Retry-After", retry_after),))
        return reply

    return route


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, "text/plain", b"", (("Location", location),))


def story_page(n: int) -> Reply:
    """A short article page of its own for feed entry `n`."""
    words = " ".join(["The", "harbour", "council", "met", "again", "to", "discuss", "the", "ferry", "timetable."] * 8)
    body = (
        f"<html><head><title>Story {n} | The Coastal Herald</title>"
        f'<meta property="og:site_name" content="The Coastal Herald"></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>Story number {n}</h1><p>Story {n} begins here. {words}</p><p>{words} Story {n} ends.</p>"
        f"</article><footer>© The Coastal Herald</footer></body></html>"
    )
    return Reply(200, "text/html; charset=utf-8", body.encode())


def serve() -> Iterator[Site]:
    site = Site()
    thread = threading.Thread(target=site.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stopping.set()
        site.shutdown()
        site.server_close()

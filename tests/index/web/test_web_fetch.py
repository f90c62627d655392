"""The shared HTTP client against a real server on 127.0.0.1: manners, limits, retries and the address guard."""

from __future__ import annotations

import pytest

from index.web.fetch import USER_AGENT, Fetcher, FetchError, address_refused
from index.web.sources import WebSource
from tests.index.web.site import ARTICLE_PATH, Reply, Site, fails_then, never_answers, redirect, slow, story_page


def fetcher(**options: object) -> Fetcher:
    waits: list[float] = []
    options.setdefault("sleep", waits.append)
    made = Fetcher(**options)  # type: ignore[arg-type]
    made.waits = waits  # type: ignore[attr-defined]
    return made


def test_a_page_is_fetched_with_a_user_agent_naming_newsbot(site: Site) -> None:
    with fetcher() as client:
        got = client.get(site.url(ARTICLE_PATH))
    assert got.status == 200 and got.content_type == "text/html" and got.charset == "utf-8"
    assert b"Harbour bridge reopens" in got.body
    assert site.user_agents == {USER_AGENT} and USER_AGENT.startswith("newsbot/")


@pytest.mark.parametrize(
    ("path", "route", "reason"),
    [
        ("/missing", Reply(404, "text/html", b"nope"), "HTTP 404: page not found"),
        ("/report.pdf", Reply(200, "application/pdf", b"%PDF-1.7"), "not a web page: the server sent a PDF document"),
        ("/photo.jpg", Reply(200, "image/jpeg", b"\xff\xd8\xff\xe0"), "not a web page: the server sent an image"),
        ("/empty", Reply(200, "text/html", b"  "), "the server sent an empty page"),
        ("/big", Reply(200, "text/html", b"<p>" + b"x" * 20_000), "too large (0.0 MB; the limit is 0.0 MB)"),
        ("/loop-a", redirect("/loop-b"), "redirect loop (the site sends newsbot round in circles)"),
        ("/forever", fails_then(Reply(), 99, 503, "0"), "HTTP 503: the server failed; try again later"),
        ("/ftp", redirect("ftp://127.0.0.1/file"), "only http:// and https:// addresses can be fetched"),
    ],
)
def test_bad_answers_are_one_clear_reason(site: Site, path: str, route: Reply, reason: str) -> None:
    site.routes[path] = route
    site.routes["/loop-b"] = redirect("/loop-a")
    with fetcher(max_bytes=10_000) as client, pytest.raises(FetchError) as caught:
        client.get(site.url(path))
    assert str(caught.value) == reason


def test_a_body_larger_than_declared_is_cut_off_at_the_limit(site: Site) -> None:
    def chunked(handler):  # type: ignore[no-untyped-def]
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"<p>" + b"y" * 1000 + b"</p>")
        handler.close_connection = True

    site.routes["/stream"] = chunked
    with fetcher(max_bytes=10_000) as client, pytest.raises(FetchError, match="too large"):
        client.get(site.url("/stream"))


def test_a_server_that_never_answers_times_out(site: Site) -> None:
    site.routes["/hang"] = never_answers
    with fetcher(timeout=0.5) as client, pytest.raises(FetchError) as caught:
        client.get(site.url("/hang"))
    assert str(caught.value) == "the server did not answer in time"


def test_429_and_5xx_are_retried_honouring_retry_after(site: Site) -> None:
    site.routes["/busy"] = fails_then(story_page(1), 2, 429, "7")
    with fetcher(max_retries=2) as client:
        got = client.get(site.url("/busy"))
        assert b"Story number 1" in got.body
        assert client.waits == [7.0, 7.0]  # type: ignore[attr-defined]
    site.routes["/down"] = fails_then(story_page(2), 1, 502, "")
    with fetcher() as client:
        client.get(site.url("/down"))
        assert client.waits == [1.0]  # type: ignore[attr-defined]  # no Retry-After: backoff from 1 s
    site.routes["/later"] = fails_then(story_page(2), 1, 503, "3600")
    with fetcher() as client, pytest.raises(FetchError, match="it asks to wait 3600 s"):
        client.get(site.url("/later"))


def test_redirects_are_followed_and_bounded(site: Site) -> None:
    site.routes["/old"] = redirect(ARTICLE_PATH, 301)
    with fetcher() as client:
        assert client.get(site.url("/old")).url == site.url(ARTICLE_PATH)
    for n in range(8):
        site.routes[f"/hop{n}"] = redirect(f"/hop{n + 1}")
    with fetcher() as client, pytest.raises(FetchError, match="more than 5 redirects"):
        client.get(site.url("/hop0"))


def test_conditional_get_returns_not_modified(site: Site) -> None:
    from tests.index.web.site import conditional

    site.routes["/c"] = conditional(story_page(1), '"v1"')
    with fetcher() as client:
        first = client.get(site.url("/c"))
        again = client.get(site.url("/c"), etag=first.etag)
    assert first.etag == '"v1"' and again.not_modified and again.body == b""


def test_robots_txt_is_honoured_when_asked(site: Site) -> None:
    site.routes["/robots.txt"] = Reply(200, "text/plain", b"User-agent: newsbot\nDisallow: /private/\n")
    site.routes["/private/story"] = story_page(3)
    with fetcher() as client:
        with pytest.raises(FetchError, match="robots.txt"):
            client.get(site.url("/private/story"), robots=True)
        assert client.get(site.url("/stories/1"), robots=True).status == 200
        assert client.get(site.url("/private/story")).status == 200  # a page the user asks for by hand
    assert site.hits["/robots.txt"] == 1  # read once per site


def test_at_most_two_requests_at_a_time_per_host(site: Site) -> None:
    for n in range(1, 7):
        site.routes[f"/slow/{n}"] = slow(story_page(n), 0.3)
    with fetcher() as client:
        pages = list(WebSource(client).pages([site.url(f"/slow/{n}") for n in range(1, 7)]))
    assert [p.title for p in pages] == [f"Story number {n}" for n in range(1, 7)]  # type: ignore[union-attr]
    assert site.most_in_flight == 2


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"), ("::1", "a loopback address"), ("10.1.2.3", "a private address"),
        ("192.168.0.10", "a private address"), ("172.16.5.4", "a private address"), ("fc00::1", "a private address"),
        ("169.254.169.254", "a cloud metadata address"), ("fd00:ec2::254", "a cloud metadata address"),
        ("169.254.10.1", "a link-local address"), ("fe80::1", "a link-local address"), ("0.0.0.0", "a private address"),
        ("::ffff:127.0.0.1", "a loopback address"), ("100.64.0.1", "a private address"), ("93.184.216.34", ""),
    ],
)  # fmt: skip
def test_address_guard_names_what_it_refuses(address: str, reason: str) -> None:
    assert address_refused(address) == reason


def test_guard_refuses_loopback_after_resolving_the_name(site: Site) -> None:
    port = site.server_address[1]
    with fetcher(guard=True) as client:
        for url in (f"http://localhost:{port}{ARTICLE_PATH}", site.url(ARTICLE_PATH)):
            with pytest.raises(FetchError, match="is a loopback address"):
                client.get(url)
        with pytest.raises(FetchError, match="only http:// and https://"):
            client.get("file:///etc/passwd")
    assert site.hits[ARTICLE_PATH] == 0


def test_guard_checks_every_redirect(site: Site) -> None:
    """A public page that redirects inside the network is refused at the hop (127.0.0.1 stands in for public)."""
    port = site.server_address[1]
    site.routes["/out"] = redirect(f"http://127.0.0.2:{port}{ARTICLE_PATH}")
    site.routes["/fine"] = redirect(ARTICLE_PATH)

    def refuse(address: str) -> str:
        return "" if address == "127.0.0.1" else address_refused(address)

    with fetcher(guard=True, refuse=refuse) as client:
        assert client.get(site.url("/fine")).status == 200
        with pytest.raises(FetchError, match="127.0.0.2 is a loopback address"):
            client.get(site.url("/out"))
    assert site.hits[ARTICLE_PATH] == 1

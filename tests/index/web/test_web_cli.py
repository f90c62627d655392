"""`newsbot ingest URL`, `--feed` and `newsbot feeds` as a user meets them, against the news site on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import SEEDS
from tests.index.web.site import ARTICLE_PATH, PAGES, Reply, Site, conditional, fails_then, never_answers, redirect


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(data))
    monkeypatch.setenv("NEWSBOT_SEEDS_DIR", str(SEEDS))
    monkeypatch.setenv("NEWSBOT_WEB_TIMEOUT", "1")
    return data


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_page_is_ingested_once_by_its_canonical_url(
    site: Site, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "ingest", site.url(ARTICLE_PATH))
    assert code == 0 and out.startswith("Articles: 1 added, 0 updated, 0 unchanged, 0 failed."), out
    code, out, _ = run(capsys, "ingest", site.url(ARTICLE_PATH) + "?utm_source=x", site.url("/amp" + ARTICLE_PATH))
    assert code == 0 and "0 added" in out, out
    code, out, _ = run(capsys, "stats")
    assert "Articles:        1" in out and "The Coastal Herald (1)" in out
    code, out, _ = run(capsys, "ask", "--json", "How many vehicles a day will use the harbour bridge?")
    answer = json.loads(out)
    assert answer["citations"][0]["url"] == "https://coastalherald.example" + ARTICLE_PATH
    assert answer["citations"][0]["source"] == "The Coastal Herald"


def test_every_bad_input_is_one_line_and_loses_nothing(
    site: Site, env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each entry read is a page fetched: ten, not the default hundred (the same five story pages over and over).
    monkeypatch.setenv("NEWSBOT_FEED_MAX_ENTRIES", "10")
    site.routes.update(
        {
            "/report.pdf": Reply(200, "application/pdf", b"%PDF-1.7\n..."),
            "/photo.jpg": Reply(200, "image/jpeg", b"\xff\xd8\xff\xe0 JFIF"),
            "/loop-a": redirect("/loop-b"),
            "/loop-b": redirect("/loop-a"),
            "/hang": never_answers,
            "/notxml.rss": Reply(200, "application/rss+xml", b"Service temporarily unavailable {\n"),
            # A hundred times the limit (ten thousand entries are test_web_feeds' case).
            "/huge.rss": Reply(200, "application/rss+xml", _huge_feed(1_000)),
            "/cafe": Reply(200, "text/html; charset=iso-8859-1", _cafe_page()),
        }
    )
    story = tmp_path / "story.txt"
    story.write_text("Title: Ferry timetable\n\nThe ferry will leave at dawn from Monday, the harbour trust said.\n")
    bad = ["/missing", "/consent", "/paywall", "/report.pdf", "/photo.jpg", "/loop-a", "/hang"]
    argv = ["ingest", site.url(ARTICLE_PATH), *(site.url(p) for p in bad), site.url("/cafe"), str(story)]
    argv += ["--feed", site.url("/notxml.rss"), "--feed", site.url("/huge.rss")]
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert "Traceback" not in out + err
    lines = [line.removeprefix("  - ") for line in out.splitlines() if line.startswith("  - ")]
    assert lines == [
        f"{site.url('/missing')}: HTTP 404: page not found",
        f"{site.url('/consent')}: no story on the page: it is a paywall or a cookie-consent page",
        f"{site.url('/paywall')}: no story on the page: it is a paywall or a cookie-consent page",
        f"{site.url('/report.pdf')}: not a web page: the server sent a PDF document",
        f"{site.url('/photo.jpg')}: not a web page: the server sent an image",
        f"{site.url('/loop-a')}: redirect loop (the site sends newsbot round in circles)",
        f"{site.url('/hang')}: the server did not answer in time",
        f"{site.url('/notxml.rss')}: not a feed: not valid XML (line 2: syntax error)",
        f"{site.url('/huge.rss')}: the feed lists 1000 entries; newsbot read the first 10 "
        "(raise NEWSBOT_FEED_MAX_ENTRIES to read more)",
    ]
    # The article, the café page, the text file and the huge feed's five distinct stories all went in.
    assert "Articles: 8 added" in out and "9 failed" in out, out
    # Read in its legacy encoding: the accents survive, and the story answers a question asked in its words.
    code, out, _ = run(capsys, "ask", "--json", "Le café de la gare a rouvert ses portes mardi?")
    assert any("Café" in c["title"] for c in json.loads(out)["citations"]), out


def test_following_a_feed_and_refreshing_it(site: Site, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = (PAGES / "feed.rss").read_bytes()
    site.routes["/feed.rss"] = conditional(Reply(200, "application/rss+xml", feed), '"v1"')
    code, out, _ = run(capsys, "feeds", "add", site.url("/feed.rss"))
    assert code == 0, out
    assert out.startswith(f"Following The Coastal Herald – News ({site.url('/feed.rss')}).\nArticles: 3 added"), out
    assert "3 new entries, 1 from the feed's own text (page unavailable)" in out

    code, out, _ = run(capsys, "feeds", "list")
    assert out.startswith(f"1. The Coastal Herald – News — {site.url('/feed.rss')} (refreshed ")
    assert "3 entries seen" in out

    code, out, _ = run(capsys, "feeds", "refresh")
    assert code == 0 and "not changed since the last refresh" in out and "Nothing new" in out, out
    assert site.hits["/feed.rss"] == 2 and site.hits["/stories/1"] == 1

    # The feed gains an entry: only that entry's page is fetched.
    newer = feed.replace(b"<item>", b"<item><title>Story number 5</title><link>/stories/5</link></item><item>", 1)
    site.routes["/feed.rss"] = conditional(Reply(200, "application/rss+xml", newer), '"v2"')
    code, out, _ = run(capsys, "feeds", "refresh")
    assert code == 0 and "Articles: 1 added" in out and "1 new entry, 3 already ingested" in out, out
    assert (site.hits["/stories/5"], site.hits["/stories/1"], site.hits[ARTICLE_PATH]) == (1, 1, 1)

    assert run(capsys, "feeds", "add", site.url("/feed.rss"))[0] == 2  # already followed
    code, out, _ = run(capsys, "feeds", "remove", "1")
    assert code == 0 and "Stopped following The Coastal Herald – News" in out
    assert run(capsys, "feeds", "list")[1].startswith("No feeds followed.")
    code, _, err = run(capsys, "feeds", "remove", "1")
    assert code == 1 and "Not following '1'" in err


def test_atom_and_json_feeds_and_a_page_that_is_not_a_feed(
    site: Site, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.routes["/flaky"] = fails_then(Reply(200, "application/feed+json", (PAGES / "feed.json").read_bytes()), 1,
                                       503, "0")
    code, out, _ = run(capsys, "ingest", "--feed", site.url("/atom.xml"), "--feed", site.url("/flaky"))
    assert code == 0 and "Articles: 4 added" in out, out
    assert "Feed Harbour Weekly" in out and "Feed Harbour Notes" in out
    code, out, err = run(capsys, "feeds", "add", site.url(ARTICLE_PATH))
    assert code == 2 and "not a feed: the address serves a web page" in err
    assert run(capsys, "feeds", "list")[1].startswith("No feeds followed.")
    code, out, err = run(capsys, "feeds", "refresh")
    assert code == 0 and "No feeds followed" in out


def _huge_feed(count: int) -> bytes:
    items = "".join(
        f"<item><title>Item {n}</title><link>/stories/{n % 5 + 1}</link><guid>item-{n}</guid></item>"
        for n in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>{items}</channel></rss>'.encode()


def _cafe_page() -> bytes:
    text = "Le café de la gare a rouvert ses portes mardi après deux ans de travaux. " * 8
    html = (f"<html><head><title>Café rouvert</title></head><body><article><p>{text}</p>"
            "<p>« Enfin », dit Amélie, la patronne.</p></article></body></html>")
    return html.encode("cp1252")

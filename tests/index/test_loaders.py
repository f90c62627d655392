"""Tests for reading article files and folders into Articles and Problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.errors import IngestError
from index.loaders import LoadStats, check_paths, iter_articles
from index.types import Article, Problem

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def load(*paths: Path | str, stats: LoadStats | None = None) -> tuple[list[Article], list[Problem]]:
    """Load paths and split the results into articles and problems."""
    items = list(iter_articles(list(paths), stats))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


# --- seeds -------------------------------------------------------------------------------------------------


def test_seed_folder_loads_both_articles_and_skips_its_readme() -> None:
    stats = LoadStats()
    articles, problems = load(SEEDS, stats=stats)
    assert problems == []
    assert len(articles) == 2
    assert stats.docs_skipped == 1
    assert not any("Seed articles" in a.body for a in articles)


def test_newsweek_seed_metadata_and_furniture() -> None:
    (article,) = load(SEEDS / "newsweek-trump-tried-to-meet-rouhani-eight-times.txt")[0]
    assert (
        article.title
        == "Donald Trump Tried To Arrange Iran Meet Eight Times but Was Rebuffed, Rouhani Claims"
    )
    assert article.source == "Newsweek"
    assert article.author == "David Brennan"
    assert article.published_at == ""  # the text does not say
    assert "he texted me eight times" in article.body
    assert "Mehr News Agency" in article.body
    assert article.body.rstrip().endswith(
        "Newsweek is committed to challenging conventional wisdom and finding "
        "connections in the search for common ground."
    )
    for furniture in [
        "Trump board Air Force One",
        "This file photo shows",
        "Getty",
        "Newsweek cover",
        "delivered to your door",
        "Comment on articles",
        "ad-free",
        "About the writer",
        "Read more",
        "Click here",
    ]:
        assert furniture not in article.body, furniture


def test_title_only_header_keeps_the_first_paragraph_in_the_body() -> None:
    (article,) = load(SEEDS / "macron-tried-to-connect-rouhani-and-trump-by-phone.txt")[0]
    assert article.title.startswith("Macron tried to put Rouhani on the phone")
    assert article.body.startswith("French President Emmanuel Macron attempted")
    assert "Millennium Hilton Hotel" in article.body
    assert "High Stakes Drama" in article.body
    assert article.source == "" and article.url == ""


# --- text and markdown -------------------------------------------------------------------------------------


def test_txt_header_block(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_text(
        "title: Storm hits\nOutlet: Daily Planet\nBy: Lois Lane\nPublished: September 28, 2022\n"
        "URL: https://dailyplanet.example/storm\nTags: weather\n\nStorm hits\n\nThe storm made landfall.\n",
        encoding="utf-8",
    )
    (article,) = load(file)[0]
    assert (article.title, article.source, article.author) == ("Storm hits", "Daily Planet", "Lois Lane")
    assert article.published_at == "2022-09-28"
    assert article.url == "https://dailyplanet.example/storm"
    assert article.body == "The storm made landfall."  # the repeated headline is dropped
    assert article.path == str(file)
    assert article.id.startswith("url:")


def test_txt_without_header_takes_first_line_as_title(tmp_path: Path) -> None:
    file = tmp_path / "b.txt"
    file.write_text("\n\nWashington: A city\nIt rained.\n\nThen it stopped.\n", encoding="utf-8")
    (article,) = load(file)[0]
    assert article.title == "Washington: A city"
    assert article.body == "It rained.\n\nThen it stopped."
    assert article.id.startswith("file:")


def test_long_first_paragraph_is_body_and_title_is_a_stand_in(tmp_path: Path) -> None:
    file = tmp_path / "lede.txt"
    lede = "French President Emmanuel Macron attempted to arrange a telephone conversation " * 4
    file.write_text(lede.strip() + "\n\nA second paragraph follows here.\n")
    (article,) = load(file)[0]
    assert article.title.startswith("French President Emmanuel Macron attempted to arrange")
    assert article.title.endswith("…") and len(article.title) <= 101
    assert article.body.startswith("French President Emmanuel Macron attempted")


@pytest.mark.parametrize(
    ("body", "title", "starts"),
    [
        # A dateline alone as the first paragraph is dropped and never becomes the title.
        ("Washington CNN —\n\nThe IRS will clear its backlog this week, the agency said.\n\nMore.",
         "The IRS will clear its backlog this week, the agency said.", "The IRS will clear"),
        ("New York CNN Business —\n\nFood prices are still sky-high. Eggs lead.", "Food prices are still sky-high.",
         "Food prices"),
        # An inline wire dateline stays in the text but not in the title.
        ("LONDON (AP) — Parliament voted on Tuesday. Then it rose.", "Parliament voted on Tuesday.",
         "LONDON (AP) — Parliament"),
        # A note to readers is skipped when making the title.
        ("Editor's note: Watch the documentary on Sunday.\n\nA wildfire forced thousands to flee. More.",
         "A wildfire forced thousands to flee.", "Editor's note"),
        # A dateline alone after an editor's note goes too; the note stays in the text but not in the title.
        ("Editor’s Note: For more on the fires, watch on Sunday.\n\nCNN —\n\nThe Oak Fire burned near Yosemite.",
         "The Oak Fire burned near Yosemite.", "Editor’s Note: For more on the fires, watch on Sunday.\n\nThe Oak"),
        # "Dr." and "U.S." don't end the opening sentence.
        ("Dr. Rochelle Walensky of the U.S. CDC signed off on Thursday. More.",
         "Dr. Rochelle Walensky of the U.S. CDC signed off on Thursday.", "Dr. Rochelle"),
        # Capitalised words before a dash inside a sentence are a name, not a dateline.
        ("Barack Obama — the former president — spoke on Monday. Then left.",
         "Barack Obama — the former president — spoke on Monday.", "Barack Obama —"),
    ],
)
def test_untitled_record_gets_its_title_from_the_lead_not_the_dateline(
    tmp_path: Path, body: str, title: str, starts: str
) -> None:
    file = tmp_path / "untitled.jsonl"
    file.write_text(json.dumps({"id": "a1", "title": "", "body": body}) + "\n", encoding="utf-8")
    (article,) = load(file)[0]
    assert article.title == title
    assert article.body.startswith(starts)


def test_markdown_markup_is_removed(tmp_path: Path) -> None:
    file = tmp_path / "c.md"
    file.write_text(
        "# The *big* vote\n\n![chart](chart.png)\n\n## What happened\n\n"
        "The **council** voted, [the mayor said](https://example.com/x), in _a_ `5-2` decision.\n\n"
        "> A quoted line.\n\n* first point\n* second point\n\n---\n\n[ref]: https://example.com\n",
        encoding="utf-8",
    )
    (article,) = load(file)[0]
    assert article.title == "The big vote"
    assert article.body == (
        "What happened\n\nThe council voted, the mayor said, in a 5-2 decision.\n\n"
        "A quoted line.\n\n- first point\n\n- second point"
    )


def test_markdown_front_matter(tmp_path: Path) -> None:
    file = tmp_path / "d.md"
    file.write_text("---\ntitle: Front\ndate: 2020-01-02\n---\nBody text here.\n", encoding="utf-8")
    (article,) = load(file)[0]
    assert (article.title, article.published_at, article.body) == ("Front", "2020-01-02", "Body text here.")


# --- html --------------------------------------------------------------------------------------------------


def test_html_file(tmp_path: Path) -> None:
    file = tmp_path / "storm-page.html"
    file.write_text(
        """<html><head><meta property="og:site_name" content="Daily Planet">
        <script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-09-28T06:15:00Z",
        "author": [{"@type": "Person", "name": "Lois Lane"}, {"name": "Clark Kent"}]}</script></head>
        <body><nav>Home</nav><article><p>The storm made landfall.</p>
        <div class="share"><a>Share</a></div><p>Power is out.</p></article></body></html>""",
        encoding="utf-8",
    )
    (article,) = load(file)[0]
    assert article.title == "storm page"  # no title in the page: the file name
    assert article.source == "Daily Planet"
    assert article.author == "Lois Lane, Clark Kent"
    assert article.published_at == "2022-09-28"
    assert article.body == "The storm made landfall.\n\nPower is out."


def test_html_in_declared_legacy_charset(tmp_path: Path) -> None:
    file = tmp_path / "old.htm"
    file.write_bytes(
        '<html><head><meta charset="windows-1252"><title>Café</title></head>'
        "<body><p>Le café est fermé.</p></body></html>".encode("cp1252")
    )
    (article,) = load(file)[0]
    assert article.body == "Le café est fermé."


# --- json and json lines -----------------------------------------------------------------------------------


def record(**fields: object) -> str:
    """Serialise one article object."""
    return json.dumps(fields)


def test_jsonl_good_bad_and_bodiless_lines(tmp_path: Path) -> None:
    file = tmp_path / "articles.jsonl"
    file.write_text(
        "\n".join(
            [
                record(
                    id="a1",
                    title="One",
                    source="CNN",
                    published_at="2022-06-17",
                    url="https://x/1",
                    body="B1.",
                ),
                '{"id": "a2", "title": "Two" "body": "B2."}',
                "",
                record(title="Three", outlet="USA Today", date="June 18, 2022", text="B3."),
                record(title="Four", url="https://x/4"),
                record(title="Five", content="Read more"),
                '["not", "an", "article"]',
                record(id=7, title="Seven", body="B7."),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    articles, problems = load(file)
    assert [a.title for a in articles] == ["One", "Three", "Seven"]
    assert articles[0].id == "a1" and articles[0].source == "CNN" and articles[0].url == "https://x/1"
    assert articles[1].source == "USA Today" and articles[1].published_at == "2022-06-18"
    assert articles[1].id.startswith("file:")
    assert articles[2].id == "7"
    assert [(p.line, p.reason) for p in problems] == [
        (2, "not valid JSON (Expecting ',' delimiter: column 29)"),
        (5, "article has no body"),
        (6, "article has no text left after removing page furniture"),
        (7, "not an article (a JSON list, expected an object)"),
    ]
    # The line is named once, and the parser's message is whole (where on the line it went wrong).
    assert str(problems[0]) == f"{file}:2: not valid JSON (Expecting ',' delimiter: column 29)"


def test_jsonl_undecodable_line_is_reported_and_rest_loaded(tmp_path: Path) -> None:
    file = tmp_path / "mixed.jsonl"
    file.write_bytes(
        record(title="Ok", body="Fine.").encode()
        + b"\n"
        + '{"title": "Caf\xe9", "body": "x"}'.encode("latin-1")
        + b"\n"
        + record(title="Ok too", body="Also fine.").encode()
        + b"\n"
    )
    articles, problems = load(file)
    assert [a.title for a in articles] == ["Ok", "Ok too"]
    assert problems[0].line == 2
    assert problems[0].reason.startswith("not UTF-8 text (byte 0xE9); convert the file to UTF-8")


def test_json_list_and_single_object(tmp_path: Path) -> None:
    many = tmp_path / "many.json"
    many.write_text(
        json.dumps([{"title": "A", "body": "Text A."}, {"title": "B"}, {"title": "C", "body": "C."}])
    )
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"title": "Solo", "body": "Solo text.", "authors": ["Ann", "Bo"]}))
    articles, problems = load(many, one)
    assert [a.title for a in articles] == ["A", "C", "Solo"]
    assert articles[2].author == "Ann, Bo"
    assert [p.reason for p in problems] == ["item 2: article has no body"]
    assert len({a.id for a in articles}) == 3


def test_malformed_json_file(tmp_path: Path) -> None:
    file = tmp_path / "bad.json"
    file.write_text('{\n  "title": "x",\n  "body": \n}')
    (problem,) = load(file)[1]
    assert problem.line == 4 and problem.reason == "not valid JSON (Expecting value: column 1)"


def test_realtimeqa_schema_sample(tmp_path: Path) -> None:
    line = {
        "id": "rtqa-0008c542666f52bd",
        "title": "Coronavirus updates",
        "source": "USA Today",
        "published_at": "2020-03-16",
        "url": "https://www.usatoday.com/story/news/2020/03/16/x/5057882002/",
        "body": "Whiskeytown closes visitor center.\n\nRead More\n\nFollow Jane Doe on Twitter: @jdoe.",
    }
    file = tmp_path / "articles.jsonl"
    file.write_text(json.dumps(line) + "\n")
    (article,) = load(file)[0]
    assert article.id == "rtqa-0008c542666f52bd"
    assert article.body == "Whiskeytown closes visitor center."


# --- bad files and folders ---------------------------------------------------------------------------------


def test_bad_files_become_problems(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("  \n\n ")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "latin.txt").write_bytes("Título\n\nEl café está cerrado.".encode("latin-1"))
    (tmp_path / "utf16.txt").write_bytes("Title\n\nBody".encode("utf-16"))
    (tmp_path / "good.txt").write_text("Good\n\nGood body.")
    articles, problems = load(tmp_path)
    assert [a.title for a in articles] == ["Good"]
    reasons = {Path(p.path).name: p.reason for p in problems}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.md"] == "empty file"
    assert reasons["binary.txt"] == "binary file, not text — skipped"
    assert reasons["latin.txt"].startswith("not UTF-8 text (byte 0xED on line 1)")
    assert "convert the file to UTF-8" in reasons["latin.txt"]
    assert "UTF-16" in reasons["utf16.txt"]


def test_unsupported_types_named_explicitly_vs_inside_a_folder(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    (tmp_path / "scan.PDF").write_bytes(b"%PDF-1.4")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    (tmp_path / "a.txt").write_text("A\n\nBody.")
    stats = LoadStats()
    articles, problems = load(tmp_path, stats=stats)
    assert len(articles) == 1 and problems == []
    assert stats.unsupported_skipped == 3
    assert stats.note() == "3 files of unsupported types skipped (.pdf, .docx)"
    (problem,) = load(pdf)[1]
    assert problem.path == str(pdf) and problem.reason.startswith("unsupported file type (.pdf)")


def test_folder_walk_is_sorted_recursive_and_skips_hidden_and_docs(tmp_path: Path) -> None:
    for name in [
        "b/2.txt",
        "a/1.txt",
        "c.txt",
        ".git/x.txt",
        "a/.hidden.txt",
        "README.md",
        "sub/LICENSE.txt",
    ]:
        file = tmp_path / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(f"{name}\n\nBody of {name}.")
    stats = LoadStats()
    articles, _ = load(tmp_path, stats=stats)
    assert [a.title for a in articles] == ["c.txt", "a/1.txt", "b/2.txt"]
    assert stats.docs_skipped == 2 and stats.files == 3
    readme = tmp_path / "README.md"
    assert [a.title for a in load(readme)[0]] == ["README.md"]  # named explicitly, it is read


def test_a_missing_path_is_reported_and_the_others_are_loaded(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Good\n\nBody.")
    missing = tmp_path / "nope"
    loaded = list(iter_articles([good, missing]))
    assert [a.title for a in loaded if isinstance(a, Article)] == ["Good"]
    assert [(p.path, p.reason) for p in loaded if isinstance(p, Problem)] == [(str(missing), "no such file or folder")]
    check_paths([good, missing], every=False)  # something to load
    # When nothing given exists, or every path must (a rebuild), it is an error before anything is loaded.
    with pytest.raises(IngestError, match="nope"):
        check_paths([good, missing])
    with pytest.raises(IngestError, match="nope"):
        next(iter_articles([missing]))


def test_ids_are_stable_and_distinct(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_text("A\n\nBody.")
    other = tmp_path / "b.txt"
    other.write_text("A\n\nBody.")
    first = load(file)[0][0].id
    assert first == load(file)[0][0].id == load(tmp_path)[0][0].id
    assert first != load(other)[0][0].id
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text(record(title="T", body="Same.") + "\n" + record(title="T", body="Same.") + "\n")
    ids = [a.id for a in load(jsonl)[0]]
    assert ids == [a.id for a in load(jsonl)[0]] and ids[0] != ids[1]


def test_same_url_in_two_files_gives_one_id(tmp_path: Path) -> None:
    for name in ["a.txt", "b.txt"]:
        (tmp_path / name).write_text("Title: T\nURL: https://example.com/story#top\n\nBody.")
    ids = {a.id for a in load(tmp_path)[0]}
    assert len(ids) == 1


def test_jsonl_is_read_line_by_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "big.jsonl"
    file.write_text("".join(record(id=str(i), title=f"T{i}", body=f"Body {i}.") + "\n" for i in range(1000)))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read the whole file"))
    results = iter_articles([file])
    assert next(results).id == "0"  # type: ignore[union-attr]
    assert sum(1 for _ in results) == 999


# --- size limit (issue 20) ---------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_reading_and_its_neighbour_loads(tmp_path: Path) -> None:
    (tmp_path / "dump.txt").write_bytes(b"Big\n\n" + b"word " * 4_000_000)  # 20 MB
    (tmp_path / "good.txt").write_text("Bridge opens\n\nA new bridge opened in Lisbon on Monday.\n")
    items = list(iter_articles([tmp_path], max_bytes=1_000_000))
    articles = [i for i in items if isinstance(i, Article)]
    problems = [i for i in items if isinstance(i, Problem)]
    assert [a.title for a in articles] == ["Bridge opens"]
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'dump.txt'}: the file is 20.0 MB, over the 1.0 MB limit for one article "
        "(NEWSBOT_MAX_ARTICLE_MB); split it into one file per article, or raise the limit"
    ]


def test_the_size_limit_applies_to_each_json_lines_record_not_the_file(tmp_path: Path) -> None:
    file = tmp_path / "feed.jsonl"
    big = "A sentence about the harbour. " * 40_000  # 1.2 MB
    file.write_text("\n".join([record(id="big", title="Big", body=big), record(id="ok", title="Ok", body="Fine.")]))
    articles, problems = load_limited(file, max_bytes=1_000_000)
    assert [a.id for a in articles] == ["ok"]
    assert problems[0].line == 1
    assert problems[0].reason.startswith("its body is 1.2 MB, over the 1.0 MB limit for one article")


def load_limited(*paths: Path, max_bytes: int) -> tuple[list[Article], list[Problem]]:
    items = list(iter_articles(list(paths), max_bytes=max_bytes))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def _lock(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make `folder` unlistable, as `chmod 000` does for a user other than root (tests may run as root)."""
    import os

    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(folder))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_subfolder_is_a_problem_not_skipped_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "story.txt").write_text("Hidden\n\nA story nobody can read.\n")
    (tmp_path / "good.txt").write_text("Bridge opens\n\nA new bridge opened in Lisbon on Monday.\n")
    _lock(monkeypatch, tmp_path / "locked")
    articles, problems = load(tmp_path)
    assert [a.title for a in articles] == ["Bridge opens"]
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'locked'}: folder cannot be read (Permission denied); none of its articles were ingested"
    ]

"""Telegram HTML formatting: escaping hostile text, the sources footer, and splitting long answers."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

import pytest

from bot.telegram.format import (
    MAX_MESSAGE,
    escape,
    format_answer,
    format_problems,
    format_sources,
    format_stats,
    split_html,
    tg_len,
)
from bot.types import Answer, Citation
from index.types import StoreStats

ALLOWED_TAGS = {"b", "i", "a", "blockquote", "code", "pre", "u", "s"}
HOSTILE = (
    "Tom & Jerry <b>bold</b> <script>x</script> </i> unbalanced "
    '<a href="javascript:x"> a<b & c>d &amp; &#x41;'
)
MARKDOWN = r"_*[]()~`>#+-=|{}.! \ snake_case *star* [link](http://x)"


class Checker(HTMLParser):
    """Validate what Telegram's HTML parser would: known tags, balanced, no stray `<` or `&`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        assert "<" not in data and ">" not in data and "&" not in data, data
        self.text += data

    def handle_entityref(self, name: str) -> None:
        assert name in {"lt", "gt", "amp", "quot"}, name
        self.text += {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[name]

    def handle_charref(self, name: str) -> None:
        self.text += chr(int(name[1:], 16) if name.lower().startswith("x") else int(name))


def check(message: str) -> str:
    """Assert `message` is valid Telegram HTML within the limit; return its visible text."""
    assert 0 < tg_len(message) <= MAX_MESSAGE
    parser = Checker()
    parser.feed(message)
    parser.close()
    assert parser.stack == [], parser.stack
    assert parser.text.strip()
    return parser.text


def citation(
    n: int, title: str = "Rouhani in New York", url: str = "https://example.com/a", **kw: str
) -> Citation:
    fields = {
        "article_id": f"a{n}",
        "source": "Reuters",
        "published_at": "2013-09-24",
        "path": "",
        "quote": "He stayed.",
    }
    fields.update(kw)
    return Citation(n=n, title=title, url=url, **fields)  # type: ignore[arg-type]


def test_escape_makes_hostile_text_inert() -> None:
    assert check(escape(HOSTILE)) == HOSTILE
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"


def test_markdown_specials_pass_through_untouched() -> None:
    assert check(escape(MARKDOWN)) == MARKDOWN


def test_answer_escapes_every_piece_of_article_text() -> None:
    hostile = citation(
        1, title=HOSTILE, url='https://x.com/?a=1&b="2"><b>', source="<i>Out&let", quote=HOSTILE
    )
    answer = Answer(
        text=f"Answer {HOSTILE} [1].", citations=(hostile,), question=HOSTILE, note="<b>note</b> & more"
    )
    [message] = format_answer(answer)
    text = check(message)
    assert f"Answer {HOSTILE} [1]." in text
    assert "<i><b>note</b> &amp; more</i>" not in message and "<i>&lt;b&gt;note" in message
    assert 'href="https://x.com/?a=1&amp;b=&quot;2&quot;&gt;&lt;b&gt;"' in message
    for message in format_sources(answer):
        assert HOSTILE in check(message)


def test_answer_footer_is_compact_and_linked() -> None:
    answer = Answer(
        text="He stayed at the Millennium Hilton [1]. Talks went on [2].",
        citations=(citation(1), citation(2, title="Talks", url="", source="AP", published_at="")),
    )
    [message] = format_answer(answer)
    assert message.endswith(
        '<b>Sources</b>\n[1] <a href="https://example.com/a">Rouhani in New York</a> — Reuters, 2013-09-24\n'
        "[2] Talks — AP"
    )
    check(message)


def test_footer_names_other_outlets_of_a_wire_story_escaped() -> None:
    answer = Answer(text="A claim [1].", citations=(replace(citation(1), also_in=("CNN", "Tom & Jerry Times")),))
    [message] = format_answer(answer)
    assert "(also in CNN, Tom &amp; Jerry Times)" in message
    check(message)


def test_non_web_urls_are_not_linked() -> None:
    [message] = format_answer(Answer(text="x [1].", citations=(citation(1, url="javascript:alert(1)"),)))
    assert "<a " not in message


def test_note_in_italics_and_abstention_is_short() -> None:
    [message] = format_answer(Answer(text="Quoted [1].", citations=(citation(1),), note="LLM down."))
    assert "<i>LLM down.</i>" in message
    [abstain] = format_answer(Answer(text="", abstained=True))
    assert "rather not guess" in abstain and "Sources" not in abstain


def test_sources_quote_passages() -> None:
    [message] = format_sources(
        Answer(text="x [1].", citations=(citation(1, quote="He stayed at the Hilton."),))
    )
    assert "<blockquote>He stayed at the Hilton.</blockquote>" in message
    assert format_sources(None) == ["No sources yet — ask me a question first."]


def test_stats_for_help() -> None:
    stats = StoreStats(12, 80, {"Reuters": 5, "<AP>": 7}, "2013-01-01", "2013-12-31", "minilm", "/tmp")
    text = format_stats(stats)
    assert "<b>12</b>" in text and "&lt;AP&gt;, Reuters" in text and "2013-01-01 to 2013-12-31" in text
    check(text)


def test_problems_listing_is_escaped() -> None:
    [message] = format_problems("1 added", ["a.json:3: bad <json> & worse"])
    assert "bad &lt;json&gt; &amp; worse" in message


def test_short_text_is_not_split() -> None:
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


@pytest.mark.parametrize("limit", [50, 120, 400, MAX_MESSAGE])
def test_split_prefers_paragraphs_then_sentences(limit: int) -> None:
    paragraphs = [" ".join(f"Sentence {p}.{s} says <&> things." for s in range(12)) for p in range(30)]
    source = "\n\n".join(escape(p) for p in paragraphs)
    chunks = split_html(source, limit)
    assert len(chunks) > 1
    visible = [check(c) if limit >= 50 else c for c in chunks]
    for chunk in chunks:
        assert tg_len(chunk) <= limit
    # Nothing lost: the visible words are the same in the same order.
    assert " ".join(" ".join(visible).split()) == " ".join(" ".join(paragraphs).split())
    # Every cut is at a sentence end at least.
    assert all(v.rstrip().endswith(".") for v in visible)
    if limit == MAX_MESSAGE:
        assert all(c.endswith("things.") and not c.startswith(" ") for c in chunks)


def test_split_never_cuts_entities_and_reopens_tags() -> None:
    body = " ".join(["&amp;&lt;&gt;word"] * 400)
    html_text = f'<b>Title</b>\n<blockquote><a href="https://e.com/?a=1&amp;b=2">{body}</a></blockquote>'
    chunks = split_html(html_text, 300)
    assert len(chunks) > 5
    for chunk in chunks:
        check(chunk)
    assert chunks[1].startswith('<blockquote><a href="https://e.com/?a=1&amp;b=2">')


def test_split_unbroken_text_falls_back_to_hard_cuts() -> None:
    chunks = split_html("x" * 10_000)
    assert [len(c) for c in chunks] == [4096, 4096, 1808]


def test_split_counts_utf16_units() -> None:
    chunks = split_html("😀 " * 3000)
    assert all(tg_len(c) <= MAX_MESSAGE for c in chunks)
    assert sum(c.count("😀") for c in chunks) == 3000


def test_long_answer_splits_into_valid_messages() -> None:
    text = " ".join(f"Claim {i} about <Rouhani> & Obama [{i % 3 + 1}]." for i in range(600))
    answer = Answer(text=text, citations=tuple(citation(n, title=f"T{n} <&>") for n in (1, 2, 3)), note="n")
    chunks = format_answer(answer)
    assert len(chunks) >= 6
    visible = [check(c) for c in chunks]
    assert visible[-1].endswith("T3 <&> — Reuters, 2013-09-24")
    assert all(v.rstrip().endswith((".", "2013-09-24", "n")) for v in visible)

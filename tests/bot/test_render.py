"""What the terminal shows: an answer's sources with their whole passages."""

from __future__ import annotations

from bot.render import render_sources
from bot.types import Answer, Citation


def test_sources_keep_the_passages_paragraphs() -> None:
    citation = Citation(
        n=1, article_id="a", title="Bridge opens", source="Courier", published_at="2024-05-14", url="", path="a.txt",
        quote="The bridge opened on Monday.",
        passage="The bridge opened on Monday.\n\nTraffic   was light, officials said.",
    )
    shown = render_sources(Answer("The bridge opened on Monday [1].", (citation,)))
    assert "    The bridge opened on Monday.\n\n    Traffic was light, officials said." in shown
    assert "Monday.  Traffic" not in shown


def test_no_sources_yet_is_said() -> None:
    assert render_sources(None) == "No sources yet: the last answer cited nothing."

"""The llama-index retriever adapter keeps every field of a passage, and the sources list names wire copies."""

from __future__ import annotations

from bot.citations import number_citations
from bot.render import render_answer
from index.retriever import NewsRetriever, node_from, passage_of
from index.types import Passage

PASSAGE = Passage(
    chunk_id="a:3", article_id="a", text="The bridge opened on Monday.", title="Bridge opens", source="AP",
    published_at="2022-09-30", url="https://example.com/a", path="", start=120, end=148, score=0.61,
    also_in=("CNN", "USA Today"),
)


def test_passage_survives_the_round_trip_through_a_node() -> None:
    assert passage_of(node_from(PASSAGE)) == PASSAGE


def test_sources_say_which_other_outlets_carried_the_story() -> None:
    answer = number_citations("When did the bridge open?", [(PASSAGE.text, PASSAGE)])
    assert "(also carried by CNN, USA Today)" in render_answer(answer)
    assert answer.to_json()["citations"][0]["also_in"] == ["CNN", "USA Today"]  # type: ignore[index]


class _Searcher:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object, int]] = []

    def search(self, query, filters, k):  # type: ignore[no-untyped-def]
        self.calls.append((query, filters, k))
        return [PASSAGE]


def test_retriever_passes_query_filters_and_k_to_the_search() -> None:
    searcher = _Searcher()
    nodes = NewsRetriever(searcher, top_k=3).with_filters(None).retrieve("bridge")  # type: ignore[arg-type]
    assert searcher.calls == [("bridge", None, 3)]
    assert nodes[0].score == 0.61 and nodes[0].node.metadata["source"] == "AP"

"""The BM25 keyword index: terms, scores that match bm25s, and rows added and dropped in place."""

from __future__ import annotations

import numpy as np
import pytest

from index.keyword import KeywordIndex, asks_for_latest, mentions_relative_time, query_terms, statement_terms
from index.terms import bm25_terms

DOCS = [
    "The senators announced a bipartisan agreement on gun safety legislation.",
    "Police arrested 31 men affiliated with Patriot Front near a Pride event in Idaho.",
    "Gun sales rose as lawmakers debated the assault weapons ban.",
    "The Federal Reserve raised interest rates by three quarters of a point.",
    "Idaho police said the men carried shields and a smoke grenade.",
]


def test_query_terms_are_bm25_terms_once_each() -> None:
    assert query_terms("gun guns Gun") == ["gun"]


def test_time_words_leave_a_dated_query_but_names_stay() -> None:
    question = "Which team won the Year of the Tiger cup this week, on Monday, after months of waiting?"
    kept = ["which", "team", "won", "year", "tiger", "cup", "after", "wait"]
    assert query_terms(question, drop_time_words=True) == kept
    # Without a reference date nothing else handles time, so the words stay.
    assert {"week", "monday", "month"} <= set(query_terms(question))


@pytest.mark.parametrize(
    ("question", "relative"),
    [
        ("Which team won the World Series this week?", True),
        ("What did the Fed decide on Wednesday?", True),
        ("Who won yesterday's vote?", True),
        ("What is the latest on the strike?", True),
        ("What happened last night in Kyiv?", True),
        ("Trailblazing actor Nichelle Nichols died Sunday. Which character did she play?", True),
        ("How many people were unaccounted for early Thursday after the flooding?", True),
        ("What did Macron say to Rouhani?", False),
        ("How did Monday Night Football rate in 2021?", False),
        ("Which weekly magazine broke the story?", False),
        ("Which retailer had the best Black Friday deals?", False),
        ("What did The Sunday Times report about the prince?", False),
    ],
)
def test_questions_relative_to_now_are_recognised(question: str, relative: bool) -> None:
    assert mentions_relative_time(question) is relative


@pytest.mark.parametrize(
    ("question", "latest"),
    [
        ("What is the latest on the war in Ukraine?", True),
        ("What's the latest with Elon Musk and Twitter?", True),
        ("Latest news about gas prices", True),
        ("Any news on Covid vaccines?", True),
        ("Any update on student loan forgiveness?", True),
        ("Give me an update on Brittney Griner", True),
        ("What are the most recent developments in the January 6 inquiry?", True),
        ("What's new with the Artemis mission?", True),
        # "latest" naming one thing, not asking for the newest coverage:
        ("What percentage of residents are Catholic, according to the latest census data?", False),
        ("What did Heidi Klum dress up as for her latest annual Halloween party?", False),
        ("What is Elon Musk's latest financial venture?", False),
        ("Which hotel was Rouhani staying at in New York?", False),
        ("What is new in the tax bill?", False),
    ],
)
def test_questions_asking_for_the_latest_on_a_topic_are_recognised(question: str, latest: bool) -> None:
    assert asks_for_latest(question) is latest


def test_statement_terms_are_the_terms_of_each_sentence_that_is_not_a_question() -> None:
    text = "The mayor opened the new bridge. Crowds cheered! Was İstanbul quiet?  Yes: 3.5% more."
    expected = [frozenset(bm25_terms(s)) for s in ("The mayor opened the new bridge.", "Crowds cheered!",
                                              "Yes: 3.5% more.")]
    assert list(statement_terms(text)) == expected
    assert statement_terms("") == ()
    assert statement_terms("Who opened the bridge?") == ()
    # "Dr." does not end a sentence: the name stays with what was said of it.
    sentence = "First lady Dr. Jill Biden tested positive."
    assert statement_terms(sentence) == (frozenset(bm25_terms(sentence)),)


def test_scores_match_bm25s_lucene() -> None:
    import bm25s

    index = KeywordIndex()
    index.add([bm25_terms(d) for d in DOCS])
    reference = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
    reference.index([bm25_terms(d) for d in DOCS], show_progress=False)
    for query in ("idaho police men", "gun ban legislation", "interest rates"):
        expected = reference.get_scores(query_terms(query))
        assert np.allclose(index.scores(query_terms(query)), expected, atol=1e-5)


def test_unknown_terms_score_zero() -> None:
    index = KeywordIndex()
    index.add([bm25_terms(d) for d in DOCS])
    assert not index.scores(["zzzz"]).any()
    assert not KeywordIndex().scores(["gun"]).size


def test_keep_drops_rows_and_scores_stay_consistent() -> None:
    full = KeywordIndex()
    full.add([bm25_terms(d) for d in DOCS])
    full.keep(np.array([True, False, True, False, True]))
    fresh = KeywordIndex()
    fresh.add([bm25_terms(d) for d in (DOCS[0], DOCS[2], DOCS[4])])
    query = query_terms("idaho police gun")
    assert np.allclose(full.scores(query), fresh.scores(query), atol=1e-6)


def test_add_after_scoring_updates_statistics() -> None:
    index = KeywordIndex()
    index.add([bm25_terms(DOCS[0])])
    assert index.scores(["gun"])[0] > 0
    index.add([bm25_terms(d) for d in DOCS[1:]])
    assert len(index) == len(DOCS)
    scores = index.scores(["idaho"])
    assert scores[1] > 0 and scores[4] > 0 and scores[0] == 0


@pytest.mark.parametrize("rows", [[], ["only"]])
def test_arrays_round_trip(rows: list[str]) -> None:
    index = KeywordIndex()
    index.add([bm25_terms(d) for d in DOCS])
    loaded = KeywordIndex.from_arrays(index.arrays())
    query = query_terms("idaho gun rates " + " ".join(rows))
    assert np.array_equal(loaded.scores(query), index.scores(query))


def test_a_copy_changes_while_the_original_stays_as_it_was() -> None:
    original = KeywordIndex()
    original.add([bm25_terms(d) for d in DOCS[:3]])
    before = original.scores(query_terms("idaho police rates"))
    copy = original.copy()
    copy.add([bm25_terms(d) for d in DOCS[3:]])
    copy.keep(np.array([False, True, True, True, True]))
    assert len(original) == 3 and "feder" not in original.vocab
    assert np.array_equal(original.scores(query_terms("idaho police rates")), before)
    fresh = KeywordIndex()
    fresh.add([bm25_terms(d) for d in DOCS[1:]])
    assert np.allclose(copy.scores(query_terms("idaho police rates")), fresh.scores(query_terms("idaho police rates")))

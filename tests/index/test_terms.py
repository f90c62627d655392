"""The one tokenizer module: content terms, BM25's terms, and the surface words names are read from."""

from __future__ import annotations

import threading

from index.terms import BM25_STOPWORDS, bm25_terms, content_terms, content_tokens, stem_all


def test_bm25_terms_are_lowercased_stemmed_and_without_stop_words() -> None:
    assert bm25_terms("The Senators ANNOUNCED agreements on it") == ["senat", "announc", "agreement"]


def test_bm25_stop_words_are_lucenes_as_bm25s_ships_them() -> None:
    from bm25s.stopwords import STOPWORDS_EN

    assert frozenset(STOPWORDS_EN) == BM25_STOPWORDS


def test_bm25_keeps_words_the_content_vocabulary_drops() -> None:
    # Question words and "said"/"week" are searchable in BM25 (its figures were made so), not content terms.
    question = "Which senators said this week they would leave out the ban on assault weapons?"
    assert {"which", "said", "week", "would"} <= set(bm25_terms(question))
    assert not {"which", "said", "week", "would"} & set(content_terms(question))


def test_content_tokens_are_the_content_terms_with_where_and_how_each_was_written() -> None:
    text = "In 2020, Velveeta’s sales of the processed cheese rose."
    tokens = content_tokens(text)
    assert [term for *_, term in tokens] == content_terms(text)
    assert tokens[:2] == [(1, "2020", "2020"), (2, "Velveeta’s", "velveeta")]
    # "In" opens the text but is a stop word: positions count every word, so "2020" stands second.
    assert content_tokens("Sales rose")[0][0] == 0


def test_stemming_is_safe_from_several_threads() -> None:
    words = [f"running{i} jumped{i} easily{i}" for i in range(300)]
    results: list[list[str]] = []

    def work() -> None:
        results.append(stem_all(" ".join(words).split()))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r == results[0] for r in results) and len(results) == 4

"""Sentence splitting shared by ingest (stand-in titles) and the answer writers."""

from __future__ import annotations

from index.sentences import split_sentences


def test_sentence_splitting_keeps_abbreviations_and_quotes() -> None:
    text = 'He said “no.” Then Mr. Smith left. The U.S. Army came! John F. Kennedy spoke.'
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "He said “no.”", "Then Mr. Smith left.", "The U.S. Army came!", "John F. Kennedy spoke."
    ]


def test_paragraph_breaks_end_sentences_and_spans_are_stripped() -> None:
    text = "  A headline without a full stop\n\nThe story starts here. It goes on.  "
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "A headline without a full stop", "The story starts here.", "It goes on."
    ]

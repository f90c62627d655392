"""Sentence splitting shared by ingest (stand-in titles) and the answer writers."""

from __future__ import annotations

from index.sentences import leading_dateline, quote_spans, split_sentences


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


def test_datelines_are_recognised_in_both_styles_and_names_are_not() -> None:
    assert leading_dateline("(CNN) Rafael Nadal withdrew.") == "(CNN) "
    assert leading_dateline("Hong Kong/Beijing (CNN Business) Stocks fell.") == "Hong Kong/Beijing (CNN Business) "
    assert leading_dateline("LONDON (AP) — Paul McCartney will play.") == "LONDON (AP) — "
    assert leading_dateline("DES MOINES, Iowa – Maria crossed.") == "DES MOINES, Iowa – "
    assert leading_dateline("Washington CNN —", alone=True) == "Washington CNN —"
    # Capitalised words before a dash in front of a sentence need a wire mark: these are names and subjects.
    assert leading_dateline("Barack Obama — the former president — said so.") == ""
    assert leading_dateline("US — China talks resumed.") == ""
    assert leading_dateline("Sen. Joe Manchin (D) of West Virginia agreed.") == ""


def test_quotes_leave_out_datelines_and_editors_notes() -> None:
    text = (
        "Editor’s Note: Affected by the storm? You also can text or WhatsApp your Ian stories to CNN.\n\n"
        "(CNN) Hurricane Ian smashed into Florida on Wednesday.\n\nMore than 1.9 million homes lost power."
    )
    assert [text[a:b] for a, b in quote_spans(text)] == [
        "Hurricane Ian smashed into Florida on Wednesday.",
        "More than 1.9 million homes lost power.",
    ]

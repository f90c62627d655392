"""Sentence splitting and content terms for the answer writers and citation checks (from index.sentences and
index.terms, the one tokenizer the project shares)."""

from index.sentences import split_sentences
from index.terms import QUESTION_WORDS, STOPWORDS, content_terms, stem, words

__all__ = ["QUESTION_WORDS", "STOPWORDS", "content_terms", "split_sentences", "stem", "words"]

"""BM25 over chunks: stemmed, stop-worded terms in a sparse matrix that grows and shrinks with the store.

Scores follow bm25s's "lucene" variant (the tests check they match `bm25s.BM25`), but the index keeps raw term
frequencies instead of bm25s's precomputed per-term scores, so adding ten articles appends ten articles' rows and
corpus statistics (idf, average length) are applied at query time instead of forcing a full re-index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from index.periods import WEEKDAY_AS_TIME, WEEKDAYS
from index.sentences import is_question, split_sentences
from index.terms import bm25_terms, bm25_words, stem_all

__all__ = ["KeywordIndex", "asks_for_latest", "mentions_relative_time", "query_terms", "statement_terms"]


@lru_cache(maxsize=4096)
def statement_terms(text: str) -> tuple[frozenset[str], ...]:
    """The index terms of each sentence of `text` that states something (sentences as `split_sentences` finds them;
    those ending in ? are left out: a sentence asking the question — a quiz, a rhetorical lead — does not answer
    it, and would otherwise match the question better than any answer; BENCHMARKS.md, Decisions).

    One stemming call for the whole text, not one per sentence: the search's second stage runs this on twenty
    chunks a question. Remembered, as popular articles come up again and again.
    """
    # Split before lower-casing: capitals tell a new sentence from "Dr. Biden".
    sentences = [bm25_words(text[a:b]) for a, b in split_sentences(text) if not is_question(text[a:b])]
    stems = stem_all([w for words in sentences for w in words])
    out, start = [], 0
    for words in sentences:
        out.append(frozenset(stems[start : start + len(words)]))
        start += len(words)
    return tuple(out)


# Words that only place a question in time ("this week", "on Monday"). With a reference date the date prior does
# that job, and as topic words they would favour any article that says "this week" (BENCHMARKS.md, Decisions).
_TIME_WORDS = frozenset(WEEKDAYS) | {
    "week", "weeks", "weekend", "today", "yesterday", "tonight", "tomorrow", "month", "months", "year", "years",
    "recently", "ago",
}  # fmt: skip
_TOKEN = re.compile(r"\w[\w'’-]*")
# "this week", "last night", "today", "recently", and weekdays ("on Monday", "died Sunday"; index.periods): the
# question is about the time it is asked in.
_RELATIVE_TIME = re.compile(
    rf"\b(?:this|last|past|next)\s+(?:week|weekend|month|year|night|{'|'.join(WEEKDAYS)})\b"
    r"|\b(?:today|tonight|yesterday|recently|lately|latest)\b",
    re.IGNORECASE,
)


def mentions_relative_time(text: str) -> bool:
    """Say whether the text places itself relative to when it is said ("this week", "on Monday", "latest")."""
    return _RELATIVE_TIME.search(text) is not None or WEEKDAY_AS_TIME.search(text) is not None


# "What is the latest on the war in Ukraine?", "Any news on Covid vaccines?", "an update on Brittney Griner": the
# question asks for the newest coverage of its topic. Not "the latest census data" or "her latest film", where
# "latest" names one thing.
_ASKS_FOR_LATEST = re.compile(
    r"\b(?:latest|newest|most\s+recent)(?:\s+(?:news|updates?|developments?|reports?|coverage|word))?"
    r"\s+(?:on|about|with|in|from|regarding|for|concerning)\b"
    r"|\b(?:latest|newest|most\s+recent)\s+(?:news|updates?|developments?)\b"
    r"|\b(?:any|recent)\s+(?:news|updates?|developments?)\b|\bupdates?\s+on\b"
    r"|\bwhat(?:'s|’s|\s+is)\s+new\s+(?:with|on|about)\b",
    re.IGNORECASE,
)


def asks_for_latest(text: str) -> bool:
    """Whether a question asks for the newest coverage of its topic ("What's the latest on …?", "Any news on …?")."""
    return _ASKS_FOR_LATEST.search(text) is not None


def query_terms(text: str, drop_time_words: bool = False) -> list[str]:
    """Distinct terms of a query, in order (repeating a query word should not double its weight).

    With `drop_time_words`, words that only say when are left out; one capitalised mid-sentence is kept, as it may
    be part of a name ("the Year of the Tiger"), except weekdays, which are always capitalised.
    """
    if drop_time_words:
        tokens = _TOKEN.findall(text)
        text = " ".join(
            tok for i, tok in enumerate(tokens)
            if tok.lower() not in _TIME_WORDS or (i > 0 and tok[0].isupper() and tok.lower() not in WEEKDAYS)
        )
    return list(dict.fromkeys(bm25_terms(text)))


def _idf(documents: int, frequency: float) -> float:
    """BM25's (lucene) inverse document frequency of a term found in `frequency` of `documents` rows."""
    return float(np.log(1.0 + (documents - frequency + 0.5) / (frequency + 0.5)))


class KeywordIndex:
    """Term frequencies of documents (rows), scored with BM25 against the current corpus statistics."""

    def __init__(self, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.vocab: dict[str, int] = {}
        # Document-major storage: row r's terms are term_ids[indptr[r]:indptr[r+1]] with counts tfs[...].
        self.indptr = np.zeros(1, dtype=np.int64)
        self.term_ids = np.zeros(0, dtype=np.int32)
        self.tfs = np.zeros(0, dtype=np.float32)
        self._csc: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.indptr) - 1

    # Building

    def add(self, documents: Iterable[Sequence[str]]) -> None:
        """Append documents (already split into terms) as new rows."""
        lengths: list[int] = []
        ids: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        for doc in documents:
            coded = np.fromiter((self._term_id(t) for t in doc), dtype=np.int32, count=len(doc))
            unique, tf = np.unique(coded, return_counts=True)
            ids.append(unique.astype(np.int32))
            counts.append(tf.astype(np.float32))
            lengths.append(len(unique))
        if not lengths:
            return
        self.indptr = np.concatenate([self.indptr, self.indptr[-1] + np.cumsum(lengths, dtype=np.int64)])
        self.term_ids = np.concatenate([self.term_ids, *ids])
        self.tfs = np.concatenate([self.tfs, *counts])
        self._csc = None

    def keep(self, rows: np.ndarray) -> None:
        """Keep only the rows where the boolean mask `rows` is true (the vocabulary may keep unused terms)."""
        starts, ends = self.indptr[:-1][rows], self.indptr[1:][rows]
        lengths = ends - starts
        take = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(lengths.sum())
        self.term_ids = self.term_ids[take]
        self.tfs = self.tfs[take]
        self.indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self._csc = None

    def _term_id(self, term: str) -> int:
        found = self.vocab.get(term)
        if found is None:
            found = self.vocab[term] = len(self.vocab)
        return found

    def copy(self) -> KeywordIndex:
        """A copy that can change while this one stays as it is (it shares the arrays: they are replaced, never
        mutated)."""
        other = KeywordIndex(self.k1, self.b)
        other.vocab = dict(self.vocab)
        other.indptr, other.term_ids, other.tfs = self.indptr, self.term_ids, self.tfs
        return other

    # Persisting

    def arrays(self) -> dict[str, np.ndarray]:
        """The index as plain arrays (for np.savez), vocabulary in id order."""
        vocab = np.array(sorted(self.vocab, key=self.vocab.__getitem__), dtype=object)
        return {"kw_indptr": self.indptr, "kw_term_ids": self.term_ids, "kw_tfs": self.tfs, "kw_vocab": vocab}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> KeywordIndex:
        """Rebuild an index saved by `arrays`."""
        index = cls()
        index.indptr = arrays["kw_indptr"]
        index.term_ids = arrays["kw_term_ids"]
        index.tfs = arrays["kw_tfs"]
        index.vocab = {str(t): i for i, t in enumerate(arrays["kw_vocab"].tolist())}
        return index

    # Scoring

    def _columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Term-major view (postings) and length norms for scoring, built once per change of the index."""
        csc = self._csc
        if csc is None:
            rows = np.repeat(np.arange(len(self), dtype=np.int32), np.diff(self.indptr))
            order = np.argsort(self.term_ids, kind="stable")
            counts = np.bincount(self.term_ids, minlength=len(self.vocab)) if len(self.term_ids) else np.zeros(
                len(self.vocab), dtype=np.int64
            )
            colptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            dl = self.doc_lengths()
            norm = self.k1 * (1.0 - self.b + self.b * dl / max(float(dl.mean()), 1e-9))
            csc = self._csc = (colptr, rows[order], self.tfs[order], norm.astype(np.float32))
        return csc

    def doc_lengths(self) -> np.ndarray:
        """Terms per document (sum of term frequencies)."""
        sums = np.add.reduceat(self.tfs, self.indptr[:-1]) if len(self.tfs) else np.zeros(len(self), np.float32)
        # reduceat returns the next row's first value for empty rows; those rows have length 0.
        sums[np.diff(self.indptr) == 0] = 0
        return sums.astype(np.float32)

    def idf(self, term: str) -> float:
        """The term's BM25 inverse document frequency over the current rows (0 for an unknown term)."""
        colptr = self._columns()[0]
        t = self.vocab.get(term)
        if t is None or t + 1 >= len(colptr):
            return 0.0
        return _idf(len(self), float(colptr[t + 1] - colptr[t]))

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for the query terms (zeros where no term occurs)."""
        n = len(self)
        out = np.zeros(n, dtype=np.float32)
        if n == 0:
            return out
        colptr, rows, tfs, norm = self._columns()
        for term in dict.fromkeys(query):
            t = self.vocab.get(term)
            if t is None or t + 1 >= len(colptr):
                continue
            lo, hi = colptr[t], colptr[t + 1]
            if hi == lo:
                continue
            idf = _idf(n, float(hi - lo))
            r, tf = rows[lo:hi], tfs[lo:hi]
            out[r] += idf * tf / (tf + norm[r])
        return out

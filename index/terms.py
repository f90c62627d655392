"""The one tokenizer module, with two vocabularies: content terms and BM25's index terms.

`content_terms` (words that carry meaning) is what the answer writers, citation checks and question parsing
compare. `bm25_terms` is what the BM25 index (index.keyword) holds and searches with: a short stop list, so
question words and words such as "said" or "week" stay searchable. Both stem through one PyStemmer instance
behind a lock (it is not thread-safe, and the Telegram bot answers on several threads), with a cache in front, as
news vocabulary repeats.
"""

from __future__ import annotations

import re
import threading

__all__ = [
    "BM25_STOPWORDS", "QUESTION_WORDS", "STOPWORDS", "bm25_terms", "bm25_words", "content_terms", "content_tokens",
    "stem", "stem_all", "words",
]

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
    not now of off on once only or other our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself yourselves said says
    say tell told according did does do many much one ones get got make made week weeks year years new news
    article articles""".split()  # noqa: SIM905 - a word list reads best as text
)
QUESTION_WORDS = frozenset({"who", "what", "when", "where", "which", "why", "how", "whom", "whose"})
# BM25's stop words: Lucene's English set, as bm25s ships it (a test checks they agree). It stays apart from
# STOPWORDS on purpose: the saved mirrors' BM25 index and every ranking figure were made with it, and the longer
# list would change the BM25 query of 301 of the 303 dev questions, so their ranks.
BM25_STOPWORDS = frozenset(
    """a an and are as at be but by for if in into is it no not of on or such that the their then there these
    they this to was will with""".split()  # noqa: SIM905 - a word list reads best as text
)

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
# BM25's words: two or more word characters, any script; apostrophes and hyphens split them.
_BM25_WORD = re.compile(r"(?u)\b\w\w+\b")
_lock = threading.Lock()
_cache: dict[str, str] = {}
_stemmer = None


def stem_all(words: list[str]) -> list[str]:
    """Snowball (English) stems of `words`, thread-safe."""
    global _stemmer
    missing = [w for w in set(words) if w not in _cache]
    if missing:
        with _lock:
            if _stemmer is None:
                import Stemmer

                _stemmer = Stemmer.Stemmer("english")
            for word, stemmed in zip(missing, _stemmer.stemWords(missing), strict=True):
                _cache[word] = stemmed
    return [_cache[w] for w in words]


def stem(word: str) -> str:
    return stem_all([word])[0]


def words(text: str) -> list[str]:
    """Lower-cased words of `text`, possessives dropped."""
    return [w for _, _, w in _tokens(text) if w]


def content_terms(text: str) -> list[str]:
    """Stemmed words that carry meaning (no stopwords, no question words)."""
    return stem_all([w for _, _, w in _content(text)])


def content_tokens(text: str) -> list[tuple[int, str, str]]:
    """The words of `content_terms` as `(position, surface, term)`: where the word stands among all the words of
    `text` (0: it opens it), the word as written, and its term. The answer writer reads names off the surface
    ("Velveeta", "2020") with the same tokenizer that makes the terms."""
    content = _content(text)
    terms = stem_all([w for *_, w in content])
    return [(i, surface, term) for (i, surface, _), term in zip(content, terms, strict=True)]


def _tokens(text: str) -> list[tuple[int, str, str]]:
    out = []
    for i, surface in enumerate(_WORD.findall(text)):
        word = surface.lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        out.append((i, surface, word.strip("'-")))
    return out


def _content(text: str) -> list[tuple[int, str, str]]:
    return [t for t in _tokens(text) if t[2] and t[2] not in STOPWORDS and t[2] not in QUESTION_WORDS]


def bm25_words(text: str) -> list[str]:
    """BM25's words of `text`, unstemmed: lower-cased, two or more characters, BM25_STOPWORDS dropped."""
    return [w for w in _BM25_WORD.findall(text.lower()) if w not in BM25_STOPWORDS]


def bm25_terms(text: str) -> list[str]:
    """BM25's index terms of `text`: its `bm25_words`, stemmed."""
    return stem_all(bm25_words(text))

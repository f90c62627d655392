"""Words and content terms: the one tokenizer the answer writers, citation checks and question parsing share.

Stemming goes through one PyStemmer instance behind a lock (it is not thread-safe, and the Telegram bot answers on
several threads), with a cache in front, as news vocabulary repeats. BM25 (index.keyword) stems through it too.
"""

from __future__ import annotations

import re
import threading

__all__ = ["QUESTION_WORDS", "STOPWORDS", "content_terms", "stem", "stem_all", "words"]

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

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
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
    out = []
    for word in _WORD.findall(text):
        word = word.lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        out.append(word.strip("'-"))
    return [w for w in out if w]


def content_terms(text: str) -> list[str]:
    """Stemmed words that carry meaning (no stopwords, no question words)."""
    return stem_all([w for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS])

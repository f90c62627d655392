"""Hybrid search over a small synthetic store: fusion, filters, dates, copies, and the local index kept in step."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.days import day_number, day_numbers
from index.embedding import word_pieces
from index.ingest import Chunker, Ingestor
from index.keyword import statement_terms
from index.mirror import cache_path
from index.mirror_file import load
from index.ranking import Ranking, best_sentence_share, date_prior, recency
from index.search import Searcher
from index.store import ArticleStore
from index.types import Article, SearchFilters
from tests.fakes.embedding import HashedTermsEmbedding

FILLER = (
    "Officials gave few further details on Tuesday. Reporters waited outside the building for hours while "
    "spokespeople declined to comment. Analysts said more information would come later in the week. "
)


def article(n: str, title: str, body: str, source: str = "CNN", day: str = "2022-06-10") -> Article:
    return Article(id=n, title=title, body=body + " " + FILLER * 3, source=source, published_at=day,
                   url=f"https://example.com/{n}")


WIRE = (
    "The central bank raised interest rates by three quarters of a point on Wednesday, its largest increase "
    "since 1994, as inflation reached a forty year high and markets slid across the world. "
) * 3

ARTICLES = [
    article("ferry", "Harbour ferry sinks", "The old ferry Marisol sank in the harbour at noon with forty cars."),
    article("idaho", "Idaho arrests", "Police in Coeur d'Alene, Idaho arrested 31 men near a Pride event.",
            source="USA Today", day="2022-06-12"),
    article("idaho-old", "Idaho arrests last year", "Police in Idaho arrested men near a Pride event in 2021.",
            source="CNN", day="2021-06-12"),
    article("rates-a", "Fed raises rates", WIRE, source="CNN", day="2022-06-15"),
    article("rates-b", "Fed lifts rates", WIRE, source="USA Today", day="2022-06-15"),
    article("chess", "Chess champion", "The chess champion Magnus Carlsen said he would not defend his title.",
            source="The Week (UK)", day="2022-07-20"),
]


@pytest.fixture
def store() -> ArticleStore:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True))
    client.reset()
    return ArticleStore(client, "test", HashedTermsEmbedding().model_name, "memory")


def _ingestor(store: ArticleStore) -> Ingestor:
    return Ingestor(store, HashedTermsEmbedding(), Chunker(64, 8, word_pieces))


@pytest.fixture
def searcher(store: ArticleStore, tmp_path: Path) -> Searcher:
    _ingestor(store).ingest(ARTICLES)
    return Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)


def _ids(searcher: Searcher, query: str, filters: SearchFilters | None = None, **kw: Any) -> list[str]:
    return [a.article_id for a in searcher.rank_articles(query, filters, 10, **kw)]


def test_finds_the_article_by_words_and_by_meaning(searcher: Searcher) -> None:
    assert _ids(searcher, "Which ferry sank in the harbour?")[0] == "ferry"
    assert _ids(searcher, "Magnus Carlsen title", mode="bm25")[0] == "chess"
    assert _ids(searcher, "chess champion", mode="vector")[0] == "chess"


def test_passages_carry_cosine_scores_and_metadata(searcher: Searcher) -> None:
    passages = searcher.search("Which ferry sank in the harbour?", k=3)
    assert passages[0].article_id == "ferry"
    assert passages[0].title == "Harbour ferry sinks" and passages[0].url.endswith("/ferry")
    assert all(-1.0 <= p.score <= 1.0 for p in passages)
    assert passages[0].score > 0.3  # a cosine, not a rank-fusion score: abstention thresholds still apply


def test_one_article_takes_at_most_per_article_places(searcher: Searcher) -> None:
    passages = searcher.search("Officials gave few further details reporters waited", k=6, per_article=1)
    ids = [p.article_id for p in passages]
    assert len(ids) == len(set(ids))


def test_source_and_date_filters(searcher: Searcher) -> None:
    by_outlet = _ids(searcher, "police arrested men Idaho", SearchFilters(sources=("cnn",)))
    assert "idaho" not in by_outlet and by_outlet[0] == "idaho-old"
    window = _ids(searcher, "police arrested men Idaho", SearchFilters(since=date(2022, 1, 1), until=date(2022, 6, 30)))
    assert "idaho-old" not in window and window[0] == "idaho"
    assert _ids(searcher, "Idaho", SearchFilters(since=date(2030, 1, 1))) == []


def test_reference_date_prefers_recent_articles(searcher: Searcher) -> None:
    query = "Police arrested men near a Pride event in Idaho"
    assert _ids(searcher, query, SearchFilters(as_of=date(2021, 6, 14)))[0] == "idaho-old"
    assert _ids(searcher, query, SearchFilters(as_of=date(2022, 6, 14)))[0] == "idaho"


def test_date_prior_shape() -> None:
    days = day_numbers(np.array([20220615, 20220611, 20220603, 20220618, 20220625, 0, 20220631]))
    prior = date_prior(days, day_number(date(2022, 6, 17)), window=7, half_life=7.0)
    assert prior[:2].tolist() == [1.0, 1.0]  # in the window up to the reference date
    assert prior[2] == pytest.approx(0.5)  # a half-life before the window
    assert prior[3] == pytest.approx(0.5)  # a day after the reference date: later news fades fast
    assert prior[4] < 0.01
    assert prior[5:].tolist() == [0.0, 0.0]  # unknown, and no such day


def test_day_numbers_are_days_since_1970() -> None:
    found = day_numbers(np.array([19700101, 20220617, 20000229, 19690101, 0, 20221301, 20230229]))
    expected = [0, (date(2022, 6, 17) - date(1970, 1, 1)).days, (date(2000, 2, 29) - date(1970, 1, 1)).days, -365]
    assert found[:4].tolist() == expected
    assert np.isnan(found[4:]).all()


def _two_flood_reports(store: ArticleStore, tmp_path: Path, older_day: str, newer_day: str) -> Searcher:
    """The older report matches a question about the flood a little better (it says "flood" twice)."""
    older = article("older", "River flood", "The river flood closed the old bridge. The flood was severe.",
                    day=older_day)
    newer = article("newer", "Bridge news", "A river flood closed a bridge downtown.", day=newer_day)
    _ingestor(store).ingest([older, newer])
    return Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)


def test_without_a_date_the_newer_of_two_equal_matches_wins(store: ArticleStore, tmp_path: Path) -> None:
    # Two years apart, recency decides.
    searcher = _two_flood_reports(store, tmp_path, "2020-03-02", "2022-03-02")
    query = "Which bridge did the river flood close?"
    searcher.ranking = Ranking(recency_weight=0.0)
    assert _ids(searcher, query) == ["older", "newer"]
    searcher.ranking = Ranking()
    assert _ids(searcher, query) == ["newer", "older"]
    # Recency counts back from the archive's last day, however late the question is asked...
    assert _ids(searcher, query, SearchFilters(as_of=date(2030, 1, 1)))[0] == "newer"
    # ...and from the search's own end when `until` cuts the archive short (only the older one is left then).
    assert _ids(searcher, query, SearchFilters(until=date(2021, 1, 1))) == ["older"]


def test_undated_articles_rank_with_or_without_a_reference_date(store: ArticleStore, tmp_path: Path) -> None:
    _ingestor(store).ingest([article("ferry", "Ferry sinks", "The ferry sank.", day=""),
                             article("bridge", "Bridge opens", "A bridge opened.", day="")])
    searcher = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)
    with np.errstate(all="raise"):  # no NaN arithmetic leaks out of the date priors
        assert _ids(searcher, "Which ferry sank?")[0] == "ferry"
        assert _ids(searcher, "Which ferry sank?", SearchFilters(as_of=date(2022, 1, 1)))[0] == "ferry"


def test_a_question_placed_in_time_leans_further_towards_newer_reports(store: ArticleStore, tmp_path: Path) -> None:
    searcher = _two_flood_reports(store, tmp_path, "2022-01-02", "2022-08-02")
    searcher.ranking = Ranking(recency_weight=0.0, relative_recency_weight=3.0)
    assert _ids(searcher, "Which bridge did the river flood close?") == ["older", "newer"]
    # Asked today of an archive that ended in August, "this week" means its latest reports.
    this_week = SearchFilters(as_of=date(2026, 11, 23))
    assert _ids(searcher, "Which bridge did the river flood close this week?", this_week) == ["newer", "older"]
    assert _ids(searcher, "What is the latest on the bridge the river flood closed?")[0] == "newer"


def test_a_question_asking_for_the_latest_gets_the_newest_good_match(store: ArticleStore, tmp_path: Path) -> None:
    # Months apart, the older report matches "the river flood" better (it says "flood" twice); the festival is the
    # newest article and shares only "river".
    older = article("older", "River flood", "The river flood closed the old bridge. The flood was severe.",
                    day="2022-03-02")
    newer = article("newer", "Bridge news", "A river flood closed a bridge downtown.", day="2022-08-02")
    festival = article("festival", "River festival", "The river festival opens with music.", day="2022-08-20")
    _ingestor(store).ingest([older, newer, festival])
    searcher = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)
    query = "What is the latest on the river flood?"
    plain = Ranking(recency_weight=0.0, relative_recency_weight=0.0, latest_weight=0.0)
    searcher.ranking = plain
    assert _ids(searcher, query) == ["older", "newer", "festival"]
    searcher.ranking = replace(plain, latest_weight=3.0, latest_top=2)
    assert _ids(searcher, query) == ["newer", "older", "festival"]
    # Lifting every candidate would put the festival first: only good matches gain from being new.
    searcher.ranking = replace(plain, latest_weight=3.0, latest_top=0)
    assert _ids(searcher, query)[0] == "festival"
    # The same words without asking for the latest: no lift.
    searcher.ranking = replace(plain, latest_top=2)
    assert _ids(searcher, "Which bridge did the river flood close?")[0] == "older"
    # Asked as of a day before the newer report, the latest is the older one.
    searcher.ranking = replace(plain, latest_weight=3.0, latest_top=2)
    assert _ids(searcher, query, SearchFilters(as_of=date(2022, 7, 20)))[0] == "older"


def test_a_question_naming_a_weekday_prefers_reports_from_that_day_on(store: ArticleStore, tmp_path: Path) -> None:
    # Thursday's report says "flood" once; Wednesday's, which cannot know what happened on Thursday, says it twice.
    wednesday = article("wednesday", "River flood", "The river flood closed the old bridge. The flood was severe.",
                        day="2022-07-13")
    thursday = article("thursday", "Bridge news", "A river flood closed a bridge downtown.", day="2022-07-14")
    _ingestor(store).ingest([wednesday, thursday])
    searcher = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)
    friday = SearchFilters(as_of=date(2022, 7, 15))
    assert _ids(searcher, "Which bridge did the river flood close on Thursday?", friday) == ["thursday", "wednesday"]
    # Without the weekday, or with weekdays ignored, both are this week's news and the better match wins.
    assert _ids(searcher, "Which bridge did the river flood close this week?", friday) == ["wednesday", "thursday"]
    searcher.ranking = Ranking(day_half_life=0.0)
    assert _ids(searcher, "Which bridge did the river flood close on Thursday?", friday) == ["wednesday", "thursday"]


def test_the_date_prior_lifts_only_articles_that_match_well(store: ArticleStore, tmp_path: Path) -> None:
    # Asked "this week" about a story ten days old: this week's only article shares a word with the question.
    story = article("story", "Harbour ferry sinks", "The old ferry Marisol sank in the harbour with forty cars.",
                    day="2022-06-01")
    unrelated = article("unrelated", "Harbour festival", "The harbour festival opens with music and food stalls.",
                        day="2022-06-10")
    _ingestor(store).ingest([story, unrelated])
    searcher = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)
    this_week = SearchFilters(as_of=date(2022, 6, 11))
    query = "Which ferry sank in the harbour this week?"
    searcher.ranking = Ranking(date_prior_top=0)  # every article gains from its date
    assert _ids(searcher, query, this_week) == ["unrelated", "story"]
    searcher.ranking = Ranking(date_prior_top=1)  # only the best match may
    assert _ids(searcher, query, this_week) == ["story", "unrelated"]


def test_recency_shape() -> None:
    days = day_numbers(np.array([20220617, 20210617, 20230617, 0]))
    found = recency(days, day_number(date(2022, 6, 17)), half_life=365.0)
    assert found[0] == 1.0
    assert found[1] == pytest.approx(0.5)
    assert found[2] == pytest.approx(0.5, abs=0.01)
    assert found[3] == 0.0


def test_wire_copies_are_marked_at_ingest_and_collapsed(store: ArticleStore, searcher: Searcher) -> None:
    entries = {e.article_id: e for e in store.all_entries()}
    assert entries["rates-b"].duplicate_of == "rates-a"
    assert entries["rates-a"].duplicate_of == ""
    ids = _ids(searcher, "central bank raised interest rates")
    assert ids.count("rates-a") + ids.count("rates-b") == 1
    passages = searcher.search("central bank raised interest rates", k=4)
    top = passages[0]
    assert top.article_id in ("rates-a", "rates-b")
    assert top.also_in == (("USA Today",) if top.article_id == "rates-a" else ("CNN",))
    # Filtering to the copy's outlet still finds the copy.
    assert _ids(searcher, "interest rates", SearchFilters(sources=("USA Today",)))[0] == "rates-b"


def test_a_copy_from_the_same_outlet_is_not_another_outlet(store: ArticleStore, searcher: Searcher) -> None:
    # A republished update of a USA Today story: a copy, but no other outlet carried it.
    _ingestor(store).ingest([article("rates-c", "Fed lifts rates (update)", WIRE, source="USA Today",
                                     day="2022-06-16")])
    searcher.refresh()
    assert {e.article_id: e.duplicate_of for e in store.all_entries()}["rates-c"] == "rates-a"
    found = {p.article_id: p.also_in for p in searcher.search("central bank raised interest rates", k=4)}
    stories = {"rates-a": ("USA Today",), "rates-b": ("CNN",), "rates-c": ("CNN",)}
    ((cited, also_in),) = ((a, o) for a, o in found.items() if a in stories)  # one copy of the story is cited
    assert also_in == stories[cited]


def test_index_follows_ingest_and_remove_without_a_rebuild(store: ArticleStore, searcher: Searcher) -> None:
    searcher.index()
    _ingestor(store).ingest([article("volcano", "Volcano erupts", "The volcano Hunga Tonga erupted, ash fell.")])
    searcher.refresh()
    assert _ids(searcher, "Hunga Tonga volcano")[0] == "volcano"
    assert store.remove("volcano") > 0
    searcher.refresh()
    assert "volcano" not in _ids(searcher, "Hunga Tonga volcano")
    assert len(searcher.index()) == store.chunk_count()


def test_a_refresh_leaves_the_index_a_search_holds_as_it_was(store: ArticleStore, searcher: Searcher) -> None:
    held = searcher.index()
    rows, articles = len(held), set(held.article_ids.tolist())
    _ingestor(store).ingest([article("volcano", "Volcano erupts", "The volcano Hunga Tonga erupted, ash fell.")])
    assert store.remove("ferry") > 0
    searcher.refresh()
    assert (len(held), set(held.article_ids.tolist())) == (rows, articles)
    assert "volcano" not in held.keyword.vocab
    assert {"volcano"} <= set(searcher.index().article_ids.tolist()) and "ferry" not in searcher.index().article_ids


def test_updated_article_replaces_its_rows(store: ArticleStore, searcher: Searcher) -> None:
    searcher.index()
    _ingestor(store).ingest([article("ferry", "Harbour ferry sinks", "The new ferry Aurora docked safely at dawn.")])
    searcher.refresh()
    passages = searcher.search("ferry Aurora docked", k=2)
    assert passages[0].article_id == "ferry" and "Aurora" in passages[0].text
    assert "Marisol" not in " ".join(p.text for p in searcher.search("ferry Marisol sank", k=6))


def test_cache_is_reused_and_follows_changes_made_by_another_process(
    store: ArticleStore, searcher: Searcher, tmp_path: Path
) -> None:
    searcher.index()
    path = cache_path(tmp_path, store)
    assert path.exists()
    loaded = load(path)
    assert loaded is not None and len(loaded) == store.chunk_count()
    # Another process adds an article; a new searcher loads the cache and fetches only that article.
    _ingestor(store).ingest([article("volcano", "Volcano erupts", "The volcano Hunga Tonga erupted, ash fell.")])
    fetched: list[Any] = []
    import index.mirror as mirror

    real_fetch = mirror._fetch

    def spy(store: ArticleStore, ids: list[str] | None):  # type: ignore[no-untyped-def]
        fetched.append(ids)
        return real_fetch(store, ids)

    try:
        mirror._fetch = spy  # type: ignore[assignment]
        again = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)
        assert _ids(again, "Hunga Tonga volcano")[0] == "volcano"
    finally:
        mirror._fetch = real_fetch  # type: ignore[assignment]
    assert fetched == [["volcano"]]


def test_damaged_cache_is_rebuilt(store: ArticleStore, searcher: Searcher, tmp_path: Path) -> None:
    searcher.index()
    cache_path(tmp_path, store).write_bytes(b"not a cache")
    again = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)
    assert _ids(again, "Which ferry sank in the harbour?")[0] == "ferry"


def test_empty_store_finds_nothing(store: ArticleStore, tmp_path: Path) -> None:
    searcher = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)
    assert searcher.search("anything") == []


class _NoReads:
    """A chunk collection that answers everything but `get`: searching must not read chunks from the store."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection

    def get(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("search read chunks from the store")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)


def test_a_saved_mirror_answers_without_reading_the_store(store: ArticleStore, tmp_path: Path) -> None:
    _ingestor(store).ingest([*ARTICLES, article("cafe", "Café reopens in Zürich", "The café «Grüner Baum» reopened.")])
    expected = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path).search("café Zürich reopened", k=3)
    # A new process loads the saved mirror; the store is asked what changed, never for passage text.
    store.chunks = _NoReads(store.chunks)
    passages = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path).search("café Zürich reopened", k=3)
    assert passages == expected
    top = passages[0]
    assert top.article_id == "cafe" and "«Grüner Baum»" in top.text
    assert (top.title, top.source, top.published_at) == ("Café reopens in Zürich", "CNN", "2022-06-10")
    assert top.url == "https://example.com/cafe" and top.end > top.start


def test_second_stage_prefers_the_article_that_says_it_in_one_sentence(store: ArticleStore, tmp_path: Path) -> None:
    scattered = ("The mayor spoke at length. A bridge was mentioned. Something opened downtown. New plans came. "
                 "The mayor left. The bridge stayed closed. Shops opened late. New faces arrived. ")
    together = "Officials gathered by the river. The mayor opened the new bridge on Friday. Crowds cheered. "
    _ingestor(store).ingest([article("scattered", "City notes", scattered), article("together", "River day", together)])
    searcher = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)
    query = "mayor opened new bridge"
    first_stage_only = Ranking(sentence_weight=0.0)
    assert [a.article_id for a in searcher.rank_articles(query, n=2, mode=None)][0] == "together"
    searcher.ranking = first_stage_only
    assert [a.article_id for a in searcher.rank_articles(query, n=2)][0] == "scattered"


def test_second_stage_does_not_take_a_quiz_for_an_answer(store: ArticleStore, tmp_path: Path) -> None:
    quiz = ("Quiz time. Which retailer switched off the air conditioning in its stores to save money? "
            "A. Ikea B. Bed Bath and Beyond C. Petco. Answers tomorrow.")
    report = ("Analysts say Bed Bath and Beyond switched off air conditioning to cut costs as sales slumped. "
              "The company denied any change of policy in its stores.")
    _ingestor(store).ingest([article("quiz", "Retail quiz", quiz), article("report", "Retail news", report)])
    searcher = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)
    query = "Which retailer switched off the air conditioning in its stores to save money?"
    searcher.ranking = Ranking(sentence_weight=0.0)
    assert _ids(searcher, query)[0] == "quiz"  # the quiz repeats the question word for word
    searcher.ranking = Ranking()
    assert _ids(searcher, query)[0] == "report"


def test_a_roundup_ranks_below_the_story_it_summarises(store: ArticleStore, tmp_path: Path) -> None:
    # The briefing's paragraph uses the question's own words; the report tells the story in its own.
    roundup = ("The Marisol ferry sank in the harbour on Tuesday with forty cars aboard. Elsewhere, the chess "
               "champion resigned. Markets slid as rates rose. A heat wave hit the coast.")
    report = "The old harbour boat went down at noon with forty cars on board; every passenger was rescued."
    _ingestor(store).ingest([article("roundup", "5 things to know for June 10: Ferry, Chess, Markets", roundup),
                             article("report", "Marisol goes down in the harbour", report)])
    searcher = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)
    query = "Which ferry sank in the harbour on Tuesday?"
    searcher.ranking = Ranking(roundup_weight=0.0)
    assert _ids(searcher, query) == ["roundup", "report"]
    searcher.ranking = Ranking()
    assert _ids(searcher, query) == ["report", "roundup"]  # still found, only lower
    # Asked for the briefing itself, the briefing is not held back.
    assert _ids(searcher, "What were the things to know about the ferry that sank on Tuesday?")[0] == "roundup"


def test_best_sentence_share_weighs_terms_by_idf() -> None:
    sentences = statement_terms("The old ferry Marisol sank in the harbour. Were the Marisol cars lost? Nobody knows.")
    assert best_sentence_share(sentences, {"ferri": 2.0, "marisol": 1.0}) == 1.0
    assert best_sentence_share(sentences, {"ferri": 2.0, "volcano": 2.0}) == 0.5
    assert best_sentence_share(sentences, {"marisol": 1.0, "car": 1.0}) == 0.5  # the question does not count
    assert best_sentence_share(sentences, {}) == 0.0


def test_a_question_about_a_time_and_no_topic_gets_each_articles_lead(store: ArticleStore, tmp_path: Path) -> None:
    long_story = article("long", "Harbour news", "The harbour master retired after forty years of service. "
                         + "Boats, cranes and news crews filled the quay for the farewell on the water. " * 12)
    _ingestor(store).ingest([long_story, article("short", "Chess news", "The chess club elected a new captain.")])
    searcher = Searcher(store, HashedTermsEmbedding(), cache_dir=tmp_path)
    assert len([r for r in range(len(searcher.index())) if searcher.index().article_ids[r] == "long"]) > 2
    passages = searcher.search("What was in the news on June 10, 2022?", SearchFilters(as_of=date(2022, 6, 11)))
    assert {p.article_id for p in passages} == {"long", "short"}
    assert all(p.start == 0 for p in passages) and len(passages) == 2  # one passage each: the lead
    # A question with a topic gets the chunks that match it.
    topical = searcher.search("Which news crews filled the quay for the farewell?")
    assert any(p.start > 0 for p in topical if p.article_id == "long")

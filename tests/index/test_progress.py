"""Progress of a long ingest off a terminal: a line every few seconds with articles, chunks, rate and time left."""

from __future__ import annotations

import io

from index.progress import LogProgress, make_progress


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_line_every_interval_with_articles_chunks_rate_and_time_left() -> None:
    out, clock = io.StringIO(), _Clock()
    progress = LogProgress(total=400, stream=out, interval=5, clock=clock)
    clock.now += 2
    progress.update(32, 300)  # too soon for a line
    clock.now += 3
    progress.update(68, 1000)  # 5 s in: 100 of 400 articles
    clock.now += 1
    progress.update(32, 1300)
    lines = out.getvalue().splitlines()
    assert lines == [
        "newsbot ingest: ingesting 400 articles; progress every 5 s",
        "newsbot ingest: 100 of 400 articles (25%), 1,000 chunks, 200.0 chunks/s, 5 s elapsed, about 15 s left",
    ]


def test_without_a_total_it_still_says_how_far_and_how_fast() -> None:
    out, clock = io.StringIO(), _Clock()
    progress = LogProgress(total=None, stream=out, interval=5, clock=clock)
    clock.now += 200
    progress.update(10, 50)
    assert out.getvalue().splitlines()[-1] == "newsbot ingest: 10 articles, 50 chunks, 0.2 chunks/s, 3 min 20 s elapsed"


def test_off_a_terminal_progress_is_logged_not_drawn() -> None:
    assert isinstance(make_progress(10, io.StringIO()), LogProgress)

"""Progress of a long ingest: a live bar on a terminal, a log line every few seconds anywhere else.

Off a terminal (cron, a service, a pipe) a bar would print nothing useful, or one carriage-returned line; a plain
line now and then tells whoever reads the log that the run is alive and how long it has left.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, Protocol, TextIO

# Seconds between two progress lines off a terminal.
INTERVAL = 5.0


class Progress(Protocol):
    def update(self, articles: int, chunks: int) -> None:
        """Count `articles` more articles read; `chunks` is the run's total of chunks added so far."""

    def close(self) -> None:
        """End the display."""


def make_progress(total: int | None, stream: TextIO | None = None) -> Progress:
    """A bar when `stream` (stderr by default) is a terminal, else log lines every INTERVAL seconds."""
    stream = stream or sys.stderr
    if stream.isatty():
        return _Bar(total, stream)
    return LogProgress(total, stream)


class _Bar:
    def __init__(self, total: int | None, stream: TextIO) -> None:
        from tqdm import tqdm

        self._bar: Any = tqdm(total=total, unit="article", desc="Ingesting", dynamic_ncols=True, file=stream)
        self._started = time.perf_counter()

    def update(self, articles: int, chunks: int) -> None:
        self._bar.update(articles)
        elapsed = max(time.perf_counter() - self._started, 1e-9)
        self._bar.set_postfix(chunks=chunks, rate=f"{chunks / elapsed:.0f} chunks/s")

    def close(self) -> None:
        self._bar.close()


class LogProgress:
    """One line every `interval` seconds: articles done (of how many), chunks, chunk rate, time left."""

    def __init__(
        self,
        total: int | None,
        stream: TextIO,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.stream = stream
        self.interval = INTERVAL if interval is None else interval
        self.clock = clock
        self.started = self.last = clock()
        self.articles = 0
        self.chunks = 0
        what = f"{total:,} article{'' if total == 1 else 's'}" if total else "articles"
        self._write(f"ingesting {what}; progress every {self.interval:g} s")

    def update(self, articles: int, chunks: int) -> None:
        self.articles += articles
        self.chunks = chunks
        now = self.clock()
        if now - self.last >= self.interval:
            self.last = now
            self._write(self.line(now - self.started))

    def line(self, elapsed: float) -> str:
        """E.g. "320 of 3,697 articles (9%), 3,800 chunks, 21.3 chunks/s, 2 min 40 s elapsed, about 28 min left"."""
        done = f"{self.articles:,} of {self.total:,} articles ({self.articles / self.total:.0%})" if self.total else (
            f"{self.articles:,} articles"
        )
        parts = [done, f"{self.chunks:,} chunks", f"{self.chunks / max(elapsed, 1e-9):.1f} chunks/s",
                 f"{_duration(elapsed)} elapsed"]
        if self.total and self.articles:
            left = max(self.total - self.articles, 0) * elapsed / self.articles
            parts.append(f"about {_duration(left)} left")
        return ", ".join(parts)

    def close(self) -> None:
        """Nothing to end: the run's report follows."""

    def _write(self, text: str) -> None:
        print(f"newsbot ingest: {text}", file=self.stream, flush=True)


def _duration(seconds: float) -> str:
    """"45 s", "2 min 40 s", "1 h 05 min"."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"

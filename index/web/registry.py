"""The followed feeds, kept in feeds.json in the data folder: each feed's URL, title, validators and seen entries.

The file is rewritten whole through a temporary file and a rename, so a crash never leaves half of it; a file
that cannot be read is an error that names it, never silently an empty list.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from index.errors import ConfigError

__all__ = ["FEEDS_FILE", "FeedRegistry", "FollowedFeed"]

FEEDS_FILE = "feeds.json"
# Entry keys remembered per feed: far more than any feed lists at once, so an entry that drops out of the feed and
# comes back is still known, while the file stays small.
MAX_SEEN = 5000


@dataclass
class FollowedFeed:
    url: str
    title: str = ""
    etag: str = ""
    last_modified: str = ""
    added_at: str = ""
    refreshed_at: str = ""
    seen: list[str] = field(default_factory=list)

    def remember(self, keys: list[str]) -> None:
        known = set(self.seen)
        self.seen.extend(k for k in keys if k not in known)
        del self.seen[:-MAX_SEEN]


class FeedRegistry:
    """Load, change and save the followed feeds; one instance per process, safe across threads."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FEEDS_FILE
        self._lock = threading.RLock()

    def load(self) -> list[FollowedFeed]:
        with self._lock:
            if not self.path.exists():
                return []
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                return [FollowedFeed(**item) for item in data["feeds"]]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ConfigError(f"The list of followed feeds ({self.path}) cannot be read: {exc}") from None

    def save(self, feeds: list[FollowedFeed]) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".json.tmp")
            temporary.write_text(
                json.dumps({"feeds": [asdict(f) for f in feeds]}, indent=1, ensure_ascii=False), encoding="utf-8"
            )
            os.replace(temporary, self.path)

    def get(self, url: str) -> FollowedFeed | None:
        return next((f for f in self.load() if f.url == url), None)

    def add(self, url: str, title: str = "") -> bool:
        """Follow a feed; False when it was followed already."""
        with self._lock:
            feeds = self.load()
            if any(f.url == url for f in feeds):
                return False
            feeds.append(FollowedFeed(url=url, title=title, added_at=now()))
            self.save(feeds)
            return True

    def remove(self, url_or_number: str) -> FollowedFeed | None:
        """Stop following a feed given by URL or by its number in `newsbot feeds list`; the feed removed, or None."""
        with self._lock:
            feeds = self.load()
            index = next((i for i, f in enumerate(feeds) if f.url == url_or_number), None)
            if index is None and url_or_number.isdigit() and 1 <= int(url_or_number) <= len(feeds):
                index = int(url_or_number) - 1
            if index is None:
                return None
            removed = feeds.pop(index)
            self.save(feeds)
            return removed

    def update(self, feed: FollowedFeed) -> None:
        """Save one feed's new state (validators, seen entries), leaving the others as they are on disk."""
        with self._lock:
            feeds = self.load()
            for i, known in enumerate(feeds):
                if known.url == feed.url:
                    feeds[i] = feed
                    self.save(feeds)
                    return


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

"""Web page extraction: pages per second, and what trafilatura keeps and drops against newsbot's own HTML cleaner.

Runs on the test pages in tests/index/web/pages (written to look like real news pages: navigation, ads, related
links, cookie banners, newsletter promos, author boxes, JSON-LD). For each page, the story's sentences and the
page's furniture are listed below by hand; recall is the share of story sentences an extractor keeps, furniture
the number of furniture snippets it leaves in.

    .venv/bin/python bench/web_extract.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test pages and their story

from index.cleaning import clean_text
from index.html_article import html_to_article
from index.web.extract import extract_article
from tests.index.web.site import PAGES
from tests.index.web.site import STORY_SENTENCES as BRIDGE_STORY

GOLD: dict[str, tuple[list[str], list[str]]] = {
    "article.html": (
        BRIDGE_STORY,
        ["We use cookies", "Accept all", "Politics", "Advertisement", "Share on Facebook", "Sign up for our free",
         "New tram line approved", "Port workers vote", "Most read", "leaf blowers", "All rights reserved",
         "About time! I have been taking", "Bridge repair costs climb", "Search the Herald", "Photo: Marco Diaz",
         "Transport Correspondent"],
    ),
    "amp.html": (
        BRIDGE_STORY,
        ["We use cookies", "Advertisement", "View the full site", "By Priya Raman", "Sport"],
    ),
    "wire.html": (
        ["Wheat futures rose to their highest price in five years", "closed at $8.42 a bushel",
         "worst yields since 2011", "pass higher costs on to customers", "lasted fourteen months",
         "export demand from North Africa and Asia"],
        ["Log in", "BREAKING: Storms", "Read more: Corn outlook", "Wheat limit up again", "Sign up now",
         "Share this story", "covers agriculture and commodity markets", "Cattle ranchers sell herds",
         "Sponsored", "Markets at a glance", "Advertisement", "All rights reserved", "Podcasts"],
    ),
}  # fmt: skip


def trafilatura_text(html: str) -> str:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url="http://127.0.0.1/", with_metadata=True, include_comments=False, include_tables=False,
        favor_precision=True,
    )  # fmt: skip
    return getattr(doc, "text", None) or ""


def newsbot_text(html: str) -> str:
    article = extract_article(html, "http://127.0.0.1/")
    return getattr(article, "body", "")


def score(text: str, story: list[str], furniture: list[str]) -> tuple[int, list[str]]:
    return sum(s in text for s in story), [f for f in furniture if f in text]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="extractions of each page for the rate")
    args = parser.parse_args()
    pages = {name: (PAGES / name).read_text(encoding="utf-8") for name in GOLD}
    extractors = {
        "trafilatura": trafilatura_text,
        "old cleaner": lambda html: clean_text(html_to_article(html).text),
        "newsbot (trafilatura + cleaner's rules)": newsbot_text,
    }
    print("| page | extractor | story sentences kept | furniture left in | which |")
    print("| --- | --- | --- | --- | --- |")
    for name, html in pages.items():
        story, furniture = GOLD[name]
        for label, extract in extractors.items():
            kept, left = score(extract(html), story, furniture)
            which = "; ".join(f"“{f}”" for f in left)
            print(f"| {name} | {label} | {kept}/{len(story)} | {len(left)}/{len(furniture)} | {which} |")
    print()
    print("| extractor | pages/s |")
    print("| --- | --- |")
    for label, extract in extractors.items():
        started = time.perf_counter()
        for _ in range(args.rounds):
            for html in pages.values():
                extract(html)
        elapsed = time.perf_counter() - started
        print(f"| {label} | {args.rounds * len(pages) / elapsed:.0f} |")


if __name__ == "__main__":
    main()

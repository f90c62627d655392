"""Articles from the web: fetch pages and feeds politely and safely, extract their stories, follow feeds.

    fetch     one shared HTTP client with newsbot's manners and its address guard (FetchError)
    extract   a page's story and metadata with trafilatura; newsbot's own cleaner as the fallback
    feeds     RSS 2.0 and Atom (feedparser) and JSON Feed, parsed from fetched bytes (FeedError)
    sources   pages and feeds as a stream of Article | Problem for the ingester
    registry  the followed feeds, in feeds.json in the data folder
"""

__all__ = ["is_url"]


def is_url(text: str) -> bool:
    """Say whether a command-line argument is a web address rather than a file path."""
    return text.lower().startswith(("http://", "https://"))

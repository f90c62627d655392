"""Read a web page: its article's text (page furniture out, via index.cleaning) and what it says about the article
(title, outlet, date, author, canonical URL)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from index.cleaning import clean_text
from index.dates import normalize_date

__all__ = ["HtmlArticle", "html_to_article"]


@dataclass(frozen=True)
class HtmlArticle:
    """What a web page says about its article; empty strings where the page does not say."""

    title: str
    text: str
    source: str = ""
    published_at: str = ""
    author: str = ""
    url: str = ""


_DROP_TAGS = [
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "figure",
    "figcaption", "iframe", "svg", "canvas", "button", "select", "input", "textarea", "video", "audio",
    "picture", "img", "object", "embed", "dialog",
]  # fmt: skip
# Words in class/id names that mark non-article blocks ("ad-slot", "share-bar", "newsletter-signup", …).
_JUNK_WORDS = {
    "ad", "ads", "advert", "advertisement", "adslot", "banner", "share", "sharing", "social", "newsletter",
    "related", "comment", "comments", "promo", "sponsored", "sponsor", "subscribe", "subscription", "signup",
    "paywall", "outbrain", "taboola", "recirc", "recirculation", "popup", "modal", "cookie", "consent",
    "breadcrumb", "breadcrumbs", "trending", "toolbar", "caption", "disqus",
}  # fmt: skip
_BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td"}
_CONTAINERS = ["[itemprop=articleBody]", "article", "main", "[role=main]"]


def html_to_article(html: str) -> HtmlArticle:
    """Extract the article text and its metadata (title, outlet, date, author, URL) from a web page."""
    tree = LexborHTMLParser(html)
    ld = _json_ld(tree)
    source = _meta(tree, "og:site_name", "application-name", "publisher") or _ld_name(ld.get("publisher"))
    title = (
        _meta(tree, "og:title", "twitter:title")
        or str(ld.get("headline") or "")
        or _text(tree.css_first("h1"))
        or _strip_site(_text(tree.css_first("title")), source)
    )
    published = (
        _meta(tree, "article:published_time", "datePublished", "pubdate", "publishdate", "date", "dc.date")
        or str(ld.get("datePublished") or "")
        or _attr(tree.css_first("[itemprop=datePublished]"), "content", "datetime")
        or _attr(tree.css_first("article time[datetime]") or tree.css_first("time[datetime]"), "datetime")
    )
    author = (
        _meta(tree, "author", "article:author", "byl")
        or _ld_name(ld.get("author"))
        or _text(tree.css_first("[rel=author]") or tree.css_first("[itemprop=author]"))
    )
    author = re.sub(r"^by\s+", "", author, flags=re.IGNORECASE)
    if author.startswith("http"):  # article:author is often a profile URL
        author = ""
    url = _attr(tree.css_first("link[rel=canonical]"), "href") or _meta(tree, "og:url") or _ld_url(ld)
    return HtmlArticle(
        title=_squash(title),
        text=clean_text(_main_text(tree)),
        source=_squash(source),
        published_at=normalize_date(published),
        author=_squash(author),
        url=url.strip(),
    )


def _squash(text: str) -> str:
    """Collapse runs of whitespace to single spaces."""
    return " ".join(text.split())


def _text(node: LexborNode | None) -> str:
    """Return a node's visible text on one line, or ""."""
    return _squash(node.text(separator=" ")) if node is not None else ""


def _attr(node: LexborNode | None, *names: str) -> str:
    """Return the first non-empty attribute of `names` on a node, or ""."""
    if node is None:
        return ""
    for name in names:
        if value := (node.attributes.get(name) or "").strip():
            return value
    return ""


def _meta(tree: LexborHTMLParser, *keys: str) -> str:
    """Return the content of the first <meta property|name|itemprop=key> present, keys in order of trust."""
    wanted = {key.lower(): rank for rank, key in enumerate(keys)}
    best: tuple[int, str] | None = None
    for node in tree.css("meta"):
        attrs = node.attributes
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
        content = (attrs.get("content") or "").strip()
        if key in wanted and content and (best is None or wanted[key] < best[0]):
            best = (wanted[key], content)
    return best[1] if best else ""


def _strip_site(title: str, site: str) -> str:
    """Drop a trailing " | Outlet" or " - Outlet" from a <title>."""
    if site:
        for sep in (" | ", " - ", " – ", " — "):
            if title.endswith(sep + site):
                return title[: -len(sep + site)]
    return title


def _json_ld(tree: LexborHTMLParser) -> dict[str, Any]:
    """Return the page's JSON-LD article object (NewsArticle, Article, …), or {}."""
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text() or "")
        except ValueError:
            continue  # broken JSON-LD is common; the page's other metadata may still be fine
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(isinstance(k, str) and k.endswith("Article") for k in kinds):
                    return item
                stack.extend(reversed(item.get("@graph", [])))
    return {}


def _ld_name(value: Any) -> str:
    """Return the name(s) of a JSON-LD person or organisation (string, object or list)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("name") or "")
    if isinstance(value, list):
        return ", ".join(name for name in (_ld_name(v) for v in value) if name)
    return ""


def _ld_url(ld: dict[str, Any]) -> str:
    """Return the article URL from JSON-LD, or ""."""
    entity = ld.get("mainEntityOfPage")
    url = ld.get("url") or (entity.get("@id") if isinstance(entity, dict) else entity)
    return url if isinstance(url, str) else ""


def _is_junk(node: LexborNode) -> bool:
    """Say whether a node's class or id names it as an ad, share bar, newsletter box, comments, …."""
    names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".lower()
    return any(word in _JUNK_WORDS for word in re.split(r"[\s_-]+", names))


def _paragraph_chars(node: LexborNode) -> int:
    """Count the characters of paragraph text under a node."""
    return sum(len(p.text()) for p in node.css("p"))


def _main_text(tree: LexborHTMLParser) -> str:
    """Return the main article text, paragraphs separated by blank lines."""
    tree.strip_tags(_DROP_TAGS)
    root = tree.body or tree.root
    if root is None:
        return ""
    total = _paragraph_chars(root)
    for node in root.css("[class], [id]"):
        # Never remove a block holding most of the text: a wrapper named "article comments-on" is the article.
        if (
            node.tag not in ("html", "body", "article", "main")
            and _is_junk(node)
            and (_paragraph_chars(node) * 2 < total or total == 0)
        ):
            node.decompose()
    for br in root.css("br"):
        br.replace_with("\n")
    container = _pick_container(root)
    blocks = [_squash(node.text(separator="")) for node in _blocks(container)]
    if not any(blocks):
        return container.text(separator="\n")
    return "\n\n".join(block for block in blocks if block)


def _pick_container(root: LexborNode) -> LexborNode:
    """Choose the element holding the article: marked-up body, <article>, <main>, else the densest parent."""
    for selector in _CONTAINERS:
        candidates = [node for node in root.css(selector) if _paragraph_chars(node)]
        if candidates:
            return max(candidates, key=_paragraph_chars)
    scores: dict[int, tuple[int, LexborNode]] = {}
    for p in root.css("p"):
        parent = p.parent
        if parent is not None:
            count, _ = scores.get(parent.mem_id, (0, parent))
            scores[parent.mem_id] = (count + len(p.text()), parent)
    if not scores:
        return root
    return max(scores.values(), key=lambda pair: pair[0])[1]


def _blocks(container: LexborNode) -> list[LexborNode]:
    """Return the outermost paragraph-like elements in document order (a <p> inside an <li> counts once)."""
    out = []
    for node in container.traverse(include_text=False):
        if node.tag not in _BLOCK_TAGS:
            continue
        parent = node.parent
        nested = False
        while parent is not None and parent.mem_id != container.mem_id:
            if parent.tag in _BLOCK_TAGS:
                nested = True
                break
            parent = parent.parent
        if not nested:
            out.append(node)
    return out

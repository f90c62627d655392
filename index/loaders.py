"""Read article files (.txt, .md, .html, .json, .jsonl) from files and folders into `Article`s.

Bad inputs never stop a load: each one is yielded as a `Problem` whose reason the user can act on, and loading
goes on with the next file (or the next line of a JSON Lines file). Only a path that does not exist stops
everything, with an `IngestError`, before anything is read.

Article ids are stable across runs:
- the record's own `id` field, as a string, when it has one (e.g. "rtqa-0008c542666f52bd");
- else "url:" + the first 16 hex digits of the SHA-1 of its URL, so the same story saved twice is one article;
- else "file:" + 16 hex digits of the SHA-1 of the file's resolved absolute path, plus "#<line>" for a JSON
  Lines record or "#<index>" for an item of a JSON list (moving a file without a URL gives it a new id).

A file or record larger than the size limit (`max_bytes`, NEWSBOT_MAX_ARTICLE_MB) is one Problem, refused before
its text is read: no article is that long, and embedding a book-sized dump would take the run's time and memory.
A JSON Lines or JSON list file may be any size; the limit applies to each of its articles.

Folders are walked recursively in sorted order. Hidden files and folders (".git", ".DS_Store") are skipped,
and so are documentation files: README.*, LICENSE.*, LICENCE.*, CHANGELOG.* (a seed folder documents itself
with a README.md that is not an article). Named explicitly, such a file is read as an article. Files of other
types inside a folder are skipped silently but counted in the `LoadStats` the caller passes in.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.cleaning import clean_text
from index.dates import normalize_date
from index.errors import IngestError
from index.html_article import html_to_article
from index.sentences import is_editors_note, leading_dateline, split_sentences
from index.types import Article, Problem

__all__ = ["SUPPORTED_SUFFIXES", "LoadStats", "check_paths", "iter_articles"]

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES
_DOC_STEMS = frozenset({"readme", "license", "licence", "changelog"})
_SNIFF_BYTES = 8192
_LONG_TITLE = 200  # a first line longer than this is a paragraph, not a headline
_TITLE_CHARS = 100


@dataclass
class LoadStats:
    """What a load skipped without complaint; pass one to `iter_articles` to get the counts."""

    files: int = 0
    docs_skipped: int = 0
    unsupported: Counter[str] = field(default_factory=Counter)

    @property
    def unsupported_skipped(self) -> int:
        """Count the files of unsupported types skipped inside folders."""
        return sum(self.unsupported.values())

    def note(self) -> str:
        """Say e.g. "3 files of unsupported types skipped (.pdf)", or "" when nothing was skipped."""
        count = self.unsupported_skipped
        if not count:
            return ""
        kinds = ", ".join(suffix for suffix, _ in self.unsupported.most_common())
        noun = "file" if count == 1 else "files"
        return f"{count} {noun} of unsupported types skipped ({kinds})"


def check_paths(paths: Sequence[Path | str], every: bool = True) -> None:
    """Raise IngestError naming the paths that do not exist, when any is missing (`every`) or when all are; run it
    before ingesting anything. A rebuild needs every path: it would drop the articles of a mistyped folder."""
    missing = [str(path) for path in paths if not Path(path).exists()]
    if missing and (every or len(missing) == len(paths)):
        raise IngestError("No such file or folder: " + ", ".join(missing))


def iter_articles(
    paths: Sequence[Path | str], stats: LoadStats | None = None, max_bytes: int | None = None
) -> Iterator[Article | Problem]:
    """Yield an Article for each article found in `paths` (files or folders), a Problem for each bad input.

    `max_bytes` caps one article (a text or HTML file, or one record of a JSON file); None: no cap."""
    check_paths(paths, every=False)
    stats = stats if stats is not None else LoadStats()
    for given in paths:
        path = Path(given)
        if not path.exists():
            # One mistyped path doesn't cost the others: it is reported beside the files that couldn't be read.
            yield Problem(str(path), "no such file or folder")
            continue
        if path.is_dir():
            for item in _walk(path, stats):
                if isinstance(item, Problem):
                    yield item
                    continue
                stats.files += 1
                yield from _load_file(item, max_bytes)
        else:
            stats.files += 1
            if _suffix(path) not in SUPPORTED_SUFFIXES:
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                found = _suffix(path) or "no extension"
                yield Problem(str(path), f"unsupported file type ({found}); newsbot reads {kinds}")
                continue
            yield from _load_file(path, max_bytes)


def _suffix(path: Path) -> str:
    """Return the lowercased extension, e.g. ".html"."""
    return path.suffix.lower()


def count_articles(paths: Sequence[Path | str]) -> int | None:
    """A quick estimate of how many articles `paths` hold, for progress: one a file, one a line of JSON Lines."""
    total = 0
    for given in paths:
        path = Path(given)
        files = (f for f in _walk(path, LoadStats()) if isinstance(f, Path)) if path.is_dir() else [path]
        for file in files:
            if _suffix(file) in JSONL_SUFFIXES:
                try:
                    with file.open("rb") as handle:
                        total += sum(1 for line in handle if line.strip())
                except OSError:
                    total += 1
            else:
                total += 1
    return total or None


def _walk(folder: Path, stats: LoadStats) -> Iterator[Path | Problem]:
    """Yield the supported files under a folder, sorted, skipping hidden entries and README/LICENSE files; a
    folder that cannot be listed is a Problem (its articles are missing from the run, so the run must say so)."""
    unreadable: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=unreadable.append):
        yield from _unreadable_folders(unreadable)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            file = Path(root) / name
            if file.name.split(".", 1)[0].lower() in _DOC_STEMS:
                stats.docs_skipped += 1
            elif _suffix(file) in SUPPORTED_SUFFIXES:
                yield file
            else:
                stats.unsupported[_suffix(file) or "no extension"] += 1
    yield from _unreadable_folders(unreadable)


def _unreadable_folders(errors: list[OSError]) -> Iterator[Problem]:
    """Problems for the folders os.walk could not list (and forget them)."""
    for error in errors:
        reason = error.strerror or str(error)
        yield Problem(str(error.filename), f"folder cannot be read ({reason}); none of its articles were ingested")
    errors.clear()


def size_text(size: int) -> str:
    """Say a size in bytes the way a person reads it: "20.0 MB", "512 KB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(size // 1000, 1)} KB"


def _too_large(size: int, max_bytes: int | None, what: str) -> str:
    """The reason an article of `size` bytes is refused, or "" when it is within the limit."""
    if max_bytes is None or size <= max_bytes:
        return ""
    return (
        f"{what} is {size_text(size)}, over the {size_text(max_bytes)} limit for one article "
        "(NEWSBOT_MAX_ARTICLE_MB); split it into one file per article, or raise the limit"
    )


def _load_file(path: Path, max_bytes: int | None = None) -> Iterator[Article | Problem]:
    """Load one supported file, turning any unreadable content into Problems."""
    where = str(path)
    suffix = _suffix(path)
    try:
        size = path.stat().st_size
        if size == 0:
            yield Problem(where, "empty file")
            return
        # JSON files hold many articles: their records are measured one by one instead.
        if suffix not in JSON_SUFFIXES | JSONL_SUFFIXES and (reason := _too_large(size, max_bytes, "the file")):
            yield Problem(where, reason)
            return
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        yield Problem(where, f"cannot be read ({exc.strerror or exc})")
        return
    if reason := _binary_reason(head):
        yield Problem(where, reason)
        return
    if suffix in JSONL_SUFFIXES:
        yield from _load_jsonl(path, max_bytes)
        return
    raw = path.read_bytes()
    text = _decode_html(raw) if suffix in HTML_SUFFIXES else _decode(raw)
    if text is None:
        yield Problem(where, _not_utf8(raw))
        return
    if not text.strip():
        yield Problem(where, "empty file")
        return
    if suffix in JSON_SUFFIXES:
        yield from _load_json(path, text, max_bytes)
    elif suffix in HTML_SUFFIXES:
        yield _from_html(path, text)
    else:
        yield _from_text(path, text, markdown=suffix != ".txt")


# --- bytes to text -----------------------------------------------------------------------------------------


def _binary_reason(head: bytes) -> str:
    """Return why the file's first bytes are not text we can read, or "" when they look like text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text; save the file as UTF-8 and try again"
    if b"\x00" in head:
        return "binary file, not text — skipped"
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\b\x1b")
    if head and controls / len(head) > 0.1:
        return "binary file, not text — skipped"
    return ""


def _decode(raw: bytes) -> str | None:
    """Decode UTF-8 (with or without a byte-order mark), or return None."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _decode_html(raw: bytes) -> str | None:
    """Decode a web page as UTF-8, else in the charset its <meta> declares."""
    text = _decode(raw)
    if text is not None:
        return text
    declared = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", raw[:4096], re.IGNORECASE)
    if declared:
        try:
            return raw.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            return None
    return None


def _not_utf8(raw: bytes, line: int | None = None) -> str:
    """Describe an undecodable file (or line) so the user can fix it."""
    try:
        raw.decode("utf-8")
        offset = 0
    except UnicodeDecodeError as exc:
        offset = exc.start
    byte = f"byte 0x{raw[offset]:02X}"
    if line is None:
        line_no = raw.count(b"\n", 0, offset) + 1
        where = f"{byte} on line {line_no}"
        prefix = ""
    else:
        where, prefix = byte, ""  # the Problem names the line
    return f"{prefix}not UTF-8 text ({where}); convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8"


# --- ids and titles ----------------------------------------------------------------------------------------


def _hash(text: str) -> str:
    """Return 16 hex digits of the SHA-1 of a string."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _article_id(path: Path, url: str = "", record_id: Any = None, anchor: str = "") -> str:
    """Return the stable article id: the record's id, else a hash of its URL, else of its file and anchor."""
    if record_id is not None and str(record_id).strip():
        return str(record_id).strip()
    if url.strip():
        return "url:" + _hash(url.strip().split("#", 1)[0])
    return "file:" + _hash(str(path.resolve()) + anchor)


def _drop_dateline(text: str) -> str:
    """Drop the paragraph that is nothing but a dateline, first or just after editor's notes: the outlet is
    metadata already, and the story starts after it. A dateline in front of the lead stays in the text (the writers
    leave it out of quotes) but not in a stand-in title."""
    paragraphs = text.split("\n\n")
    at = 0
    while at < len(paragraphs) - 1 and is_editors_note(paragraphs[at]):
        at += 1
    candidate = paragraphs[at].strip()
    if at < len(paragraphs) - 1 and candidate and leading_dateline(candidate, alone=True).strip() == candidate:
        return "\n\n".join(paragraphs[:at] + paragraphs[at + 1 :])
    return text


def _title_from_text(text: str) -> str:
    """Make a stand-in title from the opening sentence of the story, cut at a word to about 100 characters."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    lead = next((p for p in paragraphs if not is_editors_note(p)), paragraphs[0] if paragraphs else "")
    lead = lead[len(leading_dateline(lead)) :] or lead
    spans = split_sentences(lead)
    sentence = lead[spans[0][0] : spans[0][1]] if spans else lead
    if len(sentence) <= _TITLE_CHARS:
        return sentence
    return sentence[:_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _article(
    path: Path, title: str, body: str, meta: dict[str, str], anchor: str = "", record_id: Any = None
) -> Article | Problem:
    """Build a cleaned Article, or the Problem that it has no text."""
    text = clean_text(body)
    if not text:
        if body.strip():
            return Problem(str(path), "article has no text left after removing page furniture")
        return Problem(str(path), "article has no body")
    title = " ".join(title.split())
    # Scraped bodies often repeat the headline as their first paragraph.
    first, _, rest = text.partition("\n\n")
    if title and first.strip() == title and rest:
        text = rest
    text = _drop_dateline(text)
    title = title or _title_from_text(text)
    url = meta.get("url", "")
    return Article(
        id=_article_id(path, url, record_id, anchor),
        title=title,
        body=text,
        source=meta.get("source", ""),
        published_at=normalize_date(meta.get("published_at", "")),
        url=url,
        # Resolved, so the article is the same however its file was named ("a/../b.txt") and its citation points
        # to the file from any working folder. Problems keep the path as the user typed it.
        path=str(path.resolve()),
        author=meta.get("author", ""),
    )


# --- formats -----------------------------------------------------------------------------------------------

_HEADER_KEYS = {
    "title": "title", "headline": "title",
    "source": "source", "outlet": "source", "publisher": "source", "site": "source",
    "author": "author", "authors": "author", "by": "author", "byline": "author",
    "date": "published_at", "published": "published_at", "published_at": "published_at",
    "pubdate": "published_at", "url": "url", "link": "url", "canonical": "url",
}  # fmt: skip
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z _-]{0,29}):\s*(.*)$")


def _parse_header(text: str) -> tuple[dict[str, str], str] | None:
    """Split a leading `Key: value` block (or `---` front matter) from the body; None when there is none."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":  # Markdown front matter
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            return None
        block, body = lines[1:end], lines[end + 1 :]
    else:
        try:
            end = next(i for i, line in enumerate(lines) if not line.strip())
        except StopIteration:
            return None  # a header must be ended by a blank line
        block, body = lines[:end], lines[end + 1 :]
    meta: dict[str, str] = {}
    known = 0
    for line in block:
        match = _HEADER_LINE.match(line.strip())
        if not match:
            return None
        key = re.sub(r"[ -]+", "_", match.group(1).strip().lower())
        if key in _HEADER_KEYS:
            known += 1
            meta.setdefault(_HEADER_KEYS[key], match.group(2).strip().strip("\"'"))
    return (meta, "\n".join(body)) if known else None


# Every span below stops at the next opening mark of its kind ([^[\]\n], (?:(?!\*\*).)…), never at the end of the
# line: a line full of unclosed marks ("**a **a **a …") is then scanned once, not once per mark. The open-ended
# forms took seconds for 20 KB and hours for a megabyte (bench/large_file.py).
_MD_RULES = [
    (re.compile(r"^[ \t]*```.*$", re.MULTILINE), ""),  # code fences
    (re.compile(r"!\[[^[\]\n]*\]\([^()\n]*\)"), ""),  # images
    (re.compile(r"\[([^[\]\n]+)\]\([^()\n]*\)"), r"\1"),  # inline links keep their text
    (re.compile(r"\[([^[\]\n]+)\]\[[^[\]\n]*\]"), r"\1"),  # reference links
    (re.compile(r"^[ \t]*\[[^[\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE), ""),  # reference definitions
    (re.compile(r"<(https?://[^<>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?[A-Za-z][^<>\n]*>"), ""),  # inline HTML tags
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*)$", re.MULTILINE), lambda m: m.group(1).rstrip(" \t#")),  # headings
    (re.compile(r"^[ \t]{0,3}(?:=+|-{3,}|\*{3,}|_{3,})[ \t]*$", re.MULTILINE), ""),  # setext underlines, rules
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE), ""),  # blockquotes
    (re.compile(r"\*\*(?=\S)((?:(?!\*\*).)+?)(?<=\S)\*\*"), r"\1"),  # bold
    (re.compile(r"__(?=\S)((?:(?!__).)+?)(?<=\S)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # italics, not "5 * 3"
    (re.compile(r"(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"), r"\1"),  # italics, not snake_case
    (re.compile(r"~~((?:(?!~~).)+?)~~"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
    (re.compile(r"^([ \t]*)[*+][ \t]+", re.MULTILINE), r"\1- "),  # one bullet style
]


def _drop_comments(text: str) -> str:
    """Drop <!-- … --> comments (str.find: a regex would rescan the rest of the text from each unclosed one)."""
    kept: list[str] = []
    at = 0
    while (start := text.find("<!--", at)) >= 0 and (end := text.find("-->", start + 4)) >= 0:
        kept.append(text[at:start])
        at = end + 3
    kept.append(text[at:])
    return "".join(kept)


def _strip_markdown(text: str) -> str:
    """Drop Markdown markup that is not text, keeping link text and heading words."""
    text = _drop_comments(text)
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)  # type: ignore[call-overload]
    return text


def _from_text(path: Path, text: str, markdown: bool) -> Article | Problem:
    """Read a .txt or .md article: optional header block, else the first line is the title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parsed = _parse_header(text)
    if parsed:
        meta, body = parsed
        title = meta.get("title", "")
    else:
        meta, title, body = {}, "", text
        stripped = text.lstrip("\n")
        first, _, rest = stripped.partition("\n")
        # A first line that is a whole paragraph is reporting, not a headline: keep it in the body.
        if len(first.strip()) <= _LONG_TITLE:
            title, body = first.strip(), rest
            if markdown:
                title = _strip_markdown(title).strip()
    if markdown:
        body = _strip_markdown(body)
    return _article(path, title, body, meta)


def _from_html(path: Path, text: str) -> Article | Problem:
    """Read a saved web page."""
    page = html_to_article(text)
    title = page.title or path.stem.replace("-", " ").replace("_", " ")
    meta = {"source": page.source, "published_at": page.published_at, "author": page.author, "url": page.url}
    # html_to_article already cleaned the text; cleaning again is idempotent and keeps one code path.
    return _article(path, title, page.text, meta)


def _field(record: dict[str, Any], *names: str) -> str:
    """Return the first non-empty field of `names` as text (lists of names joined by commas)."""
    for name in names:
        value = record.get(name)
        if isinstance(value, list):
            value = ", ".join(str(v.get("name", "")) if isinstance(v, dict) else str(v) for v in value)
        elif isinstance(value, dict):
            value = value.get("name", "")
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _from_record(
    path: Path, record: Any, anchor: str, where: str, max_bytes: int | None = None
) -> Article | Problem:
    """Turn one JSON object into an Article; `where` prefixes reasons ("item 3: "; a line is the Problem's own)."""
    line = int(anchor[1:]) if where.startswith("line") else None
    if line is not None:
        where = ""  # the Problem names its line: "articles.jsonl:7: …"
    if not isinstance(record, dict):
        kind = type(record).__name__
        return Problem(str(path), f"{where}not an article (a JSON {kind}, expected an object)", line)
    body = _field(record, "body", "text", "content")
    if not body:
        return Problem(str(path), f"{where}article has no body", line)
    if reason := _too_large(len(body.encode("utf-8", "replace")), max_bytes, "its body"):
        return Problem(str(path), where + reason, line)
    if re.search(r"<(?:p|div|br|article)\b", body, re.IGNORECASE):
        body = html_to_article(body).text  # some exports store the page's HTML as the body
    meta = {
        "source": _field(record, "source", "outlet", "publisher"),
        "published_at": _field(record, "published_at", "date", "published"),
        "author": _field(record, "author", "authors", "byline"),
        "url": _field(record, "url", "link"),
    }
    title = _field(record, "title", "headline")
    result = _article(path, title, body, meta, anchor, record.get("id"))
    if isinstance(result, Problem):
        return Problem(result.path, where + result.reason, line)
    return result


def _json_error(exc: json.JSONDecodeError) -> str:
    """The parser's whole message with its column ("Expecting ',' delimiter: column 17"); the Problem names the line."""
    return f"not valid JSON ({exc.msg}: column {exc.colno})"


def _load_json(path: Path, text: str, max_bytes: int | None = None) -> Iterator[Article | Problem]:
    """Read a .json file holding one article object or a list of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(str(path), _json_error(exc), exc.lineno)
        return
    if isinstance(data, list):
        if not data:
            yield Problem(str(path), "empty list, no articles")
        for index, record in enumerate(data, start=1):
            yield _from_record(path, record, f"#{index}", f"item {index}: ", max_bytes)
    else:
        yield _from_record(path, data, "", "", max_bytes)


def _load_jsonl(path: Path, max_bytes: int | None = None) -> Iterator[Article | Problem]:
    """Read a JSON Lines file one line at a time, so a large file never sits in memory whole."""
    seen = False
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            seen = True
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield Problem(str(path), _not_utf8(raw, number), number)
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Problem(str(path), _json_error(exc), number)
                continue
            yield _from_record(path, record, f"#{number}", f"line {number}: ", max_bytes)
    if not seen:
        yield Problem(str(path), "empty file")

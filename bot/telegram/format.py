"""Turn answers into Telegram HTML messages: escaped, cited, and split to fit the 4,096-character limit.

Pure functions only, so every rule about markup can be tested without a bot.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot.types import Answer, Citation
from index.types import StoreStats

MAX_MESSAGE = 4096
ABSTAIN_TEXT = "I couldn't find that in the articles I know, so I'd rather not guess."
HELP_USAGE = (
    "Send me a question in a private chat, or in a group mention me, reply to one of my messages "
    "or use /ask QUESTION.\n\n"
    "/sources — the passages behind my last answer\n"
    "/reset — forget our conversation\n"
    "/help — this message"
)

# Tags, entities, then single characters: the units a message can be cut between.
_UNIT = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9-]+)")


def escape(text: str) -> str:
    """Text made inert for HTML parse mode: `<`, `>` and `&` become entities."""
    return html.escape(text, quote=False)


def link(title: str, url: str) -> str:
    """`title` as a link to `url` when the URL is web-safe, else plain escaped text."""
    if url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}">{escape(title)}</a>'
    return escape(title)


def source_line(citation: Citation) -> str:
    """One footer line: `[n] Title — Outlet, date`, the title linked when a URL is known."""
    meta = ", ".join(part for part in (citation.source, citation.published_at) if part)
    line = f"[{citation.n}] {link(citation.title or 'Untitled', citation.url)}"
    if meta:
        line += f" — {escape(meta)}"
    if citation.also_in:
        line += f" (also in {escape(', '.join(citation.also_in))})"
    return line


def format_answer(answer: Answer, limit: int = MAX_MESSAGE) -> list[str]:
    """The answer as HTML messages: text with [n] markers, an italic note if any, a compact sources footer."""
    if answer.abstained or not answer.text.strip():
        parts = [escape(answer.text.strip() or ABSTAIN_TEXT)]
    else:
        parts = [escape(answer.text.strip())]
    if answer.note:
        parts.append(f"<i>{escape(answer.note)}</i>")
    if answer.citations and not answer.abstained:
        footer = "\n".join(source_line(c) for c in answer.citations)
        parts.append(f"<b>Sources</b>\n{footer}")
    return split_html("\n\n".join(parts), limit)


def format_sources(answer: Answer | None, limit: int = MAX_MESSAGE) -> list[str]:
    """The /sources listing: each cited article with the passage quoted and its link."""
    if answer is None:
        return ["No sources yet — ask me a question first."]
    if not answer.citations:
        if answer.abstained:
            return ["My last answer has no sources: the articles don't cover that question."]
        return ["My last answer has no sources."]
    blocks = []
    for c in answer.citations:
        quote = c.quote or c.passage
        block = source_line(c)
        if quote:
            block += f"\n<blockquote>{escape(quote)}</blockquote>"
        if c.url and not c.url.startswith(("http://", "https://")):
            block += f"\n{escape(c.url)}"
        blocks.append(block)
    return split_html("\n\n".join(blocks), limit)


def format_stats(stats: StoreStats, top: int = 8) -> str:
    """The /help text: what the bot knows (articles, outlets, dates) and how to ask."""
    outlets = sorted(stats.outlets.items(), key=lambda item: (-item[1], item[0]))
    names = ", ".join(escape(name or "unknown") for name, _ in outlets[:top])
    if len(outlets) > top:
        names += f" and {len(outlets) - top} more"
    lines = [f"I answer questions about <b>{stats.articles}</b> news articles, with sources."]
    if outlets:
        lines.append(f"Outlets ({len(outlets)}): {names}.")
    if stats.first_date and stats.last_date:
        lines.append(f"Published {escape(stats.first_date)} to {escape(stats.last_date)}.")
    return "\n".join(lines) + "\n\n" + escape(HELP_USAGE)


def format_problems(summary: str, problems: Sequence[object], top: int = 10) -> list[str]:
    """An ingest report: the summary line and the first few problems, escaped."""
    lines = [escape(summary)]
    lines += [f"• {escape(str(p))}" for p in problems[:top]]
    if len(problems) > top:
        lines.append(f"… and {len(problems) - top} more problems.")
    return split_html("\n".join(lines))


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split HTML into messages of at most `limit` units, at paragraph, line, sentence or word boundaries.

    Never cuts inside a tag or an entity; tags open at a cut are closed and reopened in the next message.
    """
    if tg_len(text) <= limit:
        return [text]
    units = _UNIT.findall(text)
    stacks = _open_tags(units)
    chunks: list[str] = []
    start = 0
    while start < len(units):
        end = _best_cut(units, stacks, start, limit)
        reopen = "".join(stacks[start])
        close = "".join(_closing(tag) for tag in reversed(stacks[end]))
        chunk = (reopen + "".join(units[start:end]) + close).strip()
        if _visible(chunk):
            chunks.append(chunk)
        start = end
    return chunks


def _open_tags(units: list[str]) -> list[tuple[str, ...]]:
    """For each cut position 0..len(units), the opening tags still open there."""
    stacks: list[tuple[str, ...]] = [()]
    stack: list[str] = []
    for unit in units:
        if unit.startswith("<") and len(unit) > 1:
            if unit.startswith("</"):
                name = _name(unit)
                # Pop back to the matching opener; stray closers are left to the caller's markup.
                for i in range(len(stack) - 1, -1, -1):
                    if _name(stack[i]) == name:
                        del stack[i:]
                        break
            elif not unit.endswith("/>"):
                stack.append(unit)
        stacks.append(tuple(stack))
    return stacks


def _best_cut(units: list[str], stacks: list[tuple[str, ...]], start: int, limit: int) -> int:
    """The end of the next message: the best-ranked boundary in the second half of what fits."""
    budget = limit - tg_len("".join(stacks[start]))
    used = 0
    fits = start
    best: dict[int, int] = {}
    for i in range(start, len(units)):
        used += tg_len(units[i])
        end = i + 1
        closing = sum(tg_len(_closing(t)) for t in stacks[end])
        if used + closing > budget:
            break
        fits = end
        rank = _boundary_rank(units, end)
        if rank and used * 2 >= budget:
            best[rank] = end
    if fits == start:  # one unit longer than a message (a giant tag): emit it anyway rather than loop
        return start + 1
    if fits == len(units):
        return fits
    return best[max(best)] if best else fits


def _boundary_rank(units: list[str], end: int) -> int:
    """How good a cut after units[end-1] is: paragraph 4, line 3, sentence 2, word 1, else 0."""
    prev = units[end - 1]
    nxt = units[end] if end < len(units) else ""
    if prev == "\n":
        return 4 if end >= 2 and units[end - 2] == "\n" else 3
    if prev in (" ", "\t") and end >= 2:
        return 2 if units[end - 2] in (".", "!", "?", "…") else 1
    if prev.startswith("</") and nxt == "\n":
        return 1
    return 0


def _name(tag: str) -> str:
    match = _TAG_NAME.match(tag)
    return match.group(1).lower() if match else ""


def _closing(opening: str) -> str:
    return f"</{_name(opening)}>"


def _visible(chunk: str) -> bool:
    """Whether a chunk has any text once tags are removed (Telegram rejects empty messages)."""
    return bool(re.sub(r"<[^>]*>", "", chunk).strip())

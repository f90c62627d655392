"""Plain-text rendering of answers, sources, ingest reports and stats for the terminal."""

from __future__ import annotations

import re
import textwrap

from bot.types import Answer, Citation
from index.types import IngestReport, StoreStats


def source_line(citation: Citation) -> str:
    """`[n] title — outlet, date — url or path`."""
    meta = ", ".join(part for part in (citation.source, citation.published_at) if part)
    pieces = [f"[{citation.n}] {citation.title or '(untitled)'}"]
    if meta:
        pieces.append(meta)
    if citation.location:
        pieces.append(citation.location)
    line = " — ".join(pieces)
    if citation.also_in:
        line += f" (also carried by {', '.join(citation.also_in)})"
    return line


def render_answer(answer: Answer, width: int = 100, with_text: bool = True) -> str:
    """The answer (unless it was already shown as it streamed), then its sources with the quoted sentences."""
    # Each line of the answer wrapped on its own, so an answer in bullets keeps them.
    lines = [textwrap.fill(line, width) for line in answer.text.splitlines()] if with_text else []
    if answer.note:
        lines += ["", f"Note: {answer.note}"]
    if answer.citations:
        lines += ["", "Sources:"]
        for citation in answer.citations:
            lines.append(source_line(citation))
            lines.append(textwrap.fill(f"“{citation.quote}”", width, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(lines).lstrip("\n")


def render_sources(answer: Answer | None, width: int = 100) -> str:
    """The last answer's sources with their full passages."""
    if answer is None or not answer.citations:
        return "No sources yet: the last answer cited nothing."
    blocks = []
    for citation in answer.citations:
        passage = citation.passage or citation.quote
        # The passage's paragraphs stay paragraphs (filling them together left "said.  According").
        paragraphs = [p for p in re.split(r"\n\s*\n", passage) if p.strip()]
        body = "\n\n".join(
            textwrap.fill(" ".join(p.split()), width, initial_indent="    ", subsequent_indent="    ")
            for p in paragraphs
        )
        blocks.append(source_line(citation) + "\n" + body)
    return "\n\n".join(blocks)


def render_report(report: IngestReport) -> str:
    lines = [report.summary(), *report.notes]
    if report.problems:
        lines.append(f"Skipped {len(report.problems)} input(s):")
        lines += [f"  - {problem}" for problem in report.problems]
    return "\n".join(lines)


def render_stats(stats: StoreStats) -> str:
    outlets = ", ".join(f"{name} ({count})" for name, count in list(stats.outlets.items())[:10]) or "none"
    if len(stats.outlets) > 10:
        outlets += f", and {len(stats.outlets) - 10} more"
    dates = f"{stats.first_date} to {stats.last_date}" if stats.first_date else "unknown"
    return "\n".join(
        [
            f"Articles:        {stats.articles}",
            f"Chunks:          {stats.chunks}",
            f"Outlets:         {outlets}",
            f"Dates:           {dates}",
            f"Embedding model: {stats.embedding_model}",
            f"Store:           {stats.location}",
        ]
    )

"""Bring a model's reply to one citation style before it is verified: `[n]` markers, one claim per line.

Models asked for `[1]` also write `(Source 1)`, `【1】`, `[^1]`, `[1, 2]` or `[1][2]`, list their sources at the end,
answer in markdown bullets or bold. Verification reads `[n]` only, so everything else is rewritten here, and what
cites nothing by itself (a sources list, a footnote definition) is removed rather than shown.
"""

from __future__ import annotations

import re

__all__ = ["REFUSAL", "is_refusal", "normalize_reply"]

_SOURCE_WORD = r"(?:sources?|src\.?|article|passage)"
_NUMBERS = rf"\d+(?:\s*(?:,|;|-|–|and|&)\s*(?:{_SOURCE_WORD}\s*)?\d+)*"
# "(Source 1)", "(Sources 1 and 2)", "(source: 3)": a parenthesis naming sources, not "(2019)".
_PAREN_SOURCE = re.compile(rf"\(\s*{_SOURCE_WORD}\s*:?\s*({_NUMBERS})\s*\)", re.IGNORECASE)
_LENTICULAR = re.compile(r"【\s*(?:source\s*)?(\d+)(?:[†:][^】]*)?\s*】", re.IGNORECASE)  # 【1】, 【1†source】
_FOOTNOTE = re.compile(r"\[\^\s*(\d+)\s*\]")  # [^1]
_FOOTNOTE_DEFINITION = re.compile(r"^\s*\[\^?\d+\]\s*:")  # "[^1]: Source 1", "[1]: https://…"
# "Sources:", "**References**", "### Sources used" — what follows only lists sources.
_SOURCES_HEADER = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*|__)?\s*(?:sources?(?:\s+used)?|references|citations|bibliography)\s*(?:\*\*|__)?\s*:?"
    r"\s*(?:\*\*|__)?\s*(?:\[\d+\].*)?$",
    re.IGNORECASE,
)
# "According to Source 2, the port reopens on Monday." / "Source 2 says that …" / "In Source 2, …": the source named
# in words, moved to a marker at the end of its sentence.
_NAMED_SOURCE = re.compile(
    rf"\b(?:according to|as (?:reported|stated) (?:in|by)|in|per)\s+{_SOURCE_WORD}\s+({_NUMBERS}),?\s+"
    r"([^\n]+?)([.!?])(?=\s+(?-i:[A-Z\"“\[(])|\s*$|\s*\n)"
    rf"|\b{_SOURCE_WORD}\s+({_NUMBERS})\s+(?:says|said|reports|reported|states|stated|notes|noted|mentions)"
    r"(?:\s+that)?,?\s+([^\n]+?)([.!?])(?=\s+(?-i:[A-Z\"“\[(])|\s*$|\s*\n)",
    re.IGNORECASE,
)
_ONLY_MARKERS = re.compile(r"^\s*(?:\[\s*\d+(?:\s*,\s*\d+)*\s*\]\s*[.,;]?\s*)+$")
_BULLET = re.compile(r"^\s*(?:[-*•·+]|\d{1,2}[.)])\s+")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_HEADING = re.compile(r"^\s*#{1,6}\s+")

# A refusal or an AI talking about itself: never an answer about the articles.
REFUSAL = re.compile(
    r"\b(?:as an ai\b|as a (?:large )?language model\b|i(?:'m| am) (?:just )?an ai\b|"
    r"i (?:can(?:no|')t|cannot|am unable to|won't|will not) (?:help|assist|answer|provide|comply|do that)|"
    r"i(?:'m| am) (?:sorry|afraid),? (?:but )?i (?:can(?:no|')t|cannot))",
    re.IGNORECASE,
)


def is_refusal(text: str) -> bool:
    """Whether `text` declines to answer or speaks as an AI ("As an AI language model, I cannot …")."""
    return REFUSAL.search(text.replace("’", "'")) is not None


def normalize_reply(text: str) -> list[tuple[str, bool]]:
    """The reply's lines in `[n]` style, each with whether it was a bullet; sources lists left out."""
    text = _LENTICULAR.sub(r"[\1]", text)
    text = _FOOTNOTE.sub(r"[\1]", text)
    text = _PAREN_SOURCE.sub(lambda m: f"[{_plain_numbers(m.group(1))}]", text)
    text = _NAMED_SOURCE.sub(_marker_at_the_end, text)
    lines: list[tuple[str, bool]] = []
    for raw in text.splitlines():
        if _SOURCES_HEADER.match(raw) and lines:
            break  # the rest lists the sources the answer already cites
        if _FOOTNOTE_DEFINITION.match(raw):
            continue
        bullet = bool(_BULLET.match(raw))
        line = _HEADING.sub("", _BULLET.sub("", raw))
        line = _EMPHASIS.sub(r"\2", line).strip()
        if not line:
            continue
        if _ONLY_MARKERS.match(line) and lines:
            # "[1]" on a line of its own cites the line before it.
            prev, was_bullet = lines[-1]
            lines[-1] = (f"{prev} {line.strip(' .,;')}", was_bullet)
            continue
        lines.append((line, bullet))
    return lines


def _plain_numbers(group: str) -> str:
    return re.sub(rf"\s*{_SOURCE_WORD}\s*", " ", group, flags=re.IGNORECASE).strip()


def _marker_at_the_end(match: re.Match[str]) -> str:
    numbers, rest, stop = match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)
    return f"{rest[:1].upper()}{rest[1:]} [{_plain_numbers(numbers)}]{stop}"

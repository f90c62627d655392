"""Turn scraped article text into clean reporting: no captions, promos or share buttons.

The rules are deliberately conservative: a line is dropped only when it matches a pattern newsrooms use for
page furniture (photo credits, newsletter and subscription promos, "Read more" links, social follow lines,
author boxes, embedded posts' link shorteners); promo patterns only apply to lines short enough that they
cannot be a paragraph of reporting, and a promo sentence at the end of real text is cut on its own.
Web pages are read by index.html_article, dates by index.dates.
"""

from __future__ import annotations

import os
import re
import unicodedata

__all__ = ["clean_text"]

# A promo line longer than this is almost certainly a paragraph that happens to mention e.g. a newsletter.
_PROMO_MAX_CHARS = 400
_LEAD_IN_MAX_CHARS = 200

# Photo agencies and wire services as they appear in credits ("NAME/AFP via Getty Images", "(Photo by …)").
_AGENCY = (
    r"(?:Getty(?: Images)?|AFP|AP(?: Photo)?|Associated Press|Reuters|EPA(?:-EFE)?|Bloomberg|Shutterstock|"
    r"NurPhoto|Anadolu(?: Agency)?|Sipa(?: USA)?|Pool|POOL|Redux|Alamy|PA(?: Images| Wire)?|WireImage|"
    r"FilmMagic|Icon Sportswire|SOPA Images|LightRocket|Xinhua|TASS|Imagn|USA TODAY(?: Sports| NETWORK)?)"
)
_CREDIT = re.compile(
    rf"(?:\S/\s*{_AGENCY}\b"  # "Mandel Ngan/AFP", "Saul Loeb/Pool/Getty Images"
    rf"|\bvia Getty\b"
    # "(Photo by Chris Jackson/Getty Images)"; [^()] so a line of unclosed "(Photo by" is scanned once, not once per
    # opening bracket (quadratic: a megabyte of them took minutes).
    r"|\((?:AP )?(?:Photos?|Images?|Pictures?)(?: by|:)[^()]*\)"
    r"|\bAP Photo/"
    r"|^Image (?:source|caption),"  # BBC-style caption furniture
    rf"|^(?:Getty Images|AFP|AP Photo|Shutterstock|EPA|(?:Photo|Image|Picture) credit:.*)$)"
)

# Lines that are furniture on their own (compared lowercased, without trailing punctuation).
_STANDALONE = {
    "advertisement", "advertising", "ad", "skip ad", "sponsored", "sponsored content", "close", "share",
    "share this", "share this article", "share this story", "share on facebook", "share on twitter", "tweet",
    "print", "email", "comments", "show comments", "hide caption", "show caption", "toggle caption",
    "enlarge this image", "image", "expand", "replay", "continue reading", "read full article",
    "read full story", "read more", "about the writer", "about the author", "story continues below",
    "story continues below advertisement", "most read", "most popular", "trending", "recommended",
    "recommended for you", "up next", "copy link", "link copied", "related", "related articles",
    "related stories", "more stories", "listen to this article", "what everyone's talking about",
}  # fmt: skip

_PROMO_RULES = [
    r"^(?:read|see|watch) more\b",  # "Read more: …", "READ MORE: Artemis I by the numbers"
    r"(?:\.\.\.|…)\s*read more$",  # truncated teasers and author boxes: "… Read more"
    r"^(?:📸\s*)?(?:more|related|also read|read also|see also|recommended|watch|video|listen|gallery|photos?)\s*:",
    r"\bsign(?:ing)? up\b.*\b(?:newsletter|inbox|text (?:message )?(?:alerts|updates))\b",
    r"\bsign up (?:(?:right|now) )?here\b",
    r"\bnewsletter\b.*\b(?:sign up|subscribe|inbox|subscriber)\b",
    r"\bsubscribe\b.*\b(?:newsletter|here|today|now|podcast|print edition)\b",
    r"^subscribe\b",
    r"\b(?:become|already) a (?:digital )?subscriber\b",
    r"\bsupport(?:ing)? (?:local|quality|strong|independent|our) journalism\b",
    r"\bdelivered (?:straight |right )?to your inbox\b",
    r"\bversion of this (?:story|article) (?:first )?appear(?:s|ed) in\b",
    r"^(?:you can )?follow\b.{0,80}\bon (?:twitter|facebook|instagram|tiktok|linkedin|bluesky)\b",
    r"\b(?:follow|join|like) us on (?:twitter|facebook|instagram|tiktok|linkedin)\b",
    r"^(?:contact|reach|email)\b.*(?:@\w|\b\S+@\S+\.\w+)",  # reporter contact lines
    r"\b(?:reach|contact|email|follow) (?:him|her|them|me|the reporter)\b.*@\w",
    r"\bclick here\b",
    r"\b(?:may|might|can) earn (?:us )?(?:a )?(?:small )?commission\b",
    r"\bprices were accurate at the time\b",
    r"\ball rights reserved\b",
    r"^(?:©|copyright\b)",
    r"^video ad feedback\b",  # CNN's video player: "Video Ad Feedback 02:08 - Source: CNN …"
    # Credits, sponsors and section furniture: "Contributing: Brian Truitt, Rasha Ali", "From USA TODAY Network and
    # wire reports", "Follow every game: Live MLB Scores", "Here's what you need to know to Get Up to Speed …".
    r"^contributing\s*:",
    r"^from usa today network\b",
    r"^follow every game\b",
    r"\bget up to speed and on with your day\b",
    r"\b(?:a|our) (?:usa today )?content partner\b",
    r"\bits content is produced independently\b",
    r"\bcheck your local forecast\b",
    r"\b(?:our|usa today)\b.{0,60}\b(?:supported|made possible) in part by a grant\b",
    r"\bdoes not provide editorial input\b",
    r"\bhave all your shopping needs covered\b",
]
# Python scans unanchored case-insensitive patterns slowly; a substring check first keeps a 35 MB corpus fast.
# Every unanchored rule above contains one of these hints.
_PROMO_HINTS = (
    "sign", "newsletter", "subscri", "journalism", "inbox", "version of", " us on ", "@", "click here",
    "commission", "prices were", "rights reserved", "read more", "up to speed", "content partner",
    "produced independently", "local forecast", "by a grant", "editorial input", "shopping needs",
)  # fmt: skip
_PROMO_ANCHORED = re.compile("|".join(r for r in _PROMO_RULES if r.startswith("^")), re.IGNORECASE)
_PROMO_FLOATING = re.compile("|".join(r for r in _PROMO_RULES if not r.startswith("^")), re.IGNORECASE)

# An author box: "Jane Doe is a reporter for …", "David Brennan is Newsweek's Diplomatic Correspondent …".
_BIO = re.compile(
    r"^[A-Z][^.!?]{0,60}? (?:covers|writes about|is (?:an?|the|\w+['’]s)\b.{0,100}"
    r"\b(?:reporter|writer|editor|correspondent|columnist|journalist|contributor|analyst)\b)",
    re.IGNORECASE,
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you['’]ll|you['’]re)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“‘(\[A-Z])")

# A link to another story, flattened into the text: a short kicker, a colon with no space after it, that story's
# headline, no full stop ("Bye-bye IE:Microsoft to say goodbye to IE …", "Fact check:'Megabats' exist …"). The
# missing space tells it from reporting ("Note: the vote …"), and a letter after the colon from a time ("12:43").
_RELATED_LINK = re.compile(r"^[^:\s][^:]{0,68}[^:\s\d]:[\"“‘'A-Za-z][^\n]{8,230}(?<![.!])$")

# CNN's embedded photo galleries: every caption ends "Hide Caption 3 of 226", whatever story the gallery is about
# ("Photos: Russia invades Ukraine …" inside a report on a vlogger). Captions are not the story's reporting.
_GALLERY_CAPTION = re.compile(r"\s*\bHide Caption \d+ of \d+\b\s*")
_PHOTOS_HEADER = re.compile(r"^(?:📸\s*)?(?:Photos?:\s*)+")
# CNN's embedded video player: "JUST WATCHED <another video's title> Replay More Videos ... MUST WATCH <title> 01:29".
# Found with str.find, marker after marker (see _drop_video_embeds): one regular expression with three lazy gaps
# backtracks cubically on a line of markers without an end (20 KB of them took a minute).
_VIDEO_MARKERS = ("JUST WATCHED", "Replay More Videos", "MUST WATCH")
_VIDEO_END = re.compile(r"\b(?:\d{1,2}:)?\d{1,2}:\d{2}\b")

# "Newsweek cover": the alt text of a magazine-cover image in a subscription box; case matters here.
_COVER = re.compile(r"^[A-Z][\w&.']*(?: [A-Z][\w&.']*){0,2} [Cc]over$")

# Subscription perks: furniture only inside a bullet list that is mostly promo ("Enjoy ad-free browsing").
_PERKS = re.compile(
    r"\b(?:ad-free|delivered to your door|comment on articles|app updates|exclusive (?:content|access)|"
    r"unlimited (?:digital )?access|cancel anytime|magazine)\b",
    re.IGNORECASE,
)
# Embedded posts end in their link shorteners ("… stay the course. pic.twitter.com/hLtKCsp4ER — Tedros Adhanom
# Ghebreyesus (@DrTedros) March 6, 2022"): the post's words and who posted it stay, the links go.
_POST_LINK = re.compile(r"\s*(?:https?://)?(?:pic\.twitter\.com|t\.co)/\w+")
_BULLET = re.compile(r"^(?:[•·▪◦‣*+-]|\d{1,2}[.)])\s+")
_TERMINAL = tuple('.!?:;"”’)')
_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


def clean_text(text: str) -> str:
    """Normalise whitespace, drop page-furniture lines and return paragraphs separated by blank lines.

    A page that is nothing but a photo gallery keeps its captions: they are all the text it has."""
    cleaned = _clean(text)
    if not cleaned and "Hide Caption" in text:
        return _clean(_gallery_captions(text))
    return cleaned


def _gallery_captions(text: str) -> str:
    """A gallery's captions as paragraphs, without "Photos: <the gallery's title>" and "Hide Caption 3 of 226"."""
    captions = [
        _PHOTOS_HEADER.sub("", caption).strip()
        for line, _ in _lines(text)
        for caption in _GALLERY_CAPTION.split(line)
    ]
    captions = [c for c in captions if c]
    # The gallery's title opens every caption ("Russia invades Ukraine Young people swing …"); no mark ends it,
    # so it is the words all captions start with.
    title = len(os.path.commonprefix([c.split() for c in captions])) if len(captions) > 1 else 0
    return "\n\n".join(" ".join(c.split()[title:]) for c in captions)


def _clean(text: str) -> str:
    lines = _lines(text)
    kept = [_strip_furniture(line) for line, _ in lines]
    _drop_caption_titles(lines, kept)
    _drop_promo_lists(lines, kept)
    paragraphs: list[str] = []
    for (_, blank_before), line in zip(lines, kept, strict=True):
        if not line:
            continue
        # A hard-wrapped sentence continues on the next line in lower case; join it back.
        if paragraphs and not blank_before and paragraphs[-1][-1:].isalpha() and line[:1].islower():
            paragraphs[-1] += " " + line
        elif not paragraphs or paragraphs[-1] != line:  # repeated blocks are responsive-layout duplicates
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


def _lines(text: str) -> list[tuple[str, bool]]:
    """Split into stripped non-empty lines, each with whether a blank line preceded it."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text)
    out: list[tuple[str, bool]] = []
    blank = True
    for raw in text.split("\n"):
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            blank = True
            continue
        out.append((line, blank))
        blank = False
    return out


def _is_promo(text: str) -> bool:
    """Say whether a line or sentence matches a promo rule."""
    if _PROMO_ANCHORED.match(text):  # every rule in it starts at the start
        return True
    lower = text.lower()
    return any(hint in lower for hint in _PROMO_HINTS) and bool(_PROMO_FLOATING.search(text))


def _has_credit(line: str) -> bool:
    """Say whether a line carries a photo credit; every credit form has a slash or a telltale word."""
    lower = line.lower()
    if "/" in line or "getty" in lower or "photo" in lower or "image" in lower or len(line) < 40:
        return bool(_CREDIT.search(line))
    return False


def _strip_furniture(line: str) -> str:
    """Return the line without furniture: "" when it is all furniture, else minus its promo sentences."""
    if "t.co/" in line or "pic.twitter.com/" in line:
        line = _POST_LINK.sub("", line).strip()
    if "Hide Caption" in line and _GALLERY_CAPTION.search(line):
        return ""
    if "Replay More Videos" in line:
        line = _drop_video_embeds(line)
    if not any(ch.isalnum() for ch in line):  # rules like "___", "***", "♦"
        return ""
    if line.lower().rstrip(" .:!>»›…").strip() in _STANDALONE or _has_credit(line) or _COVER.match(line):
        return ""
    if ":" in line and len(line.split(":", 1)[0].split()) <= 10 and _RELATED_LINK.match(line):
        return ""
    if len(line) > _PROMO_MAX_CHARS or not _is_promo(line):
        return line
    sentences = _SENTENCE_END.split(line)
    # A line that opens with a promo or an author bio is a promo block or author box as a whole.
    if _is_promo(sentences[0]) or _BIO.search(sentences[0]):
        return ""
    rest = " ".join(sentence for sentence in sentences if not _is_promo(sentence))
    # A short line ending in a promo is its lead-in ("What's everyone talking about? Sign up …"); a longer one
    # is real text with a promo tail, so only the promo sentence goes.
    if _is_promo(sentences[-1]) and _is_lead_in(rest):
        return ""
    return rest


def _drop_video_embeds(line: str) -> str:
    """Cut each video player (its markers in order, up to the running time after the last) out of a line."""
    kept: list[str] = []
    at = 0
    while True:
        start = end = line.find(_VIDEO_MARKERS[0], at)
        for marker in _VIDEO_MARKERS[1:]:
            if end < 0:
                break
            end = line.find(marker, end)
        timing = _VIDEO_END.search(line, end) if end >= 0 else None
        if timing is None:  # no complete player from here on: none further along either
            break
        kept.append(line[at:start])
        at = timing.end()
    kept.append(line[at:])
    return " ".join(part.strip() for part in kept if part.strip())


def _is_lead_in(text: str) -> bool:
    """Say whether the text left around a promo is just its pitch: very short, a question, or to "you"."""
    if len(text) > _LEAD_IN_MAX_CHARS:
        return False
    return len(text) <= 80 or text.endswith("?") or bool(_SECOND_PERSON.search(text))


def _is_title_like(line: str) -> bool:
    """Say whether a line reads like a caption headline: short, no sentence punctuation at the end."""
    return len(line) <= 90 and len(line.split()) <= 12 and not line.endswith(_TERMINAL)


def _drop_caption_titles(lines: list[tuple[str, bool]], kept: list[str]) -> None:
    """Drop the short headline that sits directly on top of a credited photo caption."""
    for i in range(1, len(lines)):
        line, blank_before = lines[i]
        if not blank_before and _has_credit(line) and _is_title_like(lines[i - 1][0]):
            kept[i - 1] = ""


def _drop_promo_lists(lines: list[tuple[str, bool]], kept: list[str]) -> None:
    """Drop bullet lists that are mostly subscription perks or promos."""
    i = 0
    while i < len(lines):
        if not _BULLET.match(lines[i][0]):
            i += 1
            continue
        j = i
        while j < len(lines) and _BULLET.match(lines[j][0]):
            j += 1
        promo = sum(1 for k in range(i, j) if not kept[k] or _PERKS.search(lines[k][0]))
        if promo * 2 >= j - i:
            for k in range(i, j):
                kept[k] = ""
        i = j

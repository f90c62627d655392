"""A question, parsed once: what it is about, what kind of answer it wants, and how it places itself in time.

`parse` is called once per question; the search and the answer writers read the `Query` instead of running their
own patterns over the raw text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.keyword import asks_for_latest, mentions_relative_time
from index.periods import Period, named_period, names_only_a_time, without_periods
from index.roundups import asks_for_roundup
from index.sentences import split_sentences
from index.terms import QUESTION_WORDS, STOPWORDS, stem_all

__all__ = ["Query", "Subject", "parse", "surface_words"]

# Words that open a capitalised run without being part of a name ("President Joe Biden" is about Joe Biden).
_TITLES = frozenset(
    """president vice prime minister secretary sen senator rep representative gov governor mayor judge justice
    gen general dr mr mrs ms prof king queen prince princess pope chancellor ceo chief former first lady
    lawmakers officials police""".split()  # noqa: SIM905 - a word list reads best as text
)
# Capitalised words that name a time or open a question, never a subject to look for.
_NOT_NAMES = frozenset(
    """i a an the this that these those what which who whom whose when where why how is are was were do does did
    can could will would should has have had in on at of for from to by with and or but if as after before during
    since until monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec today yesterday
    tonight tomorrow""".split()  # noqa: SIM905
)
# Capitalised only because they open a sentence: "Despite China's warnings", "After Hurricane Ian".
_OPENERS = frozenset(
    """despite after although amid as before since while with without following during according approximately
    nearly about some many most several dozens hundreds thousands millions here there this that these those in on
    at for from by if once when where why how what which who""".split()  # noqa: SIM905
)
# Lower-case words that may join the capitalised words of one name ("Bank of England", "Daniel de la Vega").
_NAME_JOINERS = frozenset({"of", "de", "la", "del", "van", "von", "der", "al", "bin", "du", "da", "the"})
# Words a question uses to ask, not to say what it is about ("What happened …", "What is the name of …").
_ASKING_WORDS = frozenset(
    """happen happened happens happening name named called thing things way ways kind type sort
    take took taken place places people person someone anyone something anything everyone make makes making
    go goes went going come came become became know known think see saw look find found give gave show shows
    mean means include includes included including according reported report reports reportedly announced
    announce latest recent recently else first last number many much times""".split()  # noqa: SIM905
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.'’\-]*[A-Za-z0-9]|[A-Za-z0-9]")
_NUMBER = re.compile(r"^\$?\d[\d,.]*%?$")
# A year is checked as a name is; other numbers are often rounded in a question ("more than 50 days").
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
# "… and where did it happen?": where a question asks a second thing.
_SECOND_PART = re.compile(
    r"(?:,\s*|\s+)(?:and|but)\s+(?=(?:who|whom|what|when|where|why|how|which)\b)|(?<=\?)\s+(?=\S)", re.IGNORECASE
)
# "What military force did …", "Which hotel was …", "which condiment": the words after "what" or "which" name the
# kind of answer, which an article states by giving one ("a carrier strike group"), seldom in those words.
_AUX = r"(?:did|does|do|is|are|was|were|has|have|had|will|would|can|could|should|might)"
_FOCUS = re.compile(
    rf"\b(?:what|which|whose)\s+(?P<focus>(?:(?!{_AUX}\b)[a-z-]+\s+){{0,2}}?(?!{_AUX}\b)[a-z-]+)(?=\s+{_AUX}\b)"
    r"|\b(?:what|which|whose)\s+(?P<focus2>[a-z-]+)\b",
    re.IGNORECASE,
)
_HOW_MEASURE = re.compile(
    r"\bhow\s+(?:far|old|long|big|large|tall|often|soon|late|early|deep|high|wide|fast|heavy|close)\b", re.IGNORECASE
)
_WANTS = (
    ("number", re.compile(r"\bhow (?:many|much|long|old|far|big|large|tall)\b|\bwhat (?:percentage|share|"
                          r"number|amount|age)\b", re.I)),
    ("time", re.compile(r"\bwhen\b|\bwhat (?:year|date|day|month|time)\b|\bwhich (?:year|date|day|month)\b", re.I)),
    ("place", re.compile(r"\bwhere\b|\b(?:what|which) (?:country|city|state|town|region|county|place|nation|"
                         r"island|continent)\b", re.I)),
    ("person", re.compile(r"\bwho(?:m|se)?\b|\b(?:what|which) (?:person|man|woman|player|actor|actress|singer|"
                          r"candidate|leader|official|politician|senator|team|company|group)\b", re.I)),
)  # fmt: skip


@dataclass(frozen=True)
class Subject:
    """Something a question is specifically about: a name ("Kim Jong Un"), a number ("2019"), or a word that
    carries its meaning ("dinner"). `words` are its surface words as the question writes them."""

    text: str
    kind: str  # "name", "number", "term", or "focus": a word naming the kind of answer ("which hotel", "what force")

    @property
    def named(self) -> bool:
        """A name or a year: what an article must mention to be about the question at all."""
        return self.kind in ("name", "number")


@dataclass(frozen=True)
class Query:
    """One question, parsed: read this instead of re-running patterns over the text."""

    text: str
    # What must be in an answer's sources for it to answer this question, in the order the question says them.
    subjects: tuple[Subject, ...]
    # The kind of answer asked for: "person", "place", "time", "number", or "" when the question doesn't say.
    wants: str
    # The question's parts when it asks two things ("How many died, and where?"), else just the question.
    parts: tuple[str, ...]
    period: Period | None
    time_only: bool  # asks for a time's news and names no topic ("What happened on May 3, 2022?")
    relative_time: bool  # places itself relative to when it is asked ("this week", "yesterday", "latest")
    latest: bool  # asks for the newest coverage of its topic ("What's the latest on …?")
    roundup: bool  # asks for a briefing or gallery itself
    # The words of a closing phrase that only sets the question's scene ("at the hotel", "as president"): an
    # answer must say something of the rest ("What did Rouhani eat for dinner at the hotel?").
    scene: frozenset[str] = frozenset()
    # Asks what came next ("What did Trump do the day after the failed call?"): news answers in the sentence after
    # the event's, opening "The next day, …".
    asks_what_followed: bool = False
    # The person a "Who is …?" question asks about ("Who is Hassan Rouhani?"), or "": news says who someone is beside
    # their name ("Bout is a Russian arms dealer", "Iranian President Hassan Rouhani …").
    introduces: str = ""
    # The person and the role a "Who is X's lawyer?" question asks about ("Brittney Griner", "lawyer"), or None:
    # news names them beside each other ("Griner's wife, Cherelle Griner").
    relation: tuple[str, str] | None = None
    # Asks for a reason or a manner ("Why did …?", "How did …?", not "how many"): no name or number answers it.
    asks_reason: bool = False


def parse(question: str) -> Query:
    """Parse a question once (whitespace tidied)."""
    text = " ".join(question.split())
    period = named_period(text)
    # The words that date the question ("in May 2019") are matched by the articles' dates, not their text.
    about = without_periods(text) if period is not None else text
    # "How far …", "how old …": the word asks for a measure, which articles give ("a million miles"), not say.
    about = _HOW_MEASURE.sub("how", about)
    focus = {w.lower() for m in _FOCUS.finditer(about) for w in (m.group("focus") or m.group("focus2")).split()}
    return Query(
        text=text,
        subjects=tuple(
            Subject(s.text, "focus") if s.kind == "term" and s.text in focus else s for s in subjects(about)
        ),
        wants=next((kind for kind, pattern in _WANTS if pattern.search(text)), ""),
        parts=tuple(p.strip() for p in _SECOND_PART.split(text) if p.strip()) or (text,),
        period=period,
        time_only=names_only_a_time(text),
        relative_time=mentions_relative_time(text),
        latest=asks_for_latest(text),
        roundup=asks_for_roundup(text),
        scene=scene_words(text),
        asks_what_followed=_WHAT_FOLLOWED.search(text) is not None,
        introduces=_introduced(text),
        relation=_related(text),
        asks_reason=_ASKS_REASON.search(text) is not None,
    )


_ASKS_REASON = re.compile(
    r"\bwhy\b|\bhow\b(?!\s+(?:many|much|long|old|far|big|large|tall|often|soon)\b)", re.IGNORECASE
)


_WHOSE_ROLE = re.compile(
    r"\s*who\s+(?:is|was|are|were)\s+(?P<name>[^?]+?)['’]s?\s+(?P<role>(?:[a-z-]+\s+)?[a-z-]+)\s*\??\s*",
    re.IGNORECASE,
)


def _related(question: str) -> tuple[str, str] | None:
    """("Brittney Griner", "wife") for "Who is Brittney Griner's wife?"; None for other questions."""
    match = _WHOSE_ROLE.fullmatch(question)
    if match is None:
        return None
    named = [s for s in subjects(question) if s.kind == "name"]
    role = match.group("role").split()[-1].lower()
    role = role[:-1] if role.endswith("s") and not role.endswith("ss") else role
    return (named[0].text, role) if len(named) == 1 else None


_WHO_IS = re.compile(r"\s*who\s+(?:is|was)\s+[^?]+?\s*\??\s*", re.IGNORECASE)


def _introduced(question: str) -> str:
    """The name a "Who is …?" question asks about, when it asks nothing else."""
    if _WHO_IS.fullmatch(question) is None:
        return ""
    named = subjects(question)
    return named[0].text if len(named) == 1 and named[0].kind == "name" else ""


_WHAT_FOLLOWED = re.compile(
    r"\b(?:day|week|morning|night|month|year)\s+after\b|\bwhat happened (?:next|after(?:wards)?)\b", re.IGNORECASE
)


# A closing "at/in/as/during" phrase of one or two words after an optional article: "at the hotel", "in New York",
# "as president", "during the pandemic". Other prepositions often carry the thing asked about ("featured on the
# U.S. quarter"), so they stay.
_SCENE = re.compile(
    r"\s(?:at|in|as|during)\s+(?:(?:the|a|an|his|her|its|their|this|that|last|next)\s+)?"
    r"[\w'’.-]+(?:\s+[\w'’.-]+)?\s*[?.!]*$",
    re.IGNORECASE,
)


def scene_words(question: str) -> frozenset[str]:
    """The lower-case words of the phrase that closes `question` and only sets its scene, unless too little of the
    question would be left without it."""
    text = question.strip()
    found = _SCENE.search(text)
    if found is None or len(text[: found.start()].split()) < 3:
        return frozenset()
    return frozenset(w.lower() for w in surface_words(found.group()))


def surface_words(text: str) -> list[str]:
    """The words of `text` as written (case kept, possessive "'s" and edge punctuation dropped)."""
    out = []
    for token in _TOKEN.findall(text):
        token = token.replace("’", "'")
        if token.lower().endswith("'s"):
            token = token[:-2]
        token = token.strip(".'-")
        if token:
            out.append(token)
    return out


def subjects(text: str) -> tuple[Subject, ...]:
    """The names, numbers and meaningful words of a question, names first as runs of capitalised words."""
    found: list[Subject] = []
    seen: set[str] = set()

    def add(subject: Subject) -> None:
        # "try" and "tried" ask about one thing.
        key = stem_all([subject.text.lower()])[0] if subject.kind == "term" else subject.text.lower()
        if key not in seen:
            seen.add(key)
            found.append(subject)

    for sentence in (text[a:b] for a, b in split_sentences(text)) if text else ():
        tokens = surface_words(sentence)
        run: list[str] = []
        for i, token in enumerate([*tokens, ""]):
            capital = token[:1].isupper() and token.lower() not in _NOT_NAMES
            if capital and not (i == 0 and token.lower() in _TITLES):
                run.append(token)
                continue
            if run and token.lower() in _NAME_JOINERS and tokens[i + 1 : i + 2] and tokens[i + 1][:1].isupper():
                run.append(token)
                continue
            _add_name(run, opens=i == len(run), add=add)
            run = []
            if _NUMBER.match(token):
                number = token.rstrip(".,")
                add(Subject(number, "number" if _YEAR.match(number) else "term"))
            elif token and not token[:1].isupper() and _is_term(token):
                add(Subject(token.lower(), "term"))
    return tuple(found)


def _add_name(run: list[str], opens: bool, add: Callable[[Subject], None]) -> None:
    """Add the name a run of capitalised words makes, if it makes one."""
    # "Nobel Peace Prize-winning", "U-turn": what follows a hyphen in lower case is no part of a name.
    run = [w.split("-")[0] if "-" in w and not w.split("-", 1)[1][:1].isupper() else w for w in run]
    if opens and len(run) > 1 and run[0].lower() in _OPENERS:
        run, opens = run[1:], False  # "Despite China's warnings …"
    while run and (run[0].lower() in _TITLES or run[0].lower() in _NAME_JOINERS):
        run = run[1:]
    while run and run[-1].lower() in _NAME_JOINERS:
        run = run[:-1]
    if not any(len(w) >= 3 for w in run):  # "U", "M&M's"
        return
    if opens and len(run) == 1:
        # A sentence's capitalised first word is only a name if nothing says otherwise: "Dozens of people …",
        # "Approximately how many …" open sentences with ordinary words.
        if _is_term(run[0]):
            add(Subject(run[0].lower(), "term"))
        return
    add(Subject(" ".join(run), "name"))


def _is_term(word: str) -> bool:
    low = word.lower()
    return len(low) > 2 and low not in STOPWORDS and low not in QUESTION_WORDS and low not in _ASKING_WORDS

"""The LLM answer writer: prose from numbered sources, shown only as far as `bot.verify` finds it supported.

The reply is verified sentence by sentence as it streams, and only verified sentences are passed on, so the REPL
and Telegram drafts never show what is then taken back. A reply that yields nothing usable (empty, unreadable,
a refusal, every sentence dropped, or "the articles don't say" where the offline writer finds an answer) gives way
to the offline answer, with a one-line note saying why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from llama_index.core.base.llms.types import ChatMessage, MessageRole

from bot.claim_checks import missing_details
from bot.declines import abstention
from bot.llm_prompt import answer_messages, compact_sources, group_sources
from bot.reply_format import is_refusal
from bot.types import Answer, Turn
from bot.verify import Verifier, VerifyStats, split_reply, strip_markers
from bot.writers import AnswerWriter
from index.errors import LLMError
from index.query import Query
from index.types import Passage

logger = logging.getLogger(__name__)

__all__ = ["REWRITE_SYSTEM_PROMPT", "FollowUpRewriter", "OpenAIWriter"]

REWRITE_SYSTEM_PROMPT = """\
Rewrite the user's follow-up question as one standalone question that can be understood without the conversation: \
replace pronouns and vague references ("he", "there", "that deal") with the names and things they refer to. \
Keep the user's wording otherwise. If the question already stands alone, return it unchanged. Reply with the \
question only, no preamble, no answer."""

# How much of the conversation the rewriter sees: the last turns, answers cut short.
REWRITE_TURNS = 3
_REWRITE_ANSWER_CHARS = 400
# The end of a reply that may still be the start of a citation ("… hotel. [", "(Sour"): not yet settled.
_OPEN_MARKER = re.compile(r"(?:[\[【(][^\]】)]{0,20}|\s)$")


class ChatClient(Protocol):
    """What the writers need of `bot.llm.LLMClient`."""

    def chat(self, messages: Sequence[ChatMessage], budget: float | None = None) -> str: ...

    def stream_chat(self, messages: Sequence[ChatMessage], budget: float | None = None) -> Iterator[str]: ...


class OpenAIWriter:
    """Writes answers with a chat model; shows only the sentences the sources support, as they are verified."""

    name = "openai"
    streams = True

    def __init__(
        self,
        client: ChatClient,
        embed_model: Any | None,
        fallback: AnswerWriter | None = None,
        compact: bool = False,
    ) -> None:
        self.client = client
        self.embed_model = embed_model
        self.fallback = fallback
        self.compact = compact
        self.last_stats = VerifyStats()  # of the last reply (for bench/writer_bench.py)
        self.last_reply = ""

    def write(self, question: str | Query, passages: Sequence[Passage], history: Sequence[Turn] = ()) -> Answer:
        question = question.text if isinstance(question, Query) else question
        if not passages:
            return abstention(question)
        sources = group_sources(passages)
        reply = self.client.chat(self.messages(question, sources))
        answer: Answer | None = None
        for item in self._verified(question, passages, sources, [reply]):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def stream(
        self, question: str | Query, passages: Sequence[Passage], history: Sequence[Turn] = ()
    ) -> Iterator[str | Answer]:
        question = question.text if isinstance(question, Query) else question
        # `question` is already standalone (the rewriter ran), so the history isn't sent: less to pay, less to leak.
        if not passages:
            answer = abstention(question)
            yield answer.text
            yield answer
            return
        sources = group_sources(passages)
        deltas = self.client.stream_chat(self.messages(question, sources))
        yield from self._verified(question, passages, sources, deltas)

    def messages(self, question: str, sources: Sequence[Passage]) -> list[ChatMessage]:
        """The chat sent for `question` over `sources` (one per article)."""
        if self.compact:
            ranker = self.fallback if hasattr(self.fallback, "rank_sentences") else None
            sources = compact_sources(question, sources, ranker)  # type: ignore[arg-type]
        return answer_messages(question, sources, compact=self.compact)

    def _verified(
        self, question: str, passages: Sequence[Passage], sources: Sequence[Passage], deltas: Iterable[str]
    ) -> Iterator[str | Answer]:
        """Verified text as each sentence of the reply settles, then the Answer (or the offline one, and why)."""
        verifier = Verifier(question, sources, self.embed_model)
        reply, done = "", 0
        broke: LLMError | None = None
        try:
            for delta in deltas:
                reply += delta
                settled = split_reply(_OPEN_MARKER.sub("", reply))[:-1]
                for sentence in settled[done:]:
                    if piece := verifier.add(sentence):
                        yield piece
                done = max(done, len(settled))
        except LLMError as exc:
            if not verifier.stats.kept:
                raise
            broke = exc  # what was verified is shown; the rest is lost
        for sentence in split_reply(reply)[done:] if broke is None else []:
            if piece := verifier.add(sentence):
                yield piece
        if piece := verifier.finish():
            yield piece
        self.last_stats, self.last_reply = verifier.stats, reply
        logger.debug("model reply %r verified as %r", reply, verifier.text)
        answer = verifier.answer()
        if broke is not None:
            note = f"The language model broke off ({broke}); this is the part of its answer that was checked."
            answer = Answer(answer.text, answer.citations, answer.abstained, answer.question, note)
        elif not verifier.stats.kept:
            answer = self._instead(question, passages, reply, verifier)
            yield answer.text
        yield answer

    def _instead(self, question: str, passages: Sequence[Passage], reply: str, verifier: Verifier) -> Answer:
        """The answer when the model's reply gave nothing to show: the offline one, with a note saying why."""
        stats = verifier.stats
        only_abstained = stats.model_abstained and not stats.dropped
        if not reply.strip():
            reason = "The language model sent an empty reply"
        elif is_refusal(reply):
            reason = "The language model declined to answer"
        elif only_abstained:
            reason = "The language model found no answer in the articles"
        else:
            n = stats.dropped
            reason = f"The articles don't support what the language model wrote ({n} sentence{'s' if n != 1 else ''})"
        offline = self.fallback.write(question, passages) if self.fallback is not None else abstention(question)
        if only_abstained and not offline.abstained:
            # The offline writer quotes the best match it finds; when the articles it quotes never name who or
            # what the question asks about ("Kim Jong Un"), the model's "the articles don't say" stands.
            quoted = " ".join(c.passage or c.quote for c in offline.citations)
            if missing_details(question, quoted):
                offline = abstention(question)
        if offline.abstained:
            if only_abstained:
                return verifier.answer()  # both agree: the articles don't say
            note = f"{reason}."
        else:
            note = f"{reason}, so this answer quotes the articles directly."
        logger.info("no usable model answer (%s); answering offline", reason)
        return Answer(offline.text, offline.citations, offline.abstained, offline.question or question, note)


class FollowUpRewriter:
    """Turns a follow-up question into a standalone one with the LLM (raises LLMError when it fails)."""

    def __init__(self, client: ChatClient, budget: float | None = None) -> None:
        self.client = client
        self.budget = budget

    def __call__(self, question: str, history: Sequence[Turn]) -> str:
        if not history:
            return question
        reply = self.client.chat(rewrite_messages(question, history), budget=self.budget)
        rewritten = _first_line(reply)
        # A rewrite that rambles is an answer, not a question: keep the user's words then.
        if not rewritten or len(rewritten) > 4 * len(question) + 200:
            logger.info("ignored the follow-up rewrite %r", reply)
            return question
        return rewritten


def rewrite_messages(question: str, history: Sequence[Turn]) -> list[ChatMessage]:
    """The chat a standalone question is asked for with: the last turns, then the follow-up."""
    lines = []
    for turn in history[-REWRITE_TURNS:]:
        answer = strip_markers(turn.answer.text)
        if len(answer) > _REWRITE_ANSWER_CHARS:
            answer = answer[:_REWRITE_ANSWER_CHARS].rsplit(" ", 1)[0] + " …"
        lines += [f"User: {turn.question}", f"Assistant: {answer}"]
    user = "Conversation:\n" + "\n".join(lines) + f"\n\nFollow-up question: {question}\nStandalone question:"
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=REWRITE_SYSTEM_PROMPT),
        ChatMessage(role=MessageRole.USER, content=user),
    ]


def _first_line(reply: str) -> str:
    for line in reply.strip().splitlines():
        line = re.sub(r"^(standalone question|question)\s*:\s*", "", line.strip(), flags=re.IGNORECASE)
        line = line.strip().strip("\"'“”").strip()
        if line:
            return line
    return ""

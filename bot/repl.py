"""The interactive session: ask questions, follow up, look at sources."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bot.render import render_answer, render_sources, render_stats
from bot.service import NewsService
from bot.types import Answer, Conversation
from index.errors import NewsbotError

HELP = """Ask a question about the articles, then follow up ("and where was he staying?").
Commands:
  /sources   the last answer's sources with their full passages
  /reset     forget the conversation (start a new topic)
  /stats     what the store holds
  /help      this text
  /quit      leave (Ctrl-D works too)
Ctrl-C stops an answer that is taking too long; the conversation goes on."""


def _prompt_lines(history_file: Path) -> Iterator[str]:
    """Lines typed at a prompt with editing and history (prompt_toolkit); ends on Ctrl-D (Ctrl-C clears the line, as
    in Python's own REPL, so a second Ctrl-C after stopping an answer does not end the conversation)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    history_file.parent.mkdir(parents=True, exist_ok=True)
    session: PromptSession[str] = PromptSession(history=FileHistory(str(history_file)))
    while True:
        try:
            yield session.prompt("newsbot> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            return


def _piped_lines(stream: TextIO) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\n")


def run_repl(
    service: NewsService,
    lines: Iterator[str] | None = None,
    out: TextIO | None = None,
    history_file: Path | None = None,
) -> int:
    """Answer lines until /quit or end of input; `lines` defaults to the terminal (or piped stdin)."""
    out = out or sys.stdout
    if lines is None:
        if sys.stdin.isatty():
            lines = _prompt_lines(history_file or service.settings.data_dir / "repl_history")
        else:
            lines = _piped_lines(sys.stdin)
    conversation = Conversation(max_turns=max(service.settings.history_turns, 1))

    def write(text: str) -> None:
        print(text, file=out, flush=True)

    stats = service.stats()
    write(f"newsbot — {stats.articles} articles, {stats.chunks} passages. Type /help for commands, /quit to leave.")
    try:
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            command = line.lower()
            if command in {"/quit", "/exit", "quit", "exit"}:
                break
            if command == "/help":
                write(HELP)
            elif command == "/reset":
                conversation.reset()
                write("Conversation cleared.")
            elif command == "/sources":
                write(render_sources(conversation.last_answer))
            elif command == "/stats":
                write(render_stats(service.stats()))
            elif command.startswith("/"):
                write(f"Unknown command {line.split()[0]}. Type /help for the list.")
            else:
                _answer(service, line, conversation, out)
    except KeyboardInterrupt:
        pass
    write("Bye.")
    return 0


def _answer(service: NewsService, question: str, conversation: Conversation, out: TextIO) -> None:
    def write(text: str) -> None:
        print(text, file=out, flush=True)

    try:
        answer: Answer | None = None
        streamed = ""
        for item in service.stream(question, conversation):
            if isinstance(item, Answer):
                answer = item
            elif service.writer.streams:
                # The LLM writer yields each sentence once it is verified: print it as it comes.
                print(item, end="", flush=True, file=out)
                streamed += item
        if streamed:
            write("")
        if answer is not None:
            # What streamed is the answer's text, unless the writer failed and another answer replaced it.
            shown = bool(streamed) and streamed == answer.text
            rest = render_answer(answer, with_text=not shown)
            if rest:
                write(("\n" if shown else "") + rest)
    except NewsbotError as exc:
        write(f"Error: {exc}")
    except KeyboardInterrupt:
        # Ctrl-C during a slow answer stops that answer only; it is not added to the conversation.
        write("\n(Stopped. The conversation goes on: ask again, or ask something else.)")

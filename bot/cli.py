"""The `newsbot` command: ingest articles, ask questions, open the REPL, run the Telegram bot."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import NewsbotError

if TYPE_CHECKING:  # typing only: importing the service at start-up would load llama-index for `--help`
    from bot.service import NewsService
    from index.types import SearchFilters

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
# Said only when Ctrl-C stopped a command that writes to the store (ingest, remove, the seeding before a first answer).
INTERRUPTED_WRITE = "\nInterrupted. The store is consistent; run the same command again to finish."


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2022-09-30, got {value!r}") from None


def _add_filters(parser: argparse.ArgumentParser, as_of_default: str) -> None:
    group = parser.add_argument_group("narrowing the search")
    group.add_argument("--source", action="append", default=[], metavar="OUTLET",
                       help="only articles from this outlet (repeatable), e.g. --source CNN")
    group.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="only articles published on or after")
    group.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help="only articles published on or before")
    group.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                       help=f"the question's reference date: 'this week' means the week before it ({as_of_default})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Answer questions about a collection of news articles, citing the articles.",
        epilog="Settings come from config/defaults.toml, NEWSBOT_* environment variables and .env; "
        "see `newsbot config`.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add articles (files, folders or web pages) to the store",
                                 description="Add .txt, .md, .html, .json and .jsonl articles, and web pages by "
                                 "URL, to the store. Unchanged articles are skipped; changed ones replace their old "
                                 "version.")
    ingest.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders (recursive), or web pages (https://…)")
    ingest.add_argument("--rebuild", action="store_true", help="empty the store first, then ingest PATHs")
    ingest.add_argument("--quiet", action="store_true",
                        help="no progress (else a bar on a terminal, or a line every few seconds in a log)")

    ask = commands.add_parser("ask", help="answer one question and exit",
                              description="Answer one question from the stored articles, citing them as [n] with "
                              "the quoted passages; say what the articles don't cover instead of guessing.")
    ask.add_argument("question", nargs="+", help="the question (quote it, or not)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    _add_filters(ask, "default: the day, month or year the question names, 'in April 2022'; today, for questions that "
                      "say 'this week', 'yesterday', 'on Monday'…; the archive's last day for 'the latest news' "
                      "if that is earlier")

    commands.add_parser("repl", help="an interactive session with follow-up questions",
                        description="Ask questions one after another; follow-ups ('and where was he staying?') "
                        "lean on the conversation. /help lists the commands (/sources, /reset, /stats, /quit).")
    commands.add_parser("stats", help="what the store holds",
                        description="How many articles and passages the store holds, from which outlets and dates.")

    remove = commands.add_parser("remove", help="remove articles from the store by id",
                                 description="Remove articles, and their passages, from the store by id.")
    remove.add_argument("ids", nargs="+", metavar="ID", help="article ids (see `newsbot ask --json`)")

    config = commands.add_parser("config", help="show the effective settings (secrets masked)",
                                 description="Show the settings in effect, from config/defaults.toml, NEWSBOT_* "
                                 "variables and .env; secrets are masked.")
    config.add_argument("--json", action="store_true", help="print them as JSON")

    commands.add_parser("telegram", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)",
                        description="Run the Telegram bot until stopped (Ctrl-C); it answers in chats with the same "
                        "answers as `ask`. Needs TELEGRAM_BOT_TOKEN.")

    from bot.cli_web import add_web_arguments

    add_web_arguments(ingest, commands)

    evaluate = commands.add_parser("eval", help="measure retrieval and answers on a question set",
                                   description="Measure retrieval (hit@k, MRR) and the offline answers (gold answer "
                                   "in the answer and its first sentence, length, abstentions, declined unanswerable "
                                   "questions) on a question set.")
    evaluate.add_argument("questions", type=Path, help="questions in the RealTimeQA dev_questions.jsonl schema")
    evaluate.add_argument("--json", action="store_true", help="print the metrics as JSON")
    evaluate.add_argument("--ignore-dates", action="store_true", help="don't use each question's date")
    evaluate.add_argument("--per-question", type=Path, metavar="FILE", help="write per-question results (JSONL)")
    evaluate.add_argument("--limit", type=int, help="only the first N questions")
    evaluate.add_argument("--mode", choices=["hybrid", "bm25", "vector"], default="hybrid",
                          help="retriever to measure (default: hybrid, what `ask` uses)")
    _add_filters(evaluate, "default: each question's question_date")
    return parser


def _configure_logging(level_name: str, verbose: int) -> None:
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose == 1 else getattr(
        logging, level_name.upper(), logging.WARNING
    )
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # Request URLs carry secrets (the Telegram token) and say little: keep the HTTP loggers quiet.
    for noisy in ("httpx", "httpcore", "chromadb", "urllib3"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def _command_parser(parser: argparse.ArgumentParser, command: str | None) -> argparse.ArgumentParser:
    """The parser of `command`, or `parser` itself when there is none."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return action.choices[command]
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # "newsbot ask --bogus …": the command's own usage, not the top-level one, says what it takes.
        _command_parser(parser, args.command).error(f"unrecognized arguments: {' '.join(unknown)}")
    _check_arguments(args, parser)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    try:
        return _run(args, parser)
    except NewsbotError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`newsbot ask … | head`): nothing left to say, and no traceback for it. Point stdout
        # at /dev/null so the interpreter's own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _check_arguments(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Mistakes argparse can't see, caught before the store and the model are loaded (exits 2 with the usage)."""
    if args.command == "ask" and not " ".join(args.question).strip():
        parser.error("the question is empty: newsbot ask \"Which hotel was Rouhani staying at?\"")
    since, until = getattr(args, "since", None), getattr(args, "until", None)
    if since and until and since > until:
        parser.error(f"--since {since} is after --until {until}: no article can match")


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from config.settings import load_settings

    settings = load_settings()
    _configure_logging(settings.log_level, args.verbose)

    if args.command == "config":
        view = settings.public_view()
        if args.json:
            print(json.dumps(view, indent=2, default=str))
        else:
            width = max(len(k) for k in view)
            for key, value in view.items():
                print(f"{key.ljust(width)}  {value}")
        return EXIT_OK
    if args.command == "telegram":
        from bot.telegram import run_bot

        run_bot(settings)
        return EXIT_OK

    from bot.cli_web import run_web, wants_web

    if wants_web(args):
        return run_web(args, parser, settings)

    from bot.render import render_answer, render_report, render_stats
    from bot.wiring import build_service

    service = build_service(settings)

    if args.command == "ingest":
        if not args.paths and not args.rebuild:
            parser.error("ingest needs at least one PATH (a file or a folder)")
        paths = [Path(p) for p in args.paths]
        try:
            report = service.ingest(paths, rebuild=args.rebuild, progress=not args.quiet)
        except KeyboardInterrupt:
            print(INTERRUPTED_WRITE, file=sys.stderr)
            return EXIT_INTERRUPTED
        print(render_report(report))
        return EXIT_PARTIAL if report.problems else EXIT_OK
    if args.command == "stats":
        print(render_stats(service.stats()))
        return EXIT_OK
    if args.command == "remove":
        missing = 0
        try:
            removals = service.remove_many(list(dict.fromkeys(args.ids)))
        except KeyboardInterrupt:
            print(INTERRUPTED_WRITE, file=sys.stderr)
            return EXIT_INTERRUPTED
        for article_id, removed in removals.items():
            if removed < 0:
                print(f"No article with id {article_id!r} in the store.", file=sys.stderr)
                missing += 1
            else:
                print(f"Removed {article_id} ({removed} chunks).")
        return EXIT_PARTIAL if missing else EXIT_OK

    try:
        _seed_if_new(service)
    except KeyboardInterrupt:
        print(INTERRUPTED_WRITE, file=sys.stderr)
        return EXIT_INTERRUPTED
    _require_articles(service)
    if args.command == "ask":
        answer = service.ask(" ".join(args.question), filters=_filters(args))
        if args.json:
            print(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
        else:
            print(render_answer(answer))
        return EXIT_OK
    if args.command == "repl":
        from bot.repl import run_repl

        return run_repl(service)
    if args.command == "eval":
        from bot.evaluate import EvalRun, run_eval_command
        from index.types import SearchFilters

        run = EvalRun(args.questions, args.limit, args.mode, not args.ignore_dates,
                      _filters(args) or SearchFilters(), args.per_question, args.json)
        return run_eval_command(service, run)
    parser.error(f"unknown command {args.command}")
    return EXIT_ERROR


def _seed_if_new(service: NewsService) -> None:
    from bot.render import render_report

    report = service.ensure_seeded()
    if report is not None:
        print(f"The store was new, so newsbot ingested the seed articles first. {render_report(report)}",
              file=sys.stderr)


def _require_articles(service: NewsService) -> None:
    """Stop with a message naming the store when it has nothing to answer from (not "The articles don't say")."""
    from index.errors import StoreError

    # The search's mirror holds every chunk and is read without opening Chroma while the store is unchanged.
    if len(service.searcher.index()) == 0:
        raise StoreError(
            f"The store at {service.store.location} holds no articles. Add some with `newsbot ingest PATH…`, or set "
            "NEWSBOT_DATA_DIR to the folder of the store you meant (`newsbot config` shows the one in use)."
        )


def _filters(args: argparse.Namespace) -> SearchFilters | None:
    from index.types import SearchFilters

    if not (args.source or args.since or args.until or args.as_of):
        return None
    return SearchFilters(sources=tuple(args.source), since=args.since, until=args.until, as_of=args.as_of)


if __name__ == "__main__":
    sys.exit(main())

"""`newsbot ingest URL`, `newsbot ingest --feed URL` and `newsbot feeds add|list|remove|refresh`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.web import is_url

if TYPE_CHECKING:
    from config.settings import Settings

EXIT_OK, EXIT_PARTIAL = 0, 1

FEEDS_HELP = """\
Follow news feeds (RSS 2.0, Atom, JSON Feed): newsbot keeps the list in feeds.json in the data folder.
`feeds refresh` ingests what is new since the last refresh; `newsbot telegram` refreshes on a schedule
(NEWSBOT_FEED_REFRESH_MINUTES)."""


def add_web_arguments(ingest: argparse.ArgumentParser, commands: Any) -> None:
    """Give `ingest` its --feed option and add the `feeds` command."""
    ingest.add_argument("--feed", action="append", default=[], metavar="URL",
                        help="ingest the articles a feed links to, once (to keep following it: newsbot feeds add)")
    feeds = commands.add_parser("feeds", help="follow news feeds and refresh them", description=FEEDS_HELP)
    actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="follow a feed and ingest its entries now")
    add.add_argument("url", metavar="URL")
    actions.add_parser("list", help="the feeds followed")
    remove = actions.add_parser("remove", help="stop following a feed (its articles stay in the store)")
    remove.add_argument("feed", metavar="URL|N", help="the feed's URL, or its number in `newsbot feeds list`")
    actions.add_parser("refresh", help="ingest what is new in every followed feed (honours robots.txt)")


def wants_web(args: argparse.Namespace) -> bool:
    """Say whether this command line is for the web: `feeds`, or `ingest` with a URL or --feed."""
    if args.command == "feeds":
        return True
    return args.command == "ingest" and bool(args.feed or any(is_url(str(p)) for p in args.paths))


def run_web(args: argparse.Namespace, parser: argparse.ArgumentParser, settings: Settings) -> int:
    """Run a web command; the exit code is 1 when any input was skipped, as for files."""
    from index.web.registry import FeedRegistry

    if args.command == "feeds" and args.feeds_command in ("list", "remove"):
        return _list_or_remove(args, FeedRegistry(settings.data_dir))
    if args.command == "ingest" and args.rebuild:
        parser.error("--rebuild takes files only; rebuild first, then ingest URLs")
    if args.command == "feeds" and args.feeds_command == "add" and not is_url(args.url):
        parser.error(f"a feed's address starts with http:// or https://, got {args.url!r}")

    from bot.render import render_report
    from bot.web import build_web, merge_reports
    from bot.wiring import build_service

    service = build_service(settings)
    web = build_web(settings, service)
    progress = args.command == "ingest" and not args.quiet and sys.stderr.isatty()
    try:
        if args.command == "ingest":
            urls = [str(p) for p in args.paths if is_url(str(p))]
            paths = [Path(p) for p in args.paths if not is_url(str(p))]
            report = web.ingest(urls, args.feed, progress=progress)
            if paths:
                report = merge_reports(service.ingest(paths, progress=progress), report)
        elif args.feeds_command == "add":
            feed, report = web.follow(args.url)
            print(f"Following {feed.title or feed.url} ({feed.url}).")
        else:
            report = web.refresh(robots=True)
    finally:
        web.close()
    print(render_report(report))
    return EXIT_PARTIAL if report.problems else EXIT_OK


def _list_or_remove(args: argparse.Namespace, registry: Any) -> int:
    if args.feeds_command == "remove":
        removed = registry.remove(args.feed)
        if removed is None:
            print(f"Not following {args.feed!r}; `newsbot feeds list` shows the feeds followed.", file=sys.stderr)
            return EXIT_PARTIAL
        print(f"Stopped following {removed.title or removed.url} ({removed.url}). Its articles stay in the store.")
        return EXIT_OK
    feeds = registry.load()
    if not feeds:
        print("No feeds followed. Follow one with: newsbot feeds add https://example.com/rss.xml")
        return EXIT_OK
    for number, feed in enumerate(feeds, start=1):
        when = f"refreshed {feed.refreshed_at}" if feed.refreshed_at else "never refreshed"
        print(f"{number}. {feed.title or '(untitled)'} — {feed.url} ({when}; {len(feed.seen)} entries seen)")
    return EXIT_OK

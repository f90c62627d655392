"""The `newsbot` command as a user meets it: exit codes, JSON output, messages instead of tracebacks."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import ROOT, SEEDS


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(data))
    monkeypatch.setenv("NEWSBOT_SEEDS_DIR", str(SEEDS))
    return data


def test_ask_json_on_an_empty_store_ingests_the_seeds_first(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ask", "--json", "Which hotel was Rouhani staying at in New York?"])
    out, err = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    assert data["abstained"] is False
    assert "Millennium Hilton" in data["answer"]
    assert data["citations"][0]["n"] == 1
    assert "seed articles" in err


def test_ask_prints_answer_and_sources(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "How", "many", "times", "did", "Trump", "text", "Rouhani?"]) == 0
    out = capsys.readouterr().out
    assert "[1]" in out and "Sources:" in out and "Newsweek" in out


def test_off_topic_question_abstains(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "What is the capital of Australia?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["abstained"] is True and data["citations"] == []


def test_a_filter_that_leaves_nothing_says_why(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--source", "Fox", "Which hotel was Rouhani staying at?"]) == 0
    out = capsys.readouterr().out
    assert "The articles don't say" in out
    assert "Note: No outlet in the store is called “Fox”. It has Newsweek and articles with no outlet named." in out
    assert main(["ask", "--json", "--since", "2030-01-01", "Which hotel was Rouhani staying at?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["abstained"] and data["note"] == "No article has a date to match 2030-01-01 or later."


def test_ingest_reports_bad_files_and_exits_nonzero(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text("# Bridge opens\n\nA new bridge opened in Lisbon on Monday morning.\n")
    (folder / "empty.txt").write_text("")
    assert main(["ingest", "--quiet", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "1 added" in out and "empty.txt" in out
    # Listed once, in the report: not again as a warning on stderr.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "empty.txt" in r.getMessage()]
    assert main(["ingest", "--quiet", str(folder)]) == 1
    assert "0 added" in capsys.readouterr().out


def test_missing_path_is_one_line_not_a_traceback(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "/no/such/folder"]) == 2
    err = capsys.readouterr().err
    assert "/no/such/folder" in err and "Traceback" not in err


def test_a_missing_path_beside_good_ones_is_skipped_and_named(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Bridge opens\n\nA bridge opened in Lisbon on Monday.")
    assert main(["ingest", "--quiet", str(story), "/no/such/folder"]) == 1
    out = capsys.readouterr().out
    assert "1 added" in out and "/no/such/folder: no such file or folder" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "  "], "the question is empty"),
        (["ask", "Who won?", "--since", "2022-10-01", "--until", "2022-09-01"], "--since 2022-10-01 is after --until"),
        (["eval", "questions.jsonl", "--since", "2022-10-01", "--until", "2022-09-01"], "is after --until"),
    ],
)
def test_impossible_requests_are_usage_errors(
    env: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "usage:" in err and "Traceback" not in err


def test_bad_setting_is_reported_by_name(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSBOT_CHUNK_SIZE", "9999")
    assert main(["stats"]) == 2
    assert "NEWSBOT_CHUNK_SIZE" in capsys.readouterr().err


def test_config_masks_secrets(env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:SECRET")
    assert main(["config", "--json"]) == 0
    out = capsys.readouterr().out
    assert "SECRET" not in out and json.loads(out)["telegram_bot_token"] == "********"


def test_stats_and_remove(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["ingest", "--quiet", str(SEEDS)])
    capsys.readouterr()
    assert main(["stats"]) == 0
    assert "Articles:        2" in capsys.readouterr().out
    assert main(["remove", "no-such-id"]) == 1
    assert "No article" in capsys.readouterr().err


@pytest.mark.model  # a process of its own: the real model, whatever the fixtures say
def test_cold_process_help_and_ask(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "OPENAI_", "TELEGRAM_"))}
    env |= {"NEWSBOT_DATA_DIR": str(tmp_path / "data"), "NEWSBOT_SEEDS_DIR": str(SEEDS)}
    cli = [sys.executable, "-m", "bot.cli"]
    shown = subprocess.run([*cli, "--help"], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert "ingest" in shown.stdout and "telegram" in shown.stdout
    run = subprocess.run([*cli, "ask", "--json", "Which hotel was Rouhani staying at?"],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Millennium Hilton" in json.loads(run.stdout)["answer"]
    # A reader that goes away early (`newsbot ask … | head -1`) ends the command quietly, without a traceback.
    piped = subprocess.Popen([*cli, "ask", "Which hotel was Rouhani staying at?"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, cwd=ROOT)
    assert piped.stdout is not None and piped.stderr is not None
    piped.stdout.close()
    err = piped.stderr.read().decode()
    assert piped.wait(timeout=300) == 0, err
    assert "Traceback" not in err


def test_a_20_mb_file_is_refused_in_one_line_and_the_good_article_beside_it_is_stored(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dump.txt").write_bytes(b"Everything\n\n" + b"a. " * 7_000_000)  # 21 MB of "sentences"
    (folder / "good.md").write_text("# Bridge opens\n\nA new bridge opened in Lisbon on Monday morning.\n")
    assert main(["ingest", "--quiet", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "1 added" in out and "Traceback" not in out
    (line,) = [x for x in out.splitlines() if "dump.txt" in x]
    assert "21.0 MB, over the 1.0 MB limit" in line and "NEWSBOT_MAX_ARTICLE_MB" in line
    assert main(["stats"]) == 0
    assert "Articles:        1" in capsys.readouterr().out


def test_ingest_off_a_terminal_logs_progress_lines(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("index.progress.INTERVAL", 0.0)  # a line after every batch, as after every few seconds
    monkeypatch.setattr("index.ingest.ARTICLE_BATCH", 1)
    assert main(["ingest", str(SEEDS)]) == 0  # stderr is captured: not a terminal
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "newsbot ingest: ingesting 2 articles; progress every 0 s"  # not the README
    assert err[1].startswith("newsbot ingest: 1 of 2 articles (50%), ") and "chunks/s" in err[1] and "left" in err[1]
    assert main(["ingest", "--quiet", str(SEEDS)]) == 0
    assert capsys.readouterr().err == ""


def test_an_unreadable_subfolder_makes_ingest_exit_1_and_is_named(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "good.md").write_text("# Bridge opens\n\nA new bridge opened in Lisbon on Monday morning.\n")
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if Path(path) == folder / "locked":  # as `chmod 000` is for anyone but root
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert main(["ingest", "--quiet", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "1 added" in out and f"{folder / 'locked'}: folder cannot be read (Permission denied)" in out


def test_removing_every_article_does_not_bring_the_seeds_back_and_ask_says_where_it_looked(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "--json", "Which hotel was Rouhani staying at?"]) == 0  # a new store: seeded
    capsys.readouterr()
    from bot.wiring import build_service
    from config.settings import load_settings

    ids = [e.article_id for e in build_service(load_settings()).store.all_entries()]
    assert len(ids) == 2 and main(["remove", *ids]) == 0
    capsys.readouterr()
    assert main(["ask", "Which hotel was Rouhani staying at?"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "seed" not in err
    assert f"The store at {env / 'chroma'} holds no articles. Add some with `newsbot ingest PATH…`" in err
    assert main(["stats"]) == 0
    assert "Articles:        0" in capsys.readouterr().out


def test_ask_from_another_folder_uses_the_per_user_store_not_a_new_data_folder_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no NEWSBOT_DATA_DIR, no NEWSBOT_SEEDS_DIR: the defaults
    assert main(["ask", "--json", "Which hotel was Rouhani staying at?"]) == 0
    assert "Millennium Hilton" in json.loads(capsys.readouterr().out)["answer"]
    assert list(elsewhere.iterdir()) == []
    assert (tmp_path / "user-data" / "newsbot" / "chroma").is_dir()  # conftest's XDG_DATA_HOME


def test_ctrl_c_during_ask_says_interrupted_without_the_ingest_message(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.service import NewsService

    main(["ingest", "--quiet", str(SEEDS)])
    capsys.readouterr()

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(NewsService, "ask", interrupted)
    assert main(["ask", "Which hotel was Rouhani staying at?"]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "Interrupted."
    monkeypatch.setattr(NewsService, "ingest", interrupted)
    assert main(["ingest", str(SEEDS)]) == 130
    assert "The store is consistent; run the same command again to finish." in capsys.readouterr().err


def test_an_unknown_option_gets_the_commands_own_usage(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["ask", "--bogus", "Who won?"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: newsbot ask") and "newsbot ask: error: unrecognized arguments: --bogus" in err

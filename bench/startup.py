"""How long newsbot takes to start: `newsbot --help` and a cold `newsbot ask` on the seed articles.

    python bench/startup.py --runs 7
    python bench/startup.py --runs 7 --baseline OLD_CHECKOUT     # also the same commands on other code, interleaved

Each command runs in a fresh process, `--runs` times, interleaved with `python -c pass` so that all of them meet
the same state of the machine; the medians are reported, and each as a ratio to `python -c pass` measured in the
same run, which carries over from one machine (or one load) to another better than seconds do. The store is a
temporary folder holding the seed articles, ingested (and its retrieval mirror saved) by a first `newsbot ask`
that is not counted: "cold" is a new process on a store that is up to date, the way a user meets it.
Goals (issue 23): `--help` under 0.3 s, `ask` under 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
QUESTION = "Which hotel was Rouhani staying at?"
GOALS = {"newsbot --help": 0.3, "newsbot ask": 1.5}


def _newsbot() -> list[str]:
    """The installed console script beside this interpreter (what users run), else `python -m bot.cli`."""
    script = Path(sys.executable).with_name("newsbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def _timed(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (default 7)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="a checkout of other code (e.g. `git archive` of an older commit): its "
                             "`python -m bot.cli` is timed too, on a store of its own, interleaved with this code's")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsbot-startup-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "OPENAI_", "TELEGRAM_"))}
        env |= {"NEWSBOT_DATA_DIR": str(Path(tmp) / "data"), "NEWSBOT_SEEDS_DIR": str(SEEDS),
                "NEWSBOT_LLM": "extractive"}
        newsbot = _newsbot()
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "newsbot --help": [*newsbot, "--help"],
            "newsbot ask": [*newsbot, "ask", QUESTION],
        }
        _timed(commands["newsbot ask"], env)  # ingests the seeds and saves the mirror: not counted
        cwds = {name: ROOT for name in commands}
        envs = {name: env for name in commands}
        if args.baseline is not None:
            base_code = args.baseline.resolve()
            base_env = env | {"NEWSBOT_DATA_DIR": str(Path(tmp) / "baseline-data"), "PYTHONPATH": str(base_code)}
            for name in ("newsbot --help", "newsbot ask"):
                label = f"baseline: {name.removeprefix('newsbot ')}"
                commands[label] = [sys.executable, "-m", "bot.cli", *commands[name][len(newsbot):]]
                cwds[label], envs[label] = base_code, base_env
            _timed(commands["baseline: ask"], base_env, base_code)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(_timed(command, envs[name], cwds[name]))

    base = statistics.median(times["python -c pass"])
    rows = {
        name: {"median_s": round(statistics.median(t), 3), "ratio": round(statistics.median(t) / base, 1),
               "min_s": round(min(t), 3), "max_s": round(max(t), 3)}
        for name, t in times.items()
    }
    if args.json:
        print(json.dumps({"runs": args.runs, "commands": rows, "goals_s": GOALS}, indent=2))
        return
    print(f"{'command':<16} {'median':>8} {'× pass':>7} {'min':>7} {'max':>7}  goal")
    for name, row in rows.items():
        goal = GOALS.get(name)
        verdict = "" if goal is None else f"< {goal} s: {'met' if row['median_s'] < goal else 'NOT met'}"
        print(f"{name:<16} {row['median_s']:>7.3f}s {row['ratio']:>7.1f} {row['min_s']:>6.3f}s {row['max_s']:>6.3f}s"
              f"  {verdict}")
    print(f"({args.runs} runs each, interleaved; medians)")


if __name__ == "__main__":
    main()

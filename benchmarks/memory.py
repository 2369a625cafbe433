"""Resident memory of the real `python -m bot run` process, alone (a minute, not benchmarks/run.py).

    python benchmarks/memory.py                          # with this interpreter
    python benchmarks/memory.py --python /tmp/v/bin/python --runs 2

The same measure as benchmarks/run.py's end-to-end section (its `run_bot`, fake Bot API and
users): RSS after a warm-up of 20 users, then after a burst of 200 users, and the peak
(VmHWM), in MB (10^6 bytes). `--python` runs the bot with another interpreter, e.g. a fresh
`python -m venv /tmp/v && /tmp/v/bin/pip install .`: what a deployment has. The interpreter
of a development machine may have more packages installed than the bot needs, and some
libraries import an optional package whenever it is installed (python-telegram-bot imports
tornado and cryptography, httpx imports click and pygments), which costs the process several MB
that a deployment does not pay. The code under test is this checkout's in either case.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import Bot, run_bot  # noqa: E402
from bot.brain import Brain  # noqa: E402
from bot.knowledge_loader import load_knowledge  # noqa: E402
from bot.store import SQLiteStore  # noqa: E402
from tests.loadgen import BrainOracle, build_users, expect_all  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs the bot")
    parser.add_argument("--runs", type=int, default=1, help="bot processes measured in turn")
    args = parser.parse_args(argv)
    crowds = {
        "warm-up": (build_users(20, seed=99, first_chat_id=900_000), {}),
        "burst": (build_users(200, seed=1, first_chat_id=100_000), {"step_timeout": 120}),
    }
    with tempfile.TemporaryDirectory() as reference_dir:
        reference = Brain(load_knowledge(), SQLiteStore(reference_dir))
        oracle = BrainOracle(reference)
        loads = {
            name: (crowd, expect_all(oracle, crowd), options)
            for name, (crowd, options) in crowds.items()
        }
        reference.close()
    bot = Bot("ours", [args.python, "-m", "bot", "run"], True)
    failed = False
    for _ in range(args.runs):
        run = run_bot(bot, loads)
        problems = len(run.burst.problems)
        failed |= bool(problems) or run.exit_code != 0
        print(
            f"{args.python}: {run.rss_warm:.1f} MB after warm-up, {run.rss_after:.1f} MB after "
            f"the burst (peak {run.rss_peak:.1f} MB); {problems} problems, exit {run.exit_code}",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

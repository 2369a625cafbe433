"""Whole in-process handling of one message, and 1,000 `ask --json -` lines, measured.

    python benchmarks/message_latency.py [--rounds N]

Feeds every question of the evaluation sets to `Brain.handle_text` (understanding, matching,
composition, the state store on a temporary SQLite file, language, usage counters) as one chat
per question, and prints p50 / p90 / p99 / max in milliseconds; then runs the real command
`conciliazione-bot ask --json -` on 1,000 of those questions and prints its wall time, start-up
included. Figures go in docs/performance.md; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.brain import Brain  # noqa: E402
from bot.chat import ChatContext  # noqa: E402
from bot.knowledge_loader import load_knowledge  # noqa: E402
from bot.store import SQLiteStore  # noqa: E402

EVAL_DIR = ROOT / "tests" / "eval"
SETS = ("dev.yaml", "dev2.yaml", "holdout.yaml", "conversations-dev.yaml")


def questions() -> list[str]:
    found = []
    for name in SETS:
        found += [case["q"] for case in yaml.safe_load((EVAL_DIR / name).read_text())]
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def in_process(rounds: int) -> None:
    texts = questions()
    with tempfile.TemporaryDirectory() as tmp:
        brain = Brain(load_knowledge(), SQLiteStore(Path(tmp)))
        for text in texts[:50]:  # warm caches as a running bot has them
            brain.handle_text(ChatContext(chat_id="warm"), text)
        timings = []
        for round_ in range(rounds):
            for index, text in enumerate(texts):
                chat = ChatContext(chat_id=f"{round_}-{index}")
                start = time.perf_counter()
                brain.handle_text(chat, text)
                timings.append(1000 * (time.perf_counter() - start))
        brain.close()
    print(f"in-process handle_text, {len(timings)} messages ({len(texts)} distinct):")
    print(
        f"  p50 {statistics.median(timings):.2f} ms  p90 {percentile(timings, 0.9):.2f} ms  "
        f"p99 {percentile(timings, 0.99):.2f} ms  max {max(timings):.2f} ms"
    )


def ask_batch() -> None:
    texts = questions()
    batch = "\n".join((texts * (1000 // len(texts) + 1))[:1000]) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "--json", "-"],
            input=batch,
            capture_output=True,
            text=True,
            cwd=tmp,
            check=True,
        )
        wall = time.perf_counter() - start
    lines = len(done.stdout.splitlines())
    print(f"ask --json -: {lines} lines in {wall:.2f} s, start-up included")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions")
    args = parser.parse_args()
    in_process(args.rounds)
    ask_batch()


if __name__ == "__main__":
    main()

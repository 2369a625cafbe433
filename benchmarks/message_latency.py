"""Whole in-process handling of one message, start-up, and 1,000 `ask --json -` lines, measured.

    python benchmarks/message_latency.py [--rounds N] [--runs N]

Feeds every question of the evaluation sets to `Brain.handle_text` (understanding, matching,
composition, the state store on a temporary SQLite file, language, usage counters) as one chat
per question, and prints p50 / p90 / p99 / max in milliseconds. Then, in fresh interpreters,
the start-up stages (imports, knowledge load from YAML and from the disk cache, brain build)
and the real command `conciliazione-bot ask --json -` on 1,000 of those questions: wall time,
start-up included, with the knowledge cache cold (first run after an edit or an upgrade) and
warm (every other run), and warm with the modules' bytecode written as an installed package has
it (where PYTHONDONTWRITEBYTECODE is set, every start compiles them from source again). Each
subprocess figure is the median of --runs runs, with the range.
Figures go in docs/performance.md; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
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


STAGES = """
import sys, tempfile, time
from pathlib import Path
t0 = time.perf_counter()
import bot.cli, bot.brain, bot.cache
t1 = time.perf_counter()
from bot.knowledge_loader import load_knowledge
load_knowledge()
t2 = time.perf_counter()
kb = bot.cache.load_knowledge_cached()
t3 = time.perf_counter()
from bot.brain import Brain
from bot.store import SQLiteStore
with tempfile.TemporaryDirectory() as tmp:
    brain = Brain(kb, SQLiteStore(Path(tmp)))
    t4 = time.perf_counter()
    brain.close()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""


def _env(cache_home: str) -> dict[str, str]:
    env = dict(os.environ, XDG_CACHE_HOME=cache_home)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    for name in ("KNOWLEDGE_DIR", "BOT_DATA_DIR", "BOT_TOKEN"):
        env.pop(name, None)
    return env


def _spread(values: list[float], unit: float = 1000.0, suffix: str = "ms") -> str:
    scaled = sorted(v * unit for v in values)
    fmt = ".0f" if suffix == "ms" else ".2f"
    return (
        f"{statistics.median(scaled):{fmt}} {suffix} (range {scaled[0]:{fmt}}-{scaled[-1]:{fmt}})"
    )


def startup(runs: int) -> None:
    """Start-up stages in fresh interpreters, the cache warmed by a first run."""
    with tempfile.TemporaryDirectory() as cache_home:
        env = _env(cache_home)
        stages: list[list[float]] = []
        for _ in range(runs + 1):
            done = subprocess.run(
                [sys.executable, "-c", STAGES], env=env, capture_output=True, text=True, check=True
            )
            stages.append([float(v) for v in done.stdout.split()])
    stages = stages[1:]  # the first run wrote the cache
    names = ("imports", "knowledge load from YAML", "knowledge load from the cache", "brain build")
    print(f"start-up stages, fresh interpreter, median of {runs}:")
    for index, name in enumerate(names):
        print(f"  {name}: {_spread([row[index] for row in stages])}")


def ask_batch(runs: int) -> None:
    texts = questions()
    batch = "\n".join((texts * (1000 // len(texts) + 1))[:1000]) + "\n"
    command = [sys.executable, "-m", "bot", "ask", "--json", "-"]
    one = [sys.executable, "-m", "bot", "ask", "--json", "cos'è il fondo nasko?"]
    walls: dict[str, list[float]] = {"cold": [], "warm": [], "one": [], "compiled": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as cache_home:
            env = _env(cache_home)
            # As an installed package runs: its modules' bytecode written once (by pip, or by
            # the first run), then read; where PYTHONDONTWRITEBYTECODE is set, every start
            # compiles each module of the project from source again (~0.1 s).
            compiled = dict(env, PYTHONPYCACHEPREFIX=str(Path(cache_home) / "bytecode"))
            compiled.pop("PYTHONDONTWRITEBYTECODE", None)
            for kind in ("cold", "warm", "one", "bytecode", "compiled"):
                start = time.perf_counter()
                done = subprocess.run(
                    one if kind in ("one", "bytecode") else command,
                    input=None if kind in ("one", "bytecode") else batch,
                    capture_output=True,
                    text=True,
                    cwd=tmp,
                    env=compiled if kind in ("bytecode", "compiled") else env,
                    check=True,
                )
                if kind != "bytecode":  # that run only writes the bytecode
                    walls[kind].append(time.perf_counter() - start)
                if kind in ("cold", "warm", "compiled"):
                    assert len(done.stdout.splitlines()) == 1000, done.stderr
    print(f"ask --json -, 1,000 lines, start-up included, median of {runs}:")
    print(f"  knowledge cache warm: {_spread(walls['warm'], 1.0, 's')}")
    print(f"  knowledge cache cold: {_spread(walls['cold'], 1.0, 's')}")
    print(f"  knowledge cache warm, bytecode written: {_spread(walls['compiled'], 1.0, 's')}")
    print(f"ask --json, one question (start-up), cache warm: {_spread(walls['one'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per figure")
    args = parser.parse_args()
    in_process(args.rounds)
    startup(args.runs)
    ask_batch(args.runs)


if __name__ == "__main__":
    main()

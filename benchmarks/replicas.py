"""Two webhook replicas on PostgreSQL, side by side with one replica (SQLite, and PostgreSQL).

    python benchmarks/replicas.py            # about 3 minutes on 2 cores
    python benchmarks/replicas.py --quick    # 100 users, shorter pauses

Each configuration runs real `python -m bot run --webhook` processes; the fake Bot API
(tests/fakebotapi.py) posts every update to a round-robin forwarder (tests/replicas.py) that
stands in for the reverse proxy, in front of one or two replicas. A throw-away PostgreSQL
server (tests/pgcluster.py) serves the PostgreSQL runs. Two loads, every reply checked against
a reference brain:

- paced: 200 users arriving over 10 s and reading each reply for 6-14 s (a person's pace,
  ~20 updates/s), with the production flood limit; the figure is p95 reply latency;
- burst: 200 users at once, each writing again as soon as the whole reply has arrived, flood
  limit lifted (MAX_MESSAGES_PER_SECOND=0); the figure is updates answered per second.

The fake Telegram, the forwarder and the 200 users share the benchmark's one Python process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 100.0
TARGET_RATIO = 0.70


def run_config(
    name: str, count: int, database_url: str, loads: dict[str, Any], flood_limit: str
) -> dict[str, Any]:
    from tests.loadgen import TrackingBotApi, run_load_in_thread
    from tests.replicas import start_replicas, stop_all

    results: dict[str, Any] = {}
    with TrackingBotApi.serve_in_thread() as api, tempfile.TemporaryDirectory() as folder:
        replicas, forwarder = start_replicas(
            api, database_url, Path(folder), count, MAX_MESSAGES_PER_SECOND=flood_limit
        )
        try:
            for load, (users, expectations, options) in loads.items():
                report = run_load_in_thread(api, users, expectations, **options)
                results[load] = report
                print(f"  {name:<34} {load:<8} {report.summary()}", flush=True)
            results["redelivered"] = sum(
                r.metric("conciliazione_updates_redelivered_total") for r in replicas
            )
        finally:
            results["exit codes"] = stop_all(replicas, forwarder)
    return results


def main(argv: list[str] | None = None) -> int:
    from bot.brain import Brain
    from bot.knowledge_loader import load_knowledge
    from bot.store import SQLiteStore
    from tests.loadgen import BrainOracle, build_users, expect_all
    from tests.pgcluster import start_cluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 users, shorter pauses")
    parser.add_argument("--users", type=int, help="simulated users (default 200; quick 100)")
    parser.add_argument(
        "--smoke", action="store_true", help="check the script itself: a few users, no pauses"
    )
    args = parser.parse_args(argv)
    users = args.users or (100 if args.quick else 200)
    if args.smoke:
        paced: dict[str, Any] = {"ramp": 0.5, "think": (0.1, 0.3)}
    elif args.quick:
        paced = {"ramp": 5.0, "think": (3.0, 7.0)}
    else:
        paced = {"ramp": 10.0, "think": (6.0, 14.0)}
    with tempfile.TemporaryDirectory() as reference_dir:
        reference = Brain(load_knowledge(), SQLiteStore(reference_dir))
        oracle = BrainOracle(reference)
        crowds = {
            "warm-up": (build_users(20, seed=99, first_chat_id=900_000), {}),
            "paced": (
                build_users(users, seed=2, first_chat_id=300_000),
                {**paced, "step_timeout": 120, "seed": 3},
            ),
            "burst": (build_users(users, seed=1, first_chat_id=100_000), {"step_timeout": 120}),
        }
        loads = {n: (u, expect_all(oracle, u), o) for n, (u, o) in crowds.items()}
        reference.close()
    cluster = start_cluster()
    started = time.monotonic()
    table: dict[str, dict[str, Any]] = {}
    try:
        # (name, replicas, PostgreSQL?, flood limit per replica for the paced load: Telegram's
        # 30 messages/s is per bot, so two replicas get 15 each, as docs/deploy.md says)
        configs = [
            ("one replica, SQLite", 1, False, "30"),
            ("one replica, PostgreSQL", 1, True, "30"),
            ("two replicas, PostgreSQL", 2, True, "15"),
        ]
        paced_only = {k: v for k, v in loads.items() if k != "burst"}
        burst_only = {k: v for k, v in loads.items() if k in ("warm-up", "burst")}
        for name, count, postgres, limit in configs:
            url = cluster.new_database() if postgres else ""
            table[name] = run_config(name, count, url, burst_only, flood_limit="0")
            if name != "one replica, PostgreSQL":  # the paced load is long: the two that count
                url = cluster.new_database() if postgres else ""
                paced_run = run_config(name, count, url, paced_only, flood_limit=limit)
                table[name]["paced"] = paced_run["paced"]
                table[name]["redelivered"] += paced_run["redelivered"]
    finally:
        cluster.remove()
    print(f"\nside by side ({time.monotonic() - started:.0f} s), {users} users:")
    print(
        "| configuration | paced p50 / p95 | burst, no flood limit | burst p50 / p95 "
        "| wrong or missing replies | re-deliveries |"
    )
    print("|---|---|---|---|---|---|")
    for name, result in table.items():
        b, p = result["burst"], result.get("paced")
        paced_text = (
            f"{1000 * p.percentile(50):.1f} / {1000 * p.percentile(95):.1f} ms" if p else "–"
        )
        wrong = len(b.problems) + (len(p.problems) if p else 0)
        print(
            f"| {name} | {paced_text} | {b.throughput:.0f} upd/s | "
            f"{1000 * b.percentile(50):.0f} / {1000 * b.percentile(95):.0f} ms | {wrong} | "
            f"{result['redelivered']:.0f} |"
        )
    two, one = table["two replicas, PostgreSQL"], table["one replica, SQLite"]
    p95 = 1000 * two["paced"].percentile(95)
    ratio = two["burst"].throughput / one["burst"].throughput
    print(
        f"\ntwo replicas on PostgreSQL: paced p95 {p95:.1f} ms "
        f"[target < {TARGET_P95_MS:.0f} ms: {'met' if p95 < TARGET_P95_MS else 'MISSED'}]; "
        f"burst throughput {ratio:.0%} of one replica on SQLite "
        f"[target >= {TARGET_RATIO:.0%}: {'met' if ratio >= TARGET_RATIO else 'MISSED'}]"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

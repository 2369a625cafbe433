"""Memory and time of the place directory: `python benchmarks/places_memory.py`.

Each figure is measured in a fresh interpreter: resident memory (RSS) once the modules the bot
imports anyway are loaded, after loading the knowledge base (which builds the place directory),
the peak (VmHWM), and for comparison what python-codicefiscale's public loader of the list of
comuni would keep. Linux only (/proc).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import gc, json, time

def status(field):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0

import bot.brain, bot.flows, bot.store  # noqa: E401  (the bot imports them anyway)
gc.collect()
base = status("VmRSS")
mode = MODE
out = {"base_mb": round(base, 1)}
if mode == "knowledge":
    from bot.knowledge_loader import load_knowledge
    started = time.perf_counter()
    kb = load_knowledge()
    out["load_ms"] = round(1000 * (time.perf_counter() - started))
    started = time.perf_counter()
    kb2 = load_knowledge()  # a /reload: the list of comuni is read once per process
    out["reload_ms"] = round(1000 * (time.perf_counter() - started))
    del kb2
    gc.collect()
    out["loaded_mb"] = round(status("VmRSS"), 1)  # before any question (caches)
    places = kb.places
    questions = ["a chi mi rivolgo a Breno?", "sono di Lodi", "nasko a Torino?",
                 "Buongiorno, abito a Cassano d'Adda in provincia di Milano e lavoro a Milano: "
                 "per il centro estivo di luglio ci sono contributi?"] * 100
    started = time.perf_counter()
    for question in questions:
        places.find(question)
    out["find_us"] = round(1e6 * (time.perf_counter() - started) / len(questions))
    if hasattr(places, "find_outside"):
        started = time.perf_counter()
        for question in questions:
            places.find_outside(question)
        out["find_outside_us"] = round(1e6 * (time.perf_counter() - started) / len(questions))
elif mode == "library":
    from codicefiscale.data import get_municipalities_data
    rows = [r for r in get_municipalities_data() if r["province"] in ("MI", "BG")]
gc.collect()
out["after_mb"] = round(status("VmRSS"), 1)
out["delta_mb"] = round(out["after_mb"] - base, 1)
out["peak_mb"] = round(status("VmHWM"), 1)
print(json.dumps(out))
"""


def measure(mode: str, cwd: Path = ROOT) -> dict[str, float]:
    """Run the probe in a fresh interpreter in `cwd` (a checkout of the project)."""
    code = PROBE.replace("MODE", repr(mode))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    checkout = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT
    print("knowledge base + place directory:", measure("knowledge", checkout))
    print("library loader (get_municipalities_data):", measure("library", checkout))


if __name__ == "__main__":
    main()

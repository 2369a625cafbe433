"""What a start does not import or scan: the readers of typed answers, the flow and poster
checks of a YAML load (docs/performance.md, "Twelfth pass"), and the collector's pauses."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from bot import collector

ROOT = Path(__file__).resolve().parent.parent

# Imported by a load from YAML or by a guided check's typed answer, never by a start itself.
LAZY = (
    "bot.flows.engine",
    "bot.flows.loader",
    "bot.flows.parsing.choices",
    "bot.flows.parsing.dates",
    "bot.flows.parsing.durations",
    "bot.flows.parsing.numbers",
    "bot.flows.parsing.steps",
    "bot.flows.render",
    "bot.flows.rules",
    "bot.flows.verdicts",
    "bot.posters.content",
    "text_to_num",
)


def _lazy_loaded_after(code: str) -> str:
    """The lazy modules a fresh interpreter has imported after running `code`."""
    code += f"\nimport sys\nprint(sorted(m for m in {LAZY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_start_imports_no_reader_of_typed_answers_nor_the_yaml_checks() -> None:
    assert _lazy_loaded_after("import bot.cli, bot.brain, bot.cache") == "[]"


def test_ask_answers_without_the_guided_checks_engine() -> None:
    """`ask` builds the brain and answers, and never makes the engine of the checks."""
    code = (
        "import tempfile\n"
        "from pathlib import Path\n"
        "from bot.brain import Brain\n"
        "from bot.cache import load_knowledge_cached\n"
        "from bot.store import SQLiteStore\n"
        "brain = Brain(load_knowledge_cached(), SQLiteStore(Path(tempfile.mkdtemp())))\n"
        "brain.answer_question('quanto dà il nasko?')\n"
        "brain.answer_question('abito a Lodi, a chi mi rivolgo?')"
    )
    assert _lazy_loaded_after(code) == "[]"


def test_the_engine_is_made_at_its_first_use() -> None:
    from bot.flows import FlowEngine, LazyFlowEngine

    lazy = LazyFlowEngine({}, None, None)
    assert lazy._engine is None
    menu = lazy.menu  # a method of the engine: it is made now, once
    assert isinstance(lazy._engine, FlowEngine)
    assert menu.__self__ is lazy.engine is lazy._engine


def test_the_lazy_names_are_still_there() -> None:
    import bot.flows
    from bot.flows import MARKERS, Flow, FlowEngine, Verdict, decide, load_flows
    from bot.flows.engine import _reader

    assert load_flows is bot.flows.loader.load_flows
    assert FlowEngine is bot.flows.engine.FlowEngine
    assert (MARKERS, Verdict, decide) == (
        bot.flows.rules.MARKERS,
        bot.flows.rules.Verdict,
        bot.flows.rules.decide,
    )
    assert Flow is bot.flows.schema.Flow
    assert _reader("choices").is_cancel("annulla")
    try:
        bot.flows.not_a_name  # noqa: B018
    except AttributeError:
        pass
    else:
        raise AssertionError("an unknown name of bot.flows must raise AttributeError")


def test_a_kept_pause_sets_what_it_made_aside_and_gives_the_collector_back() -> None:
    assert gc.isenabled()
    with collector.paused(keep=True):
        assert not gc.isenabled()
        made = [[index] for index in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)
    with collector.paused():
        pass
    assert gc.isenabled()

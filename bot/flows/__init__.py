"""Guided eligibility checks ("rules as code"): flows as data, dated parameters, verdicts.

Public API: `load_flows` (knowledge/flows/*.yaml -> flows + problem lines) and `FlowEngine`
(the dialogue, state per chat in the store). See docs/flows.md.

The engine (with its rules, renderer and verdicts) is imported when first asked for, and the
brain makes it at the first use of a check (`LazyFlowEngine`): `ask` and `eval` answer
questions without ever running a check, so a start of theirs imports none of it.
"""

from __future__ import annotations

import threading
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.flows.engine import FlowEngine
    from bot.flows.loader import load_flows
    from bot.flows.rules import MARKERS, Verdict, decide
    from bot.flows.schema import Flow

__all__ = [
    "MARKERS",
    "Flow",
    "FlowEngine",
    "LazyFlowEngine",
    "Verdict",
    "decide",
    "load_flows",
]

# Name -> the module that defines it, imported at the first `bot.flows.<name>`.
_LAZY = {
    "FlowEngine": "bot.flows.engine",
    "MARKERS": "bot.flows.rules",
    "Verdict": "bot.flows.rules",
    "decide": "bot.flows.rules",
    "Flow": "bot.flows.schema",
    "load_flows": "bot.flows.loader",
}


def __getattr__(name: str) -> Any:
    """The public names, imported when first asked for: a start from the knowledge cache
    reads no flow file and runs no check."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)


class LazyFlowEngine:
    """A `FlowEngine` made, with its modules imported, when one of its methods is first
    asked for; until then only its arguments are kept. Stands for the engine everywhere
    (the brain's `flows`: None without flows, this otherwise)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._args = args
        self._kwargs = kwargs
        self._engine: FlowEngine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> FlowEngine:
        engine = self._engine
        if engine is None:
            with self._lock:  # doors may call the brain from several threads
                if self._engine is None:
                    from bot.flows.engine import FlowEngine

                    self._engine = FlowEngine(*self._args, **self._kwargs)
                engine = self._engine
        return engine

    def __getattr__(self, name: str) -> Any:
        # Only names this object lacks come here: the engine's methods and attributes (not
        # its own, missing while it is half made, nor the protocols copy and pickle ask for).
        if name.startswith("__") or name in ("_args", "_kwargs", "_engine", "_lock"):
            raise AttributeError(name)
        return getattr(self.engine, name)

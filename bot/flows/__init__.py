"""Guided eligibility checks ("rules as code"): flows as data, dated parameters, verdicts.

Public API: `load_flows` (knowledge/flows/*.yaml -> flows + problem lines) and `FlowEngine`
(the dialogue, state per chat in the store). See docs/flows.md.
"""

from typing import Any

from bot.flows.engine import FlowEngine
from bot.flows.rules import MARKERS, Verdict, decide
from bot.flows.schema import Flow

__all__ = ["MARKERS", "Flow", "FlowEngine", "Verdict", "decide", "load_flows"]


def __getattr__(name: str) -> Any:
    """`load_flows`, imported when first asked for: a start from the knowledge cache reads no
    flow file."""
    if name == "load_flows":
        from bot.flows.loader import load_flows

        return load_flows
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Guided eligibility checks ("rules as code"): flows as data, dated parameters, verdicts.

Public API: `load_flows` (knowledge/flows/*.yaml -> flows + problem lines) and `FlowEngine`
(the dialogue, state per chat in the store). See docs/flows.md.
"""

from bot.flows.engine import FlowEngine
from bot.flows.loader import load_flows
from bot.flows.rules import MARKERS, Verdict, decide
from bot.flows.schema import Flow

__all__ = ["MARKERS", "Flow", "FlowEngine", "Verdict", "decide", "load_flows"]

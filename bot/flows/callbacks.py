"""The callback data of the flows' buttons (all start with "f:", at most 64 bytes), both ways."""

from __future__ import annotations

from typing import Any

from bot.flows.places import PlacesLike, comune_answer
from bot.flows.schema import UNKNOWN, Flow, Step
from bot.flows.session import Session

# Buttons that give the pending step its answer, by action: the number of fields after it.
VALUE_ACTIONS = {"a": 3, "pick": 3, "keep": 2}


def data_start(flow_id: str) -> str:
    return f"f:start:{flow_id}"


def data_answer(flow_id: str, step_id: str, value: str) -> str:
    return f"f:a:{flow_id}:{step_id}:{value}"


def data_back(flow_id: str, step_id: str) -> str:
    return f"f:back:{flow_id}:{step_id}"


def data_edit(flow_id: str, step_id: str) -> str:
    return f"f:edit:{flow_id}:{step_id}"


def data_pick(flow_id: str, step_id: str, index: int) -> str:
    return f"f:pick:{flow_id}:{step_id}:{index}"


DATA_CANCEL = "f:cancel"
DATA_MENU = "f:menu"


def data_ok(flow_id: str) -> str:
    return f"f:ok:{flow_id}"


def pressed_value(
    session: Session, flow: Flow, action: str, args: list[str], places: PlacesLike | None
) -> tuple[Step, Any] | None:
    """The (step, value) a button of VALUE_ACTIONS records; None for a stale or forged one.

    `args` follow the flow id: `a` step, option; `pick` step, index of the comune offered;
    `keep` step (the figure or month written, kept as a range).
    """
    step = flow.step(args[0])
    if step is None or step.id != session.step:
        return None
    if action == "keep":
        pending = session.confirm
        return (step, pending["value"]) if pending and pending.get("step") == step.id else None
    if action == "pick":
        index = args[1]
        if not index.isdigit() or int(index) >= len(session.pick):
            return None
        comune = places.comune_by_key(session.pick[int(index)][0]) if places else None
        return (step, comune_answer(comune)) if comune is not None else None
    allowed = {o.id for o in step.options}
    if step.type == "yes_no":
        allowed |= {"yes", "no"}
    if step.unknown:
        allowed.add(UNKNOWN)
    return (step, args[1]) if args[1] in allowed else None

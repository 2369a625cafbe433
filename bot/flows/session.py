"""What the store keeps for a chat in the middle of a flow (the "flow" slot of its state)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from bot.flows.schema import Flow

STATE_FORMAT = 1
SLOT = "flow"  # the key of the chat state the flows own
RECAP = "_recap"  # the "step" of a session waiting for the user's confirmation


def flow_digest(flow: Flow) -> str:
    """A short hash of the flow's content: a saved dialogue on an older version is restarted."""
    return hashlib.sha256(flow.model_dump_json(by_alias=True).encode()).hexdigest()[:16]


@dataclass
class Session:
    """One chat's progress: the current step, the answers so far and the path taken."""

    flow_id: str
    version: str
    step: str  # a step id, or RECAP
    answers: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)  # answered step ids, in order
    tries: dict[str, int] = field(default_factory=dict)  # failed comune look-ups per step
    pick: list[list[str]] = field(default_factory=list)  # comune candidates: [key, shown]
    # An answer waiting for the user: {"kind": "hedge" | "day", "step": id, "value": range}.
    confirm: dict[str, Any] | None = None

    def dump(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "flow": self.flow_id,
            "v": self.version,
            "step": self.step,
            "answers": self.answers,
            "history": self.history,
            "tries": self.tries,
            "pick": self.pick,
            "confirm": self.confirm,
        }

    @classmethod
    def load(cls, raw: Any) -> Session | None:
        """None when the saved state is malformed (it is then discarded, never trusted)."""
        if not isinstance(raw, dict) or raw.get("format") != STATE_FORMAT:
            return None
        flow_id, version, step = raw.get("flow"), raw.get("v"), raw.get("step")
        answers, history = raw.get("answers", {}), raw.get("history", [])
        tries, pick = raw.get("tries", {}), raw.get("pick", [])
        if not (isinstance(flow_id, str) and isinstance(version, str) and isinstance(step, str)):
            return None
        if not isinstance(answers, dict) or not isinstance(history, list):
            return None
        if not isinstance(tries, dict) or not isinstance(pick, list):
            return None
        if not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pick
        ):
            return None
        confirm = raw.get("confirm")
        if confirm is not None and not (
            isinstance(confirm, dict)
            and confirm.get("kind") in ("hedge", "day")
            and confirm.get("step") == step
            and isinstance(confirm.get("value"), dict)
        ):
            confirm = None  # a damaged or stale pending confirmation is dropped, not trusted
        return cls(
            flow_id,
            version,
            step,
            dict(answers),
            [str(h) for h in history],
            {str(k): int(v) for k, v in tries.items() if isinstance(v, int)},
            pick,
            confirm,
        )


class SessionSlot:
    """The flows' slot of each chat's state in the store: read, saved, cleared."""

    def __init__(self, store: Any) -> None:
        self._store = store  # a bot.store.Store

    def raw(self, chat_id: int | str) -> Any:
        return (self._store.get_state(chat_id) or {}).get(SLOT)

    def load(self, chat_id: int | str) -> Session | None:
        return Session.load(self.raw(chat_id))

    def save(self, chat_id: int | str, session: Session) -> None:
        self._store.update_state(chat_id, SLOT, session.dump())

    def clear(self, chat_id: int | str) -> None:
        self._store.update_state(chat_id, SLOT, None)

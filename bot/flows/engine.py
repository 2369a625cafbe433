"""The dialogue of an eligibility flow: one question at a time, state in the store per chat.

The engine is a thin state machine around rules.py: it reads the "flow" slot of the chat's
state, applies one user action (a typed answer, a button, back, edit, confirm, cancel), saves
the slot again and returns the Replies to send. The answers are deleted with the verdict or on
cancel. Nothing here imports telegram.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import date
from types import ModuleType
from typing import Any

from bot.flows.callbacks import VALUE_ACTIONS, pressed_value
from bot.flows.parsing.base import Parsed, is_approx, parse_text
from bot.flows.places import PlacesLike, ats_entries, read_comune
from bot.flows.render import Renderer
from bot.flows.rules import (
    decide,
    evaluation_date,
    path,
    pending_step,
    prune,
    range_decides,
)
from bot.flows.schema import UNKNOWN, Flow, Step
from bot.flows.session import RECAP, Session, SessionSlot, flow_digest
from bot.flows.verdicts import Verdicts
from bot.reply import Button, Reply
from bot.store import Store, StoreError
from bot.texts import Texts

logger = logging.getLogger(__name__)


def _reader(name: str) -> ModuleType:
    """A reader of typed answers (bot.flows.parsing.<name>), imported at the first answer typed
    in a check rather than at every start (~20 ms; `ask` never reads one)."""
    return importlib.import_module(f"bot.flows.parsing.{name}")


class FlowEngine:
    """Runs the eligibility flows for every chat (see docs/flows.md)."""

    def __init__(
        self,
        flows: dict[str, Flow],
        texts: Texts,
        store: Store,
        places: PlacesLike | None = None,
        *,
        today: Callable[[], date] | None = None,
        evaluation_date: date | None = None,
    ) -> None:
        self._flows = dict(sorted(flows.items(), key=lambda item: (item[1].menu_order, item[0])))
        # Each flow's digest, made when a chat first runs it: serialising a flow builds its
        # pydantic serializer (~50 ms), which `ask` and a start from the cache never need.
        self._versions: dict[str, str] = {}
        self._render = Renderer(texts, self._dates)
        self._values = self._render.values
        self._verdicts = Verdicts(texts, self._values)
        self._store = store
        self._sessions = SessionSlot(store)
        self._places = places
        self._today = today or date.today
        self._on = evaluation_date  # tests and editors: evaluate the rules of another period

    def _version(self, flow: Flow) -> str:
        version = self._versions.get(flow.id)
        if version is None:
            version = self._versions[flow.id] = flow_digest(flow)
        return version

    # -- public API --------------------------------------------------------------------------
    def menu(self, lang: str) -> Reply:
        """/verifica: the flows as buttons."""
        return self._render.menu(list(self._flows.values()), lang)

    def flow_ids(self) -> list[str]:
        return list(self._flows)

    def title(self, flow_id: str, lang: str) -> str:
        flow = self._flows.get(flow_id)
        return flow.title.get(lang) if flow else flow_id

    def start(
        self, chat_id: int | str, flow_id: str, lang: str, *, restart: bool = False
    ) -> list[Reply]:
        """Begin a check. If the same check is already running, ask "continue or start over?"
        (buttons f:resume / f:restart) instead of dropping the answers; `restart` forces anew."""
        flow = self._flows.get(flow_id)
        if flow is None:
            return [self._render.notice("flows.unknown_flow", lang), self.menu(lang)]
        if not restart and self.active(chat_id) == flow_id:
            loaded = self._resume(chat_id, lang)
            if isinstance(loaded, list):
                return loaded
            return [self._render.running(*loaded, lang)]
        return [self._begin(chat_id, flow, lang, fresh=restart)]

    def reprompt(self, chat_id: int | str, lang: str) -> Reply | None:
        """The pending question of a running check, with its buttons, under a short "let's go
        back to the check" line: the brain sends it after answering a command or a question
        typed mid-check. None when no check is running."""
        if self._sessions.raw(chat_id) is None:
            return None
        loaded = self._resume(chat_id, lang)
        if isinstance(loaded, list):
            flows = [r for r in loaded if r.status == "flow"]
            return flows[0] if flows else None
        session, flow = loaded
        return self._show(session, flow, lang, self._render.t("flows.reprompt", lang))

    def accepts(self, chat_id: int | str, text: str) -> bool:
        """True when `text` is an answer to the pending question (or back, cancel, "non lo so",
        a confirmation): the brain may treat anything else typed mid-check (a command, a
        question, an emoji) on its own and then send `reprompt`. `handle_text` takes any
        text anyway, re-asking with the reason when it cannot read it."""
        raw = self._sessions.raw(chat_id)
        session = Session.load(raw) if raw is not None else None
        flow = self._flows.get(session.flow_id) if session else None
        if session is None or flow is None:
            return False
        if _reader("choices").is_cancel(text) or _reader("choices").is_back(text):
            return True
        if session.step == RECAP:
            return _reader("choices").is_confirm(text)
        step = flow.step(session.step)
        if step is None:
            return False
        if _reader("choices").is_unknown(text) or step.type in ("comune", "text"):
            return bool(text.strip())
        if session.confirm and (_reader("choices").is_confirm(text) or self._day(session, text).ok):
            return True
        return self._parse(flow, step, text).ok

    def _begin(
        self,
        chat_id: int | str,
        flow: Flow,
        lang: str,
        apology: str | None = None,
        fresh: bool = False,
    ) -> Reply:
        """A new dialogue: one message with the intro and the first question."""
        notices = [apology] if apology else []
        previous = self.active(chat_id)
        if previous and (previous != flow.id or fresh):
            title = self.title(previous, lang)
            notices.append(self._render.t("flows.replaced", lang, title=title))
        notices.append(self._render.intro(flow, lang))
        first = pending_step(flow, {}, *self._dates(flow))
        session = Session(flow.id, self._version(flow), first.id if first else RECAP)
        self._sessions.save(chat_id, session)
        self._count("flow_start", flow.id)
        return self._show(session, flow, lang, "\n\n".join(notices))

    def active(self, chat_id: int | str) -> str | None:
        session = Session.load(self._sessions.raw(chat_id))
        return session.flow_id if session else None

    def pending_step(self, chat_id: int | str) -> str | None:
        """The id of the question waiting for an answer (or the recap), None without a check."""
        session = self._sessions.load(chat_id)
        return session.step if session else None

    def pending_confirmation(self, chat_id: int | str) -> str | None:
        """The kind of confirmation asked ("hedge": a figure; "day": the day of a month)."""
        session = self._sessions.load(chat_id)
        return session.confirm["kind"] if session and session.confirm else None

    def current(self, chat_id: int | str, lang: str) -> list[Reply]:
        """Re-show the question on screen (after a restart); nothing when no flow is running."""
        if self._sessions.raw(chat_id) is None:
            return []
        loaded = self._resume(chat_id, lang)
        if isinstance(loaded, list):
            return loaded
        session, flow = loaded
        return [self._show(session, flow, lang)]

    def cancel(self, chat_id: int | str, lang: str) -> Reply:
        flow_id = self.active(chat_id)
        had_state = self._sessions.raw(chat_id) is not None
        self._sessions.clear(chat_id)
        if not had_state:
            return self._render.notice("flows.nothing_to_cancel", lang)
        self._count("flow_cancel", flow_id or "?")
        title = self.title(flow_id, lang) if flow_id else self._render.t("flows.menu.title", lang)
        reply = self._render.notice("flows.cancelled", lang, title=title)
        menu_row = (Button(self._render.t("flows.btn.other", lang), "f:menu"),)
        return Reply(reply.text, status="info", lang=lang, buttons=(menu_row,))

    def handle_text(self, chat_id: int | str, text: str, lang: str) -> list[Reply]:
        loaded = self._resume(chat_id, lang)
        if isinstance(loaded, list):
            return loaded
        session, flow = loaded
        if _reader("choices").is_cancel(text):
            return [self.cancel(chat_id, lang)]
        if _reader("choices").is_back(text):
            if session.confirm:  # leave the pending confirmation: ask the question again
                session.confirm = None
                self._sessions.save(chat_id, session)
                return [self._show(session, flow, lang)]
            return self._back(chat_id, session, flow, lang)
        if not any(ch.isalnum() for ch in text) and not _reader("choices").is_unknown(text):
            # An emoji, a sticker's text, an empty message: never an answer; ask again.
            return [self._show(session, flow, lang, self._render.t("flows.stray", lang))]
        if session.step == RECAP:
            if _reader("choices").is_confirm(text):
                return [self._verdict(chat_id, session, flow, lang)]
            return [self._show(session, flow, lang, self._render.t("flows.recap.hint", lang))]
        step = flow.step(session.step)
        assert step is not None  # _resume guarantees it
        if session.confirm:
            pending = session.confirm
            if _reader("choices").is_confirm(text):
                return self._record(chat_id, session, flow, step, pending["value"], lang)
            if pending["kind"] == "day":
                if _reader("choices").is_unknown(
                    text
                ):  # the day is not known: keep the month (a range)
                    return self._record(chat_id, session, flow, step, pending["value"], lang)
                day = self._day(session, text)
                if day.ok:
                    return self._accept(chat_id, session, flow, step, day, lang)
        if _reader("choices").is_unknown(text) and step.type != "text":
            if step.unknown:
                return self._record(chat_id, session, flow, step, UNKNOWN, lang)
            notice = self._render.t("flows.invalid.unknown_not_allowed", lang)
            return [self._show(session, flow, lang, notice)]
        if step.type == "comune":
            return self._comune_text(chat_id, session, flow, step, text, lang)
        parsed = self._parse(flow, step, text)
        if not parsed.ok:
            return [self._show(session, flow, lang, self._render.reason(step, parsed, lang))]
        return self._accept(chat_id, session, flow, step, parsed, lang)

    def _day(self, session: Session, text: str) -> Parsed:
        """The day typed after "which day of ottobre 2025?" (or a full date)."""
        pending = session.confirm
        if not pending or pending.get("kind") != "day":
            return Parsed(error="flows.invalid.day")
        value = pending["value"]
        month = {"lo": value["x"]} if isinstance(value.get("x"), str) else value
        try:
            return _reader("dates").parse_day_of_month(text, month, self._today())
        except (KeyError, TypeError, ValueError):
            return Parsed(error="flows.invalid.day")

    def _accept(
        self,
        chat_id: int | str,
        session: Session,
        flow: Flow,
        step: Step,
        parsed: Parsed,
        lang: str,
    ) -> list[Reply]:
        """Record a typed answer read by the parsers; a range asks first (hedge or day)."""
        value = parsed.value
        today, on = self._dates(flow)
        if isinstance(value, date) and step.type == "years":  # the day of "da ottobre 2023"
            parsed = self._parse(flow, step, value.isoformat())
            if not parsed.ok:
                return [self._show(session, flow, lang, self._render.reason(step, parsed, lang))]
            value = parsed.value
        if is_approx(value):
            kind = "day" if value["approx"] in ("month", "since") else "hedge"
            if kind == "day" and not range_decides(
                flow, session.answers, step.id, value["lo"], value["hi"], today, on
            ):
                return self._record(chat_id, session, flow, step, value, lang, understood=True)
            session.confirm = {"kind": kind, "step": step.id, "value": value}
            self._sessions.save(chat_id, session)
            return [self._show(session, flow, lang)]
        return self._record(chat_id, session, flow, step, value, lang, parsed.understood)

    def handle_button(self, chat_id: int | str, data: str, lang: str) -> list[Reply]:
        parts = data.split(":") if isinstance(data, str) else []
        if len(parts) < 2 or parts[0] != "f":
            return self._stale(chat_id, lang)
        action, args = parts[1], parts[2:]
        if action == "cancel" and not args:
            return [self.cancel(chat_id, lang)]
        if action == "menu" and not args:
            return [self.menu(lang)]
        if action == "start" and len(args) == 1:
            return self.start(chat_id, args[0], lang)
        if action == "restart" and len(args) == 1:
            return self.start(chat_id, args[0], lang, restart=True)
        loaded = self._resume(chat_id, lang)
        if isinstance(loaded, list):
            return loaded
        session, flow = loaded
        if not args or args[0] != session.flow_id:
            return self._stale(chat_id, lang)
        if VALUE_ACTIONS.get(action) == len(args):  # an option, a comune, a figure kept
            pressed = pressed_value(session, flow, action, args[1:], self._places)
            if pressed is None:
                return self._stale(chat_id, lang)
            return self._record(chat_id, session, flow, *pressed, lang)
        handler = {
            ("ok", 1): self._on_ok,
            ("back", 2): self._on_back,
            ("edit", 2): self._on_edit,
            ("resume", 1): self._on_resume,
        }.get((action, len(args)))
        if handler is None:
            return self._stale(chat_id, lang)
        return handler(chat_id, session, flow, args[1:], lang)

    # -- button actions ------------------------------------------------------------------------
    def _on_ok(
        self, chat_id: int | str, session: Session, flow: Flow, args: list[str], lang: str
    ) -> list[Reply]:
        if session.step != RECAP:
            return self._stale(chat_id, lang)
        return [self._verdict(chat_id, session, flow, lang)]

    def _on_resume(
        self, chat_id: int | str, session: Session, flow: Flow, args: list[str], lang: str
    ) -> list[Reply]:
        return [self._show(session, flow, lang)]

    def _on_back(
        self, chat_id: int | str, session: Session, flow: Flow, args: list[str], lang: str
    ) -> list[Reply]:
        if args[0] != session.step:
            return self._stale(chat_id, lang)
        return self._back(chat_id, session, flow, lang)

    def _on_edit(
        self, chat_id: int | str, session: Session, flow: Flow, args: list[str], lang: str
    ) -> list[Reply]:
        step = flow.step(args[0])
        if session.step != RECAP or step is None or step.id not in session.answers:
            return self._stale(chat_id, lang)
        shown = self._values.answer(step, session.answers.pop(step.id), lang)
        session.step = step.id
        self._sessions.save(chat_id, session)
        notice = self._render.t("flows.edit.current", lang, answer=shown)
        return [self._show(session, flow, lang, notice)]

    # -- dialogue steps ------------------------------------------------------------------------
    def _record(
        self,
        chat_id: int | str,
        session: Session,
        flow: Flow,
        step: Step,
        value: Any,
        lang: str,
        understood: bool = False,
    ) -> list[Reply]:
        today, on = self._dates(flow)
        notice = None
        if understood or is_approx(value):  # say how a non-trivial answer was read
            shown = self._values.answer(step, value, lang)
            notice = self._render.t("flows.understood", lang, answer=shown)
        answers = dict(session.answers)
        answers[step.id] = value.isoformat() if isinstance(value, date) else value
        session.answers = prune(flow, answers, today, on)
        nxt = pending_step(flow, session.answers, today, on)
        session.step = nxt.id if nxt else RECAP
        on_path = path(flow, session.answers, today, on)
        session.history = [s.id for s in on_path if s.id in session.answers]
        session.tries.pop(step.id, None)
        session.pick = []
        session.confirm = None
        self._sessions.save(chat_id, session)
        return [self._show(session, flow, lang, notice, reached=True)]

    def _back(self, chat_id: int | str, session: Session, flow: Flow, lang: str) -> list[Reply]:
        today, on = self._dates(flow)
        steps = path(flow, session.answers, today, on)
        ids = [s.id for s in steps]
        if session.step == RECAP:
            before = ids
        else:
            before = ids[: ids.index(session.step)] if session.step in ids else []
        answered = [step_id for step_id in before if step_id in session.answers]
        if not answered:
            return [self._show(session, flow, lang, self._render.t("flows.first_step", lang))]
        session.answers.pop(answered[-1])
        nxt = pending_step(flow, session.answers, today, on)
        session.step = nxt.id if nxt else RECAP
        session.history = [h for h in session.history if h in session.answers]
        session.pick = []
        session.confirm = None
        self._sessions.save(chat_id, session)
        return [self._show(session, flow, lang)]

    def _comune_text(
        self, chat_id: int | str, session: Session, flow: Flow, step: Step, text: str, lang: str
    ) -> list[Reply]:
        parsed = parse_text(text)
        if not parsed.ok:
            return [self._show(session, flow, lang, self._render.reason(step, parsed, lang))]
        kind, found = read_comune(self._places, parsed.value)
        if kind == "pick":
            session.pick = found
            self._sessions.save(chat_id, session)
            return [self._show(session, flow, lang, self._render.t("flows.comune.pick", lang))]
        if kind == "unknown":
            if session.tries.get(step.id, 0) < 1:  # one more try, then keep what was typed
                session.tries[step.id] = 1
                self._sessions.save(chat_id, session)
                notice = self._render.t("flows.invalid.comune", lang, text=parsed.value)
                return [self._show(session, flow, lang, notice)]
            found = {"text": parsed.value, "not_found": True, "ats": []}
        return self._record(chat_id, session, flow, step, found, lang)

    def _verdict(self, chat_id: int | str, session: Session, flow: Flow, lang: str) -> Reply:
        today, on = self._dates(flow)
        verdict = decide(flow, session.answers, today, on)
        ats_lines = self._ats_lines(flow, session, lang)
        reply = self._verdicts.verdict(flow, verdict, session.answers, lang, ats_lines)
        self._sessions.clear(chat_id)  # the answers are not kept after the verdict
        self._count("flow_done", flow.id)
        return reply

    def _ats_lines(self, flow: Flow, session: Session, lang: str) -> list[str]:
        comune_steps = [s for s in flow.steps if s.type == "comune" and s.id in session.answers]
        answer = session.answers[comune_steps[0].id] if comune_steps else None
        return self._verdicts.ats_lines(ats_entries(self._places, answer), lang)

    # -- helpers -------------------------------------------------------------------------------
    def _dates(self, flow: Flow) -> tuple[date, date]:
        today = self._today()
        return today, self._on or evaluation_date(flow, today)

    def _parse(self, flow: Flow, step: Step, text: str) -> Parsed:
        today, _ = self._dates(flow)
        return _reader("steps").parse_answer(step, text, today)

    def _show(
        self,
        session: Session,
        flow: Flow,
        lang: str,
        notice: str | None = None,
        reached: bool = False,
    ) -> Reply:
        """The pending question or the recap; a question reached is counted for the report."""
        step = flow.step(session.step)
        if step is not None and (reached or notice is None or step.id == flow.steps[0].id):
            self._count("flow_step", f"{flow.id}:{step.id}")
        return self._render.show(session, flow, lang, notice)

    def _count(self, kind: str, key: str) -> None:
        """Anonymous usage counters (no chat key) for the editors' report."""
        try:
            self._store.count_event(kind, key)
        except StoreError:
            logger.warning("could not count a flow event")

    def _stale(self, chat_id: int | str, lang: str) -> list[Reply]:
        """An old or forged button: the question on screen again (`_resume` says if none)."""
        loaded = self._resume(chat_id, lang)
        if isinstance(loaded, list):
            return loaded
        session, flow = loaded
        return [self._show(session, flow, lang, self._render.t("flows.stale", lang))]

    def _resume(self, chat_id: int | str, lang: str) -> tuple[Session, Flow] | list[Reply]:
        """The chat's session, or the replies that explain why there is none to continue."""
        raw = self._sessions.raw(chat_id)
        if raw is None:
            return [self._render.notice("flows.no_active", lang), self.menu(lang)]
        session = Session.load(raw)
        flow = self._flows.get(session.flow_id) if session else None
        if session is None or flow is None:
            logger.info("discarding a saved flow state that no longer matches any flow")
            self._sessions.clear(chat_id)
            return [self._render.notice("flows.gone", lang), self.menu(lang)]
        if session.version != self._version(flow) or not self._consistent(session, flow):
            logger.info("flow %s changed since the dialogue started: restarting it", flow.id)
            self._sessions.clear(chat_id)
            return [self._begin(chat_id, flow, lang, self._render.t("flows.changed", lang))]
        return session, flow

    def _consistent(self, session: Session, flow: Flow) -> bool:
        """The saved step is where the answers lead (a hand-edited or stale state is not)."""
        if any(flow.step(step_id) is None for step_id in session.answers):
            return False
        nxt = pending_step(flow, session.answers, *self._dates(flow))
        return session.step == (nxt.id if nxt else RECAP)

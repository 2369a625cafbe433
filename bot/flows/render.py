"""The messages of a check before its verdict: the menu, questions, the recap, notices."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from bot.flows.callbacks import (
    DATA_CANCEL,
    data_answer,
    data_back,
    data_edit,
    data_ok,
    data_pick,
    data_start,
)
from bot.flows.parsing.base import Parsed
from bot.flows.rules import as_date, path
from bot.flows.schema import NUMERIC_TYPES, UNKNOWN, Flow, Step
from bot.flows.session import RECAP, Session
from bot.flows.values import Values
from bot.formatting import format_date, format_number
from bot.reply import Button, Reply
from bot.texts import Texts

# Parse errors for which a step's own `invalid:` text replaces the generic reason.
FORMAT_ERRORS = frozenset(
    f"flows.invalid.{k}" for k in ("money", "number", "years", "age", "date", "yes_no", "choice")
)


class Renderer:
    """Builds the Replies of a running check from the UI texts and the flow's own texts."""

    def __init__(self, texts: Texts, dates: Callable[[Flow], tuple[date, date]]) -> None:
        self.texts = texts
        self.values = Values(texts)
        self._dates = dates  # (today, the date whose rules apply) for a flow

    def t(self, key: str, lang: str, **fields: object) -> str:
        return self.texts.get(key, lang, **fields)

    def nav_row(self, flow: Flow, step_id: str, lang: str, first: bool) -> tuple[Button, ...]:
        cancel = Button(self.t("flows.btn.cancel", lang), DATA_CANCEL)
        if first:
            return (cancel,)
        return (Button(self.t("flows.btn.back", lang), data_back(flow.id, step_id)), cancel)

    def answer_rows(self, flow: Flow, step: Step, lang: str) -> list[tuple[Button, ...]]:
        rows: list[tuple[Button, ...]] = []
        if step.type == "yes_no":
            rows.append(
                (
                    Button(self.t("flows.btn.yes", lang), data_answer(flow.id, step.id, "yes")),
                    Button(self.t("flows.btn.no", lang), data_answer(flow.id, step.id, "no")),
                )
            )
        for option in step.options:
            rows.append((Button(option.label.get(lang), data_answer(flow.id, step.id, option.id)),))
        if step.unknown:
            title = (
                step.unknown_label.get(lang)
                if step.unknown_label
                else self.t(
                    "flows.btn.skip" if step.type == "comune" else "flows.btn.unknown", lang
                )
            )
            rows.append((Button(title, data_answer(flow.id, step.id, UNKNOWN)),))
        return rows

    # -- replies -------------------------------------------------------------------------
    def menu(self, flows: Sequence[Flow], lang: str) -> Reply:
        if not flows:
            return Reply(self.t("flows.menu.empty", lang), status="info", lang=lang)
        rows = tuple((Button(f.title.get(lang), data_start(f.id)),) for f in flows)
        return Reply(
            self.t("flows.menu.text", lang),
            status="info",
            lang=lang,
            title=self.t("flows.menu.title", lang),
            buttons=rows,
        )

    def intro(self, flow: Flow, lang: str) -> str:
        """What the check is about and how it works, shown above the first question."""
        return "\n\n".join([flow.intro.get(lang).strip(), self.t("flows.intro.footer", lang)])

    def question(
        self,
        flow: Flow,
        step: Step,
        lang: str,
        position: tuple[int, int],
        first: bool,
        notice: str | None = None,
        extra_rows: Sequence[tuple[Button, ...]] = (),
    ) -> Reply:
        parts = []
        if notice:
            parts.append(notice)
        parts.append(self.t("flows.progress", lang, n=position[0], total=position[1]))
        parts.append(step.question.get(lang).strip())
        if step.help:
            parts.append(step.help.get(lang).strip())
        rows = [
            *extra_rows,
            *self.answer_rows(flow, step, lang),
            self.nav_row(flow, step.id, lang, first),
        ]
        # A typed answer is expected (the console then letters the buttons: "1" is an answer).
        if step.type in NUMERIC_TYPES or step.type == "date":
            expects = "number"
        elif step.type in ("comune", "text"):
            expects = "text"
        else:
            expects = "any"
        return self._flow_reply(flow, parts, rows, lang, expects)

    def recap(
        self,
        flow: Flow,
        steps: Sequence[Step],
        answers: Mapping[str, Any],
        lang: str,
        notice: str | None = None,
    ) -> Reply:
        lines = [
            f"• {s.recap.get(lang)}: {self.values.answer(s, answers.get(s.id), lang)}"
            for s in steps
            if s.id in answers
        ]
        parts = [notice] if notice else []
        parts += [
            self.t("flows.recap.title", lang),
            "\n".join(lines),
            self.t("flows.recap.footer", lang),
        ]
        confirm = Button(self.t("flows.btn.confirm", lang), data_ok(flow.id))
        rows: list[tuple[Button, ...]] = [(confirm,)]
        rows += [
            (
                Button(
                    self.t("flows.btn.edit", lang, label=s.recap.get(lang)),
                    data_edit(flow.id, s.id),
                ),
            )
            for s in steps
            if s.id in answers
        ]
        rows.append(self.nav_row(flow, RECAP, lang, first=False))
        return self._flow_reply(flow, parts, rows, lang)

    @staticmethod
    def _flow_reply(
        flow: Flow,
        parts: list[str],
        rows: list[tuple[Button, ...]],
        lang: str,
        expects: str = "any",
    ) -> Reply:
        """A message of the check: its paragraphs under the flow's title, with its buttons."""
        return Reply(
            "\n\n".join(parts),
            status="flow",
            lang=lang,
            entry=flow.id,
            title=flow.title.get(lang),
            buttons=tuple(rows),
            expects=expects,
        )

    def notice(self, key: str, lang: str, **fields: object) -> Reply:
        return Reply(self.t(key, lang, **fields), status="info", lang=lang)

    # -- a running check ------------------------------------------------------------------
    def position(self, session: Session, flow: Flow) -> tuple[int, int]:
        """(question n, of total) for "Domanda 3 di 7"; the recap counts as the last."""
        today, on = self._dates(flow)
        ids = [s.id for s in path(flow, session.answers, today, on, estimate=True)]
        total = max(len(ids), 1)
        if session.step == RECAP:
            return total, total
        return (ids.index(session.step) + 1 if session.step in ids else 1, total)

    def running(self, session: Session, flow: Flow, lang: str) -> Reply:
        """The same check is asked for again: continue it or start over?"""
        n, total = self.position(session, flow)
        text = self.t("flows.running.ask", lang, title=flow.title.get(lang), n=n, total=total)
        rows = (
            (Button(self.t("flows.btn.resume", lang), f"f:resume:{flow.id}"),),
            (Button(self.t("flows.btn.start_over", lang), f"f:restart:{flow.id}"),),
            (Button(self.t("flows.btn.cancel", lang), "f:cancel"),),
        )
        return Reply(text, status="flow", lang=lang, entry=flow.id, buttons=rows)

    def reason(self, step: Step, parsed: Parsed, lang: str) -> str:
        """Why a typed answer was not accepted, in the user's language."""
        assert parsed.error is not None
        if parsed.error in FORMAT_ERRORS and step.invalid:
            return step.invalid.get(lang).strip()
        fields = dict(parsed.fields)
        money = bool(fields.pop("money", False))
        for name in ("min", "max", "value"):
            value = fields.get(name)
            if isinstance(value, (int, float)):
                fields[name] = (
                    self.values.money(value, lang) if money else format_number(value, lang)
                )
        if isinstance(fields.get("date"), date):
            fields["date"] = format_date(fields["date"], lang)
        if parsed.error == "flows.invalid.choice":
            fields["options"] = ", ".join(o.label.get(lang) for o in step.options)
        return self.t(parsed.error, lang, **fields)

    def show(
        self,
        session: Session,
        flow: Flow,
        lang: str,
        notice: str | None = None,
    ) -> Reply:
        """The pending question (with a confirmation asked, or comuni to pick), or the recap."""
        today, on = self._dates(flow)
        if session.step == RECAP:
            return self.recap(
                flow, path(flow, session.answers, today, on), session.answers, lang, notice
            )
        step = flow.step(session.step)
        assert step is not None
        position = self.position(session, flow)
        rows = [
            (Button(shown, data_pick(flow.id, step.id, i)),)
            for i, (_, shown) in enumerate(session.pick)
        ]
        pending = session.confirm
        if pending and pending.get("step") == step.id:
            value = pending["value"]
            shown = self.values.answer(step, value, lang)
            if pending["kind"] == "hedge":
                ask = self.t("flows.confirm.ask", lang, answer=shown)
                keep = self.t("flows.btn.keep", lang, answer=shown)
            else:
                first = as_date(value["x"]) or today
                month = self.values.month(value["x"], lang)
                # mm/yyyy fill an example of a date to type (day first, as the parsers read it)
                ask = self.t(
                    "flows.day.ask", lang, month=month, mm=f"{first.month:02d}", yyyy=first.year
                )
                keep = self.t("flows.btn.no_day", lang)
            notice = f"{notice}\n\n{ask}" if notice else ask
            rows.append((Button(keep, f"f:keep:{flow.id}:{step.id}"),))
        return self.question(
            flow, step, lang, position, first=position[0] == 1, notice=notice, extra_rows=rows
        )

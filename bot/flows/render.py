"""Turn questions, the recap and verdicts into channel-neutral Replies (wording from YAML)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.flows.expr import Outcome
from bot.flows.parsing.base import is_approx
from bot.flows.rules import ConditionResult, Verdict, as_date, last_documented, resolve
from bot.flows.schema import (
    NUMERIC_TYPES,
    UNKNOWN,
    DatedText,
    DatedValue,
    Flow,
    LText,
    Parameter,
    Source,
    Step,
)
from bot.reply import Button, Reply
from bot.texts import Texts

# Symbols of each condition in the verdict (not verdict markers: those are in rules.MARKERS).
CONDITION_MARKS = {
    Outcome.MET: "✔",
    Outcome.NOT_MET: "✘",
    Outcome.UNKNOWN: "?",
    Outcome.SKIPPED: "–",
}
RECAP = "_recap"
# Telegram allows 4,096 characters per message; leave room for the door's formatting.
MAX_VERDICT_CHARS = 3900  # the "step" of a session waiting for the user's confirmation

_SWAP_SEPARATORS = str.maketrans(",.", ".,")  # 12,500.50 -> 12.500,50


# --- callback data (all start with "f:", at most 64 bytes) ----------------------------------
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


# --- formatting ---------------------------------------------------------------------------
def fmt_number(value: float, lang: str) -> str:
    """9000 -> '9.000' (it) / '9,000' (en); 9000.5 -> '9.000,50' / '9,000.50'."""
    number = float(value)
    text = f"{int(number):,}" if number.is_integer() else f"{number:,.2f}"
    return text if lang == "en" else text.translate(_SWAP_SEPARATORS)


def fmt_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def fmt_period(dated: DatedValue | DatedText, texts: Texts, lang: str) -> str:
    if dated.from_ is None:
        return ""
    if dated.to is None:
        return texts.get("flows.fmt.period_open", lang, start=fmt_date(dated.from_))
    return texts.get("flows.fmt.period", lang, start=fmt_date(dated.from_), end=fmt_date(dated.to))


class Renderer:
    """Builds every Reply of the flows from the UI texts and the flow's own texts."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    def t(self, key: str, lang: str, **fields: object) -> str:
        return self.texts.get(key, lang, **fields)

    # -- values --------------------------------------------------------------------------
    def money(self, value: float, lang: str) -> str:
        return self.t("flows.fmt.money", lang, amount=fmt_number(value, lang))

    def years(self, value: float, lang: str) -> str:
        if float(value) < 1 and float(value) > 0:
            months = round(float(value) * 12)
            key = "flows.fmt.month_one" if months == 1 else "flows.fmt.months"
            return self.t(key, lang, n=months)
        key = "flows.fmt.year_one" if float(value) == 1 else "flows.fmt.years"
        return self.t(key, lang, n=fmt_number(round(float(value), 2), lang))

    def plain_value(self, step: Step, value: Any, lang: str) -> str:
        """One figure of a step's kind: 9.000 €, 2 anni, 01/10/2025, 4."""
        if step.type == "money":
            return self.money(value, lang)
        if step.type == "years":
            return self.years(value, lang)
        if step.type == "age":
            return self.t("flows.fmt.age", lang, n=fmt_number(value, lang))
        if step.type == "date":
            day = as_date(value)
            return fmt_date(day) if day else str(value)
        return fmt_number(value, lang) if isinstance(value, (int, float)) else str(value)

    def month(self, value: Any, lang: str) -> str:
        """'2025-10-01' -> 'ottobre 2025' / 'October 2025'."""
        day = as_date(value)
        if day is None:
            return str(value)
        names = self.t("flows.fmt.month_names", lang).split(",")
        name = names[day.month - 1].strip() if len(names) == 12 else f"{day.month:02d}"
        return self.t("flows.fmt.month", lang, month=name, year=day.year)

    def approx(self, step: Step, value: Mapping[str, Any], lang: str) -> str:
        """A range answer as the user gave it: 'circa 9.000 €', 'quasi 2 anni', 'ottobre 2025'."""
        kind = value.get("approx")
        if kind == "month":
            return self.month(value.get("x"), lang)
        if kind == "since":
            return self.t("flows.fmt.approx.since", lang, month=self.month(value.get("x"), lang))
        shown = self.plain_value(step, value.get("x"), lang)
        return self.t(f"flows.fmt.approx.{kind}", lang, value=shown)

    def answer(self, step: Step, value: Any, lang: str) -> str:
        """The user's answer as shown in the recap and the verdict."""
        if is_approx(value):
            return self.approx(step, value, lang)
        if value == UNKNOWN or value is None:
            label = step.unknown_label or None
            return label.get(lang) if label else self.t("flows.answer.unknown", lang)
        if step.type == "yes_no":
            return self.t(f"flows.answer.{value}", lang)
        if step.type == "choice":
            option = next((o for o in step.options if o.id == value), None)
            return option.label.get(lang) if option else str(value)
        if step.type == "money":
            return self.money(value, lang)
        if step.type == "years":
            return self.years(value, lang)
        if step.type == "age":
            return self.t("flows.fmt.age", lang, n=fmt_number(value, lang))
        if step.type == "date":
            day = as_date(value)
            return fmt_date(day) if day else str(value)
        if step.type == "comune" and isinstance(value, Mapping):
            return self.comune(value, lang)
        if step.type == "number":
            return fmt_number(value, lang)
        return str(value)

    def comune(self, value: Mapping[str, Any], lang: str) -> str:
        name = value.get("name") or value.get("text") or ""
        province = value.get("province")
        shown = f"{name} ({province})" if province and province != name else str(name)
        if value.get("not_found"):
            return self.t("flows.answer.comune_not_found", lang, comune=shown)
        return shown

    def param_value(
        self, flow: Flow, param: Parameter, value: Any, lang: str, key: str | None = None
    ) -> str:
        if value is None:
            return self.t("flows.fmt.undocumented", lang)
        if isinstance(value, dict):
            if key in value:
                return self.param_value(flow, param, value[key], lang)
            by_step = flow.step(param.by) if param.by else None
            parts = []
            for option_id, item in value.items():
                label = self.answer(by_step, option_id, lang) if by_step else option_id
                parts.append(
                    self.t(
                        "flows.fmt.by_option",
                        lang,
                        option=label,
                        value=self.param_value(flow, param, item, lang),
                    )
                )
            return " / ".join(parts)
        if param.unit == "eur":
            return self.money(value, lang)
        if param.unit == "years":
            return self.years(value, lang)
        if param.unit == "months":
            key_m = "flows.fmt.month_one" if value == 1 else "flows.fmt.months"
            return self.t(key_m, lang, n=fmt_number(value, lang))
        if param.unit == "date" and isinstance(value, date):
            return fmt_date(value)
        if param.unit == "options" and isinstance(value, list):
            return ", ".join(self._option_label(flow, item, lang) for item in value)
        if param.unit == "flag":
            return self.t("flows.answer.yes" if value else "flows.answer.no", lang)
        if isinstance(value, (int, float)):
            return fmt_number(value, lang)
        return str(value)

    def _option_label(self, flow: Flow, option_id: str, lang: str) -> str:
        for step in flow.steps:
            for option in step.options:
                if option.id == option_id:
                    return option.label.get(lang)
        return option_id

    def label(
        self, flow: Flow, text: LText, lang: str, on: date, answers: Mapping[str, Any]
    ) -> str:
        """A condition label with its {parameter} placeholders filled for this user."""
        fields: dict[str, str] = {}
        for name, param in flow.parameters.items():
            dated = resolve(param, on)
            if dated is None or dated.value is None:  # say what the last documented rule said
                dated = last_documented(param, on) or dated
            key = answers.get(param.by) if param.by else None
            fields[name] = self.param_value(flow, param, dated.value if dated else None, lang, key)
        return self.texts_format(text.get(lang), fields)

    @staticmethod
    def texts_format(template: str, fields: Mapping[str, str]) -> str:
        try:
            return template.format(**fields)
        except (KeyError, IndexError, ValueError):
            return template

    def ats_line(self, name: str, contacts: Mapping[str, Sequence[str]], lang: str) -> str:
        """'ATS Insubria: pagina …; tel. …' with only the contacts that exist (never '-')."""
        parts = []
        for key in ("page", "website", "phone", "email"):
            if key == "website" and contacts.get("page"):
                continue  # the conciliazione page is on the website already
            values = [v for v in contacts.get(key, ()) if v and v.strip() not in ("-", "None")]
            if values:
                parts.append(self.t(f"flows.verdict.ats_{key}", lang, value=", ".join(values)))
        if not parts:
            return self.t("flows.verdict.ats_bare", lang, name=name)
        return self.t("flows.verdict.ats", lang, name=name, contacts="; ".join(parts))

    # -- buttons -------------------------------------------------------------------------
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
            f"• {s.recap.get(lang)}: {self.answer(s, answers.get(s.id), lang)}"
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

    # -- verdict -------------------------------------------------------------------------
    def verdict(
        self,
        flow: Flow,
        verdict: Verdict,
        answers: Mapping[str, Any],
        lang: str,
        ats_lines: Sequence[str],
    ) -> Reply:
        conditions = [
            self._condition_line(flow, verdict, result, answers, lang) for result in verdict.results
        ]
        contacts = [f"• {c.get(lang).strip()}" for c in flow.contacts]
        contacts += [f"• {line}" for line in ats_lines]
        sections = [
            self._headline(flow, verdict, answers, lang),
            self._section("flows.verdict.conditions", lang, conditions),
            self._texts_section("flows.verdict.amount", flow.amount, verdict.on, lang),
            self._texts_section("flows.verdict.documents", flow.documents, verdict.on, lang),
            self._texts_section("flows.verdict.notes", flow.notes, verdict.on, lang),
            self._section("flows.verdict.contacts", lang, contacts),
            self._section("flows.verdict.params", lang, self._param_lines(flow, verdict, lang)),
            self._section("flows.verdict.sources", lang, [_source_line(s) for s in flow.sources]),
            self.t("flows.verdict.as_of", lang, date=fmt_date(flow.as_of)),
        ]
        text = _fit(sections, drop_order=(4, 6))  # "good to know", then "rules applied"
        rows = (
            (Button(self.t("flows.btn.restart", lang), data_start(flow.id)),),
            (Button(self.t("flows.btn.other", lang), DATA_MENU),),
        )
        return Reply(text, status="verdict", lang=lang, entry=flow.id, buttons=rows)

    def _headline(self, flow: Flow, verdict: Verdict, answers: Mapping[str, Any], lang: str) -> str:
        title = flow.title.get(lang)
        failed = self._names(flow, verdict, answers, lang, verdict.failing[:1])
        fields = {
            "failed": failed,
            "title": title,
            "office": flow.decides.get(lang).strip(),
            "as_of": fmt_date(flow.as_of),
            "year": str(verdict.rules_from.year),
            "from": fmt_date(verdict.rules_from),
            "closed_on": fmt_date(flow.closed_on) if flow.closed_on else "",
        }
        kind = "closed" if verdict.closed else verdict.kind
        custom = getattr(flow.headlines, verdict.kind, None) if not verdict.closed else None
        head = (
            self.texts_format(custom.get(lang), fields)
            if custom
            else self.t(f"flows.verdict.head.{kind}", lang, **fields)
        )
        reason = self._reason(flow, verdict, answers, lang, kind, fields)
        parts = [f"{verdict.marker} {head}", reason]
        if verdict.closed and flow.after_closure:
            parts.append(flow.after_closure.get(lang).strip())
        extra = [
            r.condition.if_not_met.get(lang).strip()
            for r in verdict.results
            if r.outcome is Outcome.NOT_MET and r.condition and r.condition.if_not_met
        ]
        return "\n".join(parts + extra)

    def _reason(
        self,
        flow: Flow,
        verdict: Verdict,
        answers: Mapping[str, Any],
        lang: str,
        kind: str,
        fields: dict[str, str],
    ) -> str:
        """Why: the failing conditions, or the unknown ones (missing answers vs missing rules)."""
        if kind != "unsure":
            names = self._names(flow, verdict, answers, lang, verdict.failing)
            return self.t(f"flows.verdict.reason.{kind}", lang, names=names, **fields)
        by_answer: list[Any] = []
        by_rule: list[Any] = []
        for result in verdict.results:
            if result.id not in verdict.unknown:
                continue
            answered_unknown = any(answers.get(s) == UNKNOWN for s in result.steps)
            skipped = result.outcome is Outcome.SKIPPED
            if result.was is Outcome.NOT_MET and result.gaps and not answered_unknown:
                continue  # said below, with what the last documented rule required
            (by_answer if answered_unknown or skipped else by_rule).append(result.id)
        parts = []
        if by_answer:
            parts.append(
                self.t(
                    "flows.verdict.reason.unsure",
                    lang,
                    names=self._names(flow, verdict, answers, lang, by_answer),
                )
            )
        if by_rule:
            parts.append(
                self.t(
                    "flows.verdict.reason.undocumented",
                    lang,
                    names=self._names(flow, verdict, answers, lang, by_rule),
                )
            )
        for result in verdict.results:
            if result.was is Outcome.NOT_MET and result.gaps:
                ends = [g for _, g in result.gaps if g is not None]
                last = max(ends, key=lambda g: g.from_)
                until = fmt_date(last.to) if last.to else fmt_date(last.from_)
                parts.append(
                    self.t(
                        "flows.verdict.reason.gap_fail",
                        lang,
                        until=until,
                        label=self._result_label(flow, verdict, result, answers, lang),
                    )
                )
        parts.append(self.t("flows.verdict.reason.unsure_end", lang, **fields))
        return " ".join(parts)

    def _names(
        self,
        flow: Flow,
        verdict: Verdict,
        answers: Mapping[str, Any],
        lang: str,
        ids: Sequence[str],
    ) -> str:
        labels = []
        for result in verdict.results:
            if result.id in ids:
                labels.append(self._result_label(flow, verdict, result, answers, lang))
        return "; ".join(labels)

    def _result_label(
        self,
        flow: Flow,
        verdict: Verdict,
        result: ConditionResult,
        answers: Mapping[str, Any],
        lang: str,
    ) -> str:
        if result.condition is None:
            return self.t(
                "flows.verdict.closed_condition",
                lang,
                date=fmt_date(flow.closed_on) if flow.closed_on else "",
            )
        return self.label(flow, result.condition.label, lang, verdict.on, answers)

    def _condition_line(
        self,
        flow: Flow,
        verdict: Verdict,
        result: ConditionResult,
        answers: Mapping[str, Any],
        lang: str,
    ) -> str:
        label = self._result_label(flow, verdict, result, answers, lang)
        if result.condition is None:
            given = self.t("flows.verdict.today", lang, date=fmt_date(verdict.today))
        elif result.outcome is Outcome.SKIPPED:
            given = self.t("flows.answer.skipped", lang)
        else:
            steps = [flow.step(i) for i in result.steps if i in answers]
            shown = [(s.recap.get(lang), self.answer(s, answers[s.id], lang)) for s in steps if s]
            if len(shown) == 1:
                given = shown[0][1]
            else:  # several answers: name each one
                given = "; ".join(f"{label}: {value}" for label, value in shown)
            given = given or self.t("flows.answer.skipped", lang)
        line = self.t(
            "flows.verdict.condition",
            lang,
            mark=CONDITION_MARKS[result.outcome],
            label=label,
            answer=given,
        )
        gap = self._gap_note(result, lang)
        return f"{line} {gap}" if gap else line

    def _gap_note(self, result: ConditionResult, lang: str) -> str:
        """'(regola documentata fino al 31/12/2019, non documentata oggi)' for a rule gap."""
        ends = [g for _, g in result.gaps if g is not None]
        if not result.gaps:
            return ""
        if not ends:
            return self.t("flows.verdict.gap_none", lang)
        last = max(ends, key=lambda g: g.from_)
        if last.to is None:
            return self.t("flows.verdict.gap_from", lang, start=fmt_date(last.from_))
        return self.t("flows.verdict.gap", lang, until=fmt_date(last.to))

    def _param_lines(self, flow: Flow, verdict: Verdict, lang: str) -> list[str]:
        lines = []
        for name, dated in verdict.params:
            param = flow.parameters[name]
            label = param.label.get(lang)
            if dated is None:
                lines.append(self.t("flows.verdict.param_missing", lang, label=label))
                continue
            value = self.param_value(flow, param, dated.value, lang)
            note = f" {dated.note.get(lang).strip()}" if dated.note else ""
            period = fmt_period(dated, self.texts, lang)
            line = self.t(
                "flows.verdict.param", lang, label=label, value=value, period=period, ref=dated.ref
            )
            lines.append(line + note)
        return lines

    def _texts_section(self, key: str, items: Sequence[DatedText], on: date, lang: str) -> str:
        chosen = [item for item in items if item.applies_on(on)]
        if not chosen:
            return ""
        lines = [item.text.get(lang).strip() for item in chosen]
        if len(lines) > 1 or key == "flows.verdict.documents":
            lines = [f"• {line}" for line in lines]
        return self._section(key, lang, lines)

    def _section(self, key: str, lang: str, lines: Sequence[str]) -> str:
        lines = [line for line in lines if line]
        if not lines:
            return ""
        return self.t(key, lang) + "\n" + "\n".join(lines)


def _source_line(source: Source) -> str:
    # Seed documents are the programme's own pages: the title is enough for the user.
    return f"• {source.title} — {source.url}" if source.url else f"• {source.title}"


def _fit(sections: list[str], drop_order: tuple[int, ...]) -> str:
    """Join the non-empty sections; if too long, drop the optional ones in `drop_order`, then
    cut (a safety net: the shipped flows stay well under the limit)."""
    sections = list(sections)
    text = "\n\n".join(part for part in sections if part)
    for index in drop_order:
        if len(text) <= MAX_VERDICT_CHARS:
            break
        sections[index] = ""
        text = "\n\n".join(part for part in sections if part)
    return text if len(text) <= MAX_VERDICT_CHARS else text[: MAX_VERDICT_CHARS - 1] + "…"

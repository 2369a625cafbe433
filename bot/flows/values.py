"""How answers and the rules' figures are shown: amounts, durations, dates, months, labels."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.flows.parsing.base import is_approx
from bot.flows.rules import as_date, last_documented, resolve
from bot.flows.schema import UNKNOWN, DatedText, DatedValue, Flow, LText, Parameter, Step
from bot.formatting import format_date, format_money, format_month, format_number
from bot.texts import Texts


def fmt_period(dated: DatedValue | DatedText, texts: Texts, lang: str) -> str:
    """When a dated rule applies: "dal 1 gennaio 2024" / "from January 1, 2024 to ..."."""
    if dated.from_ is None:
        return ""
    start = format_date(dated.from_, lang)
    if dated.to is None:
        return texts.get("flows.fmt.period_open", lang, start=start)
    return texts.get("flows.fmt.period", lang, start=start, end=format_date(dated.to, lang))


class Values:
    """Shows a step's answer or a parameter's value in the user's language."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    def t(self, key: str, lang: str, **fields: object) -> str:
        return self.texts.get(key, lang, **fields)

    # -- values --------------------------------------------------------------------------
    def money(self, value: float, lang: str) -> str:
        return format_money(value, lang)

    def years(self, value: float, lang: str) -> str:
        if float(value) < 1 and float(value) > 0:
            months = round(float(value) * 12)
            key = "flows.fmt.month_one" if months == 1 else "flows.fmt.months"
            return self.t(key, lang, n=months)
        key = "flows.fmt.year_one" if float(value) == 1 else "flows.fmt.years"
        return self.t(key, lang, n=format_number(round(float(value), 2), lang))

    def plain_value(self, step: Step, value: Any, lang: str) -> str:
        """One figure of a step's kind: 9.000 €, 2 anni, 1 ottobre 2025, 4."""
        if step.type == "money":
            return self.money(value, lang)
        if step.type == "years":
            return self.years(value, lang)
        if step.type == "age":
            return self.t("flows.fmt.age", lang, n=format_number(value, lang))
        if step.type == "date":
            day = as_date(value)
            return format_date(day, lang) if day else str(value)
        return format_number(value, lang) if isinstance(value, (int, float)) else str(value)

    def month(self, value: Any, lang: str) -> str:
        """'2025-10-01' -> 'ottobre 2025' / 'October 2025'."""
        day = as_date(value)
        if day is None:
            return str(value)
        return format_month(day, lang)

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
        if step.type == "comune" and isinstance(value, Mapping):
            return self.comune(value, lang)
        return self.plain_value(step, value, lang)

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
            return self.t(key_m, lang, n=format_number(value, lang))
        if param.unit == "date" and isinstance(value, date):
            return format_date(value, lang)
        if param.unit == "options" and isinstance(value, list):
            return ", ".join(self._option_label(flow, item, lang) for item in value)
        if param.unit == "flag":
            return self.t("flows.answer.yes" if value else "flows.answer.no", lang)
        if isinstance(value, (int, float)):
            return format_number(value, lang)
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

"""Typed, frozen models of an eligibility flow (knowledge/flows/*.yaml); see docs/flows.md.

A flow is data: steps (one question each), dated parameters with a legal reference, conditions
written in a small expression language (bot/flows/expr.py) and the texts of the verdict.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.models import Localized, Source

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
STEP_ID_RULE = "use lower-case letters, digits and '_' (max 20), starting with a letter"
FLOW_ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,15}$")
OPTION_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
# Answer values reserved by the engine: they cannot be option ids.
UNKNOWN = "unknown"
StepType = Literal["yes_no", "choice", "money", "number", "years", "age", "date", "comune", "text"]
NUMERIC_TYPES = frozenset({"money", "number", "years", "age"})
ParamValue = bool | int | float | date | str | list[str] | dict[str, float] | None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


# The same bilingual text and source models as the Q&A entries.
LText = Localized


class Period(_Frozen):
    """Something valid from a date (included) to a date (included, or open-ended)."""

    from_: date = Field(alias="from")
    to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.to is not None and self.from_ > self.to:
            raise ValueError("'from' is after 'to'")
        return self

    def covers(self, day: date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


class DatedValue(Period):
    """One value of a parameter for a period, with the act or page that states it."""

    value: ParamValue = None  # null = not documented for this period (the condition is unknown)
    ref: str = Field(min_length=3)
    note: LText | None = None


class Parameter(_Frozen):
    label: LText
    unit: Literal["eur", "years", "months", "count", "date", "options", "flag"]
    # For a value that depends on an answer (e.g. the ISEE threshold by household type): the
    # id of the choice step whose option ids are the keys of each value.
    by: str | None = None
    values: tuple[DatedValue, ...] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _sorted_not_overlapping(cls, values: tuple[DatedValue, ...]) -> tuple[DatedValue, ...]:
        for before, after in zip(values, values[1:], strict=False):
            if before.to is None or before.to >= after.from_:
                raise ValueError(
                    f"periods must be in date order and must not overlap "
                    f"({before.from_}..{before.to or 'open'} then {after.from_})"
                )
        return values


class Option(_Frozen):
    id: str
    label: LText

    @field_validator("id", mode="before")
    @classmethod
    def _id_format(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("write yes/no option ids in quotes (YAML reads yes/no as true/false)")
        if not isinstance(value, str) or not OPTION_ID_PATTERN.match(value) or value == UNKNOWN:
            raise ValueError("use lower-case letters, digits and '_' (max 16), not 'unknown'")
        return value


class _Named(_Frozen):
    """A step or a condition: named by an id that answers and expressions refer to."""

    id: str

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError(STEP_ID_RULE)
        return value


class Step(_Named):
    type: StepType
    question: LText
    recap: LText  # short label used in the recap and in the verdict
    help: LText | None = None
    options: tuple[Option, ...] = ()
    unknown: bool = True  # offer "Non lo so" (a button, and typed "non so")
    unknown_label: LText | None = None
    invalid: LText | None = None  # the reason shown when the typed answer is not accepted
    min: float | None = None
    max: float | None = None
    not_future: bool = False  # dates
    not_before: date | None = None  # dates
    when: str | tuple[str, ...] | None = None  # ask only if (all) true
    stop_if: str | None = None  # after this answer, go straight to the recap

    @model_validator(mode="after")
    def _options_fit_type(self) -> Step:
        if self.type == "choice" and len(self.options) < 2:
            raise ValueError("a choice step needs at least 2 options")
        if self.type != "choice" and self.options:
            raise ValueError(f"only choice steps have options (this is {self.type})")
        ids = [o.id for o in self.options]
        if len(ids) != len(set(ids)):
            raise ValueError("option ids must be unique")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is greater than 'max'")
        return self


class Condition(_Named):
    """A condition of the verdict: met, not met or unknown, shown with the user's answer."""

    label: LText  # may use {parameter} placeholders
    test: str | None = None
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    when: str | tuple[str, ...] | None = None  # the condition applies only if (all) true
    from_: date | None = Field(default=None, alias="from")  # the rule version it belongs to
    to: date | None = None
    if_not_met: LText | None = None  # what to do instead (another measure, an office)

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = sum(1 for part in (self.test, self.all, self.any) if part)
        if given != 1:
            raise ValueError("write exactly one of 'test', 'all' or 'any'")
        if self.from_ and self.to and self.from_ > self.to:
            raise ValueError("'from' is after 'to'")
        return self

    def applies_on(self, day: date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day <= self.to)


class DatedText(_Frozen):
    """A text that holds for a period (amounts, documents, notes). No dates = always."""

    text: LText
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    ref: str | None = None

    def applies_on(self, day: date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day <= self.to)


class Headlines(_Frozen):
    """Optional per-flow wording of the verdict's first line (after the marker)."""

    ok: LText | None = None
    fail: LText | None = None
    unsure: LText | None = None
    outdated: LText | None = None


class Flow(_Frozen):
    id: str
    title: LText
    intro: LText
    audience: Literal["families", "organisations", "both"]
    menu_order: int = 100  # position in the /verifica menu (smaller first)
    # active = editors confirmed the rules are in force today; unknown = not documented today;
    # closed = the measure closed on closed_on (no new applications).
    status: Literal["active", "unknown", "closed"] = "unknown"
    closed_on: date | None = None
    as_of: date  # when the rules were last documented
    decides: LText  # the office that decides (named in every verdict)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    steps: tuple[Step, ...] = Field(min_length=1)
    conditions: tuple[Condition, ...] = Field(min_length=1)
    amount: tuple[DatedText, ...] = ()
    documents: tuple[DatedText, ...] = ()
    notes: tuple[DatedText, ...] = ()
    contacts: tuple[LText, ...] = Field(min_length=1)
    after_closure: LText | None = None  # closed measures: what replaced it, if known
    headlines: Headlines = Field(default_factory=Headlines)
    sources: tuple[Source, ...] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not FLOW_ID_PATTERN.match(value):
            raise ValueError("use lower-case letters, digits and '-' (2-16 characters)")
        return value

    @model_validator(mode="after")
    def _closed_has_date(self) -> Flow:
        if self.status == "closed" and self.closed_on is None:
            raise ValueError("a closed flow needs 'closed_on'")
        return self

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

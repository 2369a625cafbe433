"""Reading a typed answer to a step of a flow, with the reader its type asks for."""

from __future__ import annotations

from datetime import date

from bot.flows.parsing.base import Parsed, parse_text
from bot.flows.parsing.choices import parse_choice, parse_yes_no
from bot.flows.parsing.dates import parse_date
from bot.flows.parsing.durations import parse_years
from bot.flows.parsing.numbers import MAX_YEARS, parse_age, parse_money, parse_number
from bot.flows.schema import Step


def parse_answer(step: Step, text: str, today: date) -> Parsed:
    """Read a typed answer to `step` with the parser of its type."""
    low = step.min if step.min is not None else 0
    if step.type == "yes_no":
        return parse_yes_no(text)
    if step.type == "choice":
        options = [(o.id, [o.label.it, o.label.en]) for o in step.options]
        return parse_choice(text, options)
    if step.type == "money":
        return parse_money(text, low, step.max)
    if step.type == "number":
        return parse_number(text, low, step.max)
    if step.type == "years":
        return parse_years(text, today, low, step.max if step.max is not None else MAX_YEARS)
    if step.type == "age":
        return parse_age(text, low, step.max if step.max is not None else MAX_YEARS)
    if step.type == "date":
        return parse_date(text, step.not_future, step.not_before, today)
    return parse_text(text)

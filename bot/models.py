"""Pydantic building blocks shared by every loader of `knowledge/` (FAQ, flows, places).

A module of its own so that the loaders can use them without importing each other: the
knowledge base loader (`bot.knowledge`) imports the flows and the place directory, and those
import only this.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

if TYPE_CHECKING:
    import yaml


@cache
def safe_loader() -> type[yaml.SafeLoader]:
    """libyaml's C parser when PyYAML has it (10x faster start-up), else the pure-Python one.
    PyYAML is imported here, when a YAML file is first read: a start from the knowledge cache
    (bot/cache.py) reads none (~20 ms)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # type: ignore[no-any-return]


# What PyYAML's constructors raise on a value that does not fit an explicit tag ("!!timestamp
# hello", "!!int abc") instead of a YAMLError: read as "not valid YAML", never a crash.
CONSTRUCTION_ERRORS = (ValueError, TypeError, AttributeError, OverflowError)


def __getattr__(name: str) -> Any:
    if name == "SafeLoader":  # `from bot.models import SafeLoader`, as it always worked
        return safe_loader()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Frozen(BaseModel):
    """Immutable, and a misspelt field is an error rather than silently ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Localized(Frozen):
    it: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.it


class Source(Frozen):
    title: str = Field(min_length=3)
    url: str | None = None
    seed: str | None = None

    @model_validator(mode="after")
    def _has_target(self) -> Source:
        if not (self.url or self.seed):
            raise ValueError("a source needs a 'url' or a 'seed'")
        if self.url and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https:// (got {self.url!r})")
        return self


def validation_problems(
    exc: ValidationError,
    where: str,
    item_id: str,
    kind: str = "entry",
    field_lines: dict[str, int] | None = None,
) -> list[str]:
    """One readable line per pydantic error: file, entry (or flow) id, field, what is wrong.

    With `field_lines` (field -> line), `where` is the file and each line gets ":LINE" of its
    field (or of the item when the field is missing)."""
    lines = []
    for error in exc.errors():
        if field_lines is not None:
            first = str(error["loc"][0]) if error["loc"] else ""
            line = field_lines.get(first) or field_lines.get("")
            place = f"{where}:{line}" if line else where
        else:
            place = where
        loc = ".".join(str(part) for part in error["loc"]) or "-"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "this field is required"
        elif error["type"] == "extra_forbidden":
            message = "unknown field (check the spelling)"
        lines.append(f"{place}: {kind} '{item_id}': field '{loc}': {message}")
    return lines


def load_yaml(text: str) -> Any:
    """Parse YAML text with the fastest safe loader available."""
    import yaml

    return yaml.load(text, Loader=safe_loader())

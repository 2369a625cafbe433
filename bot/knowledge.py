"""What `knowledge/` holds, as typed, frozen objects (see docs/knowledge-format.md).

The loader (bot/knowledge_loader.py) validates the files into these objects and reports every
problem at once in a KnowledgeError, one line each: file, entry id, field, what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from bot.lexicon import Lexicon
from bot.models import Frozen as _Frozen
from bot.models import Localized, Source
from bot.texts import LANGS, Texts

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,54}$")
TAG_PATTERN = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
MAX_ANSWER_CHARS = 3000
# The visible part of an answer (the key fact) fits a phone screen; the rest goes in `details`.
MAX_SHORT_ANSWER_CHARS = 450
MIN_QUESTIONS_PER_LANG = 2
MAX_RELATED = 3


class KnowledgeError(Exception):
    """The knowledge base is invalid; `problems` holds one readable line per problem."""

    def __init__(self, problems: list[str]) -> None:
        # One line each, whatever the loaders quote (YAML errors and odd keys span lines).
        self.problems = [" ".join(str(problem).split()) for problem in problems]
        super().__init__(
            f"the knowledge base has {len(self.problems)} problem(s):\n" + "\n".join(self.problems)
        )


class LocalizedList(_Frozen):
    it: tuple[str, ...]
    en: tuple[str, ...]

    @field_validator("it", "en")
    @classmethod
    def _enough(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(v.strip() for v in value if isinstance(v, str) and v.strip())
        if len(cleaned) < MIN_QUESTIONS_PER_LANG:
            raise ValueError(f"at least {MIN_QUESTIONS_PER_LANG} questions are required")
        return cleaned

    def get(self, lang: str) -> tuple[str, ...]:
        return self.en if lang == "en" else self.it


class Validity(_Frozen):
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    status: Literal["active", "closed", "unknown"] = "unknown"

    @model_validator(mode="after")
    def _ordered(self) -> Validity:
        if self.from_ and self.to and self.from_ > self.to:
            raise ValueError("'from' is after 'to'")
        return self


class Entry(_Frozen):
    id: str
    topic: str = Field(min_length=2)
    audience: Literal["families", "organisations", "both"]
    title: Localized
    questions: LocalizedList
    answer: Localized
    # Conditions and particulars, shown collapsed (Telegram expandable blockquote).
    details: Localized | None = None
    sources: tuple[Source, ...]
    as_of: date
    validity: Validity | None = None
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    flow: str | None = None
    # More guided checks the answer offers beside `flow`, each button named after its check
    # ("sono incinta e non ho soldi": NASKO and the Bonus Famiglia).
    also_flows: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError("use lower-case letters, digits and '-' (2-55 characters)")
        return value

    @field_validator("sources")
    @classmethod
    def _has_source(cls, value: tuple[Source, ...]) -> tuple[Source, ...]:
        if not value:
            raise ValueError("at least one source is required")
        return value

    @field_validator("answer", "details")
    @classmethod
    def _plain_answer(cls, value: Localized | None) -> Localized | None:
        if value is None:
            return value
        for lang in LANGS:
            text = value.get(lang)
            if TAG_PATTERN.search(text):
                raise ValueError(f"{lang}: answers are plain text, remove the <tags>")
            if len(text) > MAX_ANSWER_CHARS:
                raise ValueError(f"{lang}: longer than {MAX_ANSWER_CHARS} characters")
        return value

    @field_validator("answer")
    @classmethod
    def _fits_a_phone(cls, value: Localized) -> Localized:
        for lang in LANGS:
            if len(value.get(lang).strip()) > MAX_SHORT_ANSWER_CHARS:
                raise ValueError(
                    f"{lang}: the answer is shown first on a phone: keep it within "
                    f"{MAX_SHORT_ANSWER_CHARS} characters and move the rest to 'details'"
                )
        return value

    @field_validator("related")
    @classmethod
    def _few_related(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) > MAX_RELATED:
            raise ValueError(f"at most {MAX_RELATED} related entries")
        return value


class ContactPerson(_Frozen):
    name: str
    phone: str | None = None
    email: str | None = None
    office: str | None = None


class RegionalOffice(_Frozen):
    name: Localized
    people: tuple[ContactPerson, ...] = ()
    email: str
    responsible: ContactPerson | None = None
    address: str | None = None
    sources: tuple[Source, ...]
    as_of: date


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything loaded from `knowledge/`, validated."""

    directory: Path
    entries: tuple[Entry, ...]
    synonyms: dict[str, tuple[str, ...]]
    texts: Texts
    contacts: RegionalOffice | None
    flows: dict[str, Any] = field(default_factory=dict)
    places: Any = None  # a bot.places.PlaceDirectory, or None without knowledge/ats.yaml
    smalltalk: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fillers: tuple[str, ...] = ()
    smalltalk_priority: tuple[str, ...] = ()
    smalltalk_shorthand: dict[str, str] = field(default_factory=dict)
    smalltalk_meta: dict[str, tuple[str, ...]] = field(default_factory=dict)
    smalltalk_signals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    understanding: Lexicon | None = None
    place_intent_words: frozenset[str] = frozenset()

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    @property
    def _by_id(self) -> dict[str, Entry]:
        cached = self.__dict__.get("_by_id_cache")
        if cached is None:
            cached = {e.id: e for e in self.entries}
            object.__setattr__(self, "_by_id_cache", cached)
        return cached

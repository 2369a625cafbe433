"""knowledge/understanding.yaml as validated objects: measures, roles, cues, out-of-scope rules.

`parse_lexicon` turns the YAML into a `Lexicon` or one line per problem (file, item, field);
the phrases are folded when read (bot.normalise), so editors write them as people type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.models import validation_problems
from bot.normalise import fold
from bot.phrases import PhraseSet


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def _phrases(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of phrases")
    folded = []
    for phrase in value:
        star = phrase.strip().endswith("*")
        text = fold(phrase.strip().rstrip("*"))
        if not text:
            raise ValueError(f"empty phrase {phrase!r}")
        folded.append(text + ("*" if star else ""))
    return tuple(folded)


class Measure(_Frozen):
    cues: tuple[str, ...]
    strong: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    flow: str | None = None
    contact: str | None = None
    eligibility: str | None = None
    amount: str | None = None  # the entry answering "how much?" about it
    status: str | None = None  # the entry saying whether it still exists
    # The last year its rules are documented, when none of its entries has dates of its own.
    documented_until: int | None = None
    comparable: bool = True
    # Words that, when no measure is named, mean this one ("sono parrucchiera, ho 2 lavoranti"),
    # or only hint at it: its entries then win when close to the best ("un bonus per noi?").
    implied_by: tuple[str, ...] = ()
    hinted_by: tuple[str, ...] = ()

    _cues = field_validator("cues", "strong", "implied_by", "hinted_by", mode="before")(
        classmethod(lambda cls, v: _phrases(v))
    )


class OutOfScope(_Frozen):
    reply: str = Field(min_length=3)
    cues: tuple[str, ...]
    with_: tuple[str, ...] = Field(default=(), alias="with")
    unless: tuple[str, ...] = ()
    # A Lombard place named keeps the message ours ("vivo a Brescia, mio marito è all'estero").
    unless_lombard_place: bool = False
    # False: a story (see Stories) that speaks of our topics ignores this category ("mio marito
    # ha avuto un incidente e non può più lavorare ... il bonus famiglia lo riaprono?").
    in_stories: bool = True
    # True: a greeting, thanks or goodbye that only tells of it ("a dopo, devo allattare") is
    # small talk, unless it asks (a question mark beside anything but "how are you?").
    in_courtesy: bool = False

    _lists = field_validator("cues", "with_", "unless", mode="before")(
        classmethod(lambda cls, v: _phrases(v))
    )


class Stories(_Frozen):
    """Long messages telling a story: incidental words do not make them out of scope."""

    min_words: int = Field(default=25, ge=5)
    # Words of ours that make a story ours when no measure or situation is named.
    topics: tuple[str, ...] = ()

    _lists = field_validator("topics", mode="before")(classmethod(lambda cls, v: _phrases(v)))


class Situation(_Frozen):
    cues: tuple[str, ...]
    # Regular expressions on the folded message, for what a phrase cannot say ("un bimbo di
    # 5 settimane": any number); checked after the cues.
    patterns: tuple[re.Pattern[str], ...] = ()
    # The guided check it calls for; none for a situation that only has an answer (juggling
    # work and care), which then steers among close entries without forcing one.
    flow: str | None = None
    entry: str | None = None

    _cues = field_validator("cues", mode="before")(classmethod(lambda cls, v: _phrases(v)))

    @field_validator("patterns", mode="before")
    @classmethod
    def _patterns(cls, value: Any) -> tuple[re.Pattern[str], ...]:
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            raise ValueError("expected a list of regular expressions")
        try:
            return tuple(re.compile(p) for p in value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None

    def fits(self, cues: PhraseSet, folded: str) -> bool:
        return cues.search(folded) is not None or any(p.search(folded) for p in self.patterns)


class FamilyContact(_Frozen):
    """A family asking whom to contact about help for mothers, with no measure named: the entry
    with the families' contacts ("numero verde per le mamme in difficoltà?")."""

    entry: str
    cues: tuple[str, ...]

    _cues = field_validator("cues", mode="before")(classmethod(lambda cls, v: _phrases(v)))


class Pinned(_Frozen):
    """Words that ask one entry's question outright, whoever writes ("possiamo essere
    capofila?"): that entry answers, unless the message holds one of `unless` (the Rete's lead
    is another entry's)."""

    entry: str
    cues: tuple[str, ...]
    unless: tuple[str, ...] = ()

    _cues = field_validator("cues", "unless", mode="before")(
        classmethod(lambda cls, v: _phrases(v))
    )


class FamilyHelp(_Frozen):
    """A family telling its situation and asking whether anything exists for it, in words no
    entry matched: what exists for families (`working_entry` for families who work), not "I
    don't know"."""

    asks: tuple[str, ...]
    family: tuple[str, ...]
    entry: str
    working: tuple[str, ...] = ()
    working_entry: str | None = None

    _cues = field_validator("asks", "family", "working", mode="before")(
        classmethod(lambda cls, v: _phrases(v))
    )


class Vague(_Frozen):
    """A message made of one generic word ("contributo?"): the entries it may mean."""

    words: tuple[str, ...]
    ignore: tuple[str, ...] = ()
    entries: tuple[str, ...] = Field(min_length=2)
    # The UI text that asks the person to choose ("Di quale misura?", "Certo, chiedi pure!").
    prompt: str = "clarify.text"
    # Whether its words in any order, with fillers and the words of the `subject` rules, are
    # vague too ("ma sto fondo quando lo danno?"), and whether it is such a subject.
    any_order: bool = True
    subject: bool = False

    _words = field_validator("words", "ignore", mode="before")(
        classmethod(lambda cls, v: _phrases(v))
    )


class SecondOpinion(_Frozen):
    """When the trained classifier (bot/classifier.py) overrides the rules: how sure it must be.

    A threshold left out (null) never overrides; `enabled: false` switches the classifier off.
    """

    enabled: bool = True
    # The rules answer, the classifier is this sure the message is small talk: its act's reply.
    answer_to_smalltalk: float | None = Field(default=None, gt=0, le=1)
    # The rules answer, the classifier is this sure it is out of scope: the general refusal.
    answer_to_fallback: float | None = Field(default=None, gt=0, le=1)
    # The rules say "I don't know" (the general fallback, never a named refusal), the
    # classifier is this sure it is small talk: its act's reply.
    fallback_to_smalltalk: float | None = Field(default=None, gt=0, le=1)
    # The rules answer with one entry, the entry classifier (bot/entry_classifier.py) is this
    # sure another entry answers: that entry answers.
    entry_swap: float | None = Field(default=None, gt=0, le=1)


class Lexicon(_Frozen):
    """knowledge/understanding.yaml, validated."""

    measures: dict[str, Measure]
    roles: dict[str, tuple[str, ...]]
    # The entry that tells each kind of organisation how to join: another role's loses to it.
    role_entries: dict[str, str] = Field(default_factory=dict)
    # The guided check offered to an organisation asking about its own case, when the answer's
    # measure has none of its own.
    role_flows: dict[str, str] = Field(default_factory=dict)
    stories: Stories = Field(default_factory=Stories)
    own_case: tuple[str, ...]
    # Among own-case words, those asking whether the rules fit ("can I get it?").
    eligibility: tuple[str, ...] = ()
    contact: tuple[str, ...]
    # Words that look like a contact request and are not ("for whom was it?", "a friend sent
    # me this link"): taken out before the contact words are looked for.
    not_contact: tuple[str, ...] = ()
    current_period: tuple[str, ...] = ()
    # "l'anno scorso", "next year": the year before or after today's.
    last_year: tuple[str, ...] = ()
    next_year: tuple[str, ...] = ()
    # Periods named by an event ("prima del covid"): {"first last": [phrases]}.
    named_periods: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    amount: tuple[str, ...] = ()
    join: tuple[str, ...] = ()
    out_of_scope: dict[str, OutOfScope] = Field(default_factory=dict)
    compare: tuple[str, ...] = ()
    situations: tuple[Situation, ...] = ()
    vague: tuple[Vague, ...] = ()
    # Words that say nothing of what a vague message is about ("sto fondo cm funziona").
    vague_fillers: tuple[str, ...] = ()
    # Words asking for what one ATS did ("il piano dell'ATS di Brescia", "quanti progetti").
    local_detail: tuple[str, ...] = ()
    # Words asking for the act that set a period's rules ("quale delibera", "which DGR").
    decree: tuple[str, ...] = ()
    # Words that make a message a question or a request even without "?" ("vorrei sapere").
    asks: tuple[str, ...] = ()
    # Entries giving the money of a period ATS by ATS, with the years whose money each gives:
    # "how much went to Bergamo in 2020?".
    per_ats_money: dict[str, tuple[int, int]] = Field(default_factory=dict)
    # Dialect and chat shorthand read as plain Italian first: {italian: [variants]}.
    rewrite: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    family_contact: FamilyContact | None = None
    # Whom to write at an office, no place and no measure named ("come contatto l'ufficio
    # conciliazione dell'ATS?", "what mailbox does the Region use?"): the first rule whose
    # cues the message holds gives the entry on reaching that office.
    office_contacts: tuple[FamilyContact, ...] = ()
    # Asking whom to write about a programme period ("email for questions on the 2017-2018
    # plans?"): the programme's contact (the Regione), when one of these is said.
    period_contact: tuple[str, ...] = ()
    # Questions asked outright in a few words, whoever writes (docs/understanding.md).
    pinned: tuple[Pinned, ...] = ()
    # A woman saying she keeps her pregnancy ("non voglio abortire"): the support that exists
    # answers, never a refusal of the trained classifier.
    keeps_pregnancy: tuple[str, ...] = ()
    family_help: FamilyHelp | None = None
    # Questions about what the bot covers, whatever topic they name ("cosa sai fare oltre al
    # nasko?"): the reply to "what can you do".
    scope_questions: tuple[str, ...] = ()
    # Complaints about a previous answer, whatever they name ("you gave me the wrong ATS for
    # Lodi!"): the reply to a complaint (with the named town's ATS line).
    answer_complaints: tuple[str, ...] = ()
    # A greeting that says there is nothing to ask yet ("volevo solo salutarti", "no questions
    # yet"): the greeting back, whatever else it tells (a town, a family).
    greeting_only: tuple[str, ...] = ()
    # Questions about who runs or wrote the bot, whatever they name ("you work for INPS or the
    # Region?"): the reply to "who are you".
    bot_questions: tuple[str, ...] = ()
    # The trained classifier's say over the rules (docs/understanding.md, "Second opinion").
    second_opinion: SecondOpinion = Field(default_factory=SecondOpinion)

    _lists = field_validator(
        "own_case",
        "eligibility",
        "asks",
        "decree",
        "local_detail",
        "contact",
        "not_contact",
        "current_period",
        "scope_questions",
        "answer_complaints",
        "greeting_only",
        "bot_questions",
        "last_year",
        "next_year",
        "amount",
        "join",
        "compare",
        "keeps_pregnancy",
        "period_contact",
        mode="before",
    )(classmethod(lambda cls, v: _phrases(v)))

    @field_validator("rewrite", mode="before")
    @classmethod
    def _rewrite(cls, value: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, Mapping):
            raise ValueError("expected italian: [variants]")
        return {fold(str(word)): _phrases(variants) for word, variants in value.items()}

    @field_validator("named_periods", mode="before")
    @classmethod
    def _named_periods(cls, value: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, Mapping):
            raise ValueError('expected "first last": [phrases]')
        periods = {}
        for years, phrases in value.items():
            if not re.fullmatch(r"20\d\d 20\d\d", str(years)):
                raise ValueError(f'{years!r}: expected two years, "2017 2019"')
            periods[str(years)] = _phrases(phrases)
        return periods

    @field_validator("per_ats_money", mode="before")
    @classmethod
    def _per_ats_money(cls, value: Any) -> dict[str, tuple[int, int]]:
        if not isinstance(value, Mapping):
            raise ValueError("expected entry: first year-last year")
        spans = {}
        for entry, years in value.items():
            found = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", str(years))
            if found is None:
                raise ValueError(f"{entry}: expected years as 2020-2023 or 2019, not {years!r}")
            first = int(found.group(1))
            spans[str(entry)] = (first, int(found.group(2) or first))
        return spans

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, value: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, Mapping):
            raise ValueError("expected role: [phrases]")
        return {str(role): _phrases(phrases) for role, phrases in value.items()}


def parse_lexicon(data: Any, where: str) -> tuple[Lexicon | None, list[str]]:
    """The lexicon, or None and one line per problem (file, item, field, what is wrong)."""
    try:
        return Lexicon.model_validate(data), []
    except ValidationError as exc:
        return None, validation_problems(exc, where, "understanding", kind="lexicon")


# A lexicon string that is a phrase of words (not a regular expression).
PHRASE = re.compile(r"[a-z0-9 *]+")


def phrase_words(value: Any) -> Iterator[str]:
    """Every word of the lexicon's phrases (the strings of its lists, not its patterns)."""
    if isinstance(value, BaseModel):  # its fields: model_dump would build a serialiser (~0.1 s)
        yield from phrase_words(value.__dict__)
    elif isinstance(value, str):
        if PHRASE.fullmatch(value):
            yield from (w for w in value.split() if not w.endswith("*"))
    elif isinstance(value, dict):
        for item in value.values():
            yield from phrase_words(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from phrase_words(item)

"""Load and validate the knowledge base in `knowledge/` (see docs/knowledge-format.md).

Every problem is reported as one line: file, entry id, field, what is wrong. The loader collects
all problems instead of stopping at the first, so an editor can fix them in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from bot.flows import load_flows
from bot.models import Frozen as _Frozen
from bot.models import Localized, SafeLoader, Source, validation_problems
from bot.normalise import fold
from bot.places import PlaceDirectory
from bot.posters.content import poster_problems
from bot.texts import LANGS, Texts, placeholders
from bot.understanding import Lexicon, parse_lexicon

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


def default_knowledge_dir() -> Path:
    """The embedded knowledge base: the repository's `knowledge/` (or the installed copy)."""
    repo_dir = Path(__file__).resolve().parent.parent / "knowledge"
    if repo_dir.is_dir():
        return repo_dir
    return Path(str(resources.files("knowledge")))


# --- typed, frozen models -------------------------------------------------------------------
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


# --- loading -------------------------------------------------------------------------------
def display_path(path: Path) -> str:
    """A file as the editor can open it: relative to the current folder when inside it, else
    absolute (never a made-up `knowledge/...` for a folder that has another name)."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def _rel(path: Path, root: Path) -> str:
    return display_path(path)


def _entry_lines(path: Path) -> dict[int, dict[str, int]]:
    """Where each item of the file's `entries:` list is, by index: {"": line where the entry
    starts, field: line of that field} (1-based), so a problem points at its line."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    for key, value in node.value:
        if getattr(key, "value", None) == "entries" and isinstance(value, yaml.SequenceNode):
            return {i: _field_lines(item) for i, item in enumerate(value.value)}
    return {}


def _field_lines(item: yaml.Node) -> dict[str, int]:
    lines = {"": item.start_mark.line + 1}
    if isinstance(item, yaml.MappingNode):
        for key, _ in item.value:
            lines[str(getattr(key, "value", ""))] = key.start_mark.line + 1
    return lines


def _read_yaml(path: Path, root: Path, problems: list[str]) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(f"{_rel(path, root)}: -: -: the file is not valid YAML{where}: {reason}")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{_rel(path, root)}: -: -: cannot read the file: {exc}")
    return None


def _load_entries(
    root: Path, problems: list[str], seen: dict[str, str] | None = None
) -> list[Entry]:
    """Every entry of faq/*.yaml; `seen` gets each entry's place ("file:line")."""
    entries: list[Entry] = []
    seen = {} if seen is None else seen
    faq_dir = root / "faq"
    files = sorted(faq_dir.glob("*.yaml")) if faq_dir.is_dir() else []
    if not files:
        problems.append(f"{_rel(faq_dir, root)}: -: -: no entry files (*.yaml) found")
    for path in files:
        where = _rel(path, root)
        data = _read_yaml(path, root, problems)
        if data is None:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            problems.append(f"{where}: -: 'entries': the file must contain 'entries:' with a list")
            continue
        lines = _entry_lines(path)
        for index, raw in enumerate(data["entries"]):
            field_lines = lines.get(index, {})
            place = f"{where}:{field_lines['']}" if field_lines else where
            item_id = (
                str(raw.get("id", f"#{index + 1}")) if isinstance(raw, dict) else f"#{index + 1}"
            )
            if not isinstance(raw, dict):
                problems.append(f"{place}: entry '{item_id}': -: each entry must be a mapping")
                continue
            try:
                entry = Entry.model_validate(raw)
            except ValidationError as exc:
                problems.extend(validation_problems(exc, where, item_id, "entry", field_lines))
                continue
            if entry.id in seen:
                problems.append(
                    f"{place}: entry '{entry.id}': field 'id': "
                    f"duplicate id (also in {seen[entry.id]})"
                )
                continue
            seen[entry.id] = place
            entries.append(entry)
    return entries


def _load_synonyms(root: Path, problems: list[str]) -> dict[str, tuple[str, ...]]:
    path = root / "synonyms.yaml"
    if not path.exists():
        return {}
    where = _rel(path, root)
    data = _read_yaml(path, root, problems)
    if data is None:
        return {}
    groups = data.get("synonyms") if isinstance(data, dict) else None
    if not isinstance(groups, dict):
        problems.append(f"{where}: -: 'synonyms': expected 'synonyms:' with canonical: [variants]")
        return {}
    result: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for canonical, variants in groups.items():
        if not isinstance(variants, list) or not all(
            isinstance(v, str) and v.strip() for v in variants
        ):
            problems.append(f"{where}: synonym '{canonical}': -: variants must be a list of words")
            continue
        for variant in variants:
            key = variant.strip().lower()
            if key in owner and owner[key] != str(canonical):
                problems.append(
                    f"{where}: synonym '{canonical}': '{variant}': also a variant of '{owner[key]}'"
                )
            owner[key] = str(canonical)
        result[str(canonical)] = tuple(v.strip() for v in variants)
    return result


def _load_texts(root: Path, problems: list[str]) -> Texts:
    merged: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    ui_dir = root / "ui"
    for path in sorted(ui_dir.glob("*.yaml")) if ui_dir.is_dir() else []:
        where = _rel(path, root)
        data = _read_yaml(path, root, problems)
        if data is None:
            continue
        texts = data.get("texts") if isinstance(data, dict) else None
        if not isinstance(texts, dict):
            problems.append(
                f"{where}: -: 'texts': expected 'texts:' with key: {{it: ..., en: ...}}"
            )
            continue
        for key, value in texts.items():
            if key in origin:
                problems.append(f"{where}: text '{key}': -: duplicate key (also in {origin[key]})")
                continue
            if not isinstance(value, dict):
                problems.append(f"{where}: text '{key}': -: expected it: and en:")
                continue
            missing = [
                lang for lang in LANGS if not isinstance(value.get(lang), str) or not value[lang]
            ]
            if missing:
                problems.append(f"{where}: text '{key}': {'/'.join(missing)}: missing translation")
                continue
            if placeholders(value["it"]) != placeholders(value["en"]):
                problems.append(
                    f"{where}: text '{key}': en: placeholders differ from it "
                    f"({sorted(placeholders(value['it']))} vs {sorted(placeholders(value['en']))})"
                )
            origin[key] = where
            merged[str(key)] = {lang: value[lang] for lang in LANGS}
    return Texts(merged)


def _load_contacts(root: Path, problems: list[str]) -> RegionalOffice | None:
    path = root / "contacts.yaml"
    if not path.exists():
        problems.append(f"{_rel(path, root)}: -: -: the regional contacts file is missing")
        return None
    data = _read_yaml(path, root, problems)
    if data is None:
        return None
    raw = data.get("regional_office") if isinstance(data, dict) else None
    try:
        return RegionalOffice.model_validate(raw)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, _rel(path, root), "regional_office"))
        return None


def _load_smalltalk(
    root: Path, problems: list[str]
) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], tuple[str, ...]]:
    path = root / "smalltalk.yaml"
    if not path.exists():
        return {}, (), ()
    where = _rel(path, root)
    data = _read_yaml(path, root, problems)
    if not isinstance(data, dict) or not isinstance(data.get("smalltalk"), dict):
        if data is not None:
            problems.append(
                f"{where}: -: 'smalltalk': expected 'smalltalk:' with intent: [phrases]"
            )
        return {}, (), ()
    intents: dict[str, tuple[str, ...]] = {}
    for intent, phrases in data["smalltalk"].items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            problems.append(f"{where}: intent '{intent}': -: expected a list of phrases")
            continue
        intents[str(intent)] = tuple(phrases)
    fillers = data.get("fillers", [])
    if not isinstance(fillers, list):
        problems.append(f"{where}: -: 'fillers': expected a list of words")
        fillers = []
    priority = data.get("priority", [])
    if not isinstance(priority, list) or any(p not in intents for p in priority):
        problems.append(f"{where}: -: 'priority': expected a list of the intents above")
        priority = []
    return intents, tuple(str(f) for f in fillers), tuple(str(p) for p in priority)


def _load_understanding(root: Path, problems: list[str]) -> Lexicon | None:
    path = root / "understanding.yaml"
    if not path.exists():
        return None
    data = _read_yaml(path, root, problems)
    if data is None:
        return None
    lexicon, found = parse_lexicon(data, _rel(path, root))
    problems.extend(found)
    return lexicon


def _load_routing(root: Path, problems: list[str]) -> frozenset[str]:
    path = root / "routing.yaml"
    if not path.exists():
        return frozenset()
    data = _read_yaml(path, root, problems)
    words = data.get("place_intent_words") if isinstance(data, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        if data is not None:
            problems.append(
                f"{_rel(path, root)}: -: 'place_intent_words': expected a list of words"
            )
        return frozenset()
    return frozenset(fold(w) for w in words)


REQUIRED_TEXTS = (
    "answer.sources",
    "answer.updated",
    "fallback.text",
    "clarify.text",
    "clarify.none",
    "smalltalk.greeting",
    "smalltalk.thanks",
    "menu.text",
)


def _cross_checks(
    entries: list[Entry],
    places: dict[str, str],
    flows: dict[str, Any],
    texts: Texts,
    root: Path,
    problems: list[str],
) -> None:
    ids = {e.id for e in entries}
    for entry in entries:
        where = places.get(entry.id) or _rel(root / "faq", root)
        for rel in entry.related:
            if rel not in ids:
                problems.append(
                    f"{where}: entry '{entry.id}': field 'related': unknown entry '{rel}'"
                )
        if entry.flow and flows and entry.flow not in flows:
            problems.append(
                f"{where}: entry '{entry.id}': field 'flow': unknown flow '{entry.flow}'"
            )
    for key in REQUIRED_TEXTS:
        if key not in texts:
            problems.append(
                f"{_rel(root / 'ui', root)}: text '{key}': -: required UI text is missing"
            )
    # Posters: both languages, printable, and every QR deep link one the bot understands.
    problems.extend(poster_problems(texts, entries, flows))


def load_knowledge(directory: Path | str | None = None) -> KnowledgeBase:
    """Load everything under `directory`; raise KnowledgeError listing every problem."""
    root = Path(directory) if directory else default_knowledge_dir()
    problems: list[str] = []
    if root.exists() and not root.is_dir():
        raise KnowledgeError(
            [f"{display_path(root)}: -: -: this is a file; give the knowledge folder instead"]
        )
    if not root.is_dir():
        raise KnowledgeError([f"{display_path(root)}: -: -: the knowledge folder does not exist"])
    entry_places: dict[str, str] = {}
    entries = _load_entries(root, problems, entry_places)
    synonyms = _load_synonyms(root, problems)
    texts = _load_texts(root, problems)
    contacts = _load_contacts(root, problems)
    smalltalk, fillers, smalltalk_priority = _load_smalltalk(root, problems)
    understanding = _load_understanding(root, problems)
    place_intent_words = _load_routing(root, problems)
    for intent in smalltalk:
        if intent != "help" and f"smalltalk.{intent}" not in texts:
            problems.append(
                f"{_rel(root / 'smalltalk.yaml', root)}: intent '{intent}': -: "
                f"UI text 'smalltalk.{intent}' is missing"
            )
    flows: dict[str, Any] = {}
    if (root / "flows").is_dir():
        flows, flow_problems = load_flows(root)
        problems.extend(flow_problems)
    places: PlaceDirectory | None = None
    if (root / "ats.yaml").exists():
        try:
            places = PlaceDirectory.load(root)
        except (ValueError, KeyError, TypeError, OSError, yaml.YAMLError, ValidationError) as exc:
            # A PlacesError lists several problems: one line each.
            problems.extend(
                f"{_rel(root / 'ats.yaml', root)}: -: -: {problem}"
                for problem in getattr(exc, "problems", None) or [exc]
            )
    _cross_checks(entries, entry_places, flows, texts, root, problems)
    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(
        directory=root,
        entries=tuple(entries),
        synonyms=synonyms,
        texts=texts,
        contacts=contacts,
        flows=flows,
        places=places,
        smalltalk=smalltalk,
        fillers=fillers,
        smalltalk_priority=smalltalk_priority,
        understanding=understanding,
        place_intent_words=place_intent_words,
    )

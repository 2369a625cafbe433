"""Load and validate the knowledge base in `knowledge/` (see docs/knowledge-format.md).

Every problem is reported as one line: file, entry id, field, what is wrong. The loader collects
all problems instead of stopping at the first, so an editor can fix them in one go.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.knowledge import Entry, KnowledgeBase, KnowledgeError, RegionalOffice
from bot.knowledge_files import display_path, entry_lines, read_yaml
from bot.lexicon import Lexicon, parse_lexicon
from bot.models import validation_problems
from bot.normalise import fold
from bot.places import PlaceDirectory
from bot.texts import LANGS, Texts, placeholders


def default_knowledge_dir() -> Path:
    """The embedded knowledge base: the repository's `knowledge/` (or the installed copy)."""
    repo_dir = Path(__file__).resolve().parent.parent / "knowledge"
    if repo_dir.is_dir():
        return repo_dir
    return Path(str(resources.files("knowledge")))


def _load_entries(
    root: Path, problems: list[str], seen: dict[str, str] | None = None
) -> list[Entry]:
    """Every entry of faq/*.yaml; `seen` gets each entry's place ("file:line")."""
    entries: list[Entry] = []
    seen = {} if seen is None else seen
    faq_dir = root / "faq"
    files = sorted(faq_dir.glob("*.yaml")) if faq_dir.is_dir() else []
    if not files:
        problems.append(f"{display_path(faq_dir)}: -: -: no entry files (*.yaml) found")
    for path in files:
        where = display_path(path)
        data = read_yaml(path, problems)
        if data is None:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            problems.append(f"{where}: -: 'entries': the file must contain 'entries:' with a list")
            continue
        lines = entry_lines(path)
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
    where = display_path(path)
    data = read_yaml(path, problems)
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
        where = display_path(path)
        data = read_yaml(path, problems)
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
        problems.append(f"{display_path(path)}: -: -: the regional contacts file is missing")
        return None
    data = read_yaml(path, problems)
    if data is None:
        return None
    raw = data.get("regional_office") if isinstance(data, dict) else None
    try:
        return RegionalOffice.model_validate(raw)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, display_path(path), "regional_office"))
        return None


def _load_smalltalk(
    root: Path, problems: list[str]
) -> tuple[
    dict[str, tuple[str, ...]],
    tuple[str, ...],
    tuple[str, ...],
    dict[str, str],
    dict[str, tuple[str, ...]],
    dict[str, tuple[str, ...]],
]:
    path = root / "smalltalk.yaml"
    if not path.exists():
        return {}, (), (), {}, {}, {}
    where = display_path(path)
    data = read_yaml(path, problems)
    if not isinstance(data, dict) or not isinstance(data.get("smalltalk"), dict):
        if data is not None:
            problems.append(
                f"{where}: -: 'smalltalk': expected 'smalltalk:' with intent: [phrases]"
            )
        return {}, (), (), {}, {}, {}
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
    meta = data.get("meta", {})
    if not isinstance(meta, dict) or not all(
        isinstance(v, list) and all(isinstance(w, str) for w in v) for v in meta.values()
    ):
        problems.append(f"{where}: -: 'meta': expected addressee/act: [words]")
        meta = {}
    elif any(key != "addressee" and key not in intents for key in meta):
        problems.append(f"{where}: -: 'meta': keys are 'addressee' and intents above")
        meta = {}
    signals = data.get("signals", {})
    if not isinstance(signals, dict) or not all(
        isinstance(v, list) and all(isinstance(w, str) for w in v) for v in signals.values()
    ):
        problems.append(f"{where}: -: 'signals': expected intent: [phrases]")
        signals = {}
    elif any(key not in intents for key in signals):
        problems.append(f"{where}: -: 'signals': keys are the intents above")
        signals = {}
    shorthand = data.get("shorthand", {})
    if not isinstance(shorthand, dict) or not all(
        isinstance(v, str) and str(k).strip() for k, v in shorthand.items()
    ):
        problems.append(f"{where}: -: 'shorthand': expected word: spelled-out words")
        shorthand = {}
    return (
        intents,
        tuple(str(f) for f in fillers),
        tuple(str(p) for p in priority),
        {str(k): v for k, v in shorthand.items()},
        {str(k): tuple(v) for k, v in meta.items()},
        {str(k): tuple(v) for k, v in signals.items()},
    )


def _load_understanding(root: Path, problems: list[str]) -> Lexicon | None:
    path = root / "understanding.yaml"
    if not path.exists():
        return None
    data = read_yaml(path, problems)
    if data is None:
        return None
    lexicon, found = parse_lexicon(data, display_path(path))
    problems.extend(found)
    return lexicon


def _load_routing(root: Path, problems: list[str]) -> frozenset[str]:
    path = root / "routing.yaml"
    if not path.exists():
        return frozenset()
    data = read_yaml(path, problems)
    words = data.get("place_intent_words") if isinstance(data, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        if data is not None:
            problems.append(
                f"{display_path(path)}: -: 'place_intent_words': expected a list of words"
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
        where = places.get(entry.id) or display_path(root / "faq")
        for rel in entry.related:
            if rel not in ids:
                problems.append(
                    f"{where}: entry '{entry.id}': field 'related': unknown entry '{rel}'"
                )
        if entry.flow and flows and entry.flow not in flows:
            problems.append(
                f"{where}: entry '{entry.id}': field 'flow': unknown flow '{entry.flow}'"
            )
        for also in entry.also_flows:
            if flows and also not in flows:
                problems.append(
                    f"{where}: entry '{entry.id}': field 'also_flows': unknown flow '{also}'"
                )
    for key in REQUIRED_TEXTS:
        if key not in texts:
            problems.append(
                f"{display_path(root / 'ui')}: text '{key}': -: required UI text is missing"
            )
    # Posters: both languages, printable, and every QR deep link one the bot understands.
    from bot.posters.content import poster_problems  # here: a start from the cache needs none

    problems.extend(poster_problems(texts, entries, flows))


def _lexicon_problems(
    lexicon: Lexicon, entries: list[Entry], flows: dict[str, Any], texts: Texts, root: Path
) -> list[str]:
    """Entries, flows and UI texts that knowledge/understanding.yaml names but that do not exist."""
    where = display_path(root / "understanding.yaml")
    ids = {e.id for e in entries}
    topics = {e.topic for e in entries}
    found = []

    def entry(item: str, field: str, value: str | None) -> None:
        if value is not None and value not in ids:
            found.append(f"{where}: {item}: field '{field}': unknown entry '{value}'")

    def flow(item: str, value: str | None) -> None:
        if value is not None and flows and value not in flows:
            found.append(f"{where}: {item}: field 'flow': unknown flow '{value}'")

    for mid, measure in lexicon.measures.items():
        item = f"measure '{mid}'"
        for topic in measure.topics:
            if topic not in topics and topic not in ids:
                found.append(f"{where}: {item}: field 'topics': unknown topic or entry '{topic}'")
        for field in ("contact", "eligibility", "amount", "status"):
            entry(item, field, getattr(measure, field))
        flow(item, measure.flow)
    for role, value in lexicon.role_entries.items():
        entry(f"role_entries '{role}'", "role_entries", value)
    for role, value in lexicon.role_flows.items():
        flow(f"role_flows '{role}'", value)
    for index, situation in enumerate(lexicon.situations, 1):
        entry(f"situation {index}", "entry", situation.entry)
        flow(f"situation {index}", situation.flow)
    for index, vague in enumerate(lexicon.vague, 1):
        for value in vague.entries:
            entry(f"vague {index}", "entries", value)
        if vague.prompt not in texts:
            unknown = f"unknown UI text '{vague.prompt}'"
            found.append(f"{where}: vague {index}: field 'prompt': {unknown}")
    for value in lexicon.per_ats_money:
        entry("per_ats_money", "per_ats_money", value)
    if lexicon.family_contact is not None:
        entry("family_contact", "entry", lexicon.family_contact.entry)
    for index, office in enumerate(lexicon.office_contacts):
        entry(f"office_contacts {index}", "entry", office.entry)
    for index, pinned in enumerate(lexicon.pinned):
        entry(f"pinned {index}", "entry", pinned.entry)
    if lexicon.family_help is not None:
        entry("family_help", "entry", lexicon.family_help.entry)
        if lexicon.family_help.working_entry:
            entry("family_help", "working_entry", lexicon.family_help.working_entry)
    for name, rule in lexicon.out_of_scope.items():
        if rule.reply not in texts:
            found.append(
                f"{where}: out_of_scope '{name}': field 'reply': unknown UI text '{rule.reply}'"
            )
    return found


def load_knowledge(directory: Path | str | None = None) -> KnowledgeBase:
    """Load everything under `directory`; raise KnowledgeError listing every problem."""
    import yaml  # here, not at import: a start from the knowledge cache reads no YAML

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
    smalltalk, fillers, smalltalk_priority, shorthand, meta, signals = _load_smalltalk(
        root, problems
    )
    understanding = _load_understanding(root, problems)
    place_intent_words = _load_routing(root, problems)
    for intent in smalltalk:
        if intent != "help" and f"smalltalk.{intent}" not in texts:
            problems.append(
                f"{display_path(root / 'smalltalk.yaml')}: intent '{intent}': -: "
                f"UI text 'smalltalk.{intent}' is missing"
            )
    flows: dict[str, Any] = {}
    if (root / "flows").is_dir():
        from bot.flows.loader import load_flows  # here: a start from the cache reads no flow

        flows, flow_problems = load_flows(root)
        problems.extend(flow_problems)
    places: PlaceDirectory | None = None
    if (root / "ats.yaml").exists():
        try:
            places = PlaceDirectory.load(root)
        except (ValueError, KeyError, TypeError, OSError, yaml.YAMLError, ValidationError) as exc:
            # A PlacesError lists several problems: one line each.
            problems.extend(
                f"{display_path(root / 'ats.yaml')}: -: -: {problem}"
                for problem in getattr(exc, "problems", None) or [exc]
            )
    _cross_checks(entries, entry_places, flows, texts, root, problems)
    if understanding is not None:
        problems.extend(_lexicon_problems(understanding, entries, flows, texts, root))
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
        smalltalk_shorthand=shorthand,
        smalltalk_meta=meta,
        smalltalk_signals=signals,
        understanding=understanding,
        place_intent_words=place_intent_words,
    )

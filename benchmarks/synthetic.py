"""Synthetic knowledge bases of N entries, for the matcher and loading benchmarks.

A synthetic entry is a real entry of `knowledge/faq/` recombined: its phrasings get words of
real Italian and English (mid-frequency words from wordfreq, the kind of rare token that makes
an entry specific: "falegnameria", "vendemmia") and the name of a real comune of Lombardy;
a second phrasing splices in half of another real entry's question. So the index sees the
vocabulary, phrasing lengths and token frequencies of the real knowledge base, scaled up,
rather than random strings that no tokenizer would ever meet.

Two forms:
- `synthetic_entries(n)`: validated `Entry` objects (the real entries first, then synthetic
  ones up to n), for building a `Matcher` directly;
- `write_synthetic_knowledge(n, directory)`: a complete knowledge folder (the real ui/, flows/,
  contacts, synonyms, ATS directory) whose faq/ holds the n entries as YAML, loadable with
  `bot.knowledge.load_knowledge` (load-time benchmark; it also proves the YAML is valid).

`synthetic_queries` makes questions users could type for such a base: a phrasing of a random
entry with a word dropped and a typo, mixed with the real evaluation questions.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Sequence
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

import yaml

from bot.frequency import top_words
from bot.knowledge import MAX_SHORT_ANSWER_CHARS, Entry, KnowledgeBase
from bot.knowledge_loader import default_knowledge_dir, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
EVAL_FILE = ROOT / "tests" / "eval" / "dev.yaml"
# Words ranked here in wordfreq's lists (bot/frequency.py) are real but specific ("rare tokens").
RARE_RANKS = (2_500, 30_000)
MIN_WORD_LENGTH = 5
ENTRIES_PER_FILE = 500
# Never put these in generated text (wordfreq's lists are built from the open web).
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
BLOCKLIST = frozenset({"porn", "porno", "sex", "sexy", "fuck", "fucking", "shit", "nude", "cazzo"})


@lru_cache(maxsize=1)
def _real_kb() -> KnowledgeBase:
    return load_knowledge(default_knowledge_dir())


@lru_cache(maxsize=4)
def rare_words(lang: str) -> tuple[str, ...]:
    """Real words of `lang`, specific enough to tell entries apart."""
    low, high = RARE_RANKS
    words = list(islice(top_words(lang), high))[low:]
    return tuple(
        w for w in words if w.isalpha() and len(w) >= MIN_WORD_LENGTH and w not in BLOCKLIST
    )


def _comune_names(kb: KnowledgeBase) -> tuple[str, ...]:
    places = kb.places
    if places is None:
        return ("Milano", "Bergamo", "Brescia", "Como", "Cremona", "Lecco", "Lodi", "Mantova")
    return tuple(c.name for c in places.comuni)


def _insert(question: str, words: Sequence[str], rng: random.Random) -> str:
    """The question with `words` inserted before its last word (keeps a trailing '?')."""
    parts = question.rstrip(" ?").split()
    position = rng.randint(max(len(parts) - 3, 0), len(parts))
    parts[position:position] = list(words)
    return " ".join(parts) + ("?" if question.rstrip().endswith("?") else "")


def _splice(first: str, second: str, extra: str) -> str:
    a, b = first.rstrip(" ?").split(), second.rstrip(" ?").split()
    return " ".join(a[: max(len(a) // 2, 1)] + b[len(b) // 2 :] + [extra]) + "?"


def synthetic_raw(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """n entries as the YAML mappings an editor would write: the real ones, then synthetic."""
    kb = _real_kb()
    real = [e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in kb.entries]
    rng = random.Random(seed)
    words = {lang: rare_words(lang) for lang in ("it", "en")}
    comuni = _comune_names(kb)
    questions = {
        lang: [q for e in kb.entries for q in e.questions.get(lang)] for lang in ("it", "en")
    }
    raws = real[:n]
    for index in range(len(raws), n):
        base = kb.entries[index % len(kb.entries)]
        comune = rng.choice(comuni)
        picked = {lang: rng.sample(words[lang], 2) for lang in ("it", "en")}
        title, phrasings, answer, details = {}, {}, {}, {}
        for lang in ("it", "en"):
            w1, w2 = picked[lang]
            base_questions = base.questions.get(lang)
            phrasings[lang] = [
                _insert(base_questions[0], [w1, comune], rng),
                _splice(base_questions[1 % len(base_questions)], rng.choice(questions[lang]), w2),
                f"{w1} {w2} {comune}",
            ]
            title[lang] = f"{base.title.get(lang)}: {w1} ({comune})"
            tail = f"\n\n{comune}: {w1}, {w2}."
            # The visible answer fits a phone (the loader's limit); the rest goes in details.
            answer[lang] = base.answer.get(lang)[: MAX_SHORT_ANSWER_CHARS - len(tail)] + tail
            details[lang] = base.details.get(lang) if base.details is not None else tail.strip()
        raw: dict[str, Any] = {
            "id": f"syn-{index:05d}",
            "topic": base.topic,
            "audience": base.audience,
            "title": title,
            "questions": phrasings,
            "answer": answer,
            "details": details,
            "sources": [s.model_dump(mode="json", exclude_none=True) for s in base.sources],
            "as_of": base.as_of.isoformat(),
            "keywords": [picked["it"][0], picked["en"][0]],
        }
        if base.validity is not None:
            raw["validity"] = base.validity.model_dump(
                mode="json", by_alias=True, exclude_none=True
            )
        raws.append(raw)
    return raws


def synthetic_entries(n: int, seed: int = 0) -> list[Entry]:
    """n validated entries (see module docstring)."""
    return [Entry.model_validate(raw) for raw in synthetic_raw(n, seed)]


def write_synthetic_knowledge(n: int, directory: Path, seed: int = 0) -> Path:
    """A complete knowledge folder in `directory` whose faq/ holds n entries; returns it."""
    source = default_knowledge_dir()
    target = Path(directory)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("faq", "__pycache__"))
    faq = target / "faq"
    faq.mkdir()
    raws = synthetic_raw(n, seed)
    for number, start in enumerate(range(0, len(raws), ENTRIES_PER_FILE)):
        chunk = raws[start : start + ENTRIES_PER_FILE]
        text = yaml.dump(
            {"entries": chunk}, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=100
        )
        (faq / f"synthetic-{number:03d}.yaml").write_text(text, encoding="utf-8")
    return target


def eval_questions(path: Path = EVAL_FILE) -> list[str]:
    """The real evaluation questions (tests/eval/dev.yaml)."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [str(case["q"]) for case in cases if isinstance(case, dict) and case.get("q")]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def synthetic_queries(entries: Sequence[Entry], count: int, seed: int = 1) -> list[str]:
    """`count` questions: half real evaluation questions, half perturbed phrasings of entries."""
    rng = random.Random(seed)
    real = eval_questions()
    queries: list[str] = []
    for i in range(count):
        if i % 2 == 0 and real:
            queries.append(real[(i // 2) % len(real)])
            continue
        entry = rng.choice(entries)
        lang = rng.choice(("it", "en"))
        words = rng.choice(entry.questions.get(lang)).rstrip(" ?").split()
        if len(words) > 3:
            del words[rng.randrange(len(words))]
        j = rng.randrange(len(words))
        words[j] = _typo(words[j], rng)
        queries.append(" ".join(words) + "?")
    return queries

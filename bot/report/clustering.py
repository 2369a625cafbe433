"""Grouping unanswered questions and pointing each group at the closest existing entry.

Questions are grouped by similarity of their normalised form (greedy clustering with
rapidfuzz, see CLUSTER_THRESHOLD), and each group gets the knowledge entry the matcher ranks
highest for its most frequent wordings, so an editor knows where to add the phrasing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.cache import prebuilt_matcher
from bot.knowledge import KnowledgeBase
from bot.matcher import CLARIFY_THRESHOLD, Matcher
from bot.normalise import fold
from bot.privacy import redact_identifiers
from bot.store import QuestionRecord

# Two normalised questions belong together when the mean of rapidfuzz's token_set_ratio and
# token_sort_ratio reaches this: set ratio alone merges any question into a shorter one it
# contains ("bonus" would swallow "bonus nido" and "bonus bebè").
CLUSTER_THRESHOLD = 75.0
# Only the most frequent distinct questions are clustered (the rest are counted, not grouped),
# so the report stays fast on a full retention period.
MAX_CLUSTER_INPUT = 5000
MAX_EXAMPLES = 5
# Below the score at which the bot would even offer an entry as a "did you mean", the closest
# entry is only a weak hint: probably a new entry is needed.
WEAK_SUGGESTION = CLARIFY_THRESHOLD
_ENTRY_ID = re.compile(r"^\s*-?\s*id:\s*['\"]?([a-z0-9-]+)", re.MULTILINE)


@dataclass(frozen=True)
class Suggestion:
    """The existing entry closest to a cluster: add the phrasing to its questions."""

    entry: str
    title: str
    score: float
    file: str | None
    weak: bool


@dataclass(frozen=True)
class Cluster:
    """A group of similar unanswered or unclear questions."""

    size: int
    label: str  # the most frequent wording
    examples: list[str]  # distinct wordings, most frequent first
    langs: dict[str, int]
    statuses: dict[str, int]  # clarify / fallback
    first_day: str
    last_day: str
    suggestion: Suggestion | None


def _similarity(a: str, b: str) -> float:
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2.0


def _cluster_key(record: QuestionRecord) -> str:
    return record.norm or fold(record.text) or record.text.strip()


def cluster_questions(
    records: Sequence[QuestionRecord], threshold: float = CLUSTER_THRESHOLD
) -> list[list[QuestionRecord]]:
    """Greedy clustering: the most frequent questions found the clusters, the rest join the
    most similar founder at or above `threshold`. Largest clusters first."""
    by_key: dict[str, list[QuestionRecord]] = defaultdict(list)
    for record in records:
        by_key[_cluster_key(record)].append(record)
    keys = sorted(by_key, key=lambda k: (-len(by_key[k]), k))
    founders: list[str] = []
    members: list[list[QuestionRecord]] = []
    overflow: list[QuestionRecord] = []
    for index, key in enumerate(keys):
        if index >= MAX_CLUSTER_INPUT:
            overflow.extend(by_key[key])
            continue
        best_index, best_score = -1, threshold
        # token_set_ratio >= token_sort_ratio, so it is a safe prefilter (done in C).
        for _, _, at in process.extract(
            key, founders, scorer=fuzz.token_set_ratio, score_cutoff=threshold, limit=10
        ):
            score = _similarity(key, founders[at])
            if score >= best_score:
                best_index, best_score = at, score
        if best_index < 0:
            founders.append(key)
            members.append(list(by_key[key]))
        else:
            members[best_index].extend(by_key[key])
    clusters = sorted(members, key=lambda group: -len(group))
    return clusters + ([overflow] if overflow else [])


def entry_files(kb: KnowledgeBase) -> dict[str, str]:
    """Which knowledge/faq file defines each entry (so the editor knows where to add)."""
    found: dict[str, str] = {}
    faq_dir = Path(kb.directory) / "faq"
    for path in sorted(faq_dir.glob("*.yaml")) if faq_dir.is_dir() else []:
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for entry_id in _ENTRY_ID.findall(content):
            found.setdefault(entry_id, f"knowledge/faq/{path.name}")
    return found


class Suggester:
    """Finds the entry closest to a group of questions (none without a knowledge base)."""

    def __init__(self, kb: KnowledgeBase | None, matcher: Matcher | None = None) -> None:
        self.kb = kb
        if matcher is None and kb is not None:
            matcher = prebuilt_matcher(kb) or Matcher(kb.entries, kb.synonyms)
        self.matcher = matcher
        self.files = entry_files(kb) if kb is not None else {}

    def closest(self, texts: Iterable[str], lang: str) -> Suggestion | None:
        """The best-ranked entry over `texts`, titled in `lang`."""
        if self.kb is None or self.matcher is None:
            return None
        best: tuple[str, float] | None = None
        for text in texts:
            ranked, _ = self.matcher.rank(text)
            if ranked and (best is None or ranked[0].score > best[1]):
                best = (ranked[0].entry_id, float(ranked[0].score))
        if best is None:
            return None
        entry = self.kb.entry(best[0])
        title = entry.title.get(lang) if entry is not None else best[0]
        return Suggestion(
            entry=best[0],
            title=title,
            score=round(best[1], 1),
            file=self.files.get(best[0]),
            weak=best[1] < WEAK_SUGGESTION,
        )


def make_cluster(group: list[QuestionRecord], suggester: Suggester) -> Cluster:
    """A cluster's summary; identifiers typed by users are masked in every wording."""
    wordings = Counter(redact_identifiers(r.text.strip()) for r in group)
    examples = [text for text, _ in wordings.most_common(MAX_EXAMPLES)]
    langs = Counter(r.lang for r in group)
    days = sorted(r.day for r in group)
    main_lang = langs.most_common(1)[0][0]
    return Cluster(
        size=len(group),
        label=examples[0],
        examples=examples,
        langs=dict(langs.most_common()),
        statuses=dict(Counter(r.status for r in group).most_common()),
        first_day=days[0],
        last_day=days[-1],
        suggestion=suggester.closest(examples[:3], "en" if main_lang == "en" else "it"),
    )

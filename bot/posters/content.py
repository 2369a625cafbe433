"""What one poster says, in one language, and the checks of the poster texts (`validate`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.posters.links import (
    TOPIC_PREFIX,
    PosterError,
    check_username,
    deep_link,
    deep_link_payloads,
    deep_link_table,
    poster_topics,
    topic_payload,
)
from bot.texts import LANGS, Texts

TOPIC_FIELDS = ("title", "line1", "line2", "line3")
SHARED_TEXTS = ("poster.kicker", "poster.scan", "poster.privacy", "poster.footer")
# Lengths that still fit the layout on an A6 leaflet.
MAX_TITLE_CHARS = 70
MAX_LINE_CHARS = 75
MAX_PRIVACY_CHARS = 240


def _printable(text: str) -> bool:
    # Windows-1252 is what every poster font covers: accents, – « » € yes, emoji no.
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def poster_problems(texts: Texts, entries: Iterable[Any], flows: Mapping[str, Any]) -> list[str]:
    """One line per problem in the poster texts (knowledge/ui/posters.yaml)."""
    where = "knowledge/ui/posters.yaml"
    keys = [key for key in texts.keys() if key.startswith("poster.")]
    if not keys:
        return []
    problems = []
    table = deep_link_table(entries, flows)
    for key in SHARED_TEXTS:
        if key not in texts:
            problems.append(f"{where}: text '{key}': -: required poster text is missing")
    for topic in poster_topics(texts):
        payload = topic_payload(topic)
        if payload not in table:
            problems.append(
                f"{where}: text '{TOPIC_PREFIX}{topic}.title': -: '{topic}' is not a deep link "
                "the bot understands (use a flow id, an entry id or a topic)"
            )
        for name in TOPIC_FIELDS:
            if f"{TOPIC_PREFIX}{topic}.{name}" not in texts:
                problems.append(
                    f"{where}: text '{TOPIC_PREFIX}{topic}.{name}': -: missing (a poster needs "
                    "a title and three lines)"
                )
    limits = {"title": MAX_TITLE_CHARS, "privacy": MAX_PRIVACY_CHARS}
    for key in keys:
        if key in SHARED_TEXTS or key.startswith(TOPIC_PREFIX):
            limit = limits.get(key.rsplit(".", 1)[1], MAX_LINE_CHARS)
            for lang in LANGS:
                text = texts.get(key, lang)
                if not _printable(text):
                    problems.append(
                        f"{where}: text '{key}': {lang}: a character cannot be printed "
                        "(letters, accents and punctuation only, no emoji)"
                    )
                if len(text) > limit:
                    problems.append(
                        f"{where}: text '{key}': {lang}: longer than {limit} characters "
                        "(it would not fit the poster)"
                    )
    return problems


# -- content -------------------------------------------------------------------------------
@dataclass(frozen=True)
class PosterContent:
    """Everything printed on one poster, in one language."""

    topic: str
    lang: str
    url: str
    kicker: str
    title: str
    lines: tuple[str, ...]
    scan: str
    privacy: str
    footer: str

    @property
    def link_text(self) -> str:
        """The link in words: what a person would type (no https://)."""
        return self.url.removeprefix("https://")


def poster_content(kb: Any, topic: str, lang: str, username: str) -> PosterContent:
    """The texts of `topic`'s poster; PosterError for an unknown topic or language."""
    texts: Texts = kb.texts
    topics = poster_topics(texts)
    if topic not in topics:
        raise PosterError(f"unknown poster topic '{topic}' (topics: {', '.join(topics)})")
    if lang not in LANGS:
        raise PosterError(f"unknown language '{lang}' (languages: {', '.join(LANGS)})")
    if topic_payload(topic) not in deep_link_payloads(kb):
        raise PosterError(f"the bot has no deep link '{topic}'")
    username = check_username(username)

    def t(key: str) -> str:
        return texts.get(key, lang)

    prefix = f"{TOPIC_PREFIX}{topic}."
    return PosterContent(
        topic=topic,
        lang=lang,
        url=deep_link(username, topic),
        kicker=t("poster.kicker"),
        title=t(prefix + "title"),
        lines=tuple(t(f"{prefix}line{n}") for n in (1, 2, 3)),
        scan=t("poster.scan"),
        privacy=t("poster.privacy"),
        footer=t("poster.footer"),
    )

"""Deep links: the `/start` payloads the bot understands, and the poster topics naming them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.texts import Texts

GENERAL_TOPIC = "assistente"
TOPIC_PREFIX = "poster.topic."
# Telegram: a deep-link payload is 1-64 of A-Z a-z 0-9 _ -; the brain reads it lower-case.
PAYLOAD_PATTERN = re.compile(r"^[a-z0-9_-]{1,64}$")
# Telegram usernames: 5-32 letters, digits and underscores, starting with a letter.
USERNAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")


class PosterError(ValueError):
    """A request that cannot give a poster (unknown topic, bad username): a usage problem."""


def deep_link_table(entries: Iterable[Any], flows: Mapping[str, Any]) -> dict[str, str]:
    """Every `/start` payload the bot understands -> what it opens.

    The same precedence as `Router._cmd_start`: a flow id starts the flow; then an entry id,
    then a topic (its first entry) gives the answer; no payload gives the greeting and menu.
    Values: "menu", "flow:<id>" or "entry:<id>".
    """
    table: dict[str, str] = {"": "menu"}
    by_topic: dict[str, str] = {}
    for entry in entries:
        table.setdefault(entry.id, f"entry:{entry.id}")
        by_topic.setdefault(entry.topic, entry.id)
    for topic, entry_id in by_topic.items():
        table.setdefault(topic, f"entry:{entry_id}")
    for flow_id in flows:
        table[flow_id] = f"flow:{flow_id}"
    return {payload: kind for payload, kind in table.items() if valid_payload(payload)}


def deep_link_payloads(kb: Any) -> dict[str, str]:
    """The deep-link table of a loaded knowledge base."""
    return deep_link_table(kb.entries, kb.flows)


def valid_payload(payload: str) -> bool:
    """Whether Telegram carries this payload unchanged to the brain ("" = no payload)."""
    return payload == "" or bool(PAYLOAD_PATTERN.match(payload))


def topic_payload(topic: str) -> str:
    return "" if topic == GENERAL_TOPIC else topic


def deep_link(username: str, topic: str) -> str:
    payload = topic_payload(topic)
    base = f"https://t.me/{username}"
    return f"{base}?start={payload}" if payload else base


def poster_topics(texts: Texts) -> list[str]:
    """The topics with a poster title, the general poster first."""
    topics = sorted(
        key[len(TOPIC_PREFIX) : -len(".title")]
        for key in texts.keys()
        if key.startswith(TOPIC_PREFIX) and key.endswith(".title")
    )
    return sorted(topics, key=lambda topic: topic != GENERAL_TOPIC)


def check_username(raw: str) -> str:
    """A Telegram username without '@', or PosterError."""
    username = raw.strip().removeprefix("@")
    if not USERNAME_PATTERN.match(username):
        raise PosterError(
            f"'{raw}' is not a Telegram username "
            "(5-32 letters, digits or _, starting with a letter)"
        )
    return username

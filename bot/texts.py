"""User-facing UI texts, loaded from knowledge/ui/*.yaml by key and language."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from string import Formatter

logger = logging.getLogger(__name__)

LANGS = ("it", "en")
DEFAULT_LANG = "it"


class Texts:
    """Looks up a UI text by key in the user's language, falling back to Italian."""

    def __init__(self, texts: Mapping[str, Mapping[str, str]]) -> None:
        self._texts = {key: dict(value) for key, value in texts.items()}

    def __contains__(self, key: str) -> bool:
        return key in self._texts

    def keys(self) -> list[str]:
        return sorted(self._texts)

    def get(self, key: str, lang: str = DEFAULT_LANG, /, **fields: object) -> str:
        """The text for `key` in `lang`, with `{placeholders}` filled from `fields`."""
        by_lang = self._texts.get(key)
        if by_lang is None:
            logger.error("missing UI text %s", key)
            return key
        template = by_lang.get(lang) or by_lang.get(DEFAULT_LANG) or next(iter(by_lang.values()))
        if not fields:
            return template
        try:
            return template.format(**fields)
        except (KeyError, IndexError, ValueError):
            logger.error(
                "UI text %s/%s has placeholders that do not match %s", key, lang, sorted(fields)
            )
            return template


def placeholders(template: str) -> set[str]:
    """The `{names}` used by a template (for validation)."""
    return {name for _, name, _, _ in Formatter().parse(template) if name}

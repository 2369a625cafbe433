"""Italian or English? Decided from function words first, then lingua for the rest.

Short chat messages defeat statistical detectors ("ciao" reads as English to lingua), while
function words are decisive when present ("how", "the" vs "come", "il"). So: count words that
only one language's stop-word list has; on a tie ask lingua (restricted to it/en); when that is
unsure too, keep the caller's default (the user's remembered or Telegram language).
"""

from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder
from stop_words import get_stop_words

from bot.normalise import fold

LINGUA_MIN_CONFIDENCE = 0.80
# Words common in our users' Italian that the stop-word lists lack, and vice versa.
EXTRA_IT = frozenset(
    "ciao grazie buongiorno buonasera salve sono ho posso vorrei quanto quanti dove come chi "
    "cosa perche fondo soldi aiuto incinta figlio bambino mamma comune regione domanda".split()
)
EXTRA_EN = frozenset(
    "hello hi thanks thank please how what who where when which much many can does do is are "
    "the my i pregnant money help child baby mother apply get fund".split()
)


@lru_cache(maxsize=1)
def _word_lists() -> tuple[frozenset[str], frozenset[str]]:
    italian = {part for word in get_stop_words("italian") for part in fold(word).split()}
    english = {part for word in get_stop_words("english") for part in fold(word).split()}
    only_it = (italian - english) | EXTRA_IT
    only_en = (english - italian) | EXTRA_EN
    # Single letters and words shared by both lists tell nothing.
    return (
        frozenset(w for w in only_it - only_en if len(w) > 1),
        frozenset(w for w in only_en - only_it if len(w) > 1),
    )


@lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    return (
        LanguageDetectorBuilder.from_languages(Language.ITALIAN, Language.ENGLISH)
        .with_low_accuracy_mode()
        .build()
    )


@lru_cache(maxsize=4096)
def detect_language(text: str, default: str = "it") -> str:
    """'it' or 'en' for `text`; `default` when the text gives no clear sign."""
    words = fold(text).split()
    if not words:
        return default
    only_it, only_en = _word_lists()
    it_votes = sum(1 for w in words if w in only_it)
    en_votes = sum(1 for w in words if w in only_en)
    if it_votes != en_votes:
        return "it" if it_votes > en_votes else "en"
    values = _detector().compute_language_confidence_values(text[:500])
    if values and values[0].value >= LINGUA_MIN_CONFIDENCE:
        return "en" if values[0].language == Language.ENGLISH else "it"
    return default

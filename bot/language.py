"""Italian or English? Decided from function words, and sticky once a chat has a language.

Short chat messages defeat statistical detectors ("ciao" reads as English to most of them),
while function words are decisive when present ("how", "the" vs "come", "il"). So a message's
language is the one whose function words it uses more; with no such word (a date, an amount,
a place name, an emoji) the caller's default stands.

A chat's language is sticky: it changes only when a message is clear evidence of the other
language (`clear_language`: a sentence, not a token), never by "ok", "circa 9000", "Bergamo".
"""

from __future__ import annotations

from functools import lru_cache

from stop_words import get_stop_words

from bot.normalise import fold

# A message switches a chat's language only with this many words and this lead in votes.
SENTENCE_WORDS = 3
CLEAR_LEAD = 2
# Words common in our users' Italian that the stop-word lists lack, and vice versa.
EXTRA_IT = frozenset(
    "ciao grazie buongiorno buonasera salve sono ho posso vorrei quanto quanti dove come chi "
    "cosa perche fondo soldi aiuto incinta figlio figlia bambino bambina bimbo mamma comune "
    "regione domanda informazioni sapere devo voglio vivo abito lavoro azienda spetta aiuti "
    "quale quali anni mesi mese euro ancora gia anche pero quindi allora qui adesso oggi".split()
)
EXTRA_EN = frozenset(
    "hello hi thanks thank please how what who where when which much many can does do is are "
    "the my i pregnant money help child baby mother apply get fund years months live work "
    "company need want know tell about there their they you your we our would could should "
    "eligible".split()
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


def votes(text: str) -> tuple[int, int, int]:
    """(Italian function words, English function words, words) in `text`."""
    words = fold(text).split()
    only_it, only_en = _word_lists()
    return (
        sum(1 for w in words if w in only_it),
        sum(1 for w in words if w in only_en),
        len(words),
    )


@lru_cache(maxsize=4096)
def detect_language(text: str, default: str = "it") -> str:
    """'it' or 'en' for `text`; `default` when the text gives no sign either way."""
    it_votes, en_votes, _ = votes(text)
    if it_votes == en_votes:
        return default
    return "it" if it_votes > en_votes else "en"


def clear_language(text: str) -> str | None:
    """The language of `text` when it is a sentence that clearly is in it, else None."""
    it_votes, en_votes, words = votes(text)
    if words < SENTENCE_WORDS or abs(it_votes - en_votes) < CLEAR_LEAD:
        return None
    return "it" if it_votes > en_votes else "en"

"""Italian or English? Decided from function words, and sticky once a chat has a language.

Short chat messages defeat statistical detectors ("ciao" reads as English to most of them),
while function words are decisive when present ("how", "the" vs "come", "il"). So a message's
language is the one whose function words it uses more; with no such word (a date, an amount,
a place name, an emoji) the caller's default stands.

A chat's language is sticky: it changes only when a message is clear evidence of the other
language (`clear_language`: a sentence, not a token), never by "ok", "circa 9000", "Bergamo".
"""

from __future__ import annotations

import re
from functools import lru_cache

from stop_words import get_stop_words

from bot.frequency import zipf_frequency
from bot.normalise import fold

# A message switches a chat's language only with this many words and this lead in votes.
SENTENCE_WORDS = 3
CLEAR_LEAD = 2
# Words common in our users' Italian that the stop-word lists lack, and vice versa.
EXTRA_IT = frozenset(
    "ciao grazie buongiorno buonasera salve sono ho posso vorrei quanto quanti dove come chi "
    "cosa perche fondo soldi aiuto incinta figlio figlia bambino bambina bimbo mamma comune "
    "regione domanda informazioni sapere devo voglio vivo abito lavoro azienda spetta aiuti "
    "quale quali anni mesi mese euro ancora gia anche pero quindi allora qui adesso oggi "
    "telefono numero sito pagina ufficio bn cmq xke ki ke nn xche perke anke qlc qlcs grz tt "
    "qualke grazi sn dv gentilissim gentilissima gentilissimo gentilissimi".split()
)
EXTRA_EN = frozenset(
    "hello hi thanks thank please how what who where when which much many can does do is are "
    "the my i pregnant money help child baby mother apply get fund years months live work "
    "company need want know tell about there their they you your we our would could should "
    "eligible bye goodbye alright sounds okay rubbish later cheers anyone anybody requirements "
    "application apply applying documents tnx thx cool lol yeah yep dumb useless stuff made kind "
    "bye phone number website page link office contact hey grant grants reach bad good nice great "
    "morning evening afternoon night sorry welcome awesome yes yeah yep nope cheers howdy hiya "
    "heya helo hallo hullo yo ty tysm thanx thnx hii hiii conciliation hows whats ur day pls plz "
    "yup allowance hru dokie dokey okie switchboard helpline hotline freephone ttyl gtg brb amount "
    "cya l8r slow budget".split()
)
# Words people type in both languages.
# "gh", "an", "as", "na" and "lu" are Lombard ("gh'è", "an gh'à", "as pöl", "na baita", "a lü")
# as much as English; "fine" is Italian too.
NEUTRAL = frozenset("ok okay circa so no ah eh oh ciao bye gh an as na fine lu".split())
# Borrowed words, as Italian as English ("Regione Lombardia conciliazione office email?").
BORROWED = frozenset("email mail".split())
# Lombard places and Italy's regions typed in lower case ("cresco brescia requirements",
# "veneto family bonus") are names, not Italian.
PLACES = frozenset(
    "lombardia bergamo brescia como cremona lecco lodi mantova milano monza pavia sondrio varese "
    "brianza valtellina valcamonica bergamasca bresciana comasco lodigiano veneto piemonte "
    "emilia romagna liguria toscana lazio campania puglia calabria sicilia sardegna trentino "
    "friuli marche umbria abruzzo molise basilicata".split()
)
# English names of Italian places ("nasko in milan??"): an English vote each.
EXONYMS = frozenset("milan mantua turin venice naples florence genoa padua rome".split())
# Italian names of our measures and offices, written as they are by people writing English
# too ("Bonus Famiglia 2019 ISEE limit?", "cresco brescia requirements"): no vote either way.
NAMES = re.compile(
    r"\b(?:regione lombardia|bonus famiglia|bonus famiglie|time saving|timesaving|"
    r"welfare aziendale|ret[ei] di conciliazione|alleanz[ae] local[ei](?: di conciliazione)?|"
    r"conciliazione vita[ -]lavoro|"
    r"consultori[oa]? familiar[ei]|piani? di zona|ufficio di piano|assegno unico|fondo nasko|"
    r"fondo cresco|nasko|cresco|dote scuola|dote lavoro|bonus (?:asilo )?nido|asilo nido|"
    r"bonus beb[eè]|congedo parentale|alleanz[ae]|azion[ei] di sistema|"
    r"documento (?:territoriale )?di indirizzo|ret[ei] territorial[ei](?: di conciliazione)?|"
    r"piani? territorial[ei](?: di "
    r"conciliazione)?|ats (?:della|dell|di) [a-z]+|conciliazione|proroga|capofila|assegno di "
    r"inclusione|carta acquisti|carta dedicata a te|permesso di soggiorno|reddito di "
    r"cittadinanza|questura|patronato|risotto alla milanese|val ?padana|insubria|"
    r"centro di aiuto alla vita|centri di aiuto alla vita|agenzia di tutela della salute)\b",
    re.IGNORECASE,
)
# NAMES without IGNORECASE (its letters are all lower case), searched in the text lowered:
# ~5 times quicker. Exact where lowering keeps each character's place and its match: not for
# "İ" (two characters lowered) nor "ı" and "ſ" (which IGNORECASE takes for "i" and "s").
_NAMES_LOWER = re.compile(NAMES.pattern)
_NOT_LOWERED = re.compile("[\u0130\u0131\u017f]")
# A content word counts for a language when it is this much more frequent in it (wordfreq's
# Zipf scale): "requirements" is English, "gravidanza" Italian, "Bergamo" or "ok" neither.
FREQUENCY_LEAD = 1.3
MIN_FREQUENCY_WORD = 4


@lru_cache(maxsize=1)
def _word_lists() -> tuple[frozenset[str], frozenset[str]]:
    italian = {part for word in get_stop_words("italian") for part in fold(word).split()}
    english = {part for word in get_stop_words("english") for part in fold(word).split()}
    only_it = (italian - english - NEUTRAL) | EXTRA_IT
    only_en = (english - italian - NEUTRAL) | EXTRA_EN
    # Single letters and words shared by both lists tell nothing.
    return (
        frozenset(w for w in only_it - only_en if len(w) > 1),
        frozenset(w for w in only_en - only_it if len(w) > 1),
    )


def _is_function_word(word: str) -> bool:
    only_it, only_en = _word_lists()
    return word in only_it or word in only_en


_WORD = re.compile(r"[^\W\d_]+|\d+")


@lru_cache(maxsize=16384)
def _word_vote(raw: str) -> str | None:
    only_it, only_en = _word_lists()
    word = fold(raw)
    if word in EXONYMS:
        return "en"
    if word in BORROWED or (len(raw) == 2 and raw.isupper()):
        # A province's code ("Pisogne (BS)", "Merate, LC") is no English "bs" or "lc".
        return None
    if word in only_it:
        return "it"
    if word in only_en:
        return "en"
    # Proper names ("Bergamo", "Anna") say nothing about the language of the sentence.
    if (
        word in PLACES
        or len(word) < MIN_FREQUENCY_WORD
        or word.isdigit()
        or raw[:1].isupper()
        or " " in word
    ):
        return None
    lead = zipf_frequency(word, "it") - zipf_frequency(word, "en")
    if abs(lead) < FREQUENCY_LEAD:
        return None
    return "it" if lead > 0 else "en"


# On a tie, the function words decide when one language leads by this many of them.
GRAMMAR_LEAD = 2
_REPEATS = re.compile(r"(\w)\1{2,}")
# Someone saying they speak little Italian ("scusa, no parlo bene italiano. fondo nasko for
# me?") is answered in English when the rest of the message is as English as Italian.
LITTLE_ITALIAN = re.compile(
    r"\b(?:non?|poco|not) (?:parlo|parla|capisco|speak) (?:bene |molto |good |much )?(?:l )?"
    r"italian[oa]?\b|\bparlo poco (?:l )?italiano\b|\bmy italian is (?:not|bad|poor)",
    re.IGNORECASE,
)
LITTLE_ITALIAN_VOTES = 2
# English contractions ("I'm in Codogno") and chat shorthand ("r u real?"): one English vote
# each, though their parts are single letters or shared words.
CONTRACTION = re.compile(
    r"\b(?:i['’]m|i['’]ve|i['’]d|i['’]ll|don['’]t|can['’]t|it['’]s|what['’]s|r u|u r|u ok)\b",
    re.IGNORECASE,
)


def without_names(text: str) -> str:
    """`NAMES.sub(" ", text)`: each of our names replaced by a space."""
    lowered = text.lower()
    if len(lowered) != len(text) or not text.isascii() and _NOT_LOWERED.search(text):
        return NAMES.sub(" ", text)
    parts, last = [], 0
    for found in _NAMES_LOWER.finditer(lowered):
        parts.append(text[last : found.start()])
        last = found.end()
    return " ".join([*parts, text[last:]]) if parts else text


def votes(text: str) -> tuple[int, int, int]:
    """(Italian votes, English votes, words) in `text`: function words, then frequent words."""
    words = _WORD.findall(_REPEATS.sub(r"\1", without_names(text)))  # "hiii" is "hi"
    first = words[0] if words else ""
    if first[:1].isupper() and not first.isupper() and _is_function_word(first.lower()):
        # A sentence's first word is capitalised without being a name ("Morning!", "Grazie").
        words[0] = words[0].lower()
    found = [_word_vote(w) for w in words]
    english = found.count("en")
    if LITTLE_ITALIAN.search(text):
        english += LITTLE_ITALIAN_VOTES
    english += len(CONTRACTION.findall(text))
    return found.count("it"), english, len(words)


@lru_cache(maxsize=4096)
def detect_language(text: str, default: str = "it") -> str:
    """'it' or 'en' for `text`; `default` when the text gives no sign either way."""
    it_votes, en_votes, _ = votes(text)
    if it_votes == en_votes:
        # A tie: the grammar's words decide ("what is the comitato di programmazione of the
        # rete?" borrows our Italian names into an English sentence).
        it_votes, en_votes = _grammar_votes(text)
        if abs(it_votes - en_votes) < GRAMMAR_LEAD:
            return default
    return "it" if it_votes > en_votes else "en"


def _grammar_votes(text: str) -> tuple[int, int]:
    """(Italian, English) votes of the function words alone (articles, prepositions, ...)."""
    only_it, only_en = _word_lists()
    words = [fold(w) for w in _WORD.findall(without_names(text))]
    return sum(w in only_it for w in words), sum(w in only_en for w in words)


def clear_language(text: str) -> str | None:
    """The language of `text` when it is a sentence that clearly is in it, else None."""
    it_votes, en_votes, words = votes(text)
    if words < SENTENCE_WORDS or abs(it_votes - en_votes) < CLEAR_LEAD:
        return None
    return "it" if it_votes > en_votes else "en"

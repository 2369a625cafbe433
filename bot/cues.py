"""Small fixed patterns of the understanding step (bot/understanding.py) that no editor needs to
change: the editable cues live in knowledge/understanding.yaml."""

from __future__ import annotations

import re

from bot.normalise import fold
from bot.phrases import said_after

# Lombardy named as where the person is now, whatever other region they name.
NOW_IN_LOMBARDY = re.compile(
    r"\b(?:qui|qua|here|now|ora|adesso|oggi)(?: \w+){0,2} (?:in )?(?:lombardia|lombardy)\b"
)

# "e nel 2020 milano quanto?", "pavia 2020 conciliazione euro": a short ask for a sum.
ENDS_ASKING_MONEY = re.compile(r"\b(?:quanto|quanti soldi|euro|how much)$")
# How a sum was paid is not how much ("cresco how was it paid? cash?").
PAYMENT_WAY = re.compile(
    r"\b(?:how (?:was|is|were|are) (?:it|they|the \w+|\w+) paid|come (?:veniva|viene|era|e) "
    r"(?:pagat|erogat|dat)\w*|in contanti|cash|bonifico|carta prepagata|prepaid card)\b"
)
# "a chi in ATS Pavia possiamo chiedere?", "who at the comune should we write to": whom to ask,
# with a few words between.
ASKS_WHOM = re.compile(
    r"\ba chi\b(?: \w+){0,5} (?:possiamo |posso |devo |dobbiamo )?(?:chieder\w*|chiedo|"
    r"chiediamo|rivolger\w*|scriver\w*|scrivo|scriviamo|telefonar\w*|chiamar\w*|mandar\w*|"
    r"inviar\w*)\b|\bwho\b(?: \w+){0,4} (?:should|can|do) (?:i|we) (?:ask|contact|write|call)\b"
)

# "which ATS is responsible for coops in Legnano?", "la conciliazione da noi la gestisce l'ats
# della montagna?": with a place, the question is which ATS that is.
WHICH_ATS = re.compile(
    r"\b(?:quale|quali|che|which|wich|what) (?:ats|asl)\b|\b(?:gestisce|gestiscono|la gestisce) "
    r"(?:l )?(?:ats|asl)\b|\b(?:ats|asl) (?:is )?(?:responsible|in charge|competente)\b"
    # "dobbiamo sentire ATS Montagna o Bergamo?": a choice between two
    r"|\b(?:ats|asl)(?: d\w*)? \w+ (?:o|or) (?:l |quella d\w* )?(?:ats |asl )?\w+$"
)

# A place named as an ATS ("ats milano", "asl di lodi"), not where the writer is.
_ATS_WORD = re.compile(r"\b(?:ats|asl|asst)\b")
ATS_NAMED = r"\b(?:ats|asl|asst)(?: d\w*)? "  # before the place's name


def names_ats(folded: str, place: str) -> bool:
    """Whether the folded message names `place` as an ATS ("crema, ats milano?": Milano)."""
    if _ATS_WORD.search(folded) is None:
        return False
    return said_after(ATS_NAMED, fold(place), folded)

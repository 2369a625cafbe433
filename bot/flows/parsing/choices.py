"""Reading yes/no, a choice among options, and the words that steer a check (back, cancel)."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.flows.parsing.base import Parsed, fail
from bot.normalise import fold

CHOICE_MIN_SCORE = 85  # rapidfuzz WRatio on folded text, for typed choice answers

YES = frozenset(
    "si s certo certamente esatto esattamente vero giusto confermo affermativo ok okay "
    "yes y yeah yep yup sure of course correct true".split()
) | {"si certo", "certo che si", "si grazie", "of course", "yes please"}
NO = frozenset("no n nope non falso mai niente negativo nah false".split()) | {
    "no grazie",
    "assolutamente no",
    "not really",
    "no thanks",
}
UNKNOWN_WORDS = frozenset(
    {
        "non so",
        "non lo so",
        "no lo so",
        "non saprei",
        "boh",
        "bho",
        "mah",
        "non ricordo",
        "non sono sicura",
        "non sono sicuro",
        "non lo ricordo",
        "non ne ho idea",
        "nessuna idea",
        "non so rispondere",
        "forse",
        "dont know",
        "don t know",
        "do not know",
        "i dont know",
        "i don t know",
        "i do not know",
        "not sure",
        "idk",
        "no idea",
        "unknown",
        "maybe",
        "non lo so ancora",
        "ancora non lo so",
        "preferisco non dirlo",
        "skip",
        "salta",
    }
)
BACK_WORDS = frozenset({"indietro", "torna indietro", "back", "go back", "domanda precedente"})
CANCEL_WORDS = frozenset({"annulla", "cancel", "esci", "stop", "basta", "quit", "exit"})
CONFIRM_WORDS = frozenset({"conferma", "confermo", "confirm", "ok", "va bene", "tutto giusto"})


def is_unknown(text: str) -> bool:
    folded = fold(text)
    return folded in UNKNOWN_WORDS or text.strip() in {"?", "??", "???"}


def is_back(text: str) -> bool:
    return fold(text) in BACK_WORDS


def is_cancel(text: str) -> bool:
    return fold(text) in CANCEL_WORDS


def is_confirm(text: str) -> bool:
    return fold(text) in CONFIRM_WORDS or parse_yes_no(text).value == "yes"


# --- yes / no ----------------------------------------------------------------------------
def parse_yes_no(text: str) -> Parsed:
    folded = fold(text)
    if folded in YES:
        return Parsed("yes")
    if folded in NO:
        return Parsed("no")
    words = folded.split()
    if words and len(words) <= 4:
        if words[0] in {"si", "yes", "certo", "sure"}:
            return Parsed("yes")
        if words[0] in {"no", "nope"}:
            return Parsed("no")
    return fail("yes_no")


# --- choice ------------------------------------------------------------------------------
def parse_choice(text: str, options: list[tuple[str, list[str]]]) -> Parsed:
    """`options` = (option id, [its labels in every language]); typed label, id or number."""
    folded = fold(text)
    if not folded:
        return fail("choice")
    if folded.isdigit() and 1 <= int(folded) <= len(options):
        return Parsed(options[int(folded) - 1][0])
    choices: dict[str, str] = {}
    for option_id, labels in options:
        for label in [option_id.replace("_", " "), *labels]:
            key = fold(label)
            if key == folded:
                return Parsed(option_id)
            choices[key] = option_id
    starts = {oid for key, oid in choices.items() if key.startswith(folded) and len(folded) >= 3}
    if len(starts) == 1:
        return Parsed(starts.pop())
    best = process.extract(folded, list(choices), scorer=fuzz.WRatio, processor=None, limit=2)
    if best and best[0][1] >= CHOICE_MIN_SCORE:
        winner = choices[best[0][0]]
        runner_up = choices[best[1][0]] if len(best) > 1 else winner
        if runner_up == winner or best[0][1] - best[1][1] >= 5:
            return Parsed(winner)
    return fail("choice")

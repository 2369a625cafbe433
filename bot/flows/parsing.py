"""Reading typed answers: yes/no, money in Italian format, numbers, years, ages, dates.

Every parser returns a Parsed: either a value or the key of the UI text that explains why the
answer was not accepted (with the fields that text needs), so the re-prompt always says why.

Money (documented in docs/flows.md): "12.500,50", "12500 €", "12.500", "€ 9000", "9,000"
(a single comma followed by exactly three digits is a thousands separator), "12,5k"/"12 mila"
(thousands). Numbers written in words ("dodicimila") are refused politely.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process
from text_to_num import alpha2digit

from bot.normalise import fold

logger = logging.getLogger(__name__)

CHOICE_MIN_SCORE = 85  # rapidfuzz WRatio on folded text, for typed choice answers
MAX_TEXT_CHARS = 80
MAX_YEARS = 120

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

NUMBER_WORDS = {
    "zero": 0,
    "uno": 1,
    "un": 1,
    "una": 1,
    "due": 2,
    "tre": 3,
    "quattro": 4,
    "cinque": 5,
    "sei": 6,
    "sette": 7,
    "otto": 8,
    "nove": 9,
    "dieci": 10,
    "undici": 11,
    "dodici": 12,
    "tredici": 13,
    "quattordici": 14,
    "quindici": 15,
    "sedici": 16,
    "diciassette": 17,
    "diciotto": 18,
    "diciannove": 19,
    "venti": 20,
    "trenta": 30,
    "quaranta": 40,
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "mezzo": 0.5,
    "half": 0.5,
}
# Fragments of Italian/English number words: "dodicimila", "tremilacinquecento", "ten thousand".
_NUMBER_WORD_FRAGMENTS = re.compile(
    r"(mila|mille|cento|milion|venti|trenta|quaranta|cinquanta|sessanta|settanta|ottanta|"
    r"novanta|dieci|undici|dodici|tredici|quattordici|quindici|sedici|thousand|hundred|"
    r"zero|uno|due|tre|quattro|cinque|sei|sette|otto|nove|one|two|three|four|five|six|"
    r"seven|eight|nine|ten)"
)
MONTHS = {
    "gennaio": 1,
    "febbraio": 2,
    "marzo": 3,
    "aprile": 4,
    "maggio": 5,
    "giugno": 6,
    "luglio": 7,
    "agosto": 8,
    "settembre": 9,
    "ottobre": 10,
    "novembre": 11,
    "dicembre": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}


@dataclass(frozen=True)
class Parsed:
    """A typed answer read: `value`, or `error` (a UI text key) with its `fields`."""

    value: Any = None
    error: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    # A non-trivial reading (words, units, a sum, a range): the bot says what it understood.
    understood: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def _fail(key: str, **fields: Any) -> Parsed:
    return Parsed(error=f"flows.invalid.{key}", fields=fields)


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
    return _fail("yes_no")


# --- choice ------------------------------------------------------------------------------
def parse_choice(text: str, options: list[tuple[str, list[str]]]) -> Parsed:
    """`options` = (option id, [its labels in every language]); typed label, id or number."""
    folded = fold(text)
    if not folded:
        return _fail("choice")
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
    return _fail("choice")


# --- numbers ---------------------------------------------------------------------------
# Every dash and minus sign people type (hyphens, en/em dashes, the Unicode minus, full-width).
_DASHES = str.maketrans(
    {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
)
_SPACES = str.maketrans({c: " " for c in "\u00a0\u2007\u2009\u202f\u200a"})
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
HEDGE_MARGIN = 0.1  # "circa X" = X ± 10%; "quasi X" = 90%..X; "poco più di X" = X..110%
_HEDGES: tuple[tuple[str, str], ...] = (
    (
        "about",
        r"piu o meno|all'? ?incirca|intorno (?:a|ai|alle|agli)|circa|sui|sulle|sugli|verso i|"
        r"more or less|about|around|approximately|approx\.?|roughly|ca\.",
    ),
    (
        "almost",
        r"quasi|poco meno di|poco sotto (?:i |le )?|appena sotto (?:i |le )?|un po'? meno di|"
        r"almost|nearly|just under|just below|"
        r"(?:a little|a bit|slightly) (?:under|below|less than)",
    ),
    (
        "just_over",
        r"poco piu di|poco sopra (?:i |le )?|appena sopra (?:i |le )?|un po'? piu di|"
        r"just over|just above|(?:a little|a bit|slightly) (?:over|above|more than)",
    ),
    (
        "under",
        r"meno di|sotto (?:i |le )?|inferiore a|non arriv\w+ a|less than|under|below|fewer than",
    ),
    ("over", r"piu di|oltre|sopra (?:i |le )?|superiore a|more than|over|above"),
)
_HEDGE_RES = [(kind, re.compile(rf"(?<![a-z])(?:{words})(?![a-z])")) for kind, words in _HEDGES]
_RANGE_WORDS = re.compile(r"\b(tra|fra|between|oppure|or|o|from|da)\b.*\d.*\b(e|and|a|to)\b")
APPROX_KINDS = frozenset({"about", "almost", "under", "just_over", "over", "month", "since"})


def approx(
    kind: str, x: Any, lo: Any, hi: Any, lo_open: bool = False, hi_open: bool = False
) -> dict[str, Any]:
    """An answer known only as a range (JSON-safe): the rules decide only if the whole range
    agrees. `x` is the figure the user wrote; `hi` None = no upper bound."""
    return {"approx": kind, "x": x, "lo": lo, "hi": hi, "lo_open": lo_open, "hi_open": hi_open}


def is_approx(value: Any) -> bool:
    return isinstance(value, dict) and value.get("approx") in APPROX_KINDS


def prepare(text: str) -> str:
    """Lower case without accents; every dash is '-', odd spaces are spaces, quotes are '."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_SPACES)
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


_ARTICLE = re.compile(
    r"(?<![a-z])(un|una|uno|a|an)(?![a-z'])(?!\s+(?:mila|milion|million|thousand|hundred|cento))"
)


def words_to_digits(text: str, articles: bool = True) -> str:
    """Numbers written in words become digits ("un anno e mezzo" -> "1 anno e mezzo"), Italian
    and English, with text2num (alpha2digit). With `articles` False, "un"/"a" stay words (an
    amount: "un sacco di soldi" is not 1 €)."""
    protected = text if articles else _ARTICLE.sub(lambda m: f"qq{m[1]}", text)
    try:
        out = alpha2digit(alpha2digit(protected, "it", threshold=0), "en", threshold=0)
    except Exception:  # noqa: BLE001 - a third-party parser must never break the dialogue
        logger.debug("text2num could not read %r", text)
        return text
    return out if articles else re.sub(r"\bqq([a-z]+)", r"\1", out)


def split_hedge(text: str) -> tuple[str | None, str]:
    """("about" | "almost" | "under" | "just_over" | "over" | None, the text without it)."""
    if "~" in text:
        return "about", text.replace("~", " ")
    for kind, pattern in _HEDGE_RES:
        match = pattern.search(text)
        if match:
            return kind, (text[: match.start()] + " " + text[match.end() :]).strip()
    return None, text


def hedged(kind: str, x: float, minimum: float | None, maximum: float | None) -> dict[str, Any]:
    """The range meant by a hedged figure ("quasi 2 anni" = 1.8 up to 2 years, 2 excluded)."""
    low = max(minimum or 0.0, 0.0)
    below = max(round(x * (1 - HEDGE_MARGIN), 4), low)
    above = round(x * (1 + HEDGE_MARGIN), 4)
    if maximum is not None:
        above = min(above, maximum)
    if kind == "about":
        return approx(kind, x, below, above)
    if kind == "almost":
        return approx(kind, x, below, x, hi_open=True)
    if kind == "under":
        return approx(kind, x, low, x, hi_open=True)
    if kind == "just_over":
        return approx(kind, x, x, above, lo_open=True)
    return approx(kind, x, x, maximum, lo_open=True)  # "over": no upper bound but the step's


_AMOUNT_NOISE = re.compile(r"(€|\beuro\b|\beur\b)", re.I)
_THOUSANDS = re.compile(r"^\d{1,3}([.,'’]\d{3})+$")
_SPACED_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")


def _to_number(token: str) -> float | None:
    """Italian first: '.' groups thousands, ',' is the decimal comma; see module docstring."""
    token = token.lstrip("+")
    if "'" in token or "’" in token:
        token = token.replace("'", ".").replace("’", ".")
    has_dot, has_comma = "." in token, "," in token
    if has_dot and has_comma:
        decimal = "," if token.rfind(",") > token.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, frac = token.rpartition(decimal)
        if not _THOUSANDS.match(whole) and not whole.isdigit():
            return None
        if not frac.isdigit():
            return None
        return float(whole.replace(thousands, "") + "." + frac)
    sep = "." if has_dot else "," if has_comma else None
    if sep is None:
        return float(token) if token.isdigit() else None
    if token.count(sep) > 1 or _THOUSANDS.match(token):
        return float(token.replace(sep, "")) if _THOUSANDS.match(token) else None
    whole, _, frac = token.partition(sep)
    if not whole.isdigit() or not frac.isdigit():
        return None
    return float(f"{whole}.{frac}")


_NUMBER_IN_TEXT = re.compile(r"(?<![\d.,])([+-]?)\s*(\d[\d.,'’]*)(?:\s*(k|mila|mille)\b)?", re.I)
ARTICLES = frozenset({"un", "una", "uno", "a", "an"})


def _numbers(text: str) -> list[tuple[str, str, str, int]]:
    """(sign, digits, thousands suffix, end position) of each number written in digits."""
    cleaned = _SPACED_THOUSANDS.sub("", _AMOUNT_NOISE.sub(" ", text.strip()))
    return [
        (m[1], m[2].rstrip(".,'’"), (m[3] or "").lower(), m.end())
        for m in _NUMBER_IN_TEXT.finditer(cleaned)
    ]


def _number_and_rest(text: str) -> tuple[float | None, str]:
    """The number in `text` (digits, or a small number word) and the words after it."""
    found = _numbers(text)
    if len(found) == 1:
        sign, digits, suffix, end = found[0]
        number = _to_number(digits)
        if number is None:
            return None, ""
        if suffix:
            number *= 1000
        cleaned = _SPACED_THOUSANDS.sub("", _AMOUNT_NOISE.sub(" ", text.strip()))
        return (-number if sign == "-" else number), cleaned[end:].strip()
    if found:
        return None, ""  # several numbers ("tra 2 e 3"): ask again rather than guess
    words = fold(text).split()
    for index, word in enumerate(words):
        rest = " ".join(words[index + 1 :])
        if word in ARTICLES:
            if re.match(r"(ann|year|mes|month|settiman|week)", rest):
                return 1.0, rest
            continue
        if word in NUMBER_WORDS:
            return float(NUMBER_WORDS[word]), rest
    return None, ""


def parse_money(text: str, minimum: float | None = 0, maximum: float | None = None) -> Parsed:
    """An amount in euros; hedged figures ("circa 9000") come back as a range to confirm."""
    plain = prepare(text)
    kind, plain = split_hedge(plain)
    digits_text = words_to_digits(plain, articles=False)
    found = _numbers(digits_text)
    if not found:
        return _fail("money_words") if _NUMBER_WORD_FRAGMENTS.search(fold(text)) else _fail("money")
    if len(found) > 1:
        return _fail("money")
    sign, digits, suffix, _ = found[0]
    if sign == "-":
        return _fail("negative")
    number = _to_number(digits)
    if number is None:
        return _fail("money")
    if suffix:
        number *= 1000
    parsed = _bounded(round(number, 2), minimum, maximum, money=True)
    if not parsed.ok:
        return parsed
    if kind:
        return Parsed(hedged(kind, parsed.value, minimum, maximum), understood=True)
    return Parsed(parsed.value, understood=digits_text != plain)


def _bounded(
    value: float, minimum: float | None, maximum: float | None, money: bool = False
) -> Parsed:
    if value < 0 and (minimum is None or minimum >= 0):
        return _fail("negative")
    if minimum is not None and value < minimum:
        return _fail("too_low", min=minimum, money=money)
    if maximum is not None and value > maximum:
        return _fail("too_high", max=maximum, value=value, money=money)
    return Parsed(int(value) if float(value).is_integer() else value)


# People counted in "3 dipendenti più il titolare", "io e due dipendenti", "me and 2 employees".
_PERSON = re.compile(
    r"^(io|me|myself|titolare|titolari|owner|proprietari[oa]|marito|moglie|husband|wife|"
    r"socio|socia|partner|imprenditore|imprenditrice)$"
)
_CONNECTOR = re.compile(r"(?<![a-z])(piu|e|ed|and|plus|oltre a|\+|,)(?![a-z])")
_INCLUDED = re.compile(r"(?<![a-z])(compres[oaie]|inclus[oaie]|including|included|incl)(?![a-z])")


def _compound(text: str) -> tuple[float, bool] | None:
    """(people in total, True) for a sum of numbers and persons; None when it is not a sum."""
    if not _CONNECTOR.search(text) or _RANGE_WORDS.search(text):
        return None
    numbers = []
    for sign, digits, _, _ in _numbers(text):
        value = _to_number(digits)
        if value is None or sign == "-":
            return None
        numbers.append(value)
    tokens = re.findall(r"\d[\d.,]*|[a-z]+", text)
    persons = 0
    if not _INCLUDED.search(text):
        for index, token in enumerate(tokens):
            before = tokens[max(index - 2, 0) : index]
            if _PERSON.match(token) and not any(t[0].isdigit() for t in before):
                persons += 1
    if len(numbers) + persons < 2:
        return None
    return sum(numbers) + persons, True


def parse_number(
    text: str, minimum: float | None = 0, maximum: float | None = None, integer: bool = True
) -> Parsed:
    """A count: "3", "tre", "3 persone", "3 dipendenti più il titolare" (4), "circa 10"."""
    plain = prepare(text)
    kind, plain = split_hedge(plain)
    digits_text = words_to_digits(plain)
    compound = None if kind else _compound(digits_text)
    if compound is not None:
        number: float | None = compound[0]
    else:
        number, _ = _number_and_rest(digits_text)
    if number is None:
        return _fail("number")
    if integer and not float(number).is_integer():
        return _fail("number")
    parsed = _bounded(number, minimum, maximum)
    if not parsed.ok:
        return parsed
    if kind:
        return Parsed(hedged(kind, parsed.value, minimum, maximum), understood=True)
    return Parsed(parsed.value, understood=compound is not None)


def parse_age(text: str, minimum: float | None = 0, maximum: float | None = MAX_YEARS) -> Parsed:
    number, _ = _number_and_rest(words_to_digits(prepare(text)))
    if number is None or not float(number).is_integer():
        return _fail("age")
    return _bounded(number, minimum, maximum)


_LOOKS_LIKE_DATE = re.compile(
    r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|[a-z]{3,}\s+\d{4}"
    r"|\b\d{1,2}\s*[/.-]\s*\d{4}\b"
)
# Units of a duration, as a fraction of a year.
_UNITS = (
    (re.compile(r"^(anni|anno|years?|yrs?|y)$"), 1.0),
    (re.compile(r"^(mesi|mese|months?|mos?)$"), 1 / 12),
    (re.compile(r"^(settimane|settimana|weeks?|wks?)$"), 7 / 365.25),
    (re.compile(r"^(giorni|giorno|days?|gg)$"), 1 / 365.25),
)
_NEGATIVE = re.compile(r"(?<![\w.,])-\s*\d")
_HALF = frozenset({"mezzo", "mezza", "half"})


def _unit(token: str) -> float | None:
    return next((factor for pattern, factor in _UNITS if pattern.match(token)), None)


def _duration(text: str) -> tuple[float, bool] | None:
    """(years, read from units or fractions) for "1 anno e mezzo", "2 years and a half",
    "18 mesi", "700 giorni", "1 anno e 10 mesi"; None when it is not one duration."""
    tokens = re.findall(r"\d+(?:[.,]\d+)?|[a-z]+", text)
    items: list[list[Any]] = []  # [number, unit factor or None]
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else ""
        if token[0].isdigit():
            value = _to_number(token)
            if value is None:
                return None
            items.append([value, None])
        elif token in _HALF:
            if items and items[-1][1] is None and previous in ("a", "e", "and"):
                items[-1][0] += 0.5  # "2 and a half years"
            elif items and items[-1][1] is not None:
                items.append([0.5, items[-1][1]])  # "1 anno e mezzo", "2 years and a half"
            else:
                items.append([0.5, None])  # "mezzo anno", "half a year"
        elif (factor := _unit(token)) is not None:
            if items and items[-1][1] is None:
                items[-1][1] = factor
            elif previous in ARTICLES:
                items.append([1.0, factor])  # "a year and a half"
    if not items or (len(items) > 1 and any(unit is None for _, unit in items)):
        return None
    total = sum(value * (unit or 1.0) for value, unit in items)
    plain = len(items) == 1 and items[0][1] in (None, 1.0) and float(items[0][0]).is_integer()
    return total, not plain


def parse_years(
    text: str, today: date, minimum: float | None = 0, maximum: float | None = MAX_YEARS
) -> Parsed:
    """A duration in years: "3", "3 anni", "2,5", "18 mesi", "un anno e mezzo", "700 giorni",
    a start date ("dal 01/03/2020"), a start month ("da ottobre 2023", a range); "quasi 2 anni"
    and other hedged figures come back as ranges to confirm."""
    plain = prepare(text)
    if _LOOKS_LIKE_DATE.search(plain):
        since = parse_date(plain, not_future=True, today=today)
        if not since.ok:
            return since
        if is_approx(since.value):  # a month: the duration is a range
            first, last = (
                date.fromisoformat(since.value["lo"]),
                date.fromisoformat(since.value["hi"]),
            )
            longest, shortest = _years_since(first, today), _years_since(last, today)
            value = approx("since", since.value["x"], shortest, longest)
            return Parsed(value, understood=True)
        return _bounded(_years_since(since.value, today), minimum, maximum)
    kind, plain = split_hedge(plain)
    if _RANGE_WORDS.search(plain):
        return _fail("years")
    digits_text = words_to_digits(plain)
    if _NEGATIVE.search(digits_text):
        return _fail("negative")
    found = _duration(digits_text)
    if found is None:
        return _fail("years")
    number, understood = found
    single = len(_numbers(digits_text)) == 1 and not understood
    if single and float(number).is_integer() and 1900 <= number <= 2100:
        return _fail("years_is_year", year=int(number))
    parsed = _bounded(round(number, 2), minimum, maximum)
    if not parsed.ok:
        return parsed
    if kind:
        return Parsed(hedged(kind, parsed.value, minimum, maximum), understood=True)
    return Parsed(parsed.value, understood=understood or digits_text != plain)


def _years_since(since: date, today: date) -> float:
    months = (today.year - since.year) * 12 + today.month - since.month
    if today.day < since.day:
        months -= 1
    return round(max(months, 0) / 12, 2)


# --- dates -------------------------------------------------------------------------------
_DMY = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDY = re.compile(
    r"\b(?:(\d{1,2})\s+)?(?:di\s+|of\s+)?([a-z]{3,})\.?,?\s+(?:del\s+|of\s+)?(\d{4})\b"
)
_MONTH_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[/.-]\s*(\d{4})\b")
_AGO = re.compile(r"\b(\d+|a|an|un|una|uno)\s+([a-z]+)\s+(fa|ago|or sono)\b")
_LAST = re.compile(
    r"\b(?:(?:il|la|l')\s*)?(mese|settimana|month|week)\s+(scorso|scorsa|passato|passata)\b"
    r"|\blast\s+(month|week)\b"
)


def _year(value: str) -> int:
    year = int(value)
    if len(value) == 2:
        year += 2000 if year <= 69 else 1900
    return year


def _month_names() -> dict[str, int]:
    names = dict(MONTHS)
    names.update({name[:3]: number for name, number in MONTHS.items()})
    names.update({"sept": 9, "sett": 9})
    return names


_MONTH_NAMES = _month_names()


def month_range(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


def _minus_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = month_range(year, month + 1)[1].day
    return date(year, month + 1, min(day.day, last))


def _relative(plain: str, today: date) -> tuple[date | tuple[date, date], bool] | None:
    """Relative dates: oggi, ieri, "2 mesi fa", "a week ago", "il mese scorso" (a month)."""
    words = fold(plain)
    if re.search(r"\b(l ?altro ?ieri|altroieri|day before yesterday)\b", words):
        return date.fromordinal(today.toordinal() - 2), True
    if re.search(r"\b(ieri|yesterday)\b", words):
        return date.fromordinal(today.toordinal() - 1), True
    if re.search(r"\b(oggi|today|stamattina|this morning)\b", words):
        return today, True
    if m := _LAST.search(plain):
        unit = m[1] or m[3]
        if unit in ("mese", "month"):
            previous = _minus_months(today, 1)
            return month_range(previous.year, previous.month), True
        return date.fromordinal(today.toordinal() - 7), True
    if m := _AGO.search(words_to_digits(plain)):
        count = 1 if m[1] in ARTICLES else int(m[1])
        factor = _unit(m[2])
        if factor is None:
            return None
        if factor == 1.0:
            return _minus_months(today, 12 * count), True
        if factor == 1 / 12:
            return _minus_months(today, count), True
        days = count * (7 if factor == 7 / 365.25 else 1)
        return date.fromordinal(today.toordinal() - days), True
    return None


def parse_date(
    text: str, not_future: bool = False, not_before: date | None = None, today: date | None = None
) -> Parsed:
    """'15/03/2025', '15-3-25', '2025-03-15', '15 marzo 2025' (day first, as in Italy); a month
    ('ottobre 2025', '10/2025') is a range; 'ieri', '2 mesi fa', 'a week ago' count from today."""
    today = today or date.today()
    plain = prepare(text)
    parts: tuple[int, int, int] | None = None
    month: tuple[int, int] | None = None
    understood = False
    if m := _ISO.search(plain):
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif m := _DMY.search(plain):
        parts = (_year(m[3]), int(m[2]), int(m[1]))
    elif (m := _WORDY.search(plain)) and m[2] in _MONTH_NAMES:
        if m[1]:
            parts = (int(m[3]), _MONTH_NAMES[m[2]], int(m[1]))
        else:
            month = (int(m[3]), _MONTH_NAMES[m[2]])
    elif (m := _MONTH_NUMERIC.search(plain)) and 1 <= int(m[1]) <= 12:
        month = (int(m[2]), int(m[1]))
    elif (relative := _relative(plain, today)) is not None:
        found, understood = relative
        if isinstance(found, tuple):
            month = (found[0].year, found[0].month)
        else:
            parts = (found.year, found.month, found.day)
    if month is not None:
        return _month_answer(month, not_future, not_before, today)
    if parts is None:
        return _fail("date")
    try:
        day = date(*parts)
    except ValueError:
        return _fail("date_impossible", text=text.strip())
    if not_future and day > today:
        return _fail("date_future")
    if not_before and day < not_before:
        return _fail("date_too_old", date=not_before)
    return Parsed(day, understood=understood)


def _month_answer(
    month: tuple[int, int], not_future: bool, not_before: date | None, today: date
) -> Parsed:
    try:
        first, last = month_range(*month)
    except ValueError:
        return _fail("date")
    if not_future and first > today:
        return _fail("date_future")
    if not_before and last < not_before:
        return _fail("date_too_old", date=not_before)
    if not_future:
        last = min(last, today)
    if not_before:
        first = max(first, not_before)
    value = approx("month", first.isoformat(), first.isoformat(), last.isoformat())
    return Parsed(value, understood=True)


def parse_day_of_month(text: str, month: dict[str, Any], today: date) -> Parsed:
    """The day asked after a month ("15", "il 15"): a full date typed instead also works."""
    plain = prepare(text)
    first = date.fromisoformat(month["lo"][:8] + "01")
    m = re.fullmatch(r"(?:il |the |on )?(\d{1,2})(?:st|nd|rd|th|°|o)?", plain)
    if not m:
        return _fail("day")
    try:
        day = date(first.year, first.month, int(m[1]))
    except ValueError:
        return _fail("date_impossible", text=text.strip())
    if day > today:
        return _fail("date_future")
    return Parsed(day)


def parse_text(text: str) -> Parsed:
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > MAX_TEXT_CHARS:
        return _fail("text", max=MAX_TEXT_CHARS)
    return Parsed(cleaned)

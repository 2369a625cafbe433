"""Personal identifiers that users sometimes type: masked before anything is stored or shown."""

from __future__ import annotations

import re

_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (
        re.compile(r"\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b", re.IGNORECASE),
        "[codice fiscale]",
    ),
    (
        re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?\b", re.IGNORECASE),
        "[iban]",
    ),
)
_LONG_NUMBER = re.compile(r"(?<![\w])\+?\d[\d .\-]{6,}\d(?![\w])")
MIN_PHONE_DIGITS = 9  # Italian phone numbers; amounts ("3.000") and dates stay readable


def redact_identifiers(text: str) -> str:
    """Mask e-mail addresses, codici fiscali, IBANs and phone numbers in free text."""
    for pattern, mask in _REDACTIONS:
        text = pattern.sub(mask, text)

    def _number(match: re.Match[str]) -> str:
        digits = sum(ch.isdigit() for ch in match.group())
        return "[numero]" if digits >= MIN_PHONE_DIGITS else match.group()

    return _LONG_NUMBER.sub(_number, text)

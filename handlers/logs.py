"""Logging for the bot process: secrets and what users wrote stay out of the log.

- httpx logs every request URL, and Bot API URLs contain the token: warnings only (aiohttp,
  which sends the replies, too).
- python-telegram-bot's DEBUG lines print request parameters and incoming updates (message
  texts next to chat ids): never below INFO, even with LOG_LEVEL=DEBUG.
- python-telegram-bot puts the token in some exception messages (e.g. "The token `…` was
  rejected by the server"), which end up in logged tracebacks: every handler of the root
  logger redacts the token and the webhook secret from messages and tracebacks.
"""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "<redacted>"
# Shorter "secrets" are not redacted: replacing a 3-letter string everywhere would garble logs.
MIN_SECRET_LENGTH = 8


class RedactSecrets(logging.Filter):
    """A handler filter that replaces secret strings in the message and the traceback."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        # The part after "123456:" is what makes a token secret; it also hides the whole token.
        parts = {secret.partition(":")[2] or secret for secret in secrets}
        self._secrets = sorted(
            (part for part in parts if len(part) >= MIN_SECRET_LENGTH), key=len, reverse=True
        )

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(level_name: str, *secrets: str) -> None:
    """Log to stderr at LOG_LEVEL, with the rules above."""
    level = logging.getLevelName(level_name.upper())
    level = level if isinstance(level, int) else logging.INFO
    logging.basicConfig(level=level, format=LOG_FORMAT)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("aiohttp").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(level, logging.INFO))
    redactor = RedactSecrets(*secrets)
    for handler in logging.getLogger().handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(old)
        handler.addFilter(redactor)

"""Typed settings read from the environment (see .env.example). The token is never printed."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
# Telegram's documented limit for a bot: about 30 messages per second across all chats.
DEFAULT_MAX_MESSAGES_PER_SECOND = 30.0
TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,}$")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is safe to show (no secrets)."""


class Secret:
    """Holds a secret string; repr/str never reveal it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def _parse_admin_ids(raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise SettingsError(f"ADMIN_IDS: '{part}' is not a numeric Telegram user id")
        ids.add(int(part))
    return frozenset(ids)


@dataclass(frozen=True)
class Settings:
    token: Secret = field(default_factory=lambda: Secret(""))
    base_url: str = DEFAULT_BASE_URL
    data_dir: Path = Path("./data")
    admin_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    webhook_url: str = ""
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    port: int = 8443
    knowledge_dir: Path | None = None
    retention_days: int = 180
    # Messages per second the bot sends across all chats (python-telegram-bot's AIORateLimiter);
    # 0 lifts this overall limit. 429 answers are honoured and groups limited in any case.
    max_messages_per_second: float = DEFAULT_MAX_MESSAGES_PER_SECOND
    # The bot's Telegram username (without @), for the deep links printed on posters.
    bot_username: str = ""
    # PostgreSQL shared by several replicas (postgresql://user:password@host:port/db); empty:
    # the embedded SQLite file in data_dir. It holds a password: never printed.
    database_url: Secret = field(default_factory=lambda: Secret(""))
    # Polling mode: serve /healthz, /readyz and /metrics on this port (0: not served). In
    # webhook mode they are served on PORT, next to the webhook.
    metrics_port: int = 0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        port_raw = env.get("PORT", "8443").strip() or "8443"
        if not port_raw.isdigit() or not 0 < int(port_raw) < 65536:
            raise SettingsError(f"PORT: '{port_raw}' is not a valid TCP port")
        retention_raw = env.get("RETENTION_DAYS", "180").strip() or "180"
        if not retention_raw.isdigit() or int(retention_raw) < 1:
            raise SettingsError(f"RETENTION_DAYS: '{retention_raw}' is not a positive number")
        knowledge = env.get("KNOWLEDGE_DIR", "").strip()
        rate_raw = env.get("MAX_MESSAGES_PER_SECOND", "").strip()
        try:
            rate = float(rate_raw) if rate_raw else DEFAULT_MAX_MESSAGES_PER_SECOND
        except ValueError:
            rate = -1.0
        if not 0 <= rate < float("inf"):
            raise SettingsError(
                f"MAX_MESSAGES_PER_SECOND: '{rate_raw}' is not a number of messages per second "
                "(0 lifts the overall limit)"
            )
        database_url = env.get("DATABASE_URL", "").strip()
        if database_url and not database_url.startswith(("postgresql://", "postgres://")):
            raise SettingsError(
                "DATABASE_URL must be a PostgreSQL URL, postgresql://user:password@host:5432/db "
                "(leave it unset for the embedded SQLite store in BOT_DATA_DIR)"
            )
        metrics_raw = env.get("METRICS_PORT", "").strip() or "0"
        if not metrics_raw.isdigit() or not 0 <= int(metrics_raw) < 65536:
            raise SettingsError(f"METRICS_PORT: '{metrics_raw}' is not a valid TCP port")
        return cls(
            token=Secret(env.get("BOT_TOKEN", "").strip()),
            base_url=env.get("BOT_API_BASE_URL", "").strip() or DEFAULT_BASE_URL,
            data_dir=Path(env.get("BOT_DATA_DIR", "").strip() or "./data"),
            admin_ids=_parse_admin_ids(env.get("ADMIN_IDS", "")),
            log_level=(env.get("LOG_LEVEL", "").strip() or "INFO").upper(),
            webhook_url=env.get("WEBHOOK_URL", "").strip(),
            webhook_secret=Secret(env.get("WEBHOOK_SECRET", "").strip()),
            port=int(port_raw),
            knowledge_dir=Path(knowledge) if knowledge else None,
            retention_days=int(retention_raw),
            max_messages_per_second=rate,
            bot_username=env.get("BOT_USERNAME", "").strip().removeprefix("@"),
            database_url=Secret(database_url),
            metrics_port=int(metrics_raw),
        )

    def require_token(self) -> str:
        """The bot token, or a SettingsError that explains what to do (never echoing the value)."""
        token = self.token.get()
        if not token:
            raise SettingsError(
                "BOT_TOKEN is not set. Create a bot with @BotFather, then: "
                "export BOT_TOKEN=<your token> (or put it in .env). "
                "Without a token, try the console chat: conciliazione-bot chat"
            )
        if not TOKEN_PATTERN.match(token):
            raise SettingsError(
                "BOT_TOKEN is malformed: expected '<digits>:<letters, digits, _ or ->' "
                "as given by @BotFather"
            )
        return token

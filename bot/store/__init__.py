"""The state store: per-chat dialogue state and preferences, plus anonymous editor data.

`open_store` picks the backend: PostgreSQL when DATABASE_URL is set (several replicas share
it), else the embedded SQLite file in BOT_DATA_DIR. Both implement `Store` (bot.store.base).
"""

from __future__ import annotations

from pathlib import Path

from bot.store.base import (
    DEFAULT_RETENTION_DAYS,
    STATE_TTL_DAYS,
    UPDATE_TTL_DAYS,
    QuestionRecord,
    Store,
    StoreError,
    UpdateGate,
)
from bot.store.sqlite import DB_FILENAME, SQLiteStore

__all__ = [
    "DB_FILENAME",
    "DEFAULT_RETENTION_DAYS",
    "STATE_TTL_DAYS",
    "UPDATE_TTL_DAYS",
    "QuestionRecord",
    "SQLiteStore",
    "Store",
    "StoreError",
    "UpdateGate",
    "open_store",
]


def open_store(
    data_dir: Path | str,
    database_url: str = "",
    *,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    timeout: float = 5.0,
) -> Store:
    """PostgreSQL at `database_url` when given, else SQLite in `data_dir`."""
    if database_url:
        from bot.store.postgres import PostgresStore

        return PostgresStore(database_url, retention_days=retention_days, timeout=timeout)
    return SQLiteStore(data_dir, retention_days=retention_days, timeout=timeout)

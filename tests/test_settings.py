"""Settings from the environment, and the flood limit they give the Telegram door."""

from __future__ import annotations

import pytest

from bot.settings import DEFAULT_MAX_MESSAGES_PER_SECOND, Settings, SettingsError
from handlers.delivery import RetryingRateLimiter


def test_the_flood_limit_defaults_to_telegrams_thirty_messages_per_second() -> None:
    assert Settings.from_env({}).max_messages_per_second == DEFAULT_MAX_MESSAGES_PER_SECOND == 30
    assert Settings.from_env({"MAX_MESSAGES_PER_SECOND": " "}).max_messages_per_second == 30


@pytest.mark.parametrize(("raw", "value"), [("0", 0.0), ("12.5", 12.5), (" 100 ", 100.0)])
def test_the_flood_limit_can_be_set_or_lifted(raw: str, value: float) -> None:
    assert Settings.from_env({"MAX_MESSAGES_PER_SECOND": raw}).max_messages_per_second == value


@pytest.mark.parametrize("raw", ["-1", "trenta", "nan", "inf", "1e999"])
def test_a_meaningless_flood_limit_is_refused_with_its_name(raw: str) -> None:
    with pytest.raises(SettingsError, match="MAX_MESSAGES_PER_SECOND"):
        Settings.from_env({"MAX_MESSAGES_PER_SECOND": raw})


@pytest.mark.parametrize(
    ("per_second", "rate", "period"), [(30, 30, 1), (100, 100, 1), (0.5, 1, 2), (0.25, 1, 4)]
)
def test_the_rate_limiter_enforces_the_setting(
    per_second: float, rate: float, period: float
) -> None:
    limiter = RetryingRateLimiter(per_second)._base_limiter
    assert limiter is not None
    assert (limiter.max_rate, limiter.time_period) == (rate, period)


def test_a_lifted_limit_keeps_429_retries_and_the_group_limit() -> None:
    limiter = RetryingRateLimiter(0)
    assert limiter._base_limiter is None  # no overall limit
    assert limiter._max_retries > 0  # RetryAfter still honoured
    assert limiter._group_max_rate > 0  # 20 messages a minute per group, as Telegram asks


def test_database_url_and_metrics_port() -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": " postgresql://bot:pw@db:5432/conc ", "METRICS_PORT": "9102"}
    )
    assert settings.database_url.get() == "postgresql://bot:pw@db:5432/conc"
    assert "pw" not in repr(settings) and settings.metrics_port == 9102
    default = Settings.from_env({})
    assert not default.database_url and default.metrics_port == 0


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:///tmp/x"}, "DATABASE_URL"),
        ({"METRICS_PORT": "99999"}, "METRICS_PORT"),
        ({"METRICS_PORT": "nove"}, "METRICS_PORT"),
    ],
)
def test_bad_database_url_or_metrics_port_is_refused_with_its_name(
    env: dict[str, str], name: str
) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(env)

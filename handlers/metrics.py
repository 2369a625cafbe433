"""Prometheus metrics and the health endpoints, for the webhook server and for polling mode.

Only counts and durations: no label ever carries a user id, a chat or a text. Reply statuses
are a closed set (anything else is counted as `other`).

`health_routes(brain)` gives aiohttp routes for `/healthz` (the process answers), `/readyz`
(knowledge loaded and the store answering) and `/metrics`; the webhook server mounts them next
to the webhook, and polling mode serves them on METRICS_PORT (`MetricsServer`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Callable, Coroutine, Iterable, Iterator
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector
from telegram.error import RetryAfter, TelegramError

from bot.brain import Brain
from bot.store import Store, StoreError

logger = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

# Statuses of the brain's replies (bot.reply.Reply.status); "flow" is a step of a check,
# "verdict" its result.
STATUSES = ("answer", "clarify", "fallback", "smalltalk", "flow", "verdict", "info")
# Seconds from an update's arrival to the end of its handling (replies sent).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# /readyz waits this long for the store to answer.
READY_TIMEOUT_SECONDS = 3.0

UPDATES = Counter(
    "conciliazione_updates_received",
    "Telegram updates received (webhook posts with a valid secret, or polled).",
    registry=REGISTRY,
)
DUPLICATES = Counter(
    "conciliazione_updates_redelivered",
    "Updates Telegram delivered again after they had been answered (not answered twice).",
    registry=REGISTRY,
)
REPLIES = Counter(
    "conciliazione_replies",
    "Replies the bot sent, by status.",
    ["status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "conciliazione_update_handling_seconds",
    "Time to handle one update, replies sent included.",
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
BOT_API_ERRORS = Counter(
    "conciliazione_bot_api_errors",
    "Bot API requests that failed (each attempt), by error type.",
    ["error"],
    registry=REGISTRY,
)
FLOOD_WAITS = Counter(
    "conciliazione_bot_api_flood_waits",
    "429 answers from the Bot API (each one makes the bot wait retry_after seconds).",
    registry=REGISTRY,
)
for _status in (*STATUSES, "other"):
    REPLIES.labels(_status)


class _StoreErrors(Collector):
    """conciliazione_store_errors_total: failed store operations of the stores in this process."""

    def __init__(self) -> None:
        self.stores: weakref.WeakSet[Store] = weakref.WeakSet()

    def collect(self) -> Iterable[Metric]:
        family = CounterMetricFamily(
            "conciliazione_store_errors", "Store operations that failed (database down, disk full)."
        )
        family.add_metric([], sum(store.errors for store in list(self.stores)))
        yield family


STORE_ERRORS = _StoreErrors()
REGISTRY.register(STORE_ERRORS)


def watch_store(store: Store) -> None:
    """Export this store's error count."""
    STORE_ERRORS.stores.add(store)


def count_reply(status: str) -> None:
    REPLIES.labels(status if status in STATUSES else "other").inc()


@contextlib.contextmanager
def handling_update() -> Iterator[None]:
    """Count one update and time its handling."""
    UPDATES.inc()
    started = time.perf_counter()
    try:
        yield
    finally:
        LATENCY.observe(time.perf_counter() - started)


Callback = Callable[..., Coroutine[Any, Any, Any]]


def measured_call(callback: Callback) -> Callback:
    """A Bot API request function that counts its failures (each attempt) and 429s."""

    async def measured(*args: Any, **kwargs: Any) -> Any:
        try:
            return await callback(*args, **kwargs)
        except RetryAfter:
            FLOOD_WAITS.inc()
            raise
        except TelegramError as exc:
            BOT_API_ERRORS.labels(type(exc).__name__).inc()
            raise

    return measured


async def store_ready(brain: Brain) -> str | None:
    """None when the brain can serve (knowledge loaded, store answering), else the reason."""
    if not getattr(brain, "kb", None) or not brain.kb.entries:
        return "knowledge not loaded"
    try:
        await asyncio.wait_for(asyncio.to_thread(brain.store.ping), READY_TIMEOUT_SECONDS)
    except (StoreError, TimeoutError):
        return "store unreachable"
    return None


def health_routes(brain: Brain) -> list[web.RouteDef]:
    """/healthz, /readyz and /metrics."""

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(request: web.Request) -> web.Response:
        problem = await store_ready(brain)
        if problem is None:
            return web.Response(text="ready\n")
        return web.Response(status=503, text=f"not ready: {problem}\n")

    async def metrics(request: web.Request) -> web.Response:
        body = await asyncio.to_thread(generate_latest, REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return [
        web.get("/healthz", healthz),
        web.get("/readyz", readyz),
        web.get("/metrics", metrics),
    ]


class MetricsServer:
    """The health and metrics routes alone on a port (polling mode, METRICS_PORT)."""

    def __init__(self, brain: Brain, port: int, host: str = "0.0.0.0") -> None:
        self.brain, self.port, self.host = brain, port, host
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.add_routes(health_routes(self.brain))
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        logger.info("health and metrics on port %d", self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

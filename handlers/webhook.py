"""The webhook server: Telegram POSTs updates here; health and metrics are served alongside.

python-telegram-bot's own webhook server cannot serve other routes, so the Application runs
without an Updater (`updater=None`) behind this aiohttp server, the pattern of PTB's
"customwebhookbot" example. For each POST:

1. the secret header must equal WEBHOOK_SECRET (403 otherwise, before reading anything);
2. the chat's updates are handled one at a time: an in-process lock, then the store's
   `UpdateGate` (with PostgreSQL an advisory lock per chat, held across replicas);
3. an update already answered (Telegram re-delivers when it got no 200 in time) is skipped;
4. the update is handled to the end (replies sent) and recorded as answered, and only then does
   Telegram get its 200. A replica killed before that never sent the 200, so Telegram
   re-delivers and another replica answers.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.brain import Brain
from bot.store import UpdateGate
from bot.store.base import ChatLocks
from handlers.metrics import DUPLICATES, handling_update, health_routes, watch_store

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Updates handled at once by one replica (as the polling door's ChatOrderedUpdateProcessor).
MAX_IN_FLIGHT = 16
# Telegram's updates are small; anything larger is not an update.
MAX_BODY_BYTES = 1024 * 1024
# On SIGTERM, updates in flight get this long to finish (Telegram re-delivers the others).
SHUTDOWN_GRACE_SECONDS = 10.0


class WebhookServer:
    """aiohttp server: POST `path` (Telegram's updates), GET /healthz, /readyz, /metrics."""

    def __init__(
        self,
        application: Application,
        brain: Brain,
        *,
        path: str,
        secret: str,
        host: str = "0.0.0.0",
        port: int = 8443,
    ) -> None:
        self.application = application
        self.brain = brain
        self.path = "/" + path.strip("/")
        self.host, self.port = host, port
        self._secret = secret.encode()
        self._chats = ChatLocks()
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._gate: UpdateGate | None = None
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._gate = self.brain.store.update_gate()
        await self._gate.open()
        watch_store(self.brain.store)
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.add_routes([web.post(self.path, self.receive), *health_routes(self.brain)])
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE_SECONDS)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()
        if not self.port:
            self.port = self._runner.addresses[0][1]
        logger.info("webhook server listening on port %d", self.port)

    async def stop(self) -> None:
        """Stop accepting, let the updates in flight finish, close the gate."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._gate is not None:
            await self._gate.close()
            self._gate = None

    async def receive(self, request: web.Request) -> web.Response:
        """One update from Telegram; 200 only once it is answered and recorded."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            logger.warning("webhook call without the right secret refused")
            return web.Response(status=403)
        try:
            payload = await request.json(loads=json.loads)
            update = Update.de_json(payload, self.application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        if update is None or not isinstance(payload, dict):
            return web.Response(status=400)
        await self.handle(update)
        return web.Response(status=200)

    async def handle(self, update: Update) -> None:
        """Handle one update in its chat's order, at most once across replicas."""
        assert self._gate is not None, "start() first"
        chat = update.effective_chat
        chat_id = chat.id if chat else None
        with handling_update():
            async with self._chats.hold(chat_id), self._slots:
                async with self._gate.claim(update.update_id, chat_id) as fresh:
                    if not fresh:
                        DUPLICATES.inc()
                        logger.info("update %d was answered already", update.update_id)
                        return
                    await self.application.process_update(update)

"""The composition root of the Telegram door, and `run`, what `conciliazione-bot run` calls.

`build_application` wires everything: defaults (HTML, no link previews), the rate limiter,
per-chat ordering, the handlers in their order, the one error handler, and the services in
`bot_data` with their start-up and shut-down hooks. Nothing happens at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.admin import controller_placeholder_present
from bot.brain import Brain
from bot.knowledge import KnowledgeError
from bot.settings import Settings, SettingsError
from bot.store import StoreError
from handlers.buttons import answer_button
from handlers.chat import BRAIN, SETTINGS, AddressedToBot
from handlers.commands import ADMIN_COMMANDS, COMMANDS, answer_command
from handlers.delivery import RetryingRateLimiter
from handlers.errors import report_error
from handlers.logs import RedactSecrets, configure_logging
from handlers.messages import answer_text, answer_unsupported_media
from handlers.metrics import MetricsServer, measured_call, watch_store
from handlers.ordering import ChatOrderedUpdateProcessor
from handlers.transport import AiohttpRequest
from handlers.webhook import WebhookServer

logger = logging.getLogger(__name__)

# Only what the handlers use: edited messages, channel posts, reactions... never even arrive.
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY)
# Languages of Telegram's command menu; users with other languages see the Italian one.
MENU_LANGS = ("it", "en")
MENU_DEFAULT_LANG = "it"
# Start-up (getMe, deleteWebhook/setWebhook) retries before giving up; once running, polling
# retries network failures forever with a growing pause (python-telegram-bot, up to 30 s).
BOOTSTRAP_RETRIES = 5
# Connections for sending replies (handlers.transport): plenty for Telegram's ~30 messages/s.
SEND_CONNECTIONS = 8
PURGE_INTERVAL_SECONDS = 24 * 3600
PURGE_TASK = "purge_task"
MENU_TASK = "menu_task"
METRICS_SERVER = "metrics_server"
# Telegram's parallel connections to the webhook (its default is 40); each replica handles up
# to handlers.webhook.MAX_IN_FLIGHT at once and queues the rest briefly.
WEBHOOK_MAX_CONNECTIONS = 40
# Telegram's rule for setWebhook's secret_token.
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def build_application(
    settings: Settings,
    brain: Brain,
    request: BaseRequest | None = None,
    *,
    webhook: bool = False,
) -> Application:
    """The Telegram Application around `brain`; `request` replaces the network (tests).

    With `webhook`, there is no Updater: handlers.webhook.WebhookServer feeds the updates.
    """
    builder = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.base_url)
        .base_file_url(file_base_url(settings.base_url))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(RetryingRateLimiter(settings.max_messages_per_second, measured_call))
        .concurrent_updates(ChatOrderedUpdateProcessor())
        .post_init(start_services)
        .post_shutdown(stop_services)
    )
    if request is None:
        builder = builder.request(
            AiohttpRequest(
                connection_pool_size=SEND_CONNECTIONS,
                connect_timeout=5.0,
                read_timeout=10.0,
                pool_timeout=5.0,
            )
        )
        if not webhook:
            builder = builder.get_updates_request(
                # python-telegram-bot adds the long-polling timeout to this read_timeout.
                HTTPXRequest(connection_pool_size=2, connect_timeout=5.0, read_timeout=5.0)
            )
    else:
        builder = builder.request(request)
        if not webhook:
            builder = builder.get_updates_request(request)
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data[BRAIN] = brain
    application.bot_data[SETTINGS] = settings
    add_handlers(application)
    application.add_error_handler(report_error)
    return application


def add_handlers(application: Application) -> None:
    """Every handler, in one place. All in group 0: the first matching handler wins."""
    new_messages = filters.UpdateType.MESSAGE  # edited messages are ignored
    application.add_handlers(
        [
            # 1. The contract's commands and the admin ones. In groups PTB also accepts
            #    /cmd@thisbot and drops /cmd@otherbot.
            CommandHandler(COMMANDS + ADMIN_COMMANDS, answer_command, filters=new_messages),
            # 2. Any other /command: the brain's polite "unknown command" (must follow 1).
            MessageHandler(new_messages & filters.COMMAND, answer_command),
            # 3. Inline button presses.
            CallbackQueryHandler(answer_button),
            # 4. Free text: private chats, or group messages that mention or reply to the bot.
            MessageHandler(new_messages & filters.TEXT & AddressedToBot(), answer_text),
            # 5. Whatever else a person sends privately (stickers, photos, voice, locations).
            #    Service messages (members joining...) and group media are ignored.
            MessageHandler(
                new_messages & filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
                answer_unsupported_media,
            ),
        ]
    )


async def start_services(application: Application) -> None:
    """post_init: publish the command menus, purge expired data now and then daily.

    In polling mode with METRICS_PORT set, also serve /healthz, /readyz and /metrics there
    (in webhook mode the webhook server serves them).
    """
    brain: Brain = application.bot_data[BRAIN]
    settings: Settings = application.bot_data[SETTINGS]
    watch_store(brain.store)
    if settings.metrics_port and application.updater is not None:
        server = MetricsServer(brain, settings.metrics_port)
        await server.start()
        application.bot_data[METRICS_SERVER] = server
    # In the background: a Bot API server that lacks setMyCommands (some emulators) or answers
    # slowly must not hold up answering people.
    application.bot_data[MENU_TASK] = asyncio.create_task(
        publish_command_menu(application, brain), name="command menu"
    )
    if brain.admin is not None:
        # /poster prints deep links to this bot: its username is known once getMe answered.
        brain.admin.bot_username = application.bot.username
    removed = await asyncio.to_thread(brain.purge_expired)
    logger.info("started as @%s; %d expired records purged", application.bot.username, removed)
    if controller_placeholder_present(brain.texts):
        logger.warning(
            "/privacy does not name the data controller yet: "
            "complete the privacy texts in knowledge/ui/admin.yaml before going live"
        )
    application.bot_data[PURGE_TASK] = asyncio.create_task(purge_daily(brain), name="purge")


async def stop_services(application: Application) -> None:
    """post_shutdown: stop the background tasks and close the brain's store."""
    for name in (MENU_TASK, PURGE_TASK):
        task: asyncio.Task[None] | None = application.bot_data.pop(name, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    server: MetricsServer | None = application.bot_data.pop(METRICS_SERVER, None)
    if server is not None:
        await server.stop()
    brain: Brain = application.bot_data[BRAIN]
    await asyncio.to_thread(brain.close)


async def publish_command_menu(application: Application, brain: Brain) -> None:
    """Telegram's "/" menu, in Italian and English (and Italian for everyone else)."""
    for lang in (None, *MENU_LANGS):
        menu = await asyncio.to_thread(brain.command_menu, lang or MENU_DEFAULT_LANG)
        commands = [BotCommand(command, description) for command, description in menu]
        try:
            await application.bot.set_my_commands(commands, language_code=lang)
        except TelegramError as exc:  # the menu is a convenience: the bot works without it
            logger.warning("command menu (%s) not published: %s", lang or "default", exc)


async def purge_daily(brain: Brain) -> None:
    """Delete data past its retention once a day while the bot runs."""
    while True:
        await asyncio.sleep(PURGE_INTERVAL_SECONDS)
        removed = await asyncio.to_thread(brain.purge_expired)
        logger.info("%d expired records purged", removed)


def file_base_url(base_url: str) -> str:
    """The file download URL that goes with a Bot API `base_url` (…/bot -> …/file/bot)."""
    root, marker, rest = base_url.rpartition("/bot")
    if marker and not rest.strip("/"):
        return f"{root}/file/bot"
    return base_url.rstrip("/") + "/file/bot"


def webhook_options(settings: Settings) -> dict[str, Any]:
    """run_webhook arguments from WEBHOOK_URL, WEBHOOK_SECRET and PORT, or a SettingsError."""
    url = settings.webhook_url
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise SettingsError(
            "WEBHOOK_URL must be the public https:// address Telegram will call, "
            "e.g. https://example.org/telegram"
        )
    secret = settings.webhook_secret.get()
    if not WEBHOOK_SECRET_PATTERN.fullmatch(secret):
        raise SettingsError(
            "WEBHOOK_SECRET must be set: 1-256 characters among A-Z a-z 0-9 _ - "
            "(Telegram sends it back with every update, proving the call is genuine)"
        )
    return {
        "listen": "0.0.0.0",
        "port": settings.port,
        "url_path": parts.path.lstrip("/"),
        "webhook_url": url,
        "secret_token": secret,
    }


async def retrying(action: Callable[[], Coroutine[Any, Any, Any]], what: str) -> None:
    """Start-up calls to the Bot API: retried on network errors, BOOTSTRAP_RETRIES times."""
    for attempt in range(BOOTSTRAP_RETRIES + 1):
        try:
            await action()
            return
        except InvalidToken:
            raise
        except NetworkError as exc:
            if attempt == BOOTSTRAP_RETRIES:
                raise
            logger.warning("%s failed (%s), retrying", what, type(exc).__name__)
            await asyncio.sleep(min(2**attempt, 10))


async def serve_webhook(application: Application, brain: Brain, options: dict[str, Any]) -> None:
    """Webhook mode until SIGTERM/SIGINT: our aiohttp server, then setWebhook.

    Several replicas may run this against one PostgreSQL (docs/deploy.md): each sets the same
    webhook (idempotent), and none deletes it on the way out, so a rolling restart never
    leaves Telegram without a webhook.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    server = WebhookServer(
        application,
        brain,
        path=options["url_path"],
        secret=options["secret_token"],
        host=options["listen"],
        port=options["port"],
    )
    await retrying(application.initialize, "getMe")
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await server.start()  # listening before Telegram is told where to post
        await retrying(
            lambda: application.bot.set_webhook(
                options["webhook_url"],
                secret_token=options["secret_token"],
                allowed_updates=ALLOWED_UPDATES,
                max_connections=WEBHOOK_MAX_CONNECTIONS,
            ),
            "setWebhook",
        )
        logger.info("webhook set; serving")
        await stop.wait()
        logger.info("stopping: finishing the updates in flight")
    finally:
        await server.stop()
        if application.running:
            await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's event loop where it is a dependency (Linux, macOS), else asyncio's own."""
    if sys.platform == "win32":  # pyproject.toml installs uvloop everywhere else
        return asyncio.new_event_loop()
    import uvloop

    return uvloop.new_event_loop()


def run(settings: Settings, webhook: bool = False) -> int:
    """Run the bot by long polling (or as a webhook server) until stopped; the exit code."""
    configure_logging(settings.log_level, settings.token.get(), settings.webhook_secret.get())
    try:
        settings.require_token()
        options = webhook_options(settings) if webhook else None
    except SettingsError as exc:
        print(f"conciliazione-bot: {exc}", file=sys.stderr)
        return 1
    try:
        brain = Brain.from_settings(settings)
    except (KnowledgeError, StoreError) as exc:
        print(f"conciliazione-bot: cannot start: {exc}", file=sys.stderr)
        return 1
    application = build_application(settings, brain, webhook=options is not None)
    # A fresh event loop per run: run_polling closes its loop when done.
    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        if options is not None:
            try:
                loop.run_until_complete(serve_webhook(application, brain, options))
            finally:
                loop.close()
        else:
            application.run_polling(
                allowed_updates=ALLOWED_UPDATES, bootstrap_retries=BOOTSTRAP_RETRIES
            )
    except InvalidToken:  # 401; or 404, a method the Bot API server lacks (its text has the token)
        print(
            "conciliazione-bot: the Bot API refused the bot: is BOT_TOKEN revoked or mistyped, "
            "or BOT_API_BASE_URL wrong?",
            file=sys.stderr,
        )
        return 1
    except NetworkError as exc:
        reason = RedactSecrets(settings.token.get()).redact(str(exc))
        print(f"conciliazione-bot: cannot reach the Bot API: {reason}", file=sys.stderr)
        return 1
    return 0

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
import sys
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
from handlers.ordering import ChatOrderedUpdateProcessor
from handlers.transport import AiohttpRequest

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
# Telegram's rule for setWebhook's secret_token.
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def build_application(
    settings: Settings, brain: Brain, request: BaseRequest | None = None
) -> Application:
    """The Telegram Application around `brain`; `request` replaces the network (tests)."""
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
        .rate_limiter(RetryingRateLimiter(settings.max_messages_per_second))
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
        ).get_updates_request(
            # python-telegram-bot adds the long-polling timeout to this read_timeout.
            HTTPXRequest(connection_pool_size=2, connect_timeout=5.0, read_timeout=5.0)
        )
    else:
        builder = builder.request(request).get_updates_request(request)
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
    """post_init: publish the command menus, purge expired data now and then daily."""
    brain: Brain = application.bot_data[BRAIN]
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


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's event loop where it is installed (Linux, macOS), else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
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
    application = build_application(settings, brain)
    # A fresh event loop per run: run_polling closes its loop when done.
    asyncio.set_event_loop(new_event_loop())
    try:
        if options is not None:
            application.run_webhook(
                **options, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=BOOTSTRAP_RETRIES
            )
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

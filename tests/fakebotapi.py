"""A fake Telegram Bot API for tests, benchmarks and load tests.

Two ways to reach the same emulator:

* `FakeBotApi`: a real HTTP server on 127.0.0.1 (aiohttp). Point a bot at `api.base_url`
  (`BOT_API_BASE_URL`), push updates, and read what the bot sent::

      async with FakeBotApi() as api:
          api.push_message(1001, "/start")
          [reply] = await api.wait_for_messages(1001)

  From synchronous code (a bot subprocess, a benchmark), run it in a background thread; the
  proxy turns every coroutine method into a blocking call::

      with FakeBotApi.serve_in_thread() as api:
          api.push_message(1001, "ciao")
          api.wait_for_messages(1001, timeout=5)

* `BotApiEmulator.offline_request()`: a python-telegram-bot `BaseRequest` that calls the
  emulator in-process, no sockets (dispatch tests).

What it emulates, per https://core.telegram.org/bots/api:
getUpdates (offset confirmation, long polling with `timeout`, `limit`, `allowed_updates`,
409 while a webhook is set), setWebhook/deleteWebhook/getWebhookInfo (updates are then POSTed
to the webhook with the `X-Telegram-Bot-Api-Secret-Token` header), getMe, sendMessage,
sendDocument (the uploaded bytes are kept: `SentMessage.document`), editMessageText,
editMessageReplyMarkup, deleteMessage, answerCallbackQuery, sendChatAction,
setMyCommands/getMyCommands/deleteMyCommands, close, logOut. Requests are validated like
Telegram does: `parse_mode=HTML` is parsed strictly (only Telegram's tags; every `<`, `>`, `&`
outside a tag must be escaped), text longer than 4096 UTF-16 units after parsing is refused,
`callback_data` over 64 bytes is refused, answering a callback query twice is refused, chats
that never wrote to the bot are "not found", a blocked chat answers 403.

Fault injection: `fail_next(method, times, status=429, retry_after=...)` (or any 4xx/5xx),
`delay_next(method, seconds)` (a slow or hanging server), `block_chat(chat_id)`,
`flood_limits=True` (Telegram's 30 messages/s overall and 20/min per group, as 429s), and
`stop()`/`start()`/`restart()` on the same port, keeping all state.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import html
import inspect
import itertools
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import ClientError, ClientSession, ClientTimeout, web

DEFAULT_TOKEN = "123456:ABC-fake-token-for-tests-xxxxxxxx"
BOT_USERNAME = "conciliazione_test_bot"
MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_DATA_BYTES = 64
# Bot API parameters that arrive JSON-encoded in form posts.
JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "caption_entities",
        "media",
        "results",
    }
)
INT_PARAMS = frozenset(
    {
        "offset",
        "limit",
        "timeout",
        "message_id",
        "user_id",
        "max_connections",
        "cache_time",
        "message_thread_id",
    }
)
BOOL_PARAMS = frozenset(
    {
        "drop_pending_updates",
        "show_alert",
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "allow_sending_without_reply",
    }
)

F = TypeVar("F", bound=Callable[..., Any])


# -- Telegram's HTML ------------------------------------------------------------------------
HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"  # name
    r"((?:\s+[a-zA-Z_:-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"  # attributes
)
_ATTR = re.compile(r"([a-zA-Z_:-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_CHAR_REF = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; the message mimics Telegram's."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_telegram_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """(plain text, entities) as Telegram derives them from `parse_mode=HTML`, or HtmlParseError."""
    plain: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, int, dict[str, str]]] = []
    offset = 0  # UTF-16 position in the plain text
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            match = _TAG.match(source, i)
            byte = len(source[:i].encode())
            if match is None:
                raise HtmlParseError(
                    f"can't parse entities: Unexpected character at byte offset {byte}"
                )
            closing, name = match.group(1) == "/", match.group(2).lower()
            if name not in HTML_ENTITY_TYPES:
                raise HtmlParseError(
                    f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {byte}'
                )
            if closing:
                if not stack or stack[-1][0] != name:
                    expected = stack[-1][0] if stack else ""
                    raise HtmlParseError(
                        f"can't parse entities: Unmatched end tag at byte offset {byte}, "
                        f'expected "</{expected}>", found "</{name}>"'
                    )
                tag, start, attrs = stack.pop()
                if offset > start:
                    entity: dict[str, Any] = {
                        "type": HTML_ENTITY_TYPES[tag],
                        "offset": start,
                        "length": offset - start,
                    }
                    if tag == "a":
                        entity["url"] = attrs.get("href", "")
                    if tag == "blockquote" and "expandable" in attrs:
                        entity["type"] = "expandable_blockquote"
                    entities.append(entity)
            else:
                attrs = {
                    m.group(1).lower(): html.unescape(next((g for g in m.groups()[1:] if g), ""))
                    for m in _ATTR.finditer(match.group(3))
                }
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise HtmlParseError(
                        f'can\'t parse entities: Unsupported start tag "span" at byte offset {byte}'
                    )
                stack.append((name, offset, attrs))
            i = match.end()
            continue
        if char == "&":
            match = _CHAR_REF.match(source, i)
            if match is None:
                byte = len(source[:i].encode())
                raise HtmlParseError(
                    f"can't parse entities: Character entity expected at byte offset {byte}"
                )
            char = html.unescape(match.group())
            i = match.end()
        elif char == ">":
            byte = len(source[:i].encode())
            raise HtmlParseError(f"can't parse entities: Unexpected end tag at byte offset {byte}")
        else:
            i += 1
        plain.append(char)
        offset += utf16_len(char)
    if stack:
        raise HtmlParseError(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1][0]}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(plain), entities


# -- records --------------------------------------------------------------------------------
@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded (multipart/form-data), as received."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)


@dataclass
class SentMessage:
    """A message the bot sent (or edited): as sent, and as the user would see it."""

    chat_id: int
    message_id: int
    text: str  # the source as sent (HTML when parse_mode is HTML)
    plain: str  # what the user reads
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    method: str = "sendMessage"
    reply_to_message_id: int | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    link_preview_disabled: bool = False
    at: float = field(default_factory=time.monotonic)
    document: UploadedFile | None = None

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        return list((self.reply_markup or {}).get("inline_keyboard", []))

    @property
    def button_titles(self) -> list[str]:
        return [button["text"] for row in self.buttons for button in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for row in self.buttons for b in row if "callback_data" in b]

    def bold(self) -> list[str]:
        """The bold parts of the message (e.g. its title)."""
        units = self.plain.encode("utf-16-le")
        return [
            units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
            for e in self.entities
            if e["type"] == "bold"
        ]


@dataclass
class ApiCall:
    """One request the bot made, with the HTTP status it got."""

    method: str
    params: dict[str, Any]
    status: int = 0
    at: float = field(default_factory=time.monotonic)
    fault: str | None = None


@dataclass
class _Fault:
    method: str  # lower-case method name, or "*"
    remaining: int
    status: int = 0
    retry_after: int | None = None
    description: str | None = None
    delay: float = 0.0


class ApiError(Exception):
    """A Bot API error answer: {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _threadsafe(method: F) -> F:
    """Run a synchronous public method on the emulator's loop when called from another thread."""

    @functools.wraps(method)
    def wrapper(self: BotApiEmulator, *args: Any, **kwargs: Any) -> Any:
        loop = self._loop
        if loop is None or self._loop_thread == threading.get_ident() or not loop.is_running():
            return method(self, *args, **kwargs)
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def call() -> None:
            try:
                future.set_result(method(self, *args, **kwargs))
            except Exception as exc:  # handed over to the calling thread
                future.set_exception(exc)

        loop.call_soon_threadsafe(call)
        return future.result(timeout=30)

    return wrapper  # type: ignore[return-value]


# -- the emulator -----------------------------------------------------------------------------
class BotApiEmulator:
    """The Bot API's behaviour and state, without the HTTP server (see FakeBotApi)."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = BOT_USERNAME,
        first_name: str = "Conciliazione (test)",
        strict_chats: bool = True,
        flood_limits: bool = False,
    ) -> None:
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.strict_chats = strict_chats
        self.flood_limits = flood_limits
        # What the bot did.
        self.sent: list[SentMessage] = []
        self._sent_by_chat: dict[int, list[SentMessage]] = {}
        self.calls: list[ApiCall] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.webhook: dict[str, Any] = {}
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status or 0)
        # The world.
        self.chats: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_bot_message_id: dict[int, int] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(100_001)
        self._callback_ids = itertools.count(1)
        self._faults: list[_Fault] = []
        self._flood_global: deque[float] = deque()
        self._flood_groups: dict[int, deque[float]] = {}
        self._update_waiters: set[asyncio.Future[None]] = set()
        self._change_waiters: set[asyncio.Future[None]] = set()
        self._held: set[asyncio.Future[None]] = set()
        self._delivery_tasks: set[asyncio.Task[None]] = set()
        self._client: ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._stopping = False
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            name.lower(): handler
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "sendDocument": self._send_document,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": self._send_chat_action,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "close": self._true,
                "logOut": self._true,
            }.items()
        }

    # -- pushing updates (what users do) ----------------------------------------------------
    @_threadsafe
    def push_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        lang: str | None = "it",
        chat_type: str = "private",
        first_name: str = "Utente",
        username: str | None = None,
        reply_to_message_id: int | None = None,
        reply_to_bot: bool = False,
        entities: list[dict[str, Any]] | None = None,
        edited: bool = False,
    ) -> dict[str, Any]:
        """A user writes `text` (commands and @mentions get their entities automatically)."""
        message = self._user_message(chat_id, user_id, lang, chat_type, first_name, username)
        message["text"] = text
        auto = entities if entities is not None else _auto_entities(text)
        if auto:
            message["entities"] = auto
        replied = None
        if reply_to_message_id is not None:
            replied = self._messages.get((chat_id, reply_to_message_id))
        elif reply_to_bot:
            replied = self._last_bot_message(chat_id)
        if replied is not None:
            message["reply_to_message"] = replied
        if edited:
            message["edit_date"] = message["date"]
            return self.push_update({"edited_message": message})
        return self.push_update({"message": message})

    @_threadsafe
    def push_media(
        self,
        chat_id: int,
        kind: str,
        *,
        caption: str | None = None,
        user_id: int | None = None,
        lang: str | None = "it",
        chat_type: str = "private",
    ) -> dict[str, Any]:
        """A user sends a sticker, photo, voice, video, document, location or contact."""
        message = self._user_message(chat_id, user_id, lang, chat_type, "Utente", None)
        file = {"file_id": f"file-{kind}-{message['message_id']}", "file_unique_id": f"u{kind}"}
        media: dict[str, Any] = {
            "sticker": {
                **file,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
            },
            "photo": [{**file, "width": 90, "height": 90}],
            "voice": {**file, "duration": 3, "mime_type": "audio/ogg"},
            "video": {**file, "width": 320, "height": 240, "duration": 5},
            "document": {**file, "file_name": "modulo.pdf", "mime_type": "application/pdf"},
            "location": {"latitude": 45.4642, "longitude": 9.19},
            "contact": {"phone_number": "+390000000000", "first_name": "Maria"},
        }
        if kind not in media:
            raise ValueError(f"unknown media kind {kind!r}; one of {sorted(media)}")
        message[kind] = media[kind]
        if caption:
            message["caption"] = caption
        return self.push_update({"message": message})

    @_threadsafe
    def push_callback(
        self,
        chat_id: int,
        data: str,
        *,
        message_id: int | None = None,
        user_id: int | None = None,
        lang: str | None = "it",
    ) -> dict[str, Any]:
        """A user presses an inline button (on `message_id`, default the bot's latest message)."""
        message = (
            self._messages.get((chat_id, message_id))
            if message_id is not None
            else self._last_bot_message(chat_id)
        )
        if message is None:
            raise ValueError(f"chat {chat_id} has no bot message {message_id or ''} to press on")
        chat = self.chats[chat_id]
        user = self._user(
            user_id if user_id is not None else self._default_user_id(chat_id, chat["type"]),
            lang,
            "Utente",
            None,
        )
        query_id = str(next(self._callback_ids))
        self.callback_answers[query_id] = {"pushed_at": time.monotonic(), "answered_at": None}
        return self.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": message,
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                }
            }
        )

    @_threadsafe
    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue any update (an `update_id` is assigned when missing)."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        if self.webhook.get("url"):
            self._schedule_delivery(update)
        else:
            self._updates.append(update)
            self._wake(self._update_waiters)
        return update

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    # -- fault injection ---------------------------------------------------------------------
    @_threadsafe
    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """The next `times` calls of `method` ("*": any but getUpdates) fail with `status`."""
        if status == 429 and retry_after is None:
            retry_after = 1
        self._faults.append(_Fault(method.lower(), times, status, retry_after, description))

    @_threadsafe
    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` answer only after `seconds` (math.inf: hang)."""
        self._faults.append(_Fault(method.lower(), times, delay=seconds))

    @_threadsafe
    def release_delayed(self) -> None:
        """Let every delayed (hanging) call answer now."""
        self._wake(self._held)

    @_threadsafe
    def block_chat(self, chat_id: int) -> None:
        """The user blocked the bot: sending to this chat answers 403 Forbidden."""
        self.blocked.add(chat_id)

    # -- reading what the bot did ------------------------------------------------------------
    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """Messages sent (and edits made) in one chat, oldest first."""
        return list(self._sent_by_chat.get(chat_id, ()))

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def get_commands(self, language_code: str = "", scope: str = "default") -> list[dict[str, str]]:
        return self.commands.get((scope, language_code), [])

    async def wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = 5.0
    ) -> list[SentMessage]:
        """At least `count` messages sent to `chat_id` (all of them), or TimeoutError."""
        await self._wait_until(
            lambda: len(self.sent_to(chat_id)) >= count,
            timeout,
            lambda: f"{count} message(s) to chat {chat_id}; got {self._describe(chat_id)}",
        )
        return self.sent_to(chat_id)

    async def wait_for_calls(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[ApiCall]:
        """At least `count` calls of `method`, or TimeoutError."""
        await self._wait_until(
            lambda: len(self.calls_to(method)) >= count,
            timeout,
            lambda: f"{count} call(s) of {method}; got {len(self.calls_to(method))}",
        )
        return self.calls_to(method)

    async def wait_quiet(self, quiet: float = 0.3, timeout: float = 5.0) -> None:
        """Wait until the bot has made no request for `quiet` seconds (getUpdates aside)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            last = max((c.at for c in self.calls if c.method.lower() != "getupdates"), default=0.0)
            idle = time.monotonic() - last
            if idle >= quiet:
                return
            await asyncio.sleep(quiet - idle)
        raise TimeoutError(f"the bot was still busy after {timeout}s")

    def _describe(self, chat_id: int) -> str:
        got = [m.plain[:80] for m in self.sent_to(chat_id)]
        errors = [(c.method, c.status) for c in self.calls if c.status >= 400][-5:]
        return f"{got!r}; recent errors {errors!r}; pending updates {len(self._updates)}"

    async def _wait_until(
        self, predicate: Callable[[], bool], timeout: float, describe: Callable[[], str]
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"waited {timeout}s for {describe()}")
            waiter = loop.create_future()
            self._change_waiters.add(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                pass
            finally:
                self._change_waiters.discard(waiter)

    # -- offline use ------------------------------------------------------------------------
    def offline_request(self) -> EmulatorRequest:
        """A python-telegram-bot request object that talks to this emulator in-process."""
        return EmulatorRequest(self)

    # -- the API core -------------------------------------------------------------------------
    async def call(
        self, method: str, params: dict[str, Any], token: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API request: (HTTP status, JSON body)."""
        params = _decode_params(params)
        record = ApiCall(method, params)
        self.calls.append(record)
        self._wake(self._change_waiters)  # a call arriving is news too (wait_for_calls)
        try:
            if token is not None and token != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            fault = self._take_fault(method)
            if fault is not None:
                record.fault = f"{fault.status or 'delay'}"
                if fault.delay:
                    await self._hold(fault.delay)
                if fault.status:
                    raise ApiError(
                        fault.status,
                        fault.description or _default_description(fault.status, fault.retry_after),
                        {"retry_after": fault.retry_after} if fault.retry_after else None,
                    )
            result = await handler(params)
            record.status = 200
            return 200, {"ok": True, "result": result}
        except ApiError as exc:
            record.status = exc.status
            return exc.status, exc.payload()
        finally:
            self._wake(self._change_waiters)

    def _take_fault(self, method: str) -> _Fault | None:
        name = method.lower()
        for fault in self._faults:
            if fault.remaining > 0 and fault.method in (name, "*"):
                if fault.method == "*" and name == "getupdates":
                    continue  # "*" means the bot's own actions, not the polling loop
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    async def _hold(self, seconds: float) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._held.add(waiter)
        try:
            await asyncio.wait_for(waiter, None if math.isinf(seconds) else seconds)
        except TimeoutError:
            pass
        finally:
            self._held.discard(waiter)

    @staticmethod
    def _wake(waiters: set[asyncio.Future[None]]) -> None:
        for waiter in list(waiters):
            if not waiter.done():
                waiter.set_result(None)

    # -- methods --------------------------------------------------------------------------------
    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return dict(self.bot_user)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates") or None
        if offset:  # confirm everything before offset
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if allowed:  # updates of other kinds are dropped, as Telegram does
                self._updates = [u for u in self._updates if _update_kind(u) in allowed]
            if self._updates or self._stopping:
                return [dict(u) for u in self._updates[:limit]]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            waiter = loop.create_future()
            self._update_waiters.add(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                pass
            finally:
                self._update_waiters.discard(waiter)

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params)
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "allowed_updates": params.get("allowed_updates"),
            "max_connections": params.get("max_connections", 40),
        }
        pending, self._updates = self._updates, []
        for update in pending:
            self._schedule_delivery(update)
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _chat_for(self, params: dict[str, Any]) -> dict[str, Any]:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        chat = self.chats.get(chat_id)
        if chat is None:
            if self.strict_chats:
                raise ApiError(400, "Bad Request: chat not found")
            chat = self._chat(chat_id, "private" if chat_id > 0 else "group")
        return chat

    def _rendered_text(self, params: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
        text = params.get("text")
        if text is None or not str(text).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        source = str(text)
        parse_mode = params.get("parse_mode")
        if parse_mode and str(parse_mode).lower() == "html":
            try:
                plain, entities = parse_telegram_html(source)
            except HtmlParseError as exc:
                raise ApiError(400, f"Bad Request: {exc}") from None
        else:
            plain, entities = source, list(params.get("entities") or [])
        plain = plain.strip()
        if not plain:
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(plain) > MAX_TEXT_UTF16:
            raise ApiError(400, "Bad Request: message is too long")
        return source, plain, entities

    @staticmethod
    def _check_markup(markup: Any) -> dict[str, Any] | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup  # reply keyboards etc. are accepted as they are
        for row in rows:
            for button in row:
                if not str(button.get("text", "")).strip():
                    raise ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _check_flood(self, chat: dict[str, Any]) -> None:
        if not self.flood_limits:
            return
        now = time.monotonic()
        window = self._flood_global
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= 30:
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        if chat["type"] in ("group", "supergroup"):
            group = self._flood_groups.setdefault(chat["id"], deque())
            while group and now - group[0] >= 60.0:
                group.popleft()
            if len(group) >= 20:
                wait = max(1, math.ceil(60 - (now - group[0])))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
            group.append(now)
        window.append(now)

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for(params)
        source, plain, entities = self._rendered_text(params)
        markup = self._check_markup(params.get("reply_markup"))
        self._check_flood(chat)
        reply_to = (params.get("reply_parameters") or {}).get("message_id") or params.get(
            "reply_to_message_id"
        )
        message_id = self._next_message_id(chat["id"])
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": dict(self.bot_user),
            "chat": chat,
            "date": int(time.time()),
            "text": plain,
        }
        if entities:
            message["entities"] = entities
        if markup is not None:
            message["reply_markup"] = markup
        if reply_to is not None and (chat["id"], int(reply_to)) in self._messages:
            message["reply_to_message"] = self._messages[(chat["id"], int(reply_to))]
        self._messages[(chat["id"], message_id)] = message
        preview = params.get("link_preview_options") or {}
        no_preview = preview.get("is_disabled") or params.get("disable_web_page_preview")
        self._record_sent(
            SentMessage(
                chat["id"],
                message_id,
                source,
                plain,
                params.get("parse_mode"),
                markup,
                reply_to_message_id=int(reply_to) if reply_to is not None else None,
                entities=entities,
                link_preview_disabled=bool(no_preview),
            )
        )
        return message

    async def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for(params)
        document = params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            document = params.get(document.removeprefix("attach://"))
        if not isinstance(document, UploadedFile) or not document.data:
            raise ApiError(400, "Bad Request: there is no document in the request")
        caption = str(params.get("caption") or "")
        self._check_flood(chat)
        message_id = self._next_message_id(chat["id"])
        file_id = f"doc-{chat['id']}-{message_id}"
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": dict(self.bot_user),
            "chat": chat,
            "date": int(time.time()),
            "document": {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": params.get("filename") or document.filename,
                "mime_type": document.content_type,
                "file_size": len(document.data),
            },
        }
        if caption:
            message["caption"] = caption
        self._messages[(chat["id"], message_id)] = message
        self._record_sent(
            SentMessage(
                chat["id"],
                message_id,
                caption,
                caption,
                params.get("parse_mode"),
                None,
                method="sendDocument",
                document=document,
            )
        )
        return message

    def _bot_message_for(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: message to edit not found")
        chat = self._chat_for(params)
        key = (chat["id"], int(params.get("message_id") or 0))
        message = self._messages.get(key)
        if message is None or message.get("from", {}).get("id") != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._bot_message_for(params)
        source, plain, entities = self._rendered_text(params)
        markup = self._check_markup(params.get("reply_markup"))
        if plain == message.get("text") and markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup of the "
                "message",
            )
        message.update({"text": plain, "edit_date": int(time.time())})
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = markup
        message["entities"] = entities
        self._record_sent(
            SentMessage(
                message["chat"]["id"],
                message["message_id"],
                source,
                plain,
                params.get("parse_mode"),
                markup,
                method="editMessageText",
                entities=entities,
            )
        )
        return message

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._bot_message_for(params)
        markup = self._check_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = markup
        self._record_sent(
            SentMessage(
                message["chat"]["id"],
                message["message_id"],
                "",
                message.get("text", ""),
                None,
                markup,
                method="editMessageReplyMarkup",
            )
        )
        return message

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._chat_for(params)
        if self._messages.pop((chat["id"], int(params.get("message_id") or 0)), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        record = self.callback_answers.get(query_id)
        if record is None or record["answered_at"] is not None:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        record.update(
            answered_at=time.monotonic(),
            text=params.get("text"),
            show_alert=bool(params.get("show_alert")),
        )
        return True

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        chat = self._chat_for(params)
        self.chat_actions.append((chat["id"], str(params.get("action"))))
        return True

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            name, description = str(command.get("command", "")), str(command.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._command_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return self.commands.get(self._command_key(params), [])

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(self._command_key(params), None)
        return True

    @staticmethod
    def _command_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return str(scope.get("type", "default")), str(params.get("language_code") or "")

    # -- the world's bookkeeping ------------------------------------------------------------
    def _chat(self, chat_id: int, chat_type: str) -> dict[str, Any]:
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = "Utente"
            else:
                chat["title"] = f"Gruppo {abs(chat_id)}"
            self.chats[chat_id] = chat
        return chat

    def _user(
        self, user_id: int, lang: str | None, first_name: str, username: str | None
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if lang:
            user["language_code"] = lang
        if username:
            user["username"] = username
        self.users[user_id] = user
        return user

    @staticmethod
    def _default_user_id(chat_id: int, chat_type: str) -> int:
        return chat_id if chat_type == "private" else 4242

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _user_message(
        self,
        chat_id: int,
        user_id: int | None,
        lang: str | None,
        chat_type: str,
        first_name: str,
        username: str | None,
    ) -> dict[str, Any]:
        if chat_type != "private" and chat_id > 0:
            raise ValueError("group chat ids are negative in Telegram")
        chat = self._chat(chat_id, chat_type)
        user = self._user(
            user_id if user_id is not None else self._default_user_id(chat_id, chat_type),
            lang,
            first_name,
            username,
        )
        message_id = self._next_message_id(chat_id)
        message = {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": user}
        self._messages[(chat_id, message_id)] = message
        return message

    def _record_sent(self, message: SentMessage) -> None:
        self.sent.append(message)
        self._sent_by_chat.setdefault(message.chat_id, []).append(message)
        if message.method == "sendMessage":
            self._last_bot_message_id[message.chat_id] = message.message_id

    def _last_bot_message(self, chat_id: int) -> dict[str, Any] | None:
        message_id = self._last_bot_message_id.get(chat_id)
        return None if message_id is None else self._messages.get((chat_id, message_id))

    # -- webhook delivery ---------------------------------------------------------------------
    def _schedule_delivery(self, update: dict[str, Any]) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(update))
        self._delivery_tasks.add(task)
        task.add_done_callback(self._delivery_tasks.discard)

    async def _deliver(self, update: dict[str, Any], attempts: int = 3) -> None:
        if self._client is None or self._client.closed:
            self._client = ClientSession(timeout=ClientTimeout(total=10))
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(self.webhook["secret_token"])
        status = 0
        for attempt in range(attempts):
            try:
                url = self.webhook["url"]
                async with self._client.post(url, json=update, headers=headers) as response:
                    status = response.status
                if 200 <= status < 300:
                    break
            except (ClientError, TimeoutError, KeyError):
                status = 0
            await asyncio.sleep(0.2 * (attempt + 1))
        self.webhook_deliveries.append((update["update_id"], status))
        self._wake(self._change_waiters)


class FakeBotApi(BotApiEmulator):
    """The emulator behind a real HTTP server on 127.0.0.1 (port 0: a free one, kept on restart)."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, port: int = 0, **options: Any) -> None:
        super().__init__(token, **options)
        self.host = "127.0.0.1"
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """What to give the bot as BOT_API_BASE_URL (python-telegram-bot's `base_url`)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        """Serve on 127.0.0.1:port (the same port again after a stop)."""
        if self._runner is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._stopping = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_http)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        await site.start()
        if not self.port:
            self.port = runner.addresses[0][1]
        self._runner = runner

    async def stop(self) -> None:
        """Stop serving: open connections are closed, new ones refused; the state is kept."""
        if self._runner is None:
            return
        self._stopping = True
        self._wake(self._update_waiters)
        self._wake(self._held)
        runner, self._runner = self._runner, None
        await runner.cleanup()
        for task in list(self._delivery_tasks):
            task.cancel()
        if self._client is not None:
            await self._client.close()
            self._client = None
        self._stopping = False

    async def restart(self, down_for: float = 0.0) -> None:
        """Stop, stay away `down_for` seconds, and serve again on the same port.

        Like Telegram, the server keeps its queue and its update ids go on growing.
        """
        await self.stop()
        await asyncio.sleep(down_for)
        await self.start()

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _handle_http(self, request: web.Request) -> web.Response:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    params.update(body)
            else:
                for key, value in (await request.post()).items():
                    if isinstance(value, str):
                        params[key] = value
                    else:  # an uploaded file: kept whole (sendDocument)
                        params[key] = UploadedFile(
                            value.filename, value.content_type, value.file.read()
                        )
        status, payload = await self.call(
            request.match_info["method"], params, token=request.match_info["token"]
        )
        return web.json_response(payload, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        return web.json_response(ApiError(404, "Not Found").payload(), status=404)

    @classmethod
    @contextlib.contextmanager
    def serve_in_thread(cls, *args: Any, **kwargs: Any) -> Iterator[Any]:
        """Run a FakeBotApi in a background thread; yields a blocking proxy to it."""
        api = cls(*args, **kwargs)
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(api.start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(api.stop())
            loop.close()

        thread = threading.Thread(target=serve, name="fake-bot-api", daemon=True)
        thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake Bot API did not start")
        try:
            yield BlockingProxy(api, loop)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)


class BlockingProxy:
    """Calls a FakeBotApi living on another thread's loop; coroutine methods block until done."""

    def __init__(self, api: FakeBotApi, loop: asyncio.AbstractEventLoop) -> None:
        self._api = api
        self._loop = loop

    @property
    def api(self) -> FakeBotApi:
        return self._api

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._api, name)
        if inspect.iscoroutinefunction(attribute):

            @functools.wraps(attribute)
            def blocking(*args: Any, **kwargs: Any) -> Any:
                future = asyncio.run_coroutine_threadsafe(attribute(*args, **kwargs), self._loop)
                return future.result()

            return blocking
        return attribute


# -- python-telegram-bot's offline request layer ----------------------------------------------
try:
    from telegram.request import BaseRequest, RequestData
except ImportError:  # pragma: no cover - the fake server itself does not need PTB
    BaseRequest = object  # type: ignore[assignment,misc]


class EmulatorRequest(BaseRequest):  # type: ignore[misc,valid-type]
    """A `telegram.request.BaseRequest` answering from a BotApiEmulator: no network at all."""

    def __init__(self, api: BotApiEmulator) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, **timeouts: Any
    ) -> tuple[int, bytes]:
        path, _, api_method = url.rpartition("/")
        token = path.rpartition("/bot")[2]
        params = dict(request_data.parameters) if request_data is not None else {}
        if request_data is not None and request_data.contains_files:
            for name, part in request_data.multipart_data.items():
                if isinstance(part, tuple):
                    filename, content, *mime = part
                    params[name] = UploadedFile(filename, mime[0] if mime else None, content)
        status, payload = await self.api.call(api_method, params, token=token)
        return status, json.dumps(payload).encode()


# -- helpers --------------------------------------------------------------------------------
def _auto_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram's clients add: a leading /command, @mentions, links are left out."""
    entities = []
    command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group())})
    for mention in re.finditer(r"(?<![\w@/])@[A-Za-z0-9_]{5,32}", text):
        if command and mention.start() < command.end():
            continue
        entities.append(
            {
                "type": "mention",
                "offset": utf16_len(text[: mention.start()]),
                "length": utf16_len(mention.group()),
            }
        )
    return entities


def _update_kind(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


def _decode_params(params: dict[str, Any]) -> dict[str, Any]:
    """Form posts carry every value as a string; give JSON, integer and boolean values back."""
    decoded: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in JSON_PARAMS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif key in INT_PARAMS or key == "chat_id":
                with contextlib.suppress(ValueError):
                    value = int(value)
            elif key in BOOL_PARAMS:
                value = value.lower() == "true"
        decoded[key] = value
    return decoded


def _default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    return {
        400: "Bad Request",
        403: "Forbidden",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, f"Error {status}")

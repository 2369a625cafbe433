"""handlers/transport.py: a python-telegram-bot Bot sending over aiohttp to a loopback server.

Only public python-telegram-bot API is used: the transport is plugged into a `telegram.Bot`
and exercised through the Bot's own methods, as the running bot does.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut

from handlers.transport import AiohttpRequest
from tests.support import free_port

TOKEN = "123456:ABC-transport-test-token-xxxxxxxx"
BOT = {"id": 123456, "is_bot": True, "first_name": "Conciliazione", "username": "conc_bot"}


class Server:
    """A Bot API-like server on 127.0.0.1 that records what arrives; getMe can be slowed."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.get_me_delay = 0.0
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        form = await request.post()
        fields = {
            key: (value.filename if isinstance(value, web.FileField) else value)
            for key, value in form.items()
        }
        method = request.match_info["method"]
        self.received.append(
            {"method": method, "fields": fields, "user_agent": request.headers.get("User-Agent")}
        )
        if method == "getMe":
            await asyncio.sleep(self.get_me_delay)
            return web.json_response({"ok": True, "result": BOT})
        message: dict[str, Any] = {
            "message_id": len(self.received),
            "date": 1_700_000_000,
            "chat": {"id": int(str(fields["chat_id"])), "type": "private"},
            "from": BOT,
        }
        if method == "sendDocument":
            message["document"] = {"file_id": "doc-1", "file_unique_id": "u-1"}
        else:
            message["text"] = fields.get("text", "")
        return web.json_response({"ok": True, "result": message})


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", state.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.url = f"http://127.0.0.1:{runner.addresses[0][1]}/bot"
    yield state
    await runner.cleanup()


@pytest.fixture
async def bot(server: Server) -> AsyncIterator[Bot]:
    # Short enough for the slow server's 2 s to time out, long enough that a loaded CI machine
    # (2 CPUs, both busy) still connects to the loopback server and reads getMe in time.
    request = AiohttpRequest(read_timeout=1.5, connect_timeout=5.0)
    async with Bot(TOKEN, base_url=server.url, request=request) as bot:
        yield bot


async def test_a_message_carries_its_parameters_as_telegram_expects(
    server: Server, bot: Bot
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Sì", callback_data="f:yes")]])
    sent = await bot.send_message(42, "<b>Fondo NASKO</b> è…", reply_markup=markup)
    assert sent.text == "<b>Fondo NASKO</b> è…" and sent.chat_id == 42
    got = server.received[-1]
    assert got["method"] == "sendMessage"
    assert got["fields"]["chat_id"] == "42"
    assert got["fields"]["text"] == "<b>Fondo NASKO</b> è…"
    assert json.loads(got["fields"]["reply_markup"]) == {
        "inline_keyboard": [[{"text": "Sì", "callback_data": "f:yes"}]]
    }
    assert "python-telegram-bot" in got["user_agent"]


async def test_files_go_as_multipart(server: Server, bot: Bot) -> None:
    document = InputFile(b"%PDF-1.4 modulo", filename="modulo.pdf")
    sent = await bot.send_document(42, document)
    assert sent.document is not None
    got = server.received[-1]
    assert got["method"] == "sendDocument" and got["fields"]["chat_id"] == "42"
    assert "modulo.pdf" in got["fields"].values()


@pytest.mark.slow  # waits for a real time-out
async def test_a_server_too_slow_to_answer_is_a_time_out(server: Server, bot: Bot) -> None:
    server.get_me_delay = 2.0
    with pytest.raises(TimedOut):
        await bot.get_me()
    # A time-out given to python-telegram-bot's method wins over the transport's default.
    me = await bot.get_me(read_timeout=5)
    assert me.username == "conc_bot"


async def test_a_server_that_is_not_there_is_a_network_error() -> None:
    port = free_port()
    request = AiohttpRequest(read_timeout=0.5, connect_timeout=0.5)
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await bot.get_me()
        assert not isinstance(caught.value, TimedOut)
    finally:
        await request.shutdown()


async def test_requests_need_initialize() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:1/ok", "POST")


def test_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    request = AiohttpRequest()
    assert request._proxy_for("https://api.telegram.org/bot1/sendMessage") == (
        "http://proxy.example:3128"
    )
    assert request._proxy_for("http://127.0.0.1:8081/bot1/getMe") is None

"""handlers/transport.py: python-telegram-bot's requests over aiohttp, against a loopback server."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from handlers.transport import AiohttpRequest


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A Bot API-like server on 127.0.0.1: /ok echoes the form, /slow answers after 2 s."""
    received: list[dict[str, Any]] = []

    async def ok(request: web.Request) -> web.Response:
        form = await request.post()
        fields = {
            key: (value.filename if isinstance(value, web.FileField) else value)
            for key, value in form.items()
        }
        received.append({"fields": fields, "user_agent": request.headers.get("User-Agent")})
        return web.json_response({"ok": True, "result": True})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/ok", ok)
    app.router.add_post("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", received
    await runner.cleanup()


@pytest.fixture
async def request_() -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(read_timeout=0.5, connect_timeout=0.5)
    await request.initialize()
    yield request
    await request.shutdown()


def form(**values: Any) -> RequestData:
    return RequestData([RequestParameter(name, value, None) for name, value in values.items()])


async def test_a_request_carries_its_parameters_as_telegram_expects(
    server: tuple[str, list[dict[str, Any]]], request_: AiohttpRequest
) -> None:
    url, received = server
    markup = {"inline_keyboard": [[{"text": "Sì", "callback_data": "f:yes"}]]}
    status, payload = await request_.do_request(
        f"{url}/ok", "POST", form(chat_id=42, text="<b>Fondo NASKO</b> è…", reply_markup=markup)
    )
    assert (status, json.loads(payload)) == (200, {"ok": True, "result": True})
    [got] = received
    assert got["fields"]["chat_id"] == "42"
    assert got["fields"]["text"] == "<b>Fondo NASKO</b> è…"
    assert json.loads(got["fields"]["reply_markup"]) == markup
    assert "python-telegram-bot" in got["user_agent"]


async def test_files_go_as_multipart(
    server: tuple[str, list[dict[str, Any]]], request_: AiohttpRequest
) -> None:
    url, received = server
    document = InputFile(b"%PDF-1.4 modulo", filename="modulo.pdf", attach=True)
    data = RequestData(
        [
            RequestParameter("chat_id", 42, None),
            RequestParameter("document", document.attach_uri, [document]),
        ]
    )
    status, _ = await request_.do_request(f"{url}/ok", "POST", data)
    assert status == 200
    fields = received[0]["fields"]
    assert fields["chat_id"] == "42"
    assert "modulo.pdf" in fields.values()


async def test_a_server_too_slow_to_answer_is_a_time_out(
    server: tuple[str, list[dict[str, Any]]], request_: AiohttpRequest
) -> None:
    url, _ = server
    with pytest.raises(TimedOut):
        await request_.do_request(f"{url}/slow", "POST", form(chat_id=1))
    # python-telegram-bot's own time-out wins over the default.
    status, _ = await request_.do_request(f"{url}/slow", "POST", form(chat_id=1), read_timeout=5)
    assert status == 200


async def test_a_server_that_is_not_there_is_a_network_error(request_: AiohttpRequest) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket is closed
    with pytest.raises(NetworkError) as caught:
        await request_.do_request(f"http://127.0.0.1:{port}/ok", "POST", form(chat_id=1))
    assert not isinstance(caught.value, TimedOut)


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

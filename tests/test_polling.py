"""getUpdates across Bot API server failures and restarts (handlers/polling.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from handlers.polling import RestartAwareUpdatesRequest

URL = "http://127.0.0.1:1/bot123:abc/getUpdates"


def update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private"},
            "text": text,
        },
    }


class Server:
    """Scripted answers to getUpdates; records the offset of each request (None: left out)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: list[list[dict[str, Any]] | Exception] = []
        self.offsets: list[int | None] = []

        async def do_request(
            request: Any, url: str, method: str, request_data: RequestData | None = None, **_: Any
        ) -> tuple[int, bytes]:
            self.offsets.append(request_data.parameters.get("offset") if request_data else None)
            answer = self.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return 200, json.dumps({"ok": True, "result": answer}).encode()

        monkeypatch.setattr(HTTPXRequest, "do_request", do_request)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Server:
    return Server(monkeypatch)


async def poll(request: RestartAwareUpdatesRequest, offset: int) -> list[dict[str, Any]]:
    data = RequestData(
        [RequestParameter("offset", offset, None), RequestParameter("timeout", 10, None)]
    )
    code, payload = await request.do_request(URL, "POST", data)
    assert code == 200
    return json.loads(payload)["result"]


async def test_a_restarted_server_that_is_empty_at_first_is_still_followed(server: Server) -> None:
    request = RestartAwareUpdatesRequest()
    server.answers = [
        [update(500, 1, "ciao")],
        NetworkError("connection refused"),  # the server goes away
        [],  # back, restarted, nobody has written yet (an emulator that does not long-poll)
        [],
        [update(1, 2, "nasko"), update(2, 3, "cresco")],  # numbered from 1 again
        [],
    ]
    assert [u["update_id"] for u in await poll(request, 0)] == [500]
    with pytest.raises(NetworkError):
        await poll(request, 501)
    assert await poll(request, 501) == []
    assert await poll(request, 501) == []
    assert [u["update_id"] for u in await poll(request, 501)] == [1, 2]
    assert await poll(request, 3) == []
    # The offset is left out from the failure until the server sends something, then used again.
    assert server.offsets == [0, 501, None, None, None, 3]


async def test_updates_answered_before_the_failure_are_not_answered_twice(server: Server) -> None:
    request = RestartAwareUpdatesRequest()
    handled = [update(500, 1, "ciao"), update(501, 2, "nasko")]
    server.answers = [
        handled,
        NetworkError("connection reset"),  # before the poll that would confirm them
        [*handled, update(502, 3, "cresco")],  # the same server: they are still unconfirmed
        [],
    ]
    assert len(await poll(request, 0)) == 2
    with pytest.raises(NetworkError):
        await poll(request, 502)
    assert [u["update_id"] for u in await poll(request, 502)] == [502]
    assert await poll(request, 503) == []
    assert server.offsets == [0, 502, None, 503]


async def test_only_old_updates_after_a_failure_are_dropped_and_polling_goes_on(
    server: Server,
) -> None:
    request = RestartAwareUpdatesRequest()
    handled = [update(500, 1, "ciao")]
    server.answers = [handled, NetworkError("timeout"), handled, [update(501, 1, "grazie")]]
    await poll(request, 0)
    with pytest.raises(NetworkError):
        await poll(request, 501)
    assert await poll(request, 501) == []  # already answered
    assert [u["update_id"] for u in await poll(request, 501)] == [501]
    assert server.offsets == [0, 501, None, 501]


async def test_a_restarted_server_reusing_recent_ids_for_new_messages_is_followed(
    server: Server,
) -> None:
    request = RestartAwareUpdatesRequest()
    server.answers = [
        [update(1, 1, "ciao"), update(2, 2, "nasko")],
        NetworkError("connection refused"),
        [update(1, 7, "quanto dà cresco?")],  # id 1 again, another person, another message
    ]
    await poll(request, 0)
    with pytest.raises(NetworkError):
        await poll(request, 3)
    fresh = await poll(request, 3)
    assert [(u["update_id"], u["message"]["chat"]["id"]) for u in fresh] == [(1, 7)]


async def test_without_failures_answers_pass_through_untouched(server: Server) -> None:
    request = RestartAwareUpdatesRequest()
    server.answers = [[update(10, 1, "a")], [update(10, 1, "a")]]
    # A server that ignores the offset and repeats itself is not second-guessed while healthy.
    assert len(await poll(request, 0)) == 1
    assert len(await poll(request, 11)) == 1
    assert server.offsets == [0, 11]

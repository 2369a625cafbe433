"""Long polling that survives a Bot API server which restarts with fresh update ids.

python-telegram-bot asks for updates from the id after the last one it saw (`offset`), which
also confirms, and so deletes, every update below it. Real Telegram keeps its ids growing, but
a test emulator or a self-hosted server that lost its state numbers updates from 1 again after
a restart: polling with the old offset would silently drop every new message.

So after a network failure the offset is left out until the server returns something: it then
returns its oldest unconfirmed updates, whatever their numbering. Each is compared with the
updates handed over recently (same id and same content): those were already answered before
the failure and are dropped (no duplicate replies); every other one is new, also when its id is
below the offset because the server started again from 1. python-telegram-bot then moves its
offset onto what it received, and polling goes on as usual.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

logger = logging.getLogger(__name__)

# Answers to getUpdates kept (unparsed) to recognise their updates if a server sends them again:
# only the last batch can be unconfirmed, a few more cost nothing.
REMEMBERED_BATCHES = 4


class RestartAwareUpdatesRequest(HTTPXRequest):
    """The request object used for getUpdates (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._after_failure = False
        self._handed_over: deque[bytes] = deque(maxlen=REMEMBERED_BATCHES)

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        offset = request_data.parameters.get("offset") if request_data is not None else None
        if not self._after_failure or request_data is None or not isinstance(offset, int):
            code, payload = await self._send(url, method, request_data, **kwargs)
            if code == 200:
                self._handed_over.append(payload)
            return code, payload
        without_offset = RequestData(
            [
                RequestParameter(name, value, None)
                for name, value in request_data.parameters.items()
                if name != "offset"
            ]
        )
        code, payload = await self._send(url, method, without_offset, **kwargs)
        updates = _updates(payload) if code == 200 else None
        if not updates:  # an error, or nothing yet: keep asking without the offset
            return code, payload
        self._after_failure = False
        handled = {
            _fingerprint(update) for batch in self._handed_over for update in _updates(batch) or ()
        }
        fresh = [update for update in updates if _fingerprint(update) not in handled]
        if any(_id(update) < offset for update in fresh):
            logger.warning(
                "the Bot API server numbers its updates from the start again "
                "(it restarted): following its new numbering"
            )
        payload = json.dumps({"ok": True, "result": fresh}).encode()
        self._handed_over.append(payload)
        return code, payload

    async def _send(
        self, url: str, method: str, request_data: RequestData | None, **kwargs: Any
    ) -> tuple[int, bytes]:
        try:
            return await super().do_request(url, method, request_data, **kwargs)
        except NetworkError:
            self._after_failure = True
            raise


def _updates(payload: bytes) -> list[dict[str, Any]] | None:
    try:
        result = json.loads(payload).get("result")
    except (ValueError, AttributeError):
        return None
    if not isinstance(result, list) or not all(isinstance(u, dict) for u in result):
        return None
    return result


def _id(update: dict[str, Any]) -> int:
    value = update.get("update_id")
    return value if isinstance(value, int) else -1


def _fingerprint(update: dict[str, Any]) -> str:
    """Id and content: a restarted server reusing an id carries another message."""
    return json.dumps(update, sort_keys=True, ensure_ascii=False)

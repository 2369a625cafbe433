"""Long polling that survives a Bot API server which restarts with fresh update ids.

python-telegram-bot asks for updates from the id after the last one it saw (`offset`), which
also confirms, and so deletes, every update below it. Real Telegram keeps its ids growing, but
a test emulator or a self-hosted server that lost its state numbers updates from 1 again after
a restart: polling with the old offset would silently drop every new message.

So the first poll after a network failure leaves the offset out: the server then returns its
oldest unconfirmed updates. If all their ids are below our offset, the server started again and
they are all new: they are handed over, and python-telegram-bot moves its offset onto them.
Otherwise the server is the same as before: updates below the offset were already handled and
are filtered out (no duplicate replies), and the next poll confirms them as usual.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

logger = logging.getLogger(__name__)


class RestartAwareUpdatesRequest(HTTPXRequest):
    """The request object used for getUpdates (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._after_failure = False

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        offset = request_data.parameters.get("offset") if request_data is not None else None
        if not self._after_failure or request_data is None or not isinstance(offset, int):
            return await self._send(url, method, request_data, **kwargs)
        without_offset = RequestData(
            [
                RequestParameter(name, value, None)
                for name, value in request_data.parameters.items()
                if name != "offset"
            ]
        )
        code, payload = await self._send(url, method, without_offset, **kwargs)
        updates = _updates(payload) if code == 200 else None
        if updates is None:
            return code, payload
        self._after_failure = False
        if updates and all(u.get("update_id", offset) < offset for u in updates):
            logger.warning(
                "the Bot API server numbers its updates from the start again "
                "(it restarted): following its new numbering"
            )
            return code, payload
        fresh = [u for u in updates if u.get("update_id", offset) >= offset]
        return code, json.dumps({"ok": True, "result": fresh}).encode()

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
    return result if isinstance(result, list) else None

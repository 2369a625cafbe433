"""python-telegram-bot's network layer on aiohttp, for the requests that send replies.

python-telegram-bot talks HTTP through a replaceable `BaseRequest`; its default uses httpx.
Measured on this bot (docs/performance.md, benchmarks/transport_cpu.py): with the flood
limiter on, as deployed, a sendMessage costs the sending thread about 1.5 ms of CPU through
this transport against about 3 ms through httpx, at the same 30 messages/s; with the limit
lifted it doubles the bot's ceiling. It costs ~9 MB of resident memory (aiohttp).

Everything above the transport is unchanged: python-telegram-bot still builds every request
and reads every answer (429 RetryAfter, error codes), and the rate limiter and retries of
handlers.delivery still wrap each call.

Exceptions are python-telegram-bot's: a time-out is `TimedOut`, any other failure to talk to
the server is `NetworkError`, as with the default transport. Proxies come from the usual
environment variables (HTTPS_PROXY...), and certificates from certifi, like httpx.
"""

from __future__ import annotations

import ssl
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import certifi
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one aiohttp session, opened by `initialize` and closed by `shutdown`."""

    __slots__ = (
        "_connect_timeout",
        "_connections",
        "_pool_timeout",
        "_proxies",
        "_read_timeout",
        "_session",
    )

    def __init__(
        self,
        connection_pool_size: int = 8,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._connections = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    def _proxy_for(self, url: str) -> str | None:
        """The proxy the environment names for this server (HTTPS_PROXY, NO_PROXY...), if any."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._proxies:
            proxy = urllib.request.getproxies().get(parts.scheme)
            if proxy and parts.hostname and urllib.request.proxy_bypass(parts.hostname):
                proxy = None
            self._proxies[key] = proxy
        return self._proxies[key]

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            context = ssl.create_default_context(cafile=certifi.where())
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, ssl=context),
                headers={"User-Agent": self.USER_AGENT},
                # Proxies are looked up once per server (`_proxy_for`): aiohttp's trust_env
                # would read the environment and ~/.netrc again on every request.
                trust_env=False,
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        # aiohttp has no time-out for sending a body (ours are a few kilobytes): `write_timeout`
        # is accepted for python-telegram-bot's interface and not used.
        read = _given(read_timeout, self._read_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None,
            # aiohttp's `connect` covers waiting for a free connection and opening one.
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout, proxy=self._proxy_for(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's ServerTimeoutError is one too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


def _given(value: Any, default: float | None) -> float | None:
    """A caller's time-out, or ours when python-telegram-bot passes its "not given" marker
    (`BaseRequest.DEFAULT_NONE`): None (no limit) and numbers are real values."""
    return value if value is None or isinstance(value, int | float) else default


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields as python-telegram-bot encodes them; multipart when files are attached."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        if isinstance(part, tuple):
            filename, content, *mime = part
            form.add_field(name, content, filename=filename, content_type=mime[0] if mime else None)
        else:
            form.add_field(name, part)
    return form

"""Several `conciliazione-bot run --webhook` processes on one PostgreSQL, behind a forwarder.

Telegram (the fake Bot API) posts every update to one webhook URL: a small round-robin
forwarder on 127.0.0.1, standing in for a reverse proxy, which sends each POST to the next
replica in turn and answers 502 when that replica is gone (so Telegram retries, as it would).
Used by tests/test_replicas.py and benchmarks/run.py.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from tests.fakebotapi import DEFAULT_TOKEN
from tests.loadgen import stop_process

ROOT = Path(__file__).resolve().parent.parent
SECRET = "replica-test-secret_0"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
START_TIMEOUT = 40.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, OSError) as error:
        return 0, str(error)


def http_post(url: str, body: bytes, secret: str = SECRET, timeout: float = 15.0) -> int:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", SECRET_HEADER: secret},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError):
        return 0


class RoundRobin:
    """A forwarder on 127.0.0.1 in its own thread: each POST goes to the next target."""

    def __init__(self, targets: list[str]) -> None:
        self.targets = targets
        self.port = free_port()
        self.log: list[tuple[int, int]] = []  # (target index, status returned)
        self._turn = itertools.count()
        self._loop = asyncio.new_event_loop()
        self._session: ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram/hook"

    def __enter__(self) -> RoundRobin:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _start(self) -> None:
        self._session = ClientSession(timeout=ClientTimeout(total=60))
        app = web.Application()
        app.router.add_post("/telegram/hook", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        index = next(self._turn) % len(self.targets)
        body = await request.read()
        headers = {
            "Content-Type": "application/json",
            SECRET_HEADER: request.headers.get(SECRET_HEADER, ""),
        }
        try:
            async with self._session.post(
                self.targets[index], data=body, headers=headers
            ) as response:
                status = response.status
        except (ClientError, TimeoutError):
            status = 502  # the replica is gone: Telegram will deliver again
        self.log.append((index, status))
        return web.Response(status=status)


@dataclass
class Replica:
    """One bot process in webhook mode."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env, "PORT": str(self.port)}
        with self.log.open("ab") as stream:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--webhook"],
                cwd=ROOT,
                env=env,
                stdout=stream,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while http_get(self.url + "/readyz", timeout=2)[0] != 200:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"replica exited:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"replica not ready:\n{self.tail()}")
            time.sleep(0.1)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    def stop(self) -> int:
        return stop_process(self.process) if self.process is not None else 0

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def metric(self, name: str, labels: str = "") -> float:
        """The value of one metric line of /metrics (0 if absent)."""
        status, body = http_get(self.url + "/metrics")
        assert status == 200, body
        wanted = f"{name}{{{labels}}}" if labels else name
        for line in body.splitlines():
            if line.startswith(wanted + " "):
                return float(line.split()[-1])
        return 0.0


def start_replicas(
    api: Any, database_url: str, folder: Path, count: int = 2, **env: str
) -> tuple[list[Replica], RoundRobin]:
    """`count` replicas and the forwarder Telegram posts to; all ready and the webhook set."""
    replicas = []
    for index in range(count):
        data = folder / f"replica-{index}"
        data.mkdir(parents=True, exist_ok=True)
        replicas.append(
            Replica(
                {
                    "BOT_TOKEN": DEFAULT_TOKEN,
                    "BOT_API_BASE_URL": api.base_url,
                    "BOT_DATA_DIR": str(data),
                    "DATABASE_URL": database_url,
                    "WEBHOOK_SECRET": SECRET,
                    "LOG_LEVEL": "INFO",
                    **env,
                },
                folder / f"replica-{index}.log",
            )
        )
    forwarder = RoundRobin([r.url + "/telegram/hook" for r in replicas])
    for replica in replicas:
        replica.env["WEBHOOK_URL"] = forwarder.url
        replica.start()
    forwarder.__enter__()
    try:
        for replica in replicas:
            replica.wait_ready()
        deadline = time.monotonic() + START_TIMEOUT
        while api.webhook.get("url") != forwarder.url:
            if time.monotonic() > deadline:
                raise TimeoutError("setWebhook never came")
            time.sleep(0.05)
    except BaseException:
        stop_all(replicas, forwarder)
        raise
    return replicas, forwarder


def stop_all(replicas: list[Replica], forwarder: RoundRobin) -> list[int]:
    codes = [replica.stop() for replica in replicas]
    forwarder.__exit__(None, None, None)
    return codes

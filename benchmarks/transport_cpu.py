"""What the aiohttp transport (handlers/transport.py) buys, with and without the flood limiter.

    python benchmarks/transport_cpu.py [--messages 600]

Sends the same replies through a python-telegram-bot `ExtBot` with the bot's own rate limiter
(handlers.delivery.RetryingRateLimiter), once over python-telegram-bot's default httpx
transport and once over ours, to the fake Bot API (tests/fakebotapi.py) running in another
thread. Prints the CPU time the sending thread spends per sendMessage (the fake server's CPU is
not counted) and the messages per second reached. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from telegram.ext import ExtBot  # noqa: E402
from telegram.request import BaseRequest, HTTPXRequest  # noqa: E402

from handlers.delivery import RetryingRateLimiter  # noqa: E402
from handlers.transport import AiohttpRequest  # noqa: E402
from tests.fakebotapi import DEFAULT_TOKEN, FakeBotApi  # noqa: E402

CHAT_ID = 1001
TRANSPORTS: dict[str, Callable[[], BaseRequest]] = {
    "httpx (python-telegram-bot's default)": lambda: HTTPXRequest(connection_pool_size=8),
    "aiohttp (handlers/transport.py)": lambda: AiohttpRequest(connection_pool_size=8),
}


async def measure(
    base_url: str, make: Callable[[], BaseRequest], rate: float, messages: int
) -> tuple[float, float]:
    """(ms of CPU per message in this thread, messages per second)."""
    bot = ExtBot(
        DEFAULT_TOKEN,
        base_url=base_url,
        request=make(),
        rate_limiter=RetryingRateLimiter(rate),
    )
    async with bot:
        await bot.send_message(CHAT_ID, "warm-up")
        cpu, wall = time.thread_time(), time.perf_counter()
        for number in range(messages):
            await bot.send_message(CHAT_ID, f"risposta {number}")
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    return cpu / messages * 1000, messages / wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600, help="messages per run")
    args = parser.parse_args(argv)
    with FakeBotApi.serve_in_thread() as api:
        api.push_message(CHAT_ID, "ciao")  # Telegram answers only chats that wrote first
        for rate, label in ((30.0, "flood limiter on (30/s, as deployed)"), (0.0, "limit lifted")):
            for name, make in TRANSPORTS.items():
                ms, per_second = asyncio.run(measure(api.base_url, make, rate, args.messages))
                print(f"{label:38} {name:38} {ms:5.2f} ms CPU/message  {per_second:6.0f} msg/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

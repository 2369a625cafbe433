"""Python's cyclic garbage collector, paused while a start makes its long-lived objects.

Importing the bot's modules, unpickling the knowledge base (bot/cache.py) and building a brain
each make tens of thousands of container objects, none of them garbage; every 700 of them the
collector ran, and now and then a full collection scanned them all again: ~30 ms of the imports
and ~40 ms of a start from the knowledge cache (docs/performance.md, "Eleventh pass"). Nothing
is lost by the pause: the first collection after it finds any cycle left behind.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, back on after it if it was on (nested or
    concurrent pauses leave it on once the first one ends)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

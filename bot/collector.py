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
def paused(keep: bool = False) -> Iterator[None]:
    """The collector off inside the block, back on after it if it was on (nested or
    concurrent pauses leave it on once the first one ends).

    `keep`: what the block made lives as long as the process (modules, the knowledge base of
    a short `ask`): it is set aside (`gc.freeze`) before the collector is back, else the first
    collection after the pause scans all of it (~10-40 ms after an import or a cache load).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if enabled:
            gc.enable()

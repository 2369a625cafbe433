"""The update gate: each update answered once, one chat at a time, across replicas (PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest

from bot.store import Store


async def test_an_update_is_answered_once_and_a_failure_leaves_it_open(store: Store) -> None:
    gate = store.update_gate()
    await gate.open()
    try:
        async with gate.claim(1, 10) as fresh:
            assert fresh
        async with gate.claim(1, 10) as fresh:
            assert not fresh, "a re-delivered update is not answered again"
        with pytest.raises(RuntimeError):
            async with gate.claim(2, 10) as fresh:
                assert fresh
                raise RuntimeError("the replica failed while answering")
        async with gate.claim(2, 10) as fresh:
            assert fresh, "an update whose handling failed is answered on re-delivery"
        assert store.update_done(1) and store.update_done(2) and not store.update_done(3)
    finally:
        await gate.close()


@pytest.mark.slow  # a PostgreSQL server
async def test_two_replicas_handle_one_chat_in_turn_and_one_update_once(pg_url: str) -> None:
    """(SQLite serves one process: there the door's own per-chat lock orders a chat.)"""
    from bot.store.postgres import PostgresStore

    store, other = PostgresStore(pg_url), PostgresStore(pg_url)
    gates = [store.update_gate(), other.update_gate()]
    for gate in gates:
        await gate.open()
    inside: list[str] = []
    answered: list[int] = []

    async def handle(gate_index: int, update_id: int, chat: int) -> None:
        async with gates[gate_index].claim(update_id, chat) as fresh:
            if not fresh:
                return
            inside.append(f"in {chat}")
            await asyncio.sleep(0.05)  # replies being sent
            inside.append(f"out {chat}")
            answered.append(update_id)

    try:
        # The same chat on both replicas, several updates: strictly one at a time.
        await asyncio.gather(*(handle(n % 2, 100 + n, 7) for n in range(6)))
        assert inside == ["in 7", "out 7"] * 6
        # The same update on both replicas at once: answered by one of them.
        answered.clear()
        await asyncio.gather(handle(0, 200, 8), handle(1, 200, 8), handle(1, 200, 8))
        assert answered == [200]
        # Different chats do not wait for each other.
        inside.clear()
        await asyncio.gather(handle(0, 300, 21), handle(1, 301, 22))
        assert inside[:2] in (["in 21", "in 22"], ["in 22", "in 21"])
    finally:
        for gate in gates:
            await gate.close()
        store.close()
        other.close()

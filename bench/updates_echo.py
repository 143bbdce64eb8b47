"""The burst that measures any bot's rate in the benchmark of updates: one text from each of
many users, all queued at once (the echo bots themselves: bench/echo_bots.py)."""

import time

from bench.updates_probe import Probe, until
from bot.emulator import FakeTelegram, FakeUser


async def burst(
    fake: FakeTelegram, probe: Probe, count: int, text: str
) -> tuple[float, list[FakeUser]]:
    """Updates answered a second: `count` users each send `text`, all queued at once; the
    clock stops when the last one's answer reaches the server."""
    users = [fake.add_user(f"Người dân {i}") for i in range(count)]
    started = time.monotonic()
    for user in users:
        user.send(text)
    await until(lambda: all(probe.sent.get(u.id) for u in users), 600, "answers")
    last = max(probe.sent[u.id][0][0] for u in users)
    return count / (last - started), users

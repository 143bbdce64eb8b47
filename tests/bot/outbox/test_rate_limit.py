"""The outbox's rate limiter on its own: sliding windows counted from the answers."""

import asyncio
import time

import pytest

from bot.outbox.rate_limit import Limits, RateLimiter, Window


def test_a_window_frees_a_slot_a_period_after_the_answer() -> None:
    window = Window(2, 1.0)
    window.done.extend([10.0, 10.5])
    assert window.wait(10.6) == pytest.approx(0.4)
    assert window.wait(11.0) == 0.0  # the first answer is a full period old
    window.done.append(11.0)
    assert window.wait(11.2) == pytest.approx(0.3)
    window.in_flight = 2
    assert window.wait(12.0) is None, "only an answer frees a slot"


def test_room_in_the_next_minute_for_a_group_and_a_person() -> None:
    limiter = RateLimiter(clock=lambda: 100.0)
    assert limiter.room(-42) == 20
    assert limiter.room(42) == 60


async def _calls(limiter: RateLimiter, chat_id: int, count: int, log: list[float]) -> None:
    for _ in range(count):
        async with limiter.slot(chat_id):
            log.append(time.monotonic())


async def test_no_window_ever_holds_more_than_its_limit() -> None:
    limiter = RateLimiter(Limits(overall=(5, 0.2), private=((2, 0.1),), group=((3, 0.3),)))
    log: dict[int, list[float]] = {chat: [] for chat in (1, 2, 3, -1)}
    started = time.monotonic()
    await asyncio.gather(*(_calls(limiter, chat, 4, log[chat]) for chat in log))
    everything = sorted(t for times in log.values() for t in times)
    for times, limit, period in [(everything, 5, 0.2), (log[1], 2, 0.1), (log[-1], 3, 0.3)]:
        for i in range(limit, len(times)):
            assert times[i] - times[i - limit] >= period * 0.99
    assert time.monotonic() - started < 1.5, "no more waiting than the limits require"


async def test_a_flood_pauses_the_chat_and_a_second_one_pauses_everyone() -> None:
    limiter = RateLimiter()
    limiter.flooded(7, 0.2)
    started = time.monotonic()
    async with limiter.slot(8):
        assert time.monotonic() - started < 0.1, "another chat is not held up by one flood"
    async with limiter.slot(7):
        assert time.monotonic() - started >= 0.19
    limiter.flooded(7, 0.2)
    limiter.flooded(9, 0.2)
    started = time.monotonic()
    async with limiter.slot(10):
        assert time.monotonic() - started >= 0.19, "two chats flooded: the bot as a whole waits"

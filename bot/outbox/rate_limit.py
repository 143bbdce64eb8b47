"""Telegram's sending limits, kept on our side so the Bot API rarely has to refuse us.

Sliding windows, as Telegram (and the fake server) count: at most `limit` calls in any
`period`. A call occupies its slot from the moment it starts until `period` after its
answer came back. Telegram counted the call somewhere in between, so counting from the
answer is never too early however late the network delivered the request: the windows
cannot overlap on Telegram's side, at the price of one round trip per window.
"""

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

Rate = tuple[int, float]  # (calls, seconds)
SPARE_WAIT = 5.0  # seconds a spare call may wait for a short window


@dataclass(frozen=True)
class Limits:
    overall: Rate = (30, 1.0)  # per bot
    private: tuple[Rate, ...] = ((3, 3.0),)  # ~1 a second per person, bursts of 3
    group: tuple[Rate, ...] = ((20, 60.0), (3, 3.0))  # 20 a minute, no more than 3 at once
    # of each group window, the calls only the outbox may take: what handlers answer in a
    # group (`spare_slot`) never holds back a card
    group_kept: tuple[int, ...] = (10, 0)


class Window:
    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.in_flight = 0
        self.done: deque[float] = deque()  # when the answers came, oldest first

    def _prune(self, now: float) -> None:
        while self.done and self.done[0] + self.period <= now:
            self.done.popleft()

    def wait(self, now: float) -> float | None:
        """Seconds until a slot is free; None: only when a call in flight finishes."""
        self._prune(now)
        excess = self.in_flight + len(self.done) - self.limit + 1
        if excess <= 0:
            return 0.0
        if excess > len(self.done):
            return None
        return self.done[excess - 1] + self.period - now

    def spare(self, now: float, kept: int) -> bool:
        """Whether one more call leaves `kept` calls free."""
        self._prune(now)
        return self.in_flight + len(self.done) + 1 + kept <= self.limit

    def room(self, now: float, horizon: float) -> int:
        """How many more calls fit in the next `horizon` seconds."""
        self._prune(now)
        return int(self.limit * max(horizon / self.period, 1)) - self.in_flight - len(self.done)

    def idle(self, now: float) -> bool:
        self._prune(now)
        return not self.in_flight and not self.done


class RateLimiter:
    """`async with limiter.slot(chat_id): <one Bot API call>` waits until every limit it
    falls under has room. Groups and channels have negative ids."""

    def __init__(self, limits: Limits | None = None, clock: Callable[[], float] = time.monotonic):
        self.limits = limits or Limits()
        self.clock = clock
        self._overall = Window(*self.limits.overall)
        self._chats: dict[int, list[Window]] = {}
        self._paused: dict[int | None, float] = {}  # None: every chat
        self._last_flood: tuple[int, float] | None = None
        self._changed = asyncio.Event()
        self._calls = 0
        self._queued: dict[int, int] = {}  # calls to a chat waiting in `slot`

    def _chat_windows(self, chat_id: int) -> list[Window]:
        windows = self._chats.get(chat_id)
        if windows is None:
            rates = self.limits.group if chat_id < 0 else self.limits.private
            windows = self._chats[chat_id] = [Window(*rate) for rate in rates]
        return windows

    def _delay(self, chat_id: int, windows: list[Window]) -> float | None:
        now = self.clock()
        delays: list[float | None] = [w.wait(now) for w in windows]
        delays.append(self._paused.get(chat_id, 0.0) - now)
        delays.append(self._paused.get(None, 0.0) - now)
        if None in delays:
            return None
        return max(d for d in delays if d is not None)

    @asynccontextmanager
    async def slot(self, chat_id: int, *, edit: bool = False) -> AsyncIterator[None]:
        """One call to `chat_id`. Edits count against the overall limit only."""
        windows = [self._overall] if edit else [self._overall, *self._chat_windows(chat_id)]
        waiting = 0 if edit else 1  # spare calls to the chat wait for this one (spare_slot)
        self._queued[chat_id] = self._queued.get(chat_id, 0) + waiting
        try:
            while (delay := self._delay(chat_id, windows)) is None or delay > 0:
                changed = self._changed
                with suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), timeout=delay)
        finally:
            self._queued[chat_id] -= waiting
            if not self._queued[chat_id]:
                del self._queued[chat_id]
        async with self._counted(windows):
            yield

    @asynccontextmanager
    async def spare_slot(self, chat_id: int) -> AsyncIterator[bool]:
        """A call that must not take the outbox's place (a handler's answer in a group).
        True, and counted like `slot`, when it leaves the chat's windows the share kept for
        the outbox (`Limits.group_kept`) and no `slot` call to the chat is waiting: it waits
        (SPARE_WAIT at most) for the short windows, as `slot` does, and for the outbox's
        waiting calls to go first. False, counting nothing, when that share is used up,
        Telegram asked to wait, or the wait would be longer."""
        windows = [self._overall, *self._chat_windows(chat_id)]
        kept = [0, *(self.limits.group_kept if chat_id < 0 else ())]
        kept += [0] * (len(windows) - len(kept))
        loop = asyncio.get_running_loop()
        give_up = loop.time() + SPARE_WAIT
        while True:
            now = self.clock()
            paused = max(self._paused.get(chat_id, 0.0), self._paused.get(None, 0.0)) > now
            shared = all(w.spare(now, k) for w, k in zip(windows, kept, strict=True) if k)
            left = give_up - loop.time()
            if paused or not shared or left <= 0:
                yield False
                return
            delay = self._delay(chat_id, windows)
            if delay is not None and delay <= 0 and not self._queued.get(chat_id):
                break
            changed = self._changed
            timeout = min(left, delay) if delay is not None and delay > 0 else left
            with suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), timeout=timeout)
        async with self._counted(windows):
            yield True

    @asynccontextmanager
    async def _counted(self, windows: list[Window]) -> AsyncIterator[None]:
        for window in windows:
            window.in_flight += 1
        try:
            yield
        finally:
            now = self.clock()
            for window in windows:
                window.in_flight -= 1
                window.done.append(now)
            self._changed.set()
            self._changed = asyncio.Event()
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        self._calls += 1
        if self._calls % 512:
            return
        for chat_id in [c for c, ws in self._chats.items() if all(w.idle(now) for w in ws)]:
            del self._chats[chat_id]
        self._paused = {k: t for k, t in self._paused.items() if t > now}

    def flooded(self, chat_id: int, retry_after: float) -> None:
        """Telegram answered 429: this chat waits; when a second chat hears the same within
        that time, the limit is the bot's as a whole and every chat waits."""
        now = self.clock()
        until = now + retry_after
        self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), until)
        last = self._last_flood
        if last is not None and last[0] != chat_id and last[1] > now:
            self._paused[None] = max(self._paused.get(None, 0.0), until)
        self._last_flood = (chat_id, until)

    def room(self, chat_id: int, horizon: float = 60.0) -> int:
        """How many messages `chat_id` can still take in the next `horizon` seconds."""
        now = self.clock()
        return min(w.room(now, horizon) for w in self._chat_windows(chat_id))

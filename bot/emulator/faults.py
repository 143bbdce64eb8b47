"""Fault injection: scripted failures and an optional flood-control limiter."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bot.emulator.errors import DEFAULT_DESCRIPTIONS, ApiError

POLLING = "getupdates"


@dataclass
class Fault:
    method: str | None  # lower-case; None matches every method except getUpdates
    status: int
    retry_after: int
    remaining: int
    description: str | None

    def matches(self, method: str) -> bool:
        return self.method == method if self.method else method != POLLING

    def error(self) -> ApiError:
        if self.status == 429:
            text = self.description or f"Too Many Requests: retry after {self.retry_after}"
            return ApiError(429, text, {"retry_after": self.retry_after})
        return ApiError(
            self.status, self.description or DEFAULT_DESCRIPTIONS.get(self.status, "Error")
        )


class Faults:
    """Failures queued by tests, consumed by the calls they match, in order."""

    def __init__(self) -> None:
        self._queue: list[Fault] = []
        self.limiter: RateLimiter | None = None

    def add(
        self, method: str | None, status: int, retry_after: int, count: int, description: str | None
    ) -> None:
        if count < 1:
            raise ValueError("count must be at least 1")
        self._queue.append(
            Fault(method.lower() if method else None, status, retry_after, count, description)
        )

    def take(self, method: str) -> ApiError | None:
        for fault in self._queue:
            if fault.matches(method):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._queue.remove(fault)
                return fault.error()
        return None

    def clear(self) -> None:
        self._queue.clear()
        self.limiter = None

    @property
    def pending(self) -> int:
        return sum(fault.remaining for fault in self._queue)


class RateLimiter:
    """Sliding windows: overall per second, per chat per second, per group per minute."""

    def __init__(
        self,
        per_second: int | None,
        per_chat_per_second: int | None,
        per_group_per_minute: int | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = (per_second, per_chat_per_second, per_group_per_minute)
        self.clock = clock
        self._windows: dict[object, deque[float]] = {}

    def _over(self, key: object, limit: int | None, span: float, now: float) -> float | None:
        if limit is None:
            return None
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - span:
            window.popleft()
        return window[0] + span - now if len(window) >= limit else None

    def check(self, chat_id: object, is_group: bool) -> ApiError | None:
        """None and the call is counted, or a 429 telling when to retry."""
        now = self.clock()
        overall, per_chat, per_group = self.limits
        checks = [("all", overall, 1.0), (("chat", chat_id), per_chat, 1.0)]
        if is_group:
            checks.append((("group", chat_id), per_group, 60.0))
        waits = [w for key, limit, span in checks if (w := self._over(key, limit, span, now))]
        if waits:
            seconds = max(1, math.ceil(max(waits)))
            return ApiError(
                429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
            )
        for key, limit, _ in checks:
            if limit is not None:
                self._windows[key].append(now)
        return None

"""How often one address may do a thing (file a case, look one up), counted in this process:
a sliding window per key. Behind several web processes each counts its own share, so the
limit a resident meets is at most the process count times this; the per-phone limit is
counted in the database (web/resident/filing.py)."""

import time
from collections import deque
from collections.abc import Callable


class Limiter:
    def __init__(
        self, count: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.count = count
        self.seconds = seconds
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = self._clock()
        if len(self._seen) > 50_000:  # forget the quiet ones rather than grow without end
            self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - self.seconds}
        times = self._seen.setdefault(key, deque())
        while times and times[0] <= now - self.seconds:
            times.popleft()
        if len(times) >= self.count:
            return False
        times.append(now)
        return True

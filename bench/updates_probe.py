"""What the benchmark of updates sees at the fake: when each call reached it."""

import asyncio
import time
from collections import defaultdict
from typing import Any

from bot.emulator import FakeTelegram


class Stamped(list[tuple[str, dict[str, Any]]]):
    """The fake's call log, with the moment each call arrived (before the fake handles it)."""

    def __init__(self, probe: "Probe") -> None:
        super().__init__()
        self.probe = probe

    def append(self, item: tuple[str, dict[str, Any]]) -> None:
        super().append(item)
        self.probe.seen(item[0], item[1], time.monotonic())


class Probe:
    """sendMessage per chat and answerCallbackQuery per callback, with arrival times."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.sent: dict[int, list[tuple[float, str]]] = defaultdict(list)
        self.answered: dict[str, float] = {}
        self.replies = 0
        self.last = time.monotonic()
        fake.state.calls = Stamped(self)

    def seen(self, method: str, params: dict[str, Any], at: float) -> None:
        if method != "getUpdates":
            self.last = at
        if method == "sendMessage" and "chat_id" in params:
            self.sent[int(params["chat_id"])].append((at, str(params.get("text", ""))))
            self.replies += 1
        elif method == "answerCallbackQuery":
            self.answered[str(params.get("callback_query_id"))] = at
            self.replies += 1

    def first_to(self, chat_id: int, containing: str = "", after: float = 0.0) -> float | None:
        for at, text in self.sent.get(chat_id, ()):
            if at >= after and containing in text:
                return at
        return None


async def until(check: Any, timeout: float, what: str) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not done within {timeout:.0f} s")
        await asyncio.sleep(0.01)


async def quiet(probe: Probe, seconds: float = 2.0) -> None:
    """Until the bot has called nothing but getUpdates for `seconds` (the outbox drained)."""
    await until(lambda: time.monotonic() - probe.last > seconds, 600, "the outbox drains")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0.5 → median); values in seconds."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])

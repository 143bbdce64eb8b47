"""The getUpdates queue: confirmation by offset, redelivery, long polling, 409 on overlap."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.emulator.errors import CONFLICT_POLL, ApiError

DEFAULT_EXCLUDED = {"chat_member", "message_reaction", "message_reaction_count"}
_WAKE, _CONFLICT, _CLOSED = "wake", "conflict", "closed"


def update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    """Updates not yet confirmed, in order; one long poll may wait at a time."""

    def __init__(self, first_update_id: int = 100_000_001) -> None:
        self._pending: list[dict[str, Any]] = []
        self._next_id = first_update_id
        self._waiter: asyncio.Future[str] | None = None
        self._closed = False
        self.allowed: set[str] | None = None  # None: Telegram's default set
        self.delivered: list[dict[str, Any]] = []  # every update ever handed out, first time

    @property
    def pending(self) -> list[dict[str, Any]]:
        return list(self._pending)

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_id, **body}
        self._next_id += 1
        self._pending.append(update)
        self._wake(_WAKE)
        return update

    def requeue(self, update: dict[str, Any]) -> None:
        """Deliver a confirmed update again with its own id (as Telegram may, when it did
        not see the confirmation)."""
        self._pending.append(dict(update))
        self._pending.sort(key=lambda u: u["update_id"])
        self._wake(_WAKE)

    def drop_all(self) -> None:
        self._pending.clear()

    def close(self) -> None:
        self._closed = True
        self._wake(_CLOSED)

    def _wake(self, outcome: str) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(outcome)

    def set_allowed(self, allowed: list[str] | None) -> None:
        """`allowed_updates` persists between calls; an empty list restores the default."""
        if allowed is None:
            return
        self.allowed = set(allowed) if allowed else None

    def _wanted(self, update: dict[str, Any]) -> bool:
        kind = update_type(update)
        return kind in self.allowed if self.allowed is not None else kind not in DEFAULT_EXCLUDED

    def confirm(self, offset: int) -> None:
        if offset < 0:
            self._pending = self._pending[offset:]
        elif offset:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` unconfirmed updates; unwanted types are discarded as Telegram does."""
        self._pending = [u for u in self._pending if self._wanted(u)]
        batch = self._pending[:limit]
        seen = {u["update_id"] for u in self.delivered}
        self.delivered.extend(u for u in batch if u["update_id"] not in seen)
        return batch

    async def poll(self, offset: int, limit: int, seconds: float) -> list[dict[str, Any]]:
        self._wake(_CONFLICT)  # an earlier getUpdates still waiting is terminated
        self.confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            batch = self.take(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closed:
                return batch
            waiter: asyncio.Future[str] = loop.create_future()
            self._waiter = waiter
            try:
                outcome = await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                return []
            finally:
                if self._waiter is waiter:
                    self._waiter = None
            if outcome == _CONFLICT:
                raise ApiError(409, CONFLICT_POLL)

"""Processes stored updates: one chat's in the order they came, different chats at once."""

import asyncio
import contextlib
import logging

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from bot import update_transaction
from bot.inbox import LEASE, Inbox

log = logging.getLogger(__name__)


class UpdateRunner:
    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        inbox: Inbox,
        *,
        concurrency: int = 8,  # below the connection pool: each update holds one
    ) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        self.inbox = inbox
        self._slots = asyncio.Semaphore(concurrency)
        self._last_of_chat: dict[int | None, asyncio.Task[None]] = {}
        self._queued: set[int] = set()
        self._in_flight: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._renewer: asyncio.Task[None] | None = None

    @property
    def queued(self) -> frozenset[int]:
        return frozenset(self._queued)

    def submit(
        self,
        update_id: int,
        chat_id: int | None,
        *,
        steal: bool = False,
        update: Update | None = None,
    ) -> None:
        """Process a stored update after the chat's earlier ones. `steal`: take it even if
        leased (a single poller recovering what its previous run left). `update`: the update
        as it arrived, when at hand, so its stored copy need not be parsed again."""
        if update_id in self._queued:
            return
        self._queued.add(update_id)
        previous = self._last_of_chat.get(chat_id) if chat_id is not None else None
        task = asyncio.create_task(self._run(update_id, previous, steal, update))
        self._tasks.add(task)
        if chat_id is not None:
            self._last_of_chat[chat_id] = task

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            self._queued.discard(update_id)
            if chat_id is not None and self._last_of_chat.get(chat_id) is finished:
                del self._last_of_chat[chat_id]

        task.add_done_callback(done)
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.create_task(self._renew_leases())

    async def _run(
        self,
        update_id: int,
        previous: asyncio.Task[None] | None,
        steal: bool,
        arrived: Update | None,
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        async with self._slots:
            try:
                payload = await self.inbox.claim(update_id, steal=steal)
            except Exception:
                log.exception("update %s: could not claim it; it stays in the inbox", update_id)
                return
            if payload is None:
                return  # done already, or another worker has it
            self._in_flight.add(update_id)
            error: str | None = None
            outcome = update_transaction.watch_outcome()
            try:
                update = arrived or Update.model_validate(payload, context={"bot": self.bot})
                await self.dispatcher.feed_update(self.bot, update)
            except Exception as exc:  # the error handlers answered what they could
                log.exception("update %s failed", update_id)
                error = type(exc).__name__
            finally:
                self._in_flight.discard(update_id)
            if outcome.marked_done:
                return  # the handler's own commit said so
            try:
                await self.inbox.finish(update_id, error=error)
            except Exception:
                log.exception("update %s: could not mark it done", update_id)

    async def _renew_leases(self) -> None:
        while self._tasks:
            await asyncio.sleep(LEASE.total_seconds() / 4)
            try:
                await self.inbox.renew(set(self._in_flight))
            except Exception:
                log.exception("could not renew the leases of the updates in progress")

    async def drain(self) -> None:
        """Wait for everything submitted (graceful shutdown)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer

"""Processes stored updates: one chat's in the order they came, different chats at once."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from bot.updates import transaction as update_transaction
from bot.updates.inbox import LEASE, MAX_ATTEMPTS, Claim, Inbox
from bot.updates.transient import passing_database_fault

log = logging.getLogger(__name__)

INBOX_RETRY_SECONDS = (0.5, 2.0, 5.0)
T = TypeVar("T")
RETRY_SECONDS = 1.0  # after a passing database fault: 1 s, 2 s, 4 s…
EARLIER_POLL_SECONDS = (0.01, 0.02, 0.05, 0.1, 0.2)  # then every 0.2 s


class UpdateRunner:
    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        inbox: Inbox,
        *,
        concurrency: int = 8,  # below the connection pool: each update holds one
        shared: bool = False,
    ) -> None:
        """`shared`: other processes take updates from the same inbox (webhook mode behind
        a load balancer), so a chat's earlier update may be in another process's hands."""
        self.bot = bot
        self.shared = shared
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
        claimed: bool = False,
    ) -> None:
        """Process a stored update after the chat's earlier ones. `steal`: take it even if
        leased (a single poller recovering what its previous run left). `update`: the update
        as it arrived, when at hand, so its stored copy need not be parsed again.
        `claimed`: with `update`, stored with this worker's lease (`Inbox.store(claim=True)`)."""
        if update_id in self._queued:
            return
        self._queued.add(update_id)
        previous = self._last_of_chat.get(chat_id) if chat_id is not None else None
        first = Claim(payload=None, attempts=1) if claimed and update is not None else None
        if first is not None:
            self._in_flight.add(update_id)  # its lease is renewed while it waits its turn
        task = asyncio.create_task(self._run(update_id, chat_id, previous, steal, update, first))
        self._tasks.add(task)
        if chat_id is not None:
            self._last_of_chat[chat_id] = task

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            self._queued.discard(update_id)
            self._in_flight.discard(update_id)
            if chat_id is not None and self._last_of_chat.get(chat_id) is finished:
                del self._last_of_chat[chat_id]

        task.add_done_callback(done)
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.create_task(self._renew_leases())

    async def _run(
        self,
        update_id: int,
        chat_id: int | None,
        previous: asyncio.Task[None] | None,
        steal: bool,
        arrived: Update | None,
        claim: Claim | None,
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        if self.shared and chat_id is not None:
            await self._after_earlier_elsewhere(update_id, chat_id)
        async with self._slots:
            if claim is None:
                claim = await self._claim(update_id, steal)
            while claim is not None:
                self._in_flight.add(update_id)  # its lease is renewed, even while it waits
                try:
                    if not await self._process(update_id, claim, arrived):
                        return
                    await asyncio.sleep(RETRY_SECONDS * 2 ** (claim.attempts - 1))
                finally:
                    self._in_flight.discard(update_id)
                claim = await self._claim(update_id, steal=True)  # the lease is its own

    async def _after_earlier_elsewhere(self, update_id: int, chat_id: int) -> None:
        """Wait while another process still works on an earlier update of the chat. A
        resident taps the button of a question the moment it arrives, and the tap may reach
        this process while the one that asked has not yet committed what the tap needs.
        Not for an update this process has queued itself (recovery found it late: waiting
        for it would wait forever), nor longer than a lease (its process died; recovery
        takes it over)."""
        deadline = time.monotonic() + LEASE.total_seconds()
        pauses = iter(EARLIER_POLL_SECONDS)
        while time.monotonic() < deadline:
            try:
                earlier = await self.inbox.earlier_undone(chat_id, update_id)
            except Exception as exc:
                log.warning(
                    "update %s: could not look for earlier ones (%s)", update_id, type(exc).__name__
                )
                earlier = [-1]  # ask again after a pause
            if not set(earlier) - self._queued:
                return
            await asyncio.sleep(next(pauses, EARLIER_POLL_SECONDS[-1]))
        log.warning("update %s: an earlier update of its chat is still not done", update_id)

    async def _claim(self, update_id: int, steal: bool) -> Claim | None:
        """None when it is done already, another worker has it, or the database keeps
        refusing (then the recovery loop submits it again later)."""
        return await self._persist(
            "claim it", update_id, lambda: self.inbox.claim(update_id, steal=steal)
        )

    @staticmethod
    async def _persist(what: str, update_id: int, write: Callable[[], Awaitable[T]]) -> T | None:
        """An inbox write, tried again a few times while the database refuses it (None if
        it never succeeded: the update stays in the inbox for the recovery loop)."""
        for delay in (*INBOX_RETRY_SECONDS, None):
            try:
                return await write()
            except Exception as exc:
                if delay is None:
                    log.exception("update %s: could not %s; it stays in the inbox", update_id, what)
                    return None
                log.warning(
                    "update %s: could not %s (%s); trying again in %s s",
                    update_id,
                    what,
                    type(exc).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
        return None

    async def _process(self, update_id: int, claim: Claim, arrived: Update | None) -> bool:
        """Feeds the update to the dispatcher; True when a passing database fault means it
        should be tried again."""
        error: str | None = None
        outcome = update_transaction.watch_outcome(
            may_retry=claim.attempts < MAX_ATTEMPTS, again=claim.attempts > 1
        )
        try:
            update = arrived or Update.model_validate(claim.payload, context={"bot": self.bot})
            await self.dispatcher.feed_update(self.bot, update)
        except Exception as exc:  # the error handlers answered what they could
            if outcome.may_retry and not outcome.marked_done and passing_database_fault(exc):
                log.warning(
                    "update %s: %s (attempt %s); trying it again",
                    update_id,
                    type(exc).__name__,
                    claim.attempts,
                )
                return True
            log.exception("update %s failed", update_id)
            error = type(exc).__name__
        if outcome.marked_done:
            return False  # the handler's own commit said so
        await self._persist(
            "mark it done", update_id, lambda: self.inbox.finish(update_id, error=error)
        )
        return False

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

"""Sends what the outbox holds: the lanes an update wrote to start as soon as it commits
(`wake(lanes_written(session))`), and a sweep finds the rest: what this process wrote
otherwise, and, every second, rows written by other processes (the CLI, the scheduler,
other webhook processes); on PostgreSQL those signal the sender at once
(`bot.outbox.signal`).

One process sends, however many share the database: the one holding the outbox lock
(`scheduler.lock.outbox_lock`); the others stand by and take over within seconds if it
stops. Two senders would each send every message, and Telegram's limits are the bot's.

Each recipient has a lane: a task that sends that recipient's messages one after another,
oldest first, so one chat's messages keep their order while up to MAX_LANES chats are
served at once and a slow or flooded chat holds up no other. Every Bot API call passes
the rate limiter (30/s overall, ~1/s per person, 20/min per group); how one message is
delivered, retried or parked is `bot.outbox.delivery`.

At least once: a part is marked sent only after Telegram confirmed it, so a crash can
repeat only the parts that were in flight (at most one per lane)."""

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Any

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outbox import queries as queries
from bot.outbox.delivery import Courier, RetryPolicy
from bot.outbox.queries import MAX_LANES
from bot.outbox.replies import OUTBOX_CALL
from bot.outbox.signal import OutboxSignal
from config.context import AppContext
from models import DeliveryStatus, Notification, RecipientKind
from scheduler.lock import LeaderLock

__all__ = ["MAX_LANES", "Outbox", "RetryPolicy"]

log = logging.getLogger(__name__)

IDLE_SWEEP_SECONDS = 1.0  # how late a message written by another process may start
STANDBY_SECONDS = 2.0  # a process that does not send asks for the lock this often
KEEP_SECONDS = 10.0  # the sender checks this often that it still holds the lock
LANE_LINGER_SECONDS = 5.0  # a lane waits this long for its next message to fall due
STOP_GRACE_SECONDS = 3.0
# A wake-up that names no lane asks for a sweep; under load the sweeps are spaced this far
# apart (a sweep groups all pending messages), while a lone wake-up is answered at once.
SWEEP_GAP_SECONDS = 0.05

LaneKey = tuple[RecipientKind, int | None, int]  # recipient kind, recipient id, commune


def _key(notification: Any) -> LaneKey:
    return (notification.recipient_kind, notification.recipient_id, notification.commune_id)


_WRITTEN = "outbox_lanes_written"
_NOTIFICATION_MAPPER = inspect(Notification)
_BULK = "outbox_written_in_bulk"


@event.listens_for(Session, "after_flush")
def _note_lanes(session: Session, _context: Any) -> None:
    rows = (*session.new, *session.dirty)
    keys = {_key(row) for row in rows if isinstance(row, Notification)}
    if keys:
        session.info.setdefault(_WRITTEN, set()).update(keys)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state: ORMExecuteState) -> None:
    """e.g. the cards that waited for a staff group fall due (services.people.staff)."""
    if (state.is_insert or state.is_update) and state.bind_mapper is _NOTIFICATION_MAPPER:
        state.session.info[_BULK] = True


def lanes_written(session: AsyncSession) -> set[LaneKey] | None:
    """The lanes of the messages the session has written or changed since last asked (a
    rolled-back one's too: its lane finds nothing and ends); None when it also changed the
    outbox with a statement that names no row (a sweep finds those)."""
    info = session.sync_session.info
    keys: set[LaneKey] = info.pop(_WRITTEN, set())
    return None if info.pop(_BULK, False) else keys


class Outbox(Courier):
    def __init__(
        self,
        bot: Bot,
        ctx: AppContext,
        i18n: I18n,
        lock: LeaderLock | None = None,
        signal: OutboxSignal | None = None,
    ) -> None:
        super().__init__(bot, ctx, i18n)
        self._signal = signal
        self._running = False  # run() is sending or standing by
        self._wakeup = asyncio.Event()
        self._stopped = asyncio.Event()
        self._lanes: dict[LaneKey, asyncio.Task[None]] = {}
        self._again: set[LaneKey] = set()  # running lanes asked for after their last look
        self._refused = False  # a lane could not start (MAX_LANES): a lane's end sweeps
        self._lock = lock
        self._sending = lock is None
        self._checked = -STANDBY_SECONDS  # when the lock was last asked for, or checked

    @property
    def sending(self) -> bool:
        """Whether this process is the one sending the outbox (it holds the lock)."""
        return self._sending

    def wake(self, lanes: Iterable[LaneKey] | None = None) -> None:
        """This process may have written to the outbox. `lanes`: the recipients it wrote
        to, known from its session (`lanes_written`; empty: it wrote nothing, None: not
        known). The sender starts their lanes at once, without waiting for a sweep."""
        if lanes is not None:
            lanes = list(lanes)
            if not lanes:
                return
        if not (self._running and self._sending):
            self._wakeup.set()
            if self._signal is not None and not self._sending:
                self._signal.poke()
            return
        if lanes is None or not all([self._start_lane(key) for key in lanes]):
            self._wakeup.set()

    def stop(self) -> None:
        self._stopped.set()
        self._wakeup.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        listening = (
            asyncio.create_task(self._signal.listen(self._wakeup.set), name="outbox signal")
            if self._signal is not None
            else None
        )
        self._running = True
        try:
            while not self._stopped.is_set():
                self._wakeup.clear()
                swept = loop.time()
                try:
                    delay = await self._dispatch() if await self._holds_lock() else STANDBY_SECONDS
                except Exception:
                    log.exception("outbox sweep failed; retrying shortly")
                    delay = IDLE_SWEEP_SECONDS
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=delay)
                gap = SWEEP_GAP_SECONDS - (loop.time() - swept)
                if gap > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stopped.wait(), timeout=gap)
            await self._end_lanes()
        finally:
            self._running = False
            if listening is not None:
                listening.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listening
            if self._signal is not None:
                await self._signal.close()
            if self._lock is not None and self._sending:
                self._sending = False
                await self._lock.release()

    async def _holds_lock(self) -> bool:
        """Whether this process sends: it takes the lock when free, and checks now and then
        that it still holds it (a PostgreSQL connection can be lost)."""
        if self._lock is None:
            return True
        now = asyncio.get_running_loop().time()
        if not self._sending:
            if now - self._checked < STANDBY_SECONDS:
                return False  # every update wakes the outbox; the lock is asked for less often
            self._checked = now
            if await self._lock.acquire():
                log.info("outbox: this process sends the messages")
                self._sending = True
        elif now - self._checked >= KEEP_SECONDS:
            self._checked = now
            if not await self._lock.keep():
                log.warning("outbox: lost the lock; another process sends, standing by")
                self._sending = False
        return self._sending

    async def deliver_due(self) -> int:
        """Sends everything due now and waits until it is done; returns how many lanes ran
        (none in a process that does not hold the outbox lock)."""
        started = 0
        while not self._stopped.is_set() and await self._holds_lock():
            before = set(self._lanes)
            await self._dispatch()
            new = set(self._lanes) - before
            if not self._lanes:
                break
            started += len(new)
            await asyncio.wait(list(self._lanes.values()), return_when=asyncio.FIRST_COMPLETED)
        return started

    async def _end_lanes(self) -> None:
        lanes = list(self._lanes.values())
        if lanes:
            _, running = await asyncio.wait(lanes, timeout=STOP_GRACE_SECONDS)
            for task in running:  # waiting for a rate limit or a backoff
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _dispatch(self) -> float:
        """Starts a lane for each recipient whose oldest pending message is due; returns
        the seconds until the next one falls due (or the idle sweep)."""
        self._refused = False
        now = self.ctx.clock.now()
        async with self.ctx.sessions() as session:
            due = (await session.exec(queries.DUE_HEADS, params={"now": now})).all()
            later = (await session.exec(queries.NEXT_DUE, params={"now": now})).first()
            await session.commit()
        for row in due:
            if not self._start_lane(_key(row)):
                break
        if later is None:
            return IDLE_SWEEP_SECONDS
        return min(max((later - now).total_seconds(), 0.0), IDLE_SWEEP_SECONDS)

    def _start_lane(self, key: LaneKey) -> bool:
        """True when the recipient's lane runs (it was running, or starts now)."""
        if key in self._lanes:
            self._again.add(key)
            return True
        if len(self._lanes) >= MAX_LANES or self._stopped.is_set():
            self._refused = True
            return False
        self._lanes[key] = asyncio.create_task(self._lane(key), name=f"outbox lane {key}")
        return True

    async def _lane(self, key: LaneKey) -> None:
        """One recipient's messages, strictly in order: the oldest pending goes first, and
        one waiting for a retry holds back those behind it. The head is read and delivered
        in one session; a lane that sent its last message ends without asking again, unless
        it was asked for since its last look (`_start_lane`). A lane that ends with messages
        left (waiting long, failing, stopping) wakes a sweep, as does any lane's end after
        one could not start for want of room."""
        OUTBOX_CALL.set(True)  # this task's own context: its sends are the outbox's
        kind, recipient_id, commune_id = key
        heads_query = queries.GROUP_LANE_HEADS if recipient_id is None else queries.LANE_HEADS
        params = {"kind": kind, "recipient_id": recipient_id, "commune_id": commune_id}
        drained = False
        try:
            while self._sending and not self._stopped.is_set():
                failed: tuple[int, str] | None = None
                self._again.discard(key)  # what was written before this look, it finds
                async with self.ctx.sessions() as session:
                    heads = (await session.exec(heads_query, params=params)).all()
                    if not heads:
                        drained = True
                        return
                    head = heads[0]
                    assert head.id is not None
                    wait = (head.next_attempt_at - self.ctx.clock.now()).total_seconds()
                    if wait > LANE_LINGER_SECONDS:
                        return  # the dispatcher comes back when it is due
                    if wait > 0:
                        await session.commit()  # no transaction held while it waits
                    else:
                        try:
                            await self.deliver(session, head)
                        except Exception as exc:  # a bug or the database: retried, then parked
                            log.exception("outbox %s could not be delivered", head.id)
                            failed = (head.id, repr(exc))
                            await session.rollback()
                        else:
                            if len(heads) == 1 and head.status is not DeliveryStatus.PENDING:
                                drained = True
                                return
                if failed is not None:
                    await self._failed(*failed)
                elif wait > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stopped.wait(), timeout=wait)
        except Exception:
            log.exception("outbox lane %s failed; it restarts shortly", key)
            await asyncio.sleep(1.0)
        finally:
            self._lanes.pop(key, None)
            if key in self._again:
                self._again.discard(key)
                self._start_lane(key)
            elif not drained or self._refused:
                self._wakeup.set()

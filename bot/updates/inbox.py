"""The inbox: every update is stored before Telegram is told it arrived, and claimed by one
worker at a time, so that no update is lost to a crash and none is processed twice.

A claim is a lease: a worker renews the leases of what it is working on, and an update
whose lease ran out (its process died) may be claimed again. `done_at` is written with
the update's effects (bot/updates/transaction.py), or by `finish` when the handler wrote
nothing."""

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram.types import Update
from sqlalchemy import delete, null, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditEntry, InboxUpdate
from models.base import utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 5  # an update that killed its process this often is set aside, logged


def chat_of(update: Update) -> int | None:
    """The chat an update belongs to (its updates are processed in order), else its user."""
    event: Any = update.event if update.event_type != "update" else None
    chat = getattr(event, "chat", None)
    if chat is None and getattr(event, "message", None) is not None:
        chat = getattr(event.message, "chat", None)  # a callback query's message
    if chat is not None:
        return int(chat.id)
    user = getattr(event, "from_user", None)
    return int(user.id) if user is not None else None


@dataclass(frozen=True)
class Claim:
    payload: dict[str, Any] | None  # None: leased as it was stored, the update is at hand
    attempts: int  # this one included


def _insert_ignoring_known(dialect: str) -> Any:
    """INSERT … ON CONFLICT (update_id) DO NOTHING (SQLite and PostgreSQL only)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(InboxUpdate).on_conflict_do_nothing(index_elements=["update_id"])


# built once: it runs for every batch of updates
_STORE = {
    dialect: _insert_ignoring_known(dialect).returning(col(InboxUpdate.update_id))
    for dialect in ("sqlite", "postgresql")
}


class Inbox:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def store(self, updates: Sequence[Update], *, claim: bool = False) -> set[int]:
        """Keep the updates (known ones are left as they are); committed on return.
        `claim`: the new ones are leased to this worker as they are stored (their first
        attempt), saving each a transaction of its own; returns their ids."""
        if not updates:
            return set()
        now = utcnow()
        rows = [
            {
                "update_id": u.update_id,
                "chat_id": chat_of(u),
                "payload": u.model_dump(mode="json", exclude_none=True),
                "received_at": now,
                "attempts": 1 if claim else 0,
                "lease_until": now + LEASE if claim else None,
            }
            for u in updates
        ]
        async with self.sessions() as session:
            insert = _STORE[session.get_bind().dialect.name]
            stored = {int(row[0]) for row in await session.exec(insert, params=rows)}
            await session.commit()
        return stored if claim else set()

    async def claim(self, update_id: int, *, steal: bool = False) -> Claim | None:
        """The update's payload if this worker may process it now: stored, not done, not
        leased to a live worker (`steal`: any lease, for a single poller starting up, or a
        worker that holds the lease itself)."""
        now = utcnow()
        async with self.sessions() as session:
            claimable = [
                col(InboxUpdate.update_id) == update_id,
                col(InboxUpdate.done_at).is_(None),
            ]
            if not steal:
                claimable.append(
                    or_(col(InboxUpdate.lease_until).is_(None), col(InboxUpdate.lease_until) < now)
                )
            result = await session.exec(
                update(InboxUpdate)
                .where(*claimable)
                .values(lease_until=now + LEASE, attempts=col(InboxUpdate.attempts) + 1)
                .returning(col(InboxUpdate.payload), col(InboxUpdate.attempts))
            )
            row = result.first()
            await session.commit()
        if row is None:
            return None
        payload, attempts = row
        if attempts > MAX_ATTEMPTS:
            await self.finish(update_id, error=f"set aside after {MAX_ATTEMPTS} attempts")
            return None
        return Claim(dict(payload), attempts) if payload is not None else None

    async def earlier_undone(self, chat_id: int, update_id: int) -> list[int]:
        """The chat's updates before `update_id` that are stored and not done yet."""
        async with self.sessions() as session:
            result = await session.exec(
                select(InboxUpdate.update_id).where(
                    col(InboxUpdate.done_at).is_(None),
                    col(InboxUpdate.update_id) < update_id,
                    col(InboxUpdate.chat_id) == chat_id,
                )
            )
            return [int(u) for u in result.all()]

    async def set_aside(self, detail: str) -> None:
        """A request that is no update we can keep (unreadable, too deeply nested, its ids
        too large for the database): an audit row says so, for an operator; it holds the
        update's id and size, never its content."""
        async with self.sessions() as session:
            session.add(AuditEntry(action="malformed_update", allowed=False, detail=detail[:500]))
            await session.commit()

    async def renew(self, update_ids: Iterable[int]) -> None:
        ids = list(update_ids)
        if not ids:
            return
        async with self.sessions() as session:
            await session.exec(
                update(InboxUpdate)
                .where(col(InboxUpdate.update_id).in_(ids), col(InboxUpdate.done_at).is_(None))
                .values(lease_until=utcnow() + LEASE)
            )
            await session.commit()

    async def finish(self, update_id: int, *, error: str | None = None) -> None:
        """Done, when the handler's commits did not already say so (it wrote nothing, or
        failed and was rolled back: a failure is answered politely, not retried)."""
        async with self.sessions() as session:
            await session.exec(
                update(InboxUpdate)
                .where(col(InboxUpdate.update_id) == update_id, col(InboxUpdate.done_at).is_(None))
                .values(
                    done_at=utcnow(),
                    payload=null(),
                    lease_until=None,
                    error=error[:500] if error else None,
                )
            )
            await session.commit()

    async def unfinished(
        self,
        *,
        steal: bool = False,
        after: int | None = None,
        stored_before: datetime | None = None,
        limit: int = 500,
    ) -> list[tuple[int, int | None]]:
        """(update id, chat id) of stored updates not done and not leased to a live worker
        (`steal`: leased or not), oldest first, after the update id `after`."""
        query = select(InboxUpdate.update_id, InboxUpdate.chat_id).where(
            col(InboxUpdate.done_at).is_(None)
        )
        if not steal:
            now = utcnow()
            query = query.where(
                or_(col(InboxUpdate.lease_until).is_(None), col(InboxUpdate.lease_until) < now)
            )
        if after is not None:
            query = query.where(col(InboxUpdate.update_id) > after)
        if stored_before is not None:  # not one a live process has just queued
            query = query.where(col(InboxUpdate.received_at) < stored_before)
        async with self.sessions() as session:
            result = await session.exec(query.order_by(col(InboxUpdate.update_id)).limit(limit))
            return [(int(u), int(c) if c is not None else None) for u, c in result.all()]

    async def forget_done(self, before: datetime) -> int:
        """Drop the rows of updates done before `before` (Telegram redelivers for a day)."""
        async with self.sessions() as session:
            result: Any = await session.exec(
                delete(InboxUpdate).where(
                    col(InboxUpdate.done_at).is_not(None), col(InboxUpdate.done_at) < before
                )
            )
            await session.commit()
            return int(result.rowcount or 0)


KEEP_DONE = timedelta(days=2)  # Telegram gives up redelivering after a day


async def tidy_forever(inbox: Inbox, every: float = 3600) -> None:
    """Forget updates done long enough ago that Telegram cannot send them again."""
    while True:
        try:
            forgotten = await inbox.forget_done(utcnow() - KEEP_DONE)
            if forgotten:
                log.info("inbox: forgot %d update(s) done over %s ago", forgotten, KEEP_DONE)
        except Exception:
            log.exception("inbox: could not forget old updates")
        await asyncio.sleep(every)

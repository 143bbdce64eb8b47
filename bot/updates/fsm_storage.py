"""aiogram FSM state in the database, so a restart forgets no half-filed case.

While an update is handled, what its handler sets is kept with the update's own session and
written when that session commits, together with the effects (bot/updates/transaction.py).
Outside an update (tests, tools) each read or write is a short transaction of its own."""

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.updates.transaction import UNSET, PendingState, UpdateWork, current_session, work
from models import ConversationState
from models.base import utcnow


class DatabaseStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.key_builder = DefaultKeyBuilder(with_destiny=True)

    async def _row(self, session: AsyncSession, key: StorageKey) -> ConversationState | None:
        return await session.get(ConversationState, self.key_builder.build(key))

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        """Through the update's session when there is one: a handler holding a connection
        must never wait for a second one (the pool would run dry under load). The own
        chat's state is read once per update."""
        session = current_session()
        pending = self._work()
        if session is not None and pending is not None and self._buffered(key):
            built = self.key_builder.build(key)
            if built not in pending.stored:
                with session.no_autoflush:
                    row = await self._row(session, key)
                pending.rows[built] = row
                pending.stored[built] = _values(row)
            state, data = pending.stored[built]
            return state, dict(data)
        async with self.sessions() as own:
            return _values(await self._row(own, key))

    @staticmethod
    def _work() -> UpdateWork | None:
        session = current_session()
        return work(session) if session is not None else None

    def _buffered(self, key: StorageKey) -> bool:
        """State of the update's own chat rides on its commit; any other chat's is not."""
        pending = self._work()
        return pending is not None and key.chat_id == pending.chat_id

    def _pending(self, key: StorageKey) -> PendingState | None:
        """The change this update made to `key` and has not committed yet, if any."""
        pending = self._work()
        if pending is None or not self._buffered(key):
            return None
        return pending.states.get(self.key_builder.build(key))

    async def _save(
        self, key: StorageKey, *, state: str | None = None, data: dict[str, Any] | None = None
    ) -> None:
        pending = self._work()
        if pending is not None and self._buffered(key):
            change = pending.states.setdefault(self.key_builder.build(key), PendingState())
            if data is None:
                change.state = state
            else:
                change.data = data
            return
        async with self.sessions() as session:
            row = await self._row(session, key)
            if row is None:
                row = ConversationState(key=self.key_builder.build(key))
            if data is None:
                row.state = state
            else:
                row.data = data
            row.updated_at = utcnow()
            if row.state is None and not row.data:
                if row in session:
                    await session.delete(row)  # nothing left to remember
            else:
                session.add(row)
            await session.commit()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._save(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        change = self._pending(key)
        if change is not None and change.state is not UNSET:
            return change.state
        state, _ = await self._read(key)
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._save(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        change = self._pending(key)
        if change is not None and change.data is not UNSET:
            return dict(change.data)
        _, data = await self._read(key)
        return data

    async def close(self) -> None:
        return None


def _values(row: ConversationState | None) -> tuple[str | None, dict[str, Any]]:
    return (row.state, dict(row.data or {})) if row is not None else (None, {})

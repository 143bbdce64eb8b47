"""aiogram FSM state in the database.

Inside an update the storage joins the update's own session (see DbSessionMiddleware), so a
conversation step is committed together with what it changed, and SQLite never waits on
itself; elsewhere it uses a short session of its own.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models import ConversationState
from models.base import utcnow

current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


class DatabaseStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.key_builder = DefaultKeyBuilder(with_destiny=True)

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[tuple[AsyncSession, bool]]:
        joined = current_session.get()
        if joined is not None:
            yield joined, False
            return
        async with self.sessions() as own:
            yield own, True

    async def _row(self, session: AsyncSession, key: StorageKey) -> ConversationState | None:
        return await session.get(ConversationState, self.key_builder.build(key))

    async def _save(
        self, key: StorageKey, *, state: str | None = None, data: dict[str, Any] | None = None
    ) -> None:
        async with self._session() as (session, own):
            row = await self._row(session, key)
            if row is None:
                row = ConversationState(key=self.key_builder.build(key))
            if data is None:
                row.state = state
            else:
                row.data = data
            row.updated_at = utcnow()
            if row.state is None and not row.data:
                await session.delete(row) if row in session else None
            else:
                session.add(row)
            if own:
                await session.commit()
            else:
                await session.flush()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._save(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._session() as (session, _own):
            row = await self._row(session, key)
            return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._save(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._session() as (session, _own):
            row = await self._row(session, key)
            return dict(row.data) if row and row.data else {}

    async def close(self) -> None:
        return None

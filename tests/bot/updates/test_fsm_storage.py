"""Conversation state in the database: the update's own chat rides on its commit, any other
chat's is written at once (its person may answer before this update commits)."""

import asyncio
import contextvars

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.updates import transaction as update_transaction
from bot.updates.fsm_storage import DatabaseStorage
from services.database.engine import session_factory

BOT_ID = 42
GROUP, OFFICER = -4_100_000_001, 100_001


async def test_state_for_another_chat_is_visible_before_the_update_commits(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    storage = DatabaseStorage(sessions)
    group_key = StorageKey(bot_id=BOT_ID, chat_id=GROUP, user_id=OFFICER)
    private_key = StorageKey(bot_id=BOT_ID, chat_id=OFFICER, user_id=OFFICER)
    outside = DatabaseStorage(sessions)

    async def seen_elsewhere(key: StorageKey) -> str | None:
        """What another update, handled by another task, reads now."""
        return await asyncio.create_task(outside.get_state(key), context=contextvars.Context())

    async with sessions() as session:
        token = update_transaction.bind(session, GROUP)
        try:
            await storage.set_state(group_key, "Desk:confirm")
            await storage.set_state(private_key, "Desk:result")  # "write the result" in private
            assert await seen_elsewhere(private_key) == "Desk:result"
            assert await seen_elsewhere(group_key) is None, "own chat waits for the commit"
            assert await storage.get_state(group_key) == "Desk:confirm"
            await session.commit()
        finally:
            update_transaction.unbind(token)
    assert await seen_elsewhere(group_key) == "Desk:confirm"


async def test_own_chat_state_is_forgotten_with_a_rollback(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    storage = DatabaseStorage(sessions)
    key = StorageKey(bot_id=BOT_ID, chat_id=OFFICER, user_id=OFFICER)
    async with sessions() as session:
        token = update_transaction.bind(session, OFFICER)
        try:
            await storage.set_state(key, "Filing:review")
            await storage.set_data(key, {"text": "Đèn hỏng"})
            await update_transaction.rollback(session)  # the handler failed
            await session.commit()
        finally:
            update_transaction.unbind(token)
    assert await storage.get_state(key) is None
    assert await storage.get_data(key) == {}

"""Where conversation (FSM) state lives: the database by default, Redis when REDIS_URL is set.
Either way it outlives the process, so any process continues any conversation and a restart
forgets no half-filed case."""

from datetime import timedelta

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.updates.fsm_storage import DatabaseStorage
from config.context import AppContext

REDIS_STATE_TTL = timedelta(days=30)


def conversation_backend(ctx: AppContext) -> tuple[BaseStorage, BaseEventIsolation]:
    url = ctx.settings.redis_url
    if url:
        from aiogram.fsm.storage.redis import RedisStorage  # needs redis: imported when used

        # keys as DatabaseStorage builds them (fsm:<chat>:<user>:<destiny>:…), and
        # one chat's updates in order across processes through Redis locks; a conversation
        # left for 30 days is forgotten, so what a resident typed and never sent
        # does not outlive them there (erasure by retention, years later, cannot reach Redis)
        storage = RedisStorage.from_url(
            url,
            key_builder=DefaultKeyBuilder(with_destiny=True),
            state_ttl=REDIS_STATE_TTL,
            data_ttl=REDIS_STATE_TTL,
        )
        return storage, storage.create_isolation()
    return DatabaseStorage(ctx.sessions), SimpleEventIsolation()

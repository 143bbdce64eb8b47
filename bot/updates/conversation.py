"""Where conversation (FSM) state lives: the database by default, Redis when REDIS_URL is set.
Either way it outlives the process, so any process continues any conversation and a restart
forgets no half-filed case."""

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.updates.fsm_storage import DatabaseStorage
from config.context import AppContext


def conversation_backend(ctx: AppContext) -> tuple[BaseStorage, BaseEventIsolation]:
    url = ctx.settings.redis_url
    if url:
        from aiogram.fsm.storage.redis import RedisStorage  # needs redis: imported when used

        # keys as DatabaseStorage builds them (fsm:<chat>:<user>:<destiny>:…), and
        # one chat's updates in order across processes through Redis locks
        storage = RedisStorage.from_url(url, key_builder=DefaultKeyBuilder(with_destiny=True))
        return storage, storage.create_isolation()
    return DatabaseStorage(ctx.sessions), SimpleEventIsolation()

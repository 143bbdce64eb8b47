"""Where conversation (FSM) state lives: the database by default."""

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.context import AppContext
from bot.fsm_storage import DatabaseStorage


def conversation_backend(ctx: AppContext) -> tuple[BaseStorage, BaseEventIsolation]:
    return DatabaseStorage(ctx.sessions), SimpleEventIsolation()

"""Per-update plumbing: one database session, the resident, the inbox mark, the outbox
wake-up."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from bot.outbox.replies import ANSWERING
from bot.outbox.sender import Outbox, lanes_written
from bot.updates import transaction as update_transaction
from bot.updates.inbox import chat_of
from config.context import AppContext
from services.people import residents


class DbSessionMiddleware(BaseMiddleware):
    """One session per update. Services commit their own work; what is left when the
    handler fails is rolled back. Conversation state rides on its commits
    (bot/updates/transaction.py)."""

    def __init__(self, ctx: AppContext, outbox: Outbox) -> None:
        self.ctx = ctx
        self.outbox = outbox

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self.ctx.sessions() as session:
            data["session"] = session
            chat = chat_of(event) if isinstance(event, Update) else None
            token = update_transaction.bind(session, chat)
            try:
                result = await handler(event, data)
                await session.commit()
                return result
            except BaseException:
                await update_transaction.rollback(session)
                raise
            finally:
                update_transaction.report_outcome(session)
                update_transaction.unbind(token)
                self.outbox.wake(lanes_written(session))


def _private_user(update: Update) -> User | None:
    if update.message is not None and update.message.chat.type == "private":
        return update.message.from_user
    query = update.callback_query
    if query is not None and query.message is not None and query.message.chat.type == "private":
        return query.from_user
    return None


class ResidentMiddleware(BaseMiddleware):
    """Anyone who talks to the bot in private is a resident (staff are residents too)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = _private_user(event) if isinstance(event, Update) else None
        if user is not None and not user.is_bot:
            resident = await residents.get_or_create_by_telegram(
                data["session"],
                user.id,
                full_name=user.full_name,
                username=user.username,
            )
            data["resident"] = resident
            data["locale"] = resident.language  # a plain value: usable after a rollback
        return await handler(event, data)


class InboxMarkMiddleware(BaseMiddleware):
    """Registered after ResidentMiddleware: recording who wrote is safe to repeat, so only
    the handler's own commits mark the update done in the inbox."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update):
            update_transaction.arm_inbox_mark(data["session"], event.update_id)
        return await handler(event, data)


class AnsweringMiddleware(BaseMiddleware):
    """Whom the update's answers are for, should its group have no room left for them
    (bot/outbox/replies.py): the person who wrote or pressed."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        token = ANSWERING.set(user.id if user is not None and not user.is_bot else None)
        try:
            return await handler(event, data)
        finally:
            ANSWERING.reset(token)

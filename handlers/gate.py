"""Who the bot answers in a staff group: its commune's active staff, each at a human pace.

Being a member of the Telegram group grants nothing: whoever is not active staff of a
commune bound to the group (a resident added by mistake, an officer removed from the staff)
gets no answer to a command, or to a reply under a card; the attempt is recorded as a
refused audit row, at most REFUSALS_LOGGED a minute per person (the rest go to the log
only, so a flood cannot fill the database). An admin of another commune may still send
/bind, which tells them the group is taken.

Staff are limited too, in the group only: STAFF_GROUP_COMMANDS_PER_MINUTE (10) commands per
person in any sliding minute (the group's 20 messages a minute are shared with the cards of new
cases); past that, a command is dropped and the person told once, in private. Their private
chat with the bot stays unlimited. Groups not bound to a commune are left to the handlers
(/bind must work there)."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Message, TelegramObject
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from config.context import AppContext
from handlers.flood import FloodGate, Verdict
from models import Role
from services.people import staff

REFUSALS_LOGGED = 3
log = logging.getLogger(__name__)


def _addressed_to_bot(message: Message, bot: Bot) -> str | None:
    """The command (or "reply") when the message asks the bot for something; else None."""
    text = message.text or message.caption or ""
    if text.startswith("/"):
        return text.split(maxsplit=1)[0].split("@", 1)[0].lower()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return "reply"
    return None


def too_fast_text() -> str:
    return _(
        "You are sending commands to the staff group too fast, so the last one was not done. "
        "Please wait a minute, or send your commands to me here, in our private chat."
    )


class StaffGroupGate(BaseMiddleware):
    """An outer middleware for messages, after the flood gate."""

    def __init__(self) -> None:
        self.commands = FloodGate()
        self.refusals = FloodGate()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        session: AsyncSession | None = data.get("session")
        ctx: AppContext | None = data.get("ctx")
        bot: Bot | None = data.get("bot")
        if (
            not isinstance(event, Message)
            or event.chat.type not in ("group", "supergroup")
            or event.from_user is None
            or session is None
            or ctx is None
            or bot is None
            or (asked := _addressed_to_bot(event, bot)) is None
            or not await staff.communes_by_staff_chat(session, event.chat.id)
        ):
            return await handler(event, data)
        user_id, now = event.from_user.id, ctx.clock.now().timestamp()
        if not await staff.staff_of_group(session, user_id, event.chat.id):
            if asked == "/bind" and any(
                m.role is Role.ADMIN for m in await staff.memberships(session, user_id)
            ):
                return await handler(event, data)  # told that the group is taken
            await self._refuse(session, user_id, event.chat.id, asked, now)
            return None
        limit = ctx.settings.staff_group_commands_per_minute
        verdict = self.commands.check(user_id, limit, now)
        if verdict is Verdict.PASS:
            return await handler(event, data)
        log.info("staff %s: over %s commands a minute in a group", user_id, limit)
        if verdict is Verdict.WARN:
            try:
                await bot.send_message(user_id, too_fast_text())
            except TelegramAPIError as exc:  # never started the bot: the drop stays silent
                log.info("could not slow down staff %s: %s", user_id, type(exc).__name__)
        return None

    async def _refuse(
        self, session: AsyncSession, user_id: int, chat_id: int, asked: str, now: float
    ) -> None:
        if self.refusals.check(user_id, REFUSALS_LOGGED, now) is Verdict.PASS:
            await staff.record_refusal(session, user_id, "staff_group", f"{chat_id}: {asked}")
        log.warning(
            "group %s: %s from %s, who is not its staff, left unanswered", chat_id, asked, user_id
        )

"""Turns an outbox notification into the Telegram messages that carry it: each kind's composer
registers itself when its module is imported, and this module imports them all."""

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.compose import apology, cases, desk, report, schedule, staff, summary
from bot.compose.parts import COMPOSERS, Outgoing
from config.context import AppContext
from models import Notification

REGISTERED = (apology, cases, desk, report, schedule, staff, summary)


async def compose(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    return await COMPOSERS[notification.kind](session, notification, ctx)

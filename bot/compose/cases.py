"""A case's receipt to the resident, and its card in the staff group."""

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.compose.parts import Outgoing, composer, media_messages, text_messages
from bot.ui.card import card_header, card_keyboard
from bot.ui.keyboards.resident import main_menu
from bot.ui.render import receipt_text
from config.context import AppContext
from models import Channel, Notification, NotificationKind
from services.cases.subscriptions import count_for_case
from services.cases.views import TicketView, load_ticket_view


@composer(NotificationKind.RECEIPT)
async def _receipt(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    assert notification.ticket_id is not None
    view = await load_ticket_view(session, notification.ticket_id, attachments_and_answer=False)
    return [Outgoing("text", {"text": receipt_text(view, ctx.tz), "reply_markup": main_menu()})]


async def card_messages(session: AsyncSession, view: TicketView, ctx: AppContext) -> list[Outgoing]:
    calendar = await ctx.policy.calendar_for(session, view.commune.id)
    browsers = 0 if view.channel is Channel.TELEGRAM else await count_for_case(session, view.id)
    header = card_header(
        view,
        ctx.tz,
        ctx.clock.now(),
        calendar,
        push_browsers=browsers,
        sms=ctx.settings.sms_sends,
    )
    return text_messages(header, view.text, card_keyboard(view))


@composer(NotificationKind.STAFF_CARD)
async def _staff_card(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    assert notification.ticket_id is not None
    view = await load_ticket_view(session, notification.ticket_id)
    return await card_messages(session, view, ctx) + media_messages(view.attachments, view)

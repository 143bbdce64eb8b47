"""Words of the scheduled chasing: reminders, the leaders' list of late cases, the digest."""

from datetime import datetime
from typing import NamedTuple

from aiogram.types import ReplyParameters
from aiogram.utils.i18n import gettext as _
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.compose.parts import Outgoing, composer
from bot.ui.card import card_keyboard
from bot.ui.formatting import escape, local_day
from config.context import AppContext
from models import Notification, NotificationKind, Staff, Ticket, TicketStatus
from services.cases.messages import card_of
from services.cases.views import load_ticket_view


@composer(NotificationKind.REMINDER)
async def _reminder(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    assert notification.ticket_id is not None
    view = await load_ticket_view(session, notification.ticket_id)
    code = f"<b>{view.code}</b>"
    which = notification.payload.get("reminder")
    if not view.status.is_open:
        return []  # settled meanwhile: nothing to remind
    if which == "ack_overdue":
        text = _(
            "⏰ {code} has not been accepted yet; the acknowledgement deadline ({day}) has passed."
        ).format(code=code, day=local_day(view.ack_due_at, ctx.tz))
    elif which == "due_today":
        text = _("⚠️ The answer to {code} is due today.").format(code=code)
    else:
        text = _("⏳ The answer to {code} is due in {days} working day(s), on {day}.").format(
            code=code,
            days=notification.payload.get("days_left", ""),
            day=local_day(view.resolve_due_at, ctx.tz),
        )
    params: dict[str, object] = {"text": text, "reply_markup": card_keyboard(view)}
    card = await card_of(session, view.id)
    if card is not None and notification.recipient_id is None:
        params["reply_parameters"] = ReplyParameters(
            message_id=card.message_id, allow_sending_without_reply=True
        )
    return [Outgoing("text", params)]


class Listed(NamedTuple):
    """What a list of cases shows of each: a digest or the leaders' list may name thousands,
    and whole tickets with their texts cost the bot tens of megabytes."""

    code: str
    status: TicketStatus
    assignee_id: int | None
    resolve_due_at: datetime


async def _tickets(session: AsyncSession, ids: list[int]) -> list[Listed]:
    rows = (
        await session.exec(
            select(Ticket.code, Ticket.status, Ticket.assignee_id, Ticket.resolve_due_at)
            .where(col(Ticket.id).in_(ids))
            .order_by(col(Ticket.resolve_due_at))
        )
    ).all()
    listed = [Listed(*row) for row in rows]
    return [case for case in listed if case.status.is_open]


# the latest cases by name, then a count: a commune with a thousand late cases still gets
# one message a leader can read (Telegram refuses a text over 4,096 characters)
ESCALATION_LINES = 40


@composer(NotificationKind.ESCALATION)
async def _escalation(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    late = await _tickets(session, notification.payload.get("ticket_ids", []))
    if not late:
        return []
    calendar = await ctx.policy.calendar_for(session, notification.commune_id)
    today = ctx.clock.now().astimezone(ctx.tz).date()
    lines = [_("📋 Cases past their answer deadline ({count}):").format(count=len(late)), ""]
    overdue = sorted(
        (
            (
                calendar.working_days_between(ctx.policy.local_date(ticket.resolve_due_at), today),
                ticket,
            )
            for ticket in late
        ),
        key=lambda pair: -pair[0],
    )
    for days, ticket in overdue[:ESCALATION_LINES]:  # the latest first
        who = await session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
        lines.append(
            _("<b>{code}</b> · {days} working day(s) late · {who}").format(
                code=ticket.code,
                days=max(days, 1),
                who=escape(who.name) if who else _("unassigned"),
            )
        )
    if len(overdue) > ESCALATION_LINES:
        lines.append(
            _("… and {count} more late cases: see /queue in the staff group.").format(
                count=len(overdue) - ESCALATION_LINES
            )
        )
    lines += ["", _("Assign, extend or answer them from the cards in the staff group.")]
    return [Outgoing("text", {"text": "\n".join(lines)})]


@composer(NotificationKind.DIGEST)
async def _digest(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    sections = (
        ("new", _("🆕 Waiting to be accepted")),
        ("due_today", _("⚠️ Due today")),
        ("overdue", _("⏰ Overdue")),
        ("unassigned", _("👤 Nobody handles them yet")),
    )
    lines = [
        _("☀️ Good morning! Where the cases stand on {day}:").format(
            day=local_day(ctx.clock.now(), ctx.tz)
        )
    ]
    shown = False
    for key, title in sections:
        tickets = await _tickets(session, notification.payload.get(key, []))
        if tickets:
            shown = True
            codes = ", ".join(t.code for t in tickets[:30]) + (" …" if len(tickets) > 30 else "")
            lines.append(f"{title} ({len(tickets)}): {codes}")
    if not shown:
        return []
    lines.append(_("Your own list: /queue"))
    return [Outgoing("text", {"text": "\n".join(lines)})]

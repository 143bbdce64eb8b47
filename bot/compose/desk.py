"""How the steps of a case are worded: to the resident (signed by the office), on the staff
card (edited in place), to the officer it is assigned to, and news for the staff."""

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from aiogram.utils.i18n import gettext as _
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.compose.cases import card_messages
from bot.compose.parts import Outgoing, composer, media_messages, text_messages
from bot.ui.callbacks import MyTicketAction, RateAnswer
from bot.ui.formatting import escape, local_day
from bot.ui.labels import reject_reason_label
from bot.ui.render import commune_office
from config.context import AppContext
from models import (
    Attachment,
    EventKind,
    Notification,
    NotificationKind,
    Rating,
    Ticket,
    TicketEvent,
)
from services.cases.messages import card_of
from services.cases.views import TicketView, load_ticket_view


async def _event(session: AsyncSession, notification: Notification) -> TicketEvent:
    event = await session.get(TicketEvent, notification.payload["event_id"])
    assert event is not None
    return event


async def _files(session: AsyncSession, event: TicketEvent) -> list[Attachment]:
    return list(
        (
            await session.exec(
                select(Attachment)
                .where(Attachment.event_id == event.id)
                .order_by(col(Attachment.id))
            )
        ).all()
    )


def rating_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    levels = [
        (Rating.VERY_SATISFIED, _("😊 Very satisfied")),
        (Rating.SATISFIED, _("🙂 Satisfied")),
        (Rating.UNSATISFIED, _("🙁 Not satisfied")),
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=label,
                    callback_data=RateAnswer(ticket_id=ticket_id, level=level.value).pack(),
                )
            ]
            for level, label in levels
        ]
    )


def _resident_words(view: TicketView, event: TicketEvent, own_code: str, ctx: AppContext) -> str:
    office = escape(commune_office(view))
    code = f"<b>{own_code}</b>"
    text = escape(event.text or "")
    if event.kind is EventKind.ACKNOWLEDGED:
        return _(
            "📥 {office} has accepted your case {code} and is handling it. Answer due: {day}."
        ).format(office=office, code=code, day=local_day(view.resolve_due_at, ctx.tz))
    if event.kind is EventKind.REPLIED:
        return _("💬 Answer from {office} about your case {code}:").format(office=office, code=code)
    if event.kind is EventKind.FORWARDED:
        lines = [
            _(
                "↪️ Your case {code} is for another body to decide, so {office} "
                "has forwarded it to: {to}."
            ).format(code=code, office=office, to=escape(event.data.get("to", "")))
        ]
        if text:
            lines.append(_("Reason: {reason}").format(reason=text))
        lines.append(_("That body will answer you; you can also contact it directly."))
        return "\n".join(lines)
    if event.kind is EventKind.REJECTED:
        reason = reject_reason_label(event.data.get("reason", "other"))
        lines = [
            _("⛔ {office} cannot accept your case {code} for handling.").format(
                office=office, code=code
            ),
            _("Reason: {reason}").format(reason=escape(reason) + (f" — {text}" if text else "")),
        ]
        if event.data.get("reason") == "outside_authority":
            lines.append(
                _(
                    "Please send it to the body that has authority over it; "
                    "the commune office can tell you which."
                )
            )
        else:
            lines.append(
                _(
                    "If you think this is wrong, you can come to the commune office "
                    "on a citizen reception day."
                )
            )
        return "\n".join(lines)
    if event.kind is EventKind.EXTENDED:
        return "\n".join(
            [
                _(
                    "⏳ The answer to your case {code} will take longer. "
                    "New due date: <b>{day}</b>."
                ).format(code=code, day=local_day(view.resolve_due_at, ctx.tz)),
                _("Reason: {reason}").format(reason=text),
            ]
        )
    if event.kind is EventKind.RESOLVED:
        return _("✅ Your case {code} has been settled by {office}. Result:").format(
            code=code, office=office
        )
    if event.kind is EventKind.MERGED:
        return _(
            "🔗 Your case {code} is about the same matter as case {into}, which is already being "
            "handled. You will get the same answer."
        ).format(code=code, into=escape(event.data.get("into", "")))
    raise ValueError(f"no resident wording for {event.kind}")


@composer(NotificationKind.TICKET_UPDATE)
async def _ticket_update(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    """To the resident. For a merged duplicate, the ticket is theirs and the event the main's."""
    assert notification.ticket_id is not None
    own = await session.get(Ticket, notification.ticket_id)
    event = await _event(session, notification)
    assert own is not None
    view = await load_ticket_view(session, event.ticket_id)
    header = _resident_words(view, event, own.code, ctx)
    markup = None
    if event.kind is EventKind.RESOLVED:
        markup = rating_keyboard(own.id or 0)
    body = event.text if event.kind in (EventKind.REPLIED, EventKind.RESOLVED) else ""
    parts = text_messages(header, body or "", markup)
    if event.kind in (EventKind.REPLIED, EventKind.RESOLVED):
        parts[-1].params["text"] += "\n\n" + _("— {office}").format(
            office=escape(commune_office(view))
        )
        parts.extend(media_messages(await _files(session, event)))
    return parts


@composer(NotificationKind.CARD_REFRESH)
async def _card_refresh(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    """Edits the card where it is; a card not sent yet will be current when it goes."""
    assert notification.ticket_id is not None
    card = await card_of(session, notification.ticket_id)
    if card is None:
        return []
    view = await load_ticket_view(session, notification.ticket_id)
    first = (await card_messages(session, view, ctx))[0]
    params = {"chat_id": card.chat_id, "message_id": card.message_id, **first.params}
    return [Outgoing("edit_text", params)]


@composer(NotificationKind.STAFF_ASSIGNED)
async def _assigned(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    assert notification.ticket_id is not None
    view = await load_ticket_view(session, notification.ticket_id)
    intro = Outgoing(
        "text",
        {
            "text": _(
                "👤 You have been assigned case {code}. To answer the resident, reply to "
                "its card, sent with this message."
            ).format(code=view.code)
        },
    )
    return [
        intro,
        *await card_messages(session, view, ctx),
        *media_messages(view.attachments, view),
    ]


@composer(NotificationKind.STAFF_NEWS)
async def _staff_news(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    assert notification.ticket_id is not None
    event = await _event(session, notification)
    view = await load_ticket_view(session, notification.ticket_id)
    code = f"<b>{view.code}</b>"
    if event.kind is EventKind.INFO_ADDED:
        header = _("📎 The resident added to {code}:").format(code=code)
    elif event.kind is EventKind.WITHDRAWN:
        header = _("↩️ The resident withdrew {code}. Nothing more to do.").format(code=code)
    elif event.kind is EventKind.COMMENTED:
        header = _("💬 The resident's opinion of the answer to {code}:").format(code=code)
    elif event.kind is EventKind.REOPENED:
        header = _(
            "🔁 The resident is not satisfied with the answer to {code} and reopened it:"
        ).format(code=code)
    else:
        raise ValueError(f"no staff wording for {event.kind}")
    parts = text_messages(header, event.text or "", None)
    card = await card_of(session, view.id)
    if card is not None and notification.recipient_id is None:  # in the group: under the card
        parts[0].params["reply_parameters"] = ReplyParameters(
            message_id=card.message_id, allow_sending_without_reply=True
        )
    return parts + media_messages(await _files(session, event))


def my_ticket_keyboard(view: TicketView) -> InlineKeyboardMarkup | None:
    """What a resident can do with their own open case."""
    if not view.status.is_open:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("➕ Add information"),
                    callback_data=MyTicketAction(ticket_id=view.id, action="add").pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    text=_("↩️ Withdraw this case"),
                    callback_data=MyTicketAction(ticket_id=view.id, action="withdraw").pack(),
                )
            ],
        ]
    )


@composer(NotificationKind.STAFF_ALERT)
async def _staff_alert(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    if notification.payload.get("alert") == "group_lost":
        text = _(
            "⚠️ I was removed from the staff group, so new cases cannot be posted there. "
            "Add me to a group and send /bind there; the cards that waited will follow."
        )
    elif notification.payload.get("alert") == "parked":
        payload = notification.payload
        whom = {
            "resident": _("a resident"),
            "staff": _("a staff member"),
            "staff_group": _("the staff group"),
            "superior": _("the superior level"),
        }.get(str(payload.get("recipient")), "")
        text = _(
            "⚠️ A message to {whom}{code} could not be delivered after {attempts} attempts "
            "and was set aside. Last error: {error}. Check that the bot can reach Telegram; "
            "the case itself is safe (see /queue)."
        ).format(
            whom=whom,
            code=f" ({escape(str(payload['code']))})" if payload.get("code") else "",
            attempts=payload.get("attempts", 0),
            error=escape(str(payload.get("error", ""))),
        )
    elif notification.payload.get("alert") == "superior_unreachable":
        payload = notification.payload
        if payload.get("via") == "email":
            text = _(
                "⚠️ The report could not be e-mailed to {superior}: their mail server refused "
                "it ({error}). Check the address (pakn superior list) and send the report "
                "another way."
            )
        else:
            text = _(
                "⚠️ The report could not be sent to {superior} on Telegram: the bot is not in "
                "their chat or was removed ({error}). Add the bot to that chat, or send the "
                "report another way."
            )
        text = text.format(
            superior=escape(str(payload.get("superior", ""))),
            error=escape(str(payload.get("error", ""))),
        )
    else:
        text = _(
            "⚠️ {name} has blocked the bot and no longer receives cases in private. "
            "Their cases stay in this group; reassign them if needed."
        ).format(name=escape(notification.payload.get("staff_name", "")))
    return [Outgoing("text", {"text": text})]

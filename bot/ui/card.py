"""The staff card: what a case is, where it stands, what can be done with it."""

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.ui.callbacks import AssignTo, DeskAction, PhoneReveal, RejectWith
from bot.ui.formatting import escape, local_day, local_time
from bot.ui.labels import (
    answered_text,
    category_label,
    channel_label,
    kind_label,
    reject_reason_label,
    rule_label,
    status_icon,
    status_label,
)
from models import Channel, RejectReason, Staff, TicketStatus
from services.calendar.working_days import WorkingCalendar
from services.cases.views import TicketView


def days_left_text(view: TicketView, now: datetime, tz: ZoneInfo, calendar: WorkingCalendar) -> str:
    """Drawn again when it would read differently (services/desk/countdowns.py)."""
    left = calendar.countdown(now.astimezone(tz).date(), view.resolve_due_at.astimezone(tz).date())
    if left > 0:
        return _("{days} working day(s) left").format(days=left)
    if left == 0:
        return _("due today")
    return _("⚠️ overdue by {days} working day(s)").format(days=-left)


def reach_line(view: TicketView, push_browsers: int, sms: bool) -> str | None:
    """How what staff send reaches a resident with no chat."""
    ways = [_("the case's web page (answers show there)")] if view.channel is Channel.WEB else []
    if push_browsers:
        ways.append(_("push notifications on {count} device(s)").format(count=push_browsers))
    if sms and view.has_phone:
        ways.append(_("SMS to the phone given") if not push_browsers else _("else SMS"))
    return _("Reached on: {ways}").format(ways=", ".join(ways)) if ways else None


def card_header(
    view: TicketView,
    tz: ZoneInfo,
    now: datetime,
    calendar: WorkingCalendar,
    *,
    push_browsers: int = 0,
    sms: bool = False,
) -> str:
    lines = [
        f"{status_icon(view.status)} "
        + _("<b>{code}</b> · {kind} · {category}").format(
            code=view.code,
            kind=kind_label(view.kind),
            category=escape(category_label(view.category_slug, view.category_name)),
        ),
        _("Status: {status}").format(status=status_label(view.status)),
        _("Handled by: {name}").format(name=escape(view.assignee_name or _("nobody yet"))),
        _("From: {name}").format(name=escape(view.resident_name or _("(no name)"))),
    ]
    if view.channel is not Channel.TELEGRAM:
        lines.append(_("Channel: {channel}").format(channel=channel_label(view.channel.value)))
    if view.channel is not Channel.TELEGRAM and (reach := reach_line(view, push_browsers, sms)):
        lines.append(reach)
    if view.village_name:
        lines.append(_("Village: {village}").format(village=escape(view.village_name)))
    lines += [
        _("Received: {time}").format(time=local_time(view.received_at, tz)),
        _("Acknowledge by: {day}").format(day=local_day(view.ack_due_at, tz)),
        _("Answer by: <b>{day}</b> ({rule})").format(
            day=local_day(view.resolve_due_at, tz),
            rule=rule_label(view.deadline_rule, view.deadline_basis),
        ),
    ]
    if view.answered:
        lines.append(_("Answer given: {how}").format(how=answered_text(view.answered)))
    if view.status.is_open:
        lines.append(days_left_text(view, now, tz, calendar))
    extras = []
    if view.attachments:
        extras.append(_("📎 {count} file(s)").format(count=len(view.attachments)))
    if view.latitude is not None:
        extras.append(_("📍 location below"))
    if extras:
        lines.append(" · ".join(extras))
    return "\n".join(lines)


def _button(text: str, ticket_id: int, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=DeskAction(ticket_id=ticket_id, action=action).pack()
    )


def card_keyboard(view: TicketView) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    tid = view.id
    if view.status is TicketStatus.NEW:
        first = [_button(_("✅ Accept"), tid, "ack")]
        if view.assignee_name is None:
            first.append(_button(_("🙋 I'll take it"), tid, "take"))
        rows += [
            first,
            [_button(_("👤 Assign"), tid, "assign"), _button(_("💬 Reply"), tid, "reply")],
        ]
    elif view.status is TicketStatus.ACKNOWLEDGED:
        rows.append([_button(_("💬 Reply"), tid, "reply"), _button(_("✔️ Done"), tid, "close")])
        second = [_button(_("👤 Assign"), tid, "assign"), _button(_("⏳ Extend"), tid, "extend")]
        if view.assignee_name is None:
            second.insert(0, _button(_("🙋 I'll take it"), tid, "take"))
        rows.append(second)
    if view.status.is_open:
        rows.append(
            [_button(_("↪️ Forward"), tid, "forward"), _button(_("⛔ Refuse"), tid, "reject")]
        )
        rows.append([_button(_("📝 Note"), tid, "note")])
    if view.has_phone:
        phone = InlineKeyboardButton(
            text=_("📞 Phone number (private)"), callback_data=PhoneReveal(ticket_id=tid).pack()
        )
        if rows and len(rows[-1]) == 1:
            rows[-1].append(phone)
        else:
            rows.append([phone])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def assignee_keyboard(ticket_id: int, people: list[Staff]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for person in people:
        assert person.id is not None
        builder.button(
            text=person.name, callback_data=AssignTo(ticket_id=ticket_id, staff_id=person.id)
        )
    builder.adjust(2)
    builder.row(_button(_("⬅️ Back"), ticket_id, "back"))
    return builder.as_markup()


def reject_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for reason in RejectReason:
        builder.button(
            text=reject_reason_label(reason.value),
            callback_data=RejectWith(ticket_id=ticket_id, reason=reason.value),
        )
    builder.adjust(1)
    builder.row(_button(_("⬅️ Back"), ticket_id, "back"))
    return builder.as_markup()

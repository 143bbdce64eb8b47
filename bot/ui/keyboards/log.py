"""Buttons of /log (a case received on another channel) and of recording how an answer
reached a citizen without Telegram."""

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.ui.callbacks import AnswerHow, LogCommune, LogPick
from bot.ui.labels import answer_way_label, category_label, channel_label, kind_label
from models import Category, Channel, Commune, Kind, Village

CHANNEL_BUTTONS = (
    Channel.IN_PERSON,
    Channel.PHONE,
    Channel.MAILBOX,
    Channel.PORTAL,
    Channel.FACEBOOK,
    Channel.ZALO,
    Channel.OTHER,
)
EDITABLE = ("channel", "received", "kind", "category", "village", "name", "phone", "text", "photos")


def _pick(text: str, step: str, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=LogPick(step=step, value=value).pack())


def _cancel() -> list[InlineKeyboardButton]:
    return [_pick(_("✖️ Cancel"), "cancel")]


def cancel_only() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[_cancel()])


def communes(items: Sequence[Commune]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        builder.button(text=item.name, callback_data=LogCommune(commune_id=item.id or 0))
    builder.adjust(1)
    builder.row(*_cancel())
    return builder.as_markup()


def channels() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for channel in CHANNEL_BUTTONS:
        builder.button(
            text=channel_label(channel.value),
            callback_data=LogPick(step="channel", value=channel.value),
        )
    builder.adjust(2)
    builder.row(*_cancel())
    return builder.as_markup()


def received() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_pick(_("🕒 Just now"), "now")], _cancel()])


def kinds() -> InlineKeyboardMarkup:
    rows = [
        [_pick(kind_label(kind), "kind", kind.value)]
        for kind in (Kind.REPORT, Kind.PROPOSAL, Kind.QUESTION)
    ]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, _cancel()])


def categories(items: Sequence[Category]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        builder.button(
            text=category_label(item.slug, item.name),
            callback_data=LogPick(step="category", value=str(item.id)),
        )
    builder.adjust(2)
    builder.row(*_cancel())
    return builder.as_markup()


def villages(items: Sequence[Village]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        builder.button(text=item.name, callback_data=LogPick(step="village", value=str(item.id)))
    builder.adjust(2)
    builder.row(_pick(_("Skip"), "village", "0"))
    builder.row(*_cancel())
    return builder.as_markup()


def skip() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_pick(_("Skip"), "skip")], _cancel()])


def next_step() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_pick(_("Continue ➡️"), "next")], _cancel()])


def review() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_pick(_("💾 Save"), "save")],
            [_pick(_("✏️ Change"), "edit"), _pick(_("✖️ Cancel"), "cancel")],
        ]
    )


def edit_fields(has_villages: bool) -> InlineKeyboardMarkup:
    labels = {
        "channel": _("Channel"),
        "received": _("Received"),
        "kind": _("Kind"),
        "category": _("Field"),
        "village": _("Village"),
        "name": _("Name"),
        "phone": _("Phone number"),
        "text": _("Content"),
        "photos": _("Photos, files"),
    }
    builder = InlineKeyboardBuilder()
    for field in EDITABLE:
        if field != "village" or has_villages:
            builder.button(text=labels[field], callback_data=LogPick(step="field", value=field))
    builder.adjust(2)
    builder.row(_pick(_("⬅️ Back"), "field", "back"))
    return builder.as_markup()


def answer_ways(ticket_id: int) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=answer_way_label(way).capitalize(),
                callback_data=AnswerHow(ticket_id=ticket_id, choice=way).pack(),
            )
        ]
        for way in ("in_person", "phone", "letter")
    ]
    rows.append(_answer_cancel(ticket_id))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def answer_days(ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("Today"),
                    callback_data=AnswerHow(ticket_id=ticket_id, choice="today").pack(),
                ),
                InlineKeyboardButton(
                    text=_("Yesterday"),
                    callback_data=AnswerHow(ticket_id=ticket_id, choice="yesterday").pack(),
                ),
            ],
            _answer_cancel(ticket_id),
        ]
    )


def _answer_cancel(ticket_id: int) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            text=_("✖️ Cancel"),
            callback_data=AnswerHow(ticket_id=ticket_id, choice="cancel").pack(),
        )
    ]

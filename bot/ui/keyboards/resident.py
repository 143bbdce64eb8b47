"""Big, few buttons: residents are often older and on small phones."""

from collections.abc import Sequence

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.ui.callbacks import (
    CategoryChoice,
    CommuneChoice,
    EditField,
    FlowAction,
    KindChoice,
    LanguageChoice,
    QuickFile,
    TicketDetails,
    VillageChoice,
)
from bot.ui.labels import category_label, kind_label
from models import Category, Commune, Kind, Ticket, Village

MENU_NEW = __("📝 Send feedback")
MENU_MINE = __("📋 My cases")
MENU_HELP = __("❓ Help")
SKIP = __("Skip")
FORMAL_KIND = "formal"  # khiếu nại, tố cáo: explained, no ticket


def main_menu() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=str(MENU_NEW))],
            [KeyboardButton(text=str(MENU_MINE)), KeyboardButton(text=str(MENU_HELP))],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def cancel_row() -> list[InlineKeyboardButton]:
    return [_button(_("✖️ Cancel"), FlowAction(action="cancel").pack())]


def kinds() -> InlineKeyboardMarkup:
    rows = [
        [_button(kind_label(kind), KindChoice(kind=kind.value).pack())]
        for kind in (Kind.REPORT, Kind.PROPOSAL, Kind.QUESTION)
    ]
    rows.append([_button(_("Complaint or denunciation"), KindChoice(kind=FORMAL_KIND).pack())])
    rows.append(cancel_row())
    return InlineKeyboardMarkup(inline_keyboard=rows)


def categories(items: Sequence[Category]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        assert item.id is not None
        builder.button(
            text=category_label(item.slug, item.name),
            callback_data=CategoryChoice(category_id=item.id),
        )
    builder.adjust(2)
    builder.row(*cancel_row())
    return builder.as_markup()


def villages(items: Sequence[Village]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        assert item.id is not None
        builder.button(text=item.name, callback_data=VillageChoice(village_id=item.id))
    builder.adjust(2)
    builder.row(_button(_("Skip"), VillageChoice(village_id=0).pack()))
    builder.row(*cancel_row())
    return builder.as_markup()


def next_step() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(_("Continue ➡️"), FlowAction(action="next").pack())], cancel_row()]
    )


def share_location() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_("📍 Send my location"), request_location=True)],
            [KeyboardButton(text=str(SKIP))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def share_phone() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_("📞 Send my phone number"), request_contact=True)],
            [KeyboardButton(text=str(SKIP))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def review() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("✅ Send"), FlowAction(action="submit").pack())],
            [
                _button(_("✏️ Change"), FlowAction(action="edit").pack()),
                _button(_("✖️ Cancel"), FlowAction(action="cancel").pack()),
            ],
        ]
    )


def edit_fields(has_villages: bool) -> InlineKeyboardMarkup:
    fields = [
        ("kind", _("Kind")),
        ("category", _("Field")),
        ("description", _("Content")),
        ("attachments", _("Photos, files")),
        ("location", _("Location")),
        ("village", _("Village")),
        ("phone", _("Phone number")),
    ]
    builder = InlineKeyboardBuilder()
    for field, label in fields:
        if field != "village" or has_villages:
            builder.button(text=label, callback_data=EditField(field=field))
    builder.adjust(2)
    builder.row(_button(_("⬅️ Back"), EditField(field="back").pack()))
    return builder.as_markup()


def quick_offer(message_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("✅ Yes, send it"), QuickFile(message_id=message_id, action="send").pack())],
            [
                _button(
                    _("📝 Add details"), QuickFile(message_id=message_id, action="details").pack()
                )
            ],
            [_button(_("✖️ No"), QuickFile(message_id=message_id, action="no").pack())],
        ]
    )


def communes(items: Sequence[Commune]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        assert item.id is not None
        builder.button(
            text=f"{item.name} ({item.province_name})",
            callback_data=CommuneChoice(commune_id=item.id),
        )
    builder.adjust(1)
    return builder.as_markup()


def my_tickets(items: Sequence[Ticket]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items[:10]:
        assert item.id is not None
        builder.button(text=item.code, callback_data=TicketDetails(ticket_id=item.id))
    builder.adjust(2)
    return builder.as_markup()


def languages() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button("Tiếng Việt", LanguageChoice(language="vi").pack()),
                _button("English", LanguageChoice(language="en").pack()),
            ]
        ]
    )

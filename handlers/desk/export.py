"""/export for leaders and admins, in private: pick a period and Excel or CSV, and the cases
of that period come back as a file (docs/cases-file.md). Officers are told it is for the
leaders; every export is recorded."""

import logging
import re
from datetime import date

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import ExportPick
from bot.ui.formatting import escape
from config.context import AppContext
from models import Commune, Role
from reports.issuing import picked
from services.cases_file import export as case_export
from services.errors import DomainError
from services.people import staff
from services.text import fold

log = logging.getLogger(__name__)
router = Router(name="desk_export")
EXPORTERS = (Role.LEADER, Role.ADMIN)
CHOICES = ("this_month", "last_month", "this_year", "last_year")


def _keyboard(commune: Commune) -> InlineKeyboardMarkup:
    labels = {
        "this_month": _("This month"),
        "last_month": _("Last month"),
        "this_year": _("This year"),
        "last_year": _("Last year"),
    }

    def button(choice: str, kind: str, text: str) -> InlineKeyboardButton:
        data = ExportPick(choice=choice, file_format=kind, commune_id=commune.id or 0)
        return InlineKeyboardButton(text=text, callback_data=data.pack())

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(choice, "xlsx", _("{period} · Excel").format(period=labels[choice])),
                button(choice, "csv", "CSV"),
            ]
            for choice in CHOICES
        ]
    )


def file_name(commune: Commune, start: date, end: date, kind: str) -> str:
    """ASCII, so every phone keeps it: PAKN_Xa-Thong-Nhat_20241101-20241130.xlsx"""
    place = re.sub(r"[^A-Za-z0-9]+", "-", fold(commune.name).title()).strip("-")
    return f"PAKN_{place}_{start:%Y%m%d}-{end:%Y%m%d}.{kind}"


@router.message(Command("export"), F.chat.type == "private")
async def export_command(message: Message, session: AsyncSession) -> None:
    assert message.from_user is not None
    mine = [
        m for m in await staff.memberships(session, message.from_user.id) if m.role in EXPORTERS
    ]
    if not mine:
        await staff.record_refusal(session, message.from_user.id, "export")
        await message.answer(_("Exporting cases is for the commune's leaders."))
        return
    for member in mine:
        commune = await session.get(Commune, member.commune_id)
        assert commune is not None
        await message.answer(
            _(
                "📥 The cases of {commune} as a spreadsheet: which period? One row per case, "
                "without what residents wrote."
            ).format(commune=f"<b>{escape(commune.name)}</b>"),
            reply_markup=_keyboard(commune),
        )


@router.message(Command("export"))
async def export_in_group(message: Message) -> None:
    await message.answer(_("Cases are exported in a private chat with me: send /export there."))


@router.callback_query(ExportPick.filter())
async def on_pick(
    query: CallbackQuery,
    callback_data: ExportPick,
    session: AsyncSession,
    bot: Bot,
    ctx: AppContext,
) -> None:
    try:
        member = await staff.authorize(
            session, query.from_user.id, callback_data.commune_id, EXPORTERS, action="export"
        )
        commune = await session.get(Commune, callback_data.commune_id)
        assert commune is not None
        if (
            callback_data.choice not in CHOICES
            or callback_data.file_format not in case_export.FORMATS
        ):
            raise ValueError(callback_data)
        now = ctx.clock.now()
        _kind, period = picked(
            callback_data.choice, now.astimezone(ctx.tz).date(), commune.report_year_start
        )
    except (DomainError, ValueError) as error:
        log.info("export refused for %s: %r", query.from_user.id, error)
        refused = isinstance(error, DomainError)
        text = (
            _("Exporting cases is for the commune's leaders.")
            if refused
            else _("This button is no longer active.")
        )
        await query.answer(text, show_alert=True)
        return
    await query.answer(_("Preparing the file…"))
    data = await case_export.export_cases(
        session, ctx.policy, commune, period, callback_data.file_format, now=now
    )
    await case_export.record_export(session, member, period, callback_data.file_format, now)
    name = file_name(commune, period.start, period.end, callback_data.file_format)
    await bot.send_document(
        query.from_user.id,
        BufferedInputFile(data, filename=name),
        caption=_("Cases received {start} – {end}, {commune}.").format(
            start=f"{period.start:%d/%m/%Y}",
            end=f"{period.end:%d/%m/%Y}",
            commune=escape(commune.name),
        ),
    )

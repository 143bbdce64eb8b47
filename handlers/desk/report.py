"""Reports in chat for leaders: /report makes a draft of the period they pick; on a draft,
"Duyệt gửi" sends it to the superior level and "Sửa" rewrites a section (a new version)."""

import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.compose.report import EDITABLE, section_names, sections_keyboard
from bot.ui.callbacks import ReportAction, ReportPick
from bot.ui.formatting import escape
from bot.ui.states import ReportInput
from config.context import AppContext
from handlers.desk.common import explain
from handlers.replies import drop_buttons
from models import Commune, ReportStatus
from reports.build import ReportRequest
from reports.issuing import PICKS, make_version, picked, request_for, section_text
from reports.sections import RenderTooCostly
from services.errors import DomainError, InvalidInput, NotAuthorized
from services.people import staff
from services.reporting import versions as report_versions
from services.reporting.placeholders import SectionTextRefused, describe

log = logging.getLogger(__name__)
router = Router(name="desk_report")
NOT_A_COMMAND = ~F.text.startswith("/")


def _explain(error: DomainError) -> str:
    if isinstance(error, report_versions.ReportAlreadySent):
        return _("This report was already approved and sent; it is kept as it was.")
    if isinstance(error, report_versions.ReportChanged):
        return _("A newer version of this report replaced it; use the newest one.")
    if isinstance(error, report_versions.ReportNotFound):
        return _("This button is no longer active.")
    if isinstance(error, InvalidInput) and str(error) == "empty_section":
        return _("Please write the section's text.")
    if isinstance(error, InvalidInput) and str(error) == "section_too_long":
        return _("That is too long for a section. Please keep it under 6,000 characters.")
    if isinstance(error, SectionTextRefused):
        return _("That text cannot be used in the report: {problem}").format(
            problem=escape(describe(error, _))
        )
    if isinstance(error, RenderTooCostly):
        return _(
            "The report could not be made: writing its sections took too long. Nothing was "
            "saved; please tell the administrator."
        )
    if isinstance(error, InvalidInput):
        return _("That text cannot be used in the report: {problem}").format(
            problem=escape(str(error))
        )
    return explain(error)


def _fallback_note() -> str:
    return _(
        "⚠️ The text saved for this section was written with template code (conditions, "
        "loops or filters), which a section can no longer hold, so the report uses the "
        "default text, shown below. Send a plain text to replace it."
    )


def _pick_keyboard(commune: Commune) -> InlineKeyboardMarkup:
    labels = {
        "last_month": _("Last month"),
        "this_month": _("This month so far"),
        "last_quarter": _("Last quarter"),
        "first_half": _("First 6 months of the year"),
        "nine_months": _("First 9 months of the year"),
        "this_year": _("This year so far"),
        "last_year": _("Last year"),
    }
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=labels[choice],
                    callback_data=ReportPick(choice=choice, commune_id=commune.id or 0).pack(),
                )
            ]
            for choice in PICKS
        ]
    )


@router.message(Command("report"), F.chat.type == "private")
async def report_command(message: Message, session: AsyncSession) -> None:
    assert message.from_user is not None
    mine = [
        m
        for m in await staff.memberships(session, message.from_user.id)
        if m.role in report_versions.APPROVERS
    ]
    if not mine:
        await staff.record_refusal(session, message.from_user.id, "report")
        await message.answer(_("Reports are for the commune's leaders."))
        return
    for member in mine:
        commune = await session.get(Commune, member.commune_id)
        assert commune is not None
        await message.answer(
            _(
                "📄 Which report for {commune}? I will send you a draft (.docx) to read, "
                "approve and send to the superior level, or edit."
            ).format(commune=f"<b>{escape(commune.name)}</b>"),
            reply_markup=_pick_keyboard(commune),
        )


@router.message(Command("report"))
async def report_in_group(message: Message) -> None:
    await message.answer(_("Reports are made in a private chat with me: send /report there."))


@router.callback_query(ReportPick.filter())
async def on_pick(
    query: CallbackQuery,
    callback_data: ReportPick,
    session: AsyncSession,
    bot: Bot,
    ctx: AppContext,
) -> None:
    try:
        member = await staff.authorize(
            session,
            query.from_user.id,
            callback_data.commune_id,
            report_versions.APPROVERS,
            action="report",
        )
        commune = await session.get(Commune, callback_data.commune_id)
        assert commune is not None
        now = ctx.clock.now()
        kind, period = picked(
            callback_data.choice, now.astimezone(ctx.tz).date(), commune.report_year_start
        )
    except (DomainError, ValueError) as error:
        log.info("report pick refused for %s: %r", query.from_user.id, error)
        text = (
            _explain(error)
            if isinstance(error, DomainError)
            else _("This button is no longer active.")
        )
        await query.answer(text[:200], show_alert=True)
        return
    await query.answer(_("Preparing the report…"))
    try:
        version = await make_version(
            session,
            ctx.policy,
            ReportRequest((commune.id or 0,), kind, period),
            now=now,
            created_by_id=member.id,
        )
    except RenderTooCostly as error:
        log.warning("report of commune %s not made: %r", commune.code, error)
        await session.rollback()
        await bot.send_message(query.from_user.id, _explain(error))
        return
    await report_versions.ask_leaders(session, version, now, only=member)
    await session.commit()


@router.callback_query(ReportAction.filter())
async def on_draft_button(
    query: CallbackQuery,
    callback_data: ReportAction,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    ctx: AppContext,
) -> None:
    try:
        version, member = await report_versions.approver(
            session,
            query.from_user.id,
            callback_data.version_id,
            action="report_" + callback_data.action,
        )
        report_versions.check_draft(version)
        if callback_data.action == "approve":
            queued = await report_versions.approve(session, version, member, ctx.clock.now())
            await drop_buttons(query.message)
            await query.answer(
                _("✅ Approved and sent.")
                if queued
                else _("✅ Approved. It has nowhere to go yet: see the message that follows."),
                show_alert=not queued,
            )
            return
        if callback_data.action == "edit":
            await query.answer()
            await bot.send_message(
                query.from_user.id,
                _(
                    "Which section do you want to change? The figures are written from the data and cannot be edited."
                ),
                reply_markup=sections_keyboard(version),
            )
            return
        if callback_data.section not in EDITABLE:
            raise report_versions.ReportNotFound(version.id)
    except DomainError as error:
        forged = isinstance(error, (NotAuthorized, report_versions.ReportNotFound))
        log.log(
            logging.WARNING if forged else logging.INFO,
            "report button %s refused for %s: %r",
            callback_data,
            query.from_user.id,
            error,
        )
        if isinstance(error, (report_versions.ReportAlreadySent, report_versions.ReportChanged)):
            await drop_buttons(query.message)
        await query.answer(_explain(error)[:200], show_alert=True)
        return
    await state.set_state(ReportInput.writing)
    await state.set_data({"version_id": version.id, "section": callback_data.section})
    await drop_buttons(query.message)
    await query.answer()
    await bot.send_message(
        query.from_user.id,
        _(
            "✏️ Write the new text of “{section}”. A new version of the report is made with it; "
            "it goes out only when you approve it. The current text follows, to copy and change. "
            "Send /cancel to stop."
        ).format(section=section_names()[callback_data.section]),
    )
    try:
        current, fell_back = await section_text(
            session, ctx.policy, version, callback_data.section, ctx.clock.now()
        )
    except RenderTooCostly as error:
        await state.clear()
        await bot.send_message(query.from_user.id, _explain(error))
        return
    if fell_back:
        await bot.send_message(query.from_user.id, _fallback_note())
    if current.strip():
        await bot.send_message(query.from_user.id, escape(current[:4000]))


@router.message(ReportInput.writing, F.chat.type == "private", F.text, NOT_A_COMMAND)
async def new_section_text(
    message: Message, state: FSMContext, session: AsyncSession, ctx: AppContext
) -> None:
    assert message.from_user is not None and message.text is not None
    data = await state.get_data()
    try:
        version, member = await report_versions.approver(
            session, message.from_user.id, data["version_id"], action="report_edit"
        )
        report_versions.check_draft(version)
        sections = report_versions.edited_sections(version, data["section"], message.text)
    except InvalidInput as error:
        await message.answer(_explain(error))  # still writing: they can send it again
        return
    except DomainError as error:
        log.info("report edit refused for %s: %r", message.from_user.id, error)
        await state.clear()
        await message.answer(_explain(error))
        return
    now = ctx.clock.now()
    try:
        edited = await make_version(
            session,
            ctx.policy,
            request_for(version, sections),
            now=now,
            status=ReportStatus.DRAFT,
            created_by_id=member.id,
        )
    except RenderTooCostly as error:
        log.warning("edited report %s not made: %r", version.id, error)
        await session.rollback()
        await state.clear()
        await message.answer(_explain(error))
        return
    await report_versions.ask_leaders(session, edited, now, only=member)
    await session.commit()
    await state.clear()
    await message.answer(_("Saved. The new version follows; approve it to send it."))


@router.message(ReportInput.writing, F.chat.type == "private", ~F.text)
async def not_text(message: Message) -> None:
    await message.answer(_("Please write the section as text, or send /cancel to stop."))

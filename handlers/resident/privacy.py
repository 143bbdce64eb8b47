"""/mydata and /forget: a resident sees what is kept about them, and has it erased
(Luật Bảo vệ dữ liệu cá nhân 2025)."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import ForgetConfirm
from bot.ui.formatting import escape, local_day
from bot.ui.labels import status_label
from config.context import AppContext
from models import Commune, Resident
from services.cases import tickets
from services.privacy import erasure
from services.privacy.ledger import ErasureLedger

router = Router(name="privacy")


def _or_none(value: str | None) -> str:
    return escape(value) if value else _("(none)")


def retention_line(years: int) -> str:
    return _(
        "• How long: while a case is open, then {years} years after your last case is "
        "closed; after that it is made anonymous."
    ).format(years=years)


@router.message(Command("mydata"))
async def my_data(
    message: Message, session: AsyncSession, resident: Resident, ctx: AppContext
) -> None:
    assert resident.id is not None
    commune = await session.get(Commune, resident.commune_id) if resident.commune_id else None
    cases = await tickets.list_for_resident(session, resident.id, limit=100)
    lines = [
        _("<b>What we keep about you</b>"),
        _("Name: {name}").format(name=_or_none(resident.full_name)),
        _("Telegram username: {username}").format(
            username=escape(f"@{resident.username}") if resident.username else _("(none)")
        ),
        _("Phone number: {phone}").format(phone=_or_none(resident.phone)),
        _("Commune: {commune}").format(commune=_or_none(commune.name if commune else None)),
        _("Language: {language}").format(
            language="Tiếng Việt" if resident.language == "vi" else "English"
        ),
        _("Consent given: {day}").format(
            day=local_day(resident.consent_at, ctx.tz) if resident.consent_at else _("(none)")
        ),
        _("Your cases: {count}").format(count=len(cases)),
    ]
    lines += [f"  • <b>{t.code}</b> · {status_label(t.status)}" for t in cases]
    lines += [
        "",
        _("With each case we also keep what you sent: the text, photos and location."),
        _(
            "• Who sees it: the commune's staff see your name and your cases; your phone "
            "number only the officer handling your case or a leader, and each look is recorded."
        ),
        retention_line(ctx.settings.retention_years),
        _("• To have your personal data erased: /forget"),
    ]
    if resident.erasure_requested_at is not None:
        lines.append(
            _("⏳ You asked for erasure: it will be done when your open cases are closed.")
        )
    await message.answer("\n".join(lines))


def _confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("🗑 Erase my data"), callback_data=ForgetConfirm(answer="yes").pack()
                )
            ],
            [
                InlineKeyboardButton(
                    text=_("✖️ No, keep it"), callback_data=ForgetConfirm(answer="no").pack()
                )
            ],
        ]
    )


@router.message(Command("forget"))
async def forget(message: Message) -> None:
    text = "\n".join(
        [
            _("<b>Erase your personal data?</b>"),
            _(
                "• Removed: your name, username, phone number and Telegram account, and the "
                "text, photos and location you sent."
            ),
            _(
                "• Kept: your cases, with nothing that shows who you are, so the commune's "
                "statistics stay right."
            ),
            _(
                "• If a case is still open, the commune needs your contact to answer it: the "
                "erasure is then done when it is closed."
            ),
            _("This cannot be undone."),
        ]
    )
    await message.answer(text, reply_markup=_confirm_keyboard())


@router.callback_query(ForgetConfirm.filter())
async def forget_confirmed(
    query: CallbackQuery,
    callback_data: ForgetConfirm,
    session: AsyncSession,
    resident: Resident,
    state: FSMContext,
    ctx: AppContext,
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if callback_data.answer != "yes":
        await query.message.edit_text(_("Nothing was erased."))
        return
    await state.clear()
    ledger = ErasureLedger(ctx.settings.erasure_ledger_path)
    outcome = await erasure.request_erasure(session, resident, ctx.clock.now(), ledger=ledger)
    if outcome.erased:
        text = _(
            "✅ Your personal data has been erased. Your cases remain without your name, for "
            "the commune's statistics. If you write again, you start afresh."
        )
    else:
        text = _(
            "⏳ You have {count} open case(s). The commune needs your contact to answer them, "
            "so your data will be erased automatically when the last one is closed."
        ).format(count=outcome.open_cases)
    await query.message.edit_text(text)

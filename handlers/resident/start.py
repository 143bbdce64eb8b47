"""/start (with deep links), /help, /privacy, /language."""

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import LanguageChoice
from bot.ui.deeplinks import COMMUNE_PREFIX
from bot.ui.keyboards import resident as keyboards
from config.context import AppContext
from handlers.menu import answer_staff_help
from handlers.resident.commune import ask_commune, resident_commune
from handlers.resident.privacy import retention_line
from models import Resident
from services.communes import registry as communes
from services.errors import CommuneNotFound, InvalidCommuneCode, InvalidInput
from services.people import residents

router = Router(name="start")


def privacy_text(years: int) -> str:
    return "\n".join(
        [
            _("<b>Your personal data</b> (Personal Data Protection Law 2025)"),
            _(
                "• What we keep: your Telegram name and id, what you send (text, photos, "
                "location), and your phone number if you share it."
            ),
            _("• Why: only so the commune can handle your case and answer you."),
            _(
                "• Who sees it: the commune's staff. Your phone number is never posted in "
                "their group; each look at it is recorded."
            ),
            retention_line(years),
            _(
                "• Your rights: to see your data (/mydata), have it corrected (ask the commune "
                "office) or erased (/forget)."
            ),
        ]
    )


def help_text() -> str:
    return "\n".join(
        [
            _("<b>How to use this bot</b>"),
            _("📝 /new — send feedback (a problem, a request, a question)"),
            _("📋 /mine — your cases and their status"),
            _("🔎 /status PA24-0042 — one case"),
            _("✖️ /cancel — stop what you are doing"),
            _("🌐 /language — Tiếng Việt / English"),
            _("🔒 /privacy — what we keep about you"),
            _("🗂 /mydata — see your personal data"),
            _("🗑 /forget — erase your personal data"),
            "",
            _("You can also just write your message: I will offer to send it in one tap."),
        ]
    )


@router.message(CommandStart())
async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    resident: Resident,
    ctx: AppContext,
) -> None:
    await state.clear()
    payload = command.args or ""
    if payload.startswith(COMMUNE_PREFIX):
        try:
            linked = await communes.get_commune(session, payload[len(COMMUNE_PREFIX) :])
            await residents.choose_commune(session, resident, linked)
        except (CommuneNotFound, InvalidCommuneCode):
            pass
    commune = await resident_commune(session, resident)
    welcome = [
        _("Hello! This is the digital mailbox (Hòm thư số) of the commune's People's Committee."),
        _(
            "Here you can report a problem, make a request or ask a question. You get a code "
            "and a date by which the commune must answer."
        ),
    ]
    if commune is not None:
        welcome.append(_("Your commune: <b>{name}</b>").format(name=commune.name))
    await message.answer(
        "\n\n".join([*welcome, privacy_text(ctx.settings.retention_years)]),
        reply_markup=keyboards.main_menu(),
    )
    if commune is None:
        await ask_commune(message, state, session, then=None)


@router.message(Command("help"))
@router.message(F.text == keyboards.MENU_HELP)
async def help_command(message: Message) -> None:
    await message.answer(help_text(), reply_markup=keyboards.main_menu())


@router.message(Command("privacy"))
async def privacy(message: Message, ctx: AppContext) -> None:
    await message.answer(privacy_text(ctx.settings.retention_years))


@router.message(Command("language"))
async def language(message: Message) -> None:
    await message.answer(_("Choose your language:"), reply_markup=keyboards.languages())


@router.callback_query(LanguageChoice.filter())
async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    session: AsyncSession,
    resident: Resident,
    i18n: I18n,
) -> None:
    try:
        await residents.set_language(session, resident, callback_data.language)
    except InvalidInput:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    with i18n.use_locale(callback_data.language):
        if isinstance(query.message, Message):
            await query.message.edit_text(_("Language: English"))
            if not await answer_staff_help(query.message, session, resident):
                await query.message.answer(help_text(), reply_markup=keyboards.main_menu())

"""The leaders' buttons on a draft apology letter: approve it, or change it by writing the
new text in the private chat (then approve that version)."""

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import ApologyAction
from bot.ui.formatting import escape
from bot.ui.states import ApologyInput
from config.context import AppContext
from handlers.desk.common import explain
from handlers.replies import drop_buttons
from services.desk import apology
from services.errors import DomainError, InvalidInput, NotAuthorized

log = logging.getLogger(__name__)
router = Router(name="desk_apology")
NOT_A_COMMAND = ~F.text.startswith("/")


def _explain(error: DomainError) -> str:
    if isinstance(error, apology.LetterAlreadySent):
        return _("This letter has already been sent to the resident.")
    if isinstance(error, apology.LetterChanged):
        return _("This letter was changed meanwhile; approve its newest version.")
    if isinstance(error, apology.LetterNotFound):
        return _("This button is no longer active.")
    if isinstance(error, InvalidInput) and str(error) == "letter_too_long":
        return _("That is too long for a letter. Please keep it under 3,000 characters.")
    return explain(error)


@router.callback_query(ApologyAction.filter())
async def on_letter_button(
    query: CallbackQuery,
    callback_data: ApologyAction,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    ctx: AppContext,
) -> None:
    try:
        letter, ticket, member = await apology.letter_for_staff(
            session, query.from_user.id, callback_data.letter_id
        )
        if callback_data.action == "approve":
            now = ctx.clock.now()
            await apology.approve(
                session, letter, member, at=now, now=now, version=callback_data.version
            )
            await query.answer(_("✅ Sent to the resident."))
            return
        if callback_data.action != "edit":
            raise apology.LetterNotFound(callback_data.letter_id)
        await apology.check_editable(session, letter, member, ticket, version=callback_data.version)
    except DomainError as error:
        forged = isinstance(error, (NotAuthorized, apology.LetterNotFound))
        log.log(
            logging.WARNING if forged else logging.INFO,
            "apology button %s refused for %s: %r",
            callback_data,
            query.from_user.id,
            error,
        )
        if isinstance(error, apology.LetterAlreadySent):
            await drop_buttons(query.message)
        await query.answer(_explain(error)[:200], show_alert=True)
        return
    user = query.from_user.id
    private = FSMContext(
        storage=state.storage, key=StorageKey(bot_id=bot.id, chat_id=user, user_id=user)
    )
    await private.set_state(ApologyInput.writing)  # before the question: the answer may be quick
    await private.set_data({"letter_id": letter.id, "version": letter.version})
    try:
        await bot.send_message(
            user,
            _(
                "✏️ Write the new text of the apology letter for {code}. It goes to the resident "
                "only after you approve it; the office's signature is added if you leave it out. "
                "The current text follows, to copy and change. Send /cancel to stop."
            ).format(code=f"<b>{ticket.code}</b>"),
        )
        await bot.send_message(user, escape(letter.text))
    except (TelegramForbiddenError, TelegramBadRequest):
        await private.clear()
        await query.answer(
            _("Open a private chat with me first (tap my name, then Start), then try again."),
            show_alert=True,
        )
        return
    await query.answer()


@router.message(ApologyInput.writing, F.chat.type == "private", F.text, NOT_A_COMMAND)
async def new_letter_text(
    message: Message, state: FSMContext, session: AsyncSession, ctx: AppContext
) -> None:
    assert message.from_user is not None and message.text is not None
    data = await state.get_data()
    try:
        letter, _ticket, member = await apology.letter_for_staff(
            session, message.from_user.id, data["letter_id"]
        )
        await apology.edit(
            session, letter, member, message.text, at=message.date, version=data["version"]
        )
    except InvalidInput as error:
        await message.answer(_explain(error))  # still writing: they can send it again
        return
    except DomainError as error:
        log.info("apology edit refused for %s: %r", message.from_user.id, error)
        await state.clear()
        await message.answer(_explain(error))
        return
    await state.clear()
    await message.answer(_("Saved. The new text follows; approve it to send it."))


@router.message(ApologyInput.writing, F.chat.type == "private", ~F.text)
async def not_text(message: Message) -> None:
    await message.answer(_("Please write the letter as text, or send /cancel to stop."))

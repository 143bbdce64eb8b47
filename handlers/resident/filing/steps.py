"""The guided filing flow's steps: what each one asks, and which comes next."""

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.keyboards import resident as keyboards
from bot.ui.states import Filing
from handlers.resident.filing.summary import summary_text
from services.communes import registry as communes

ORDER = [
    Filing.kind,
    Filing.category,
    Filing.description,
    Filing.attachments,
    Filing.location,
    Filing.village,
    Filing.phone,
    Filing.review,
]


async def ask(step: State, message: Message, state: FSMContext, session: AsyncSession) -> None:
    """Sends the step's question and enters it. `message` is any message in the chat."""
    data = await state.get_data()
    commune_id = data["commune_id"]
    if step == Filing.description and data.get("text") and not data.get("editing"):
        step = Filing.attachments  # the text came with a one-tap offer
    if step == Filing.village and not await communes.list_villages(session, commune_id):
        step = Filing.phone if not data.get("editing") else Filing.review
    await state.set_state(step)
    if step == Filing.kind:
        await message.answer(_("What would you like to send?"), reply_markup=keyboards.kinds())
    elif step == Filing.category:
        items = await communes.list_categories(session, commune_id)
        await message.answer(
            _("Which field is it about?"), reply_markup=keyboards.categories(items)
        )
    elif step == Filing.description:
        await message.answer(
            _(
                "Please write what happened or what you propose, in a few sentences: "
                "what, where, since when."
            ),
            reply_markup=ReplyKeyboardRemove(),
        )
    elif step == Filing.attachments:
        await message.answer(
            _(
                "Do you have photos, videos, voice messages or documents? Send them here "
                "(optional). When you are done, tap Continue."
            ),
            reply_markup=keyboards.next_step(),
        )
    elif step == Filing.location:
        await message.answer(
            _("Where is it? Tap the button to send your location, or Skip."),
            reply_markup=keyboards.share_location(),
        )
    elif step == Filing.village:
        places = await communes.list_villages(session, commune_id)
        await message.answer(_("Which village is it in?"), reply_markup=ReplyKeyboardRemove())
        await message.answer(_("Choose one:"), reply_markup=keyboards.villages(places))
    elif step == Filing.phone:
        await message.answer(
            _(
                "So the commune can call you back if needed, share your phone number "
                "(optional). It is never shown in public."
            ),
            reply_markup=keyboards.share_phone(),
        )
    else:
        await show_review(message, state, session)


async def show_review(message: Message, state: FSMContext, session: AsyncSession) -> None:
    await state.set_state(Filing.review)
    await state.update_data(editing=False)
    data = await state.get_data()
    await message.answer(_("Please check your case:"), reply_markup=ReplyKeyboardRemove())
    await message.answer(await summary_text(data, session), reply_markup=keyboards.review())


async def advance(done: State, message: Message, state: FSMContext, session: AsyncSession) -> None:
    """Go to the step after `done`, or back to the review when the resident was editing."""
    data: dict[str, Any] = await state.get_data()
    if data.get("editing") and done != Filing.kind:
        await show_review(message, state, session)
        return
    await ask(ORDER[ORDER.index(done) + 1], message, state, session)

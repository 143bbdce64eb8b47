"""/log's steps: what each one asks, which comes next, the review and the confirmation."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.formatting import escape, local_day, local_time
from bot.ui.keyboards import log as kb
from bot.ui.labels import category_label, channel_label, kind_label, rule_label
from bot.ui.states import LogCase
from handlers.resident.drafts import to_ticket_draft
from models import Category, Channel, Kind, Village
from services.cases.tickets import TicketDraft
from services.cases.views import TicketView
from services.communes import registry as communes

ORDER = [
    LogCase.channel,
    LogCase.received,
    LogCase.kind,
    LogCase.category,
    LogCase.village,
    LogCase.name,
    LogCase.phone,
    LogCase.text,
    LogCase.photos,
    LogCase.review,
]
PREVIEW_CHARS = 1500


async def ask(
    step: State, message: Message, state: FSMContext, session: AsyncSession, tz: ZoneInfo
) -> None:
    """Sends the step's question and enters it. `message` is any message in the chat."""
    data = await state.get_data()
    commune_id = data["commune_id"]
    if step == LogCase.village and not await communes.list_villages(session, commune_id):
        step = LogCase.name if not data.get("editing") else LogCase.review
    await state.set_state(step)
    if step == LogCase.channel:
        await message.answer(_("How did the commune receive it?"), reply_markup=kb.channels())
    elif step == LogCase.received:
        await message.answer(
            _(
                "When was it received? Tap “Just now”, or write the date and time, "
                "e.g. 20/11/2026 14:30, 20/11 or hôm qua 9:00."
            ),
            reply_markup=kb.received(),
        )
    elif step == LogCase.kind:
        await message.answer(_("What kind of feedback is it?"), reply_markup=kb.kinds())
    elif step == LogCase.category:
        items = await communes.list_categories(session, commune_id)
        await message.answer(_("Which field is it about?"), reply_markup=kb.categories(items))
    elif step == LogCase.village:
        places = await communes.list_villages(session, commune_id)
        await message.answer(
            _("Which village is it in? (optional)"), reply_markup=kb.villages(places)
        )
    elif step == LogCase.name:
        await message.answer(_("The citizen's name (optional):"), reply_markup=kb.skip())
    elif step == LogCase.phone:
        await message.answer(
            _("The citizen's phone number (optional; never shown in the group):"),
            reply_markup=kb.skip(),
        )
    elif step == LogCase.text:
        await message.answer(
            _("Write the content of the feedback, as the citizen gave it:"),
            reply_markup=kb.cancel_only(),
        )
    elif step == LogCase.photos:
        await message.answer(
            _("Photos or scanned papers (optional): send them here, then tap Continue."),
            reply_markup=kb.next_step(),
        )
    else:
        await show_review(message, state, session, tz)


async def show_review(
    message: Message, state: FSMContext, session: AsyncSession, tz: ZoneInfo
) -> None:
    await state.set_state(LogCase.review)
    await state.update_data(editing=False)
    data = await state.get_data()
    await message.answer(await summary_text(data, session, tz), reply_markup=kb.review())


async def advance(
    done: State, message: Message, state: FSMContext, session: AsyncSession, tz: ZoneInfo
) -> None:
    """The step after `done`, or back to the review when the officer was changing one."""
    if (await state.get_data()).get("editing"):
        await show_review(message, state, session, tz)
        return
    await ask(ORDER[ORDER.index(done) + 1], message, state, session, tz)


async def summary_text(data: dict[str, Any], session: AsyncSession, tz: ZoneInfo) -> str:
    category = await session.get(Category, data["category_id"]) if data.get("category_id") else None
    village = await session.get(Village, data["village_id"]) if data.get("village_id") else None
    text = data.get("text", "")
    none = _("(none)")
    lines = [
        _("Please check the case before saving:"),
        "",
        _("Channel: {channel}").format(channel=channel_label(data["channel"])),
        _("Received: {time}").format(
            time=local_time(datetime.fromisoformat(data["received_at"]), tz)
        ),
        _("Kind: {kind}").format(kind=kind_label(Kind(data["kind"]))),
        _("Field: {category}").format(
            category=escape(category_label(category.slug, category.name) if category else none)
        ),
        _("Village: {village}").format(village=escape(village.name) if village else none),
        _("Name: {name}").format(name=escape(data.get("name") or none)),
        _("Phone number: {phone}").format(phone=escape(data.get("phone") or none)),
        _("Content: {text}").format(
            text=escape(text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…")
        ),
        _("Photos, files: {count}").format(count=len(data.get("attachments", []))),
    ]
    return "\n".join(lines)


def draft_of(data: dict[str, Any]) -> TicketDraft:
    draft = to_ticket_draft(data)  # the resident flow's own reading of files and fields
    draft.channel = Channel(data["channel"])
    return draft


def logged_text(view: TicketView, tz: ZoneInfo) -> str:
    """The officer's receipt: the code to give the citizen, and the deadlines."""
    return "\n".join(
        [
            _("✅ Case recorded. Reference code: <b>{code}</b>").format(code=view.code),
            _("Channel: {channel}").format(channel=channel_label(view.channel.value)),
            _("Kind: {kind} · Field: {category}").format(
                kind=kind_label(view.kind),
                category=escape(category_label(view.category_slug, view.category_name)),
            ),
            _("Received: {time}").format(time=local_time(view.received_at, tz)),
            _("Acknowledgement due: {day}").format(day=local_day(view.ack_due_at, tz)),
            _("Answer due: <b>{day}</b>").format(day=local_day(view.resolve_due_at, tz)),
            _("({rule})").format(rule=rule_label(view.deadline_rule, view.deadline_basis)),
            "",
            _(
                "Give the citizen this code. The card is in the staff group; the case is "
                "handled like any other."
            ),
        ]
    )

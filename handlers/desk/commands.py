"""/ack /assign /reply /forward /reject /extend /close /merge /note, and /queue, /find:
for power users, in a private chat with the bot or in the staff group."""

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.formatting import escape, local_day
from bot.ui.labels import status_icon
from config.context import AppContext
from handlers.desk.actions import perform
from handlers.desk.common import explain
from handlers.desk.log.answer import answer_elsewhere
from handlers.replies import reply_long
from handlers.resident.drafts import attachment_of
from models import Staff
from services.cases.tickets import AttachmentDraft
from services.desk.access import (
    active_staff,
    communes_to_search,
    queue,
    search_tickets,
    staff_matching,
    ticket_for_staff,
)
from services.errors import DomainError, InvalidInput
from services.people import staff as staff_service

router = Router(name="desk_commands")

USAGE = {
    "ack": "/ack PA24-0042",
    "assign": "/assign PA24-0042 Lan",
    "reply": "/reply PA24-0042 <text>",
    "forward": "/forward PA24-0042 <body>",
    "reject": "/reject PA24-0042 <reason>",
    "extend": "/extend PA24-0042 +5 <reason>",
    "close": "/close PA24-0042 <result>",
    "merge": "/merge PA24-0042 PA24-0040",
    "note": "/note PA24-0042 <text>",
    "reclassify": "/reclassify PA24-0042 dat_dai",
}


def _group(message: Message) -> int | None:
    return None if message.chat.type == "private" else message.chat.id


async def _refuse_outsider(message: Message, session: AsyncSession, action: str) -> bool:
    """A private chat from someone who is nobody's staff: refuse, log, change nothing."""
    assert message.from_user is not None
    if _group(message) is None and not await staff_service.memberships(
        session, message.from_user.id
    ):
        await staff_service.record_refusal(session, message.from_user.id, action)
        await message.answer(explain_not_staff())
        return True
    return False


def _names(people: list[Staff]) -> str:
    return "\n".join(
        f"• {escape(p.name)}" + (f" (@{escape(p.username)})" if p.username else "") for p in people
    )


async def _assign_help(session: AsyncSession, message: Message) -> str:
    """How /assign names a person (staff added by `pakn` have no @username), and who."""
    assert message.from_user is not None
    scope = await communes_to_search(session, message.from_user.id, _group(message))
    return "\n".join(
        [
            _("Write part of the person's name (diacritics optional), or their @username."),
            _names(await active_staff(session, scope)),
        ]
    )


async def _no_such_person(session: AsyncSession, commune_id: int, who: str) -> str:
    """Those the name matched, if several; else the whole staff of the case's commune."""
    matches = await staff_matching(session, commune_id, who)
    people = matches if len(matches) > 1 else await active_staff(session, [commune_id])
    return _names(people)


def explain_not_staff() -> str:
    return _("This command is for the commune's staff. To send feedback, tap 📝 Send feedback.")


@router.message(Command(*USAGE))
async def act(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    ctx: AppContext,
    state: FSMContext,
) -> None:
    assert message.from_user is not None
    action = command.command
    if await _refuse_outsider(message, session, action):
        return
    code, _sep, rest = (command.args or "").strip().partition(" ")
    files = [AttachmentDraft(**item) for item in [attachment_of(message)] if item]
    if not code or (action != "ack" and not rest.strip() and not files):
        usage = _("Usage: {usage}").format(usage=escape(USAGE[action]))
        if action == "assign":
            usage += "\n" + await _assign_help(session, message)
        await message.reply(usage)
        return
    try:
        ticket, member = await ticket_for_staff(
            session, message.from_user.id, code, _group(message)
        )
        if await answer_elsewhere(
            session, message, state, ticket, member, action, rest, files, message.date
        ):
            return  # a citizen without Telegram: how was it given? (log_answer.py)
        done = await perform(
            session, ctx, ticket, member, action, rest, at=message.date, files=files
        )
    except DomainError as error:
        answer = explain(error)
        if action == "assign" and isinstance(error, InvalidInput) and "staff_" in str(error):
            answer += "\n" + await _no_such_person(session, ticket.commune_id, rest)
        await message.reply(answer)
        return
    await message.reply(done)


@router.message(Command("queue"))
async def my_queue(message: Message, session: AsyncSession, ctx: AppContext) -> None:
    assert message.from_user is not None
    if await _refuse_outsider(message, session, "queue"):
        return
    lines: list[str] = []
    # in a staff group, only that group's communes: its other members may not be staff elsewhere
    scope = await communes_to_search(session, message.from_user.id, _group(message))
    for member in await staff_service.memberships(session, message.from_user.id):
        if member.commune_id not in scope:
            continue
        for ticket in await queue(session, member):
            lines.append(
                _("{icon} <b>{code}</b> · due {day} · {who}").format(
                    icon=status_icon(ticket.status),
                    code=ticket.code,
                    day=local_day(ticket.resolve_due_at, ctx.tz),
                    who=_("yours") if ticket.assignee_id == member.id else _("unassigned"),
                )
            )
    if not lines:
        await message.answer(_("Nothing waits for you. 👍"))
        return
    await reply_long(message, "\n".join([_("Your open cases, most urgent first:"), "", *lines]))


@router.message(Command("find"))
async def find(
    message: Message, command: CommandObject, session: AsyncSession, ctx: AppContext
) -> None:
    assert message.from_user is not None
    if await _refuse_outsider(message, session, "find"):
        return
    if not command.args:
        await message.reply(_("Usage: {usage}").format(usage="/find dat dai"))
        return
    scope = await communes_to_search(session, message.from_user.id, _group(message))
    found = await search_tickets(session, scope, command.args)
    if not found:
        await message.reply(_("Nothing found."))
        return
    lines = [f"{status_icon(t.status)} <b>{t.code}</b> · {escape(t.text[:80])}" for t in found]
    await reply_long(message, "\n".join(lines))

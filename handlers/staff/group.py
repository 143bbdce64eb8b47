"""The staff group's minimum: /bind the group, see a resident's phone in private."""

from aiogram import Bot, F, Router
from aiogram.filters import LEAVE_TRANSITION, ChatMemberUpdatedFilter, Command, CommandObject
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import PhoneReveal
from bot.ui.formatting import escape
from config.context import AppContext
from handlers.desk.common import pressed_in_group
from handlers.replies import send_privately
from models import Commune, Role
from services.cases.views import reveal_phone
from services.communes.divisions import normalize_code
from services.desk import reachability
from services.desk.access import staff_for_phone, staff_in, ticket_by_id_for_staff
from services.errors import InvalidCommuneCode, NotAuthorized, StaffChatTaken, TicketNotFound
from services.people import staff as staff_service

router = Router(name="staff")


@router.message(Command("bind"), F.chat.type.in_({"group", "supergroup"}))
async def bind(
    message: Message, command: CommandObject, session: AsyncSession, ctx: AppContext
) -> None:
    assert message.from_user is not None
    admin_of = [
        m
        for m in await staff_service.memberships(session, message.from_user.id)
        if m.role is Role.ADMIN
    ]
    if command.args:
        try:
            wanted = normalize_code(command.args)
        except InvalidCommuneCode:
            wanted = ""
        communes = [
            c
            for m in admin_of
            if (c := await session.get(Commune, m.commune_id)) and c.code == wanted
        ]
    else:
        communes = [c for m in admin_of if (c := await session.get(Commune, m.commune_id))]
    if not admin_of or not communes:
        await staff_service.record_refusal(
            session, message.from_user.id, "bind_staff_chat", str(message.chat.id)
        )
        await message.reply(_("Only an admin of the commune can bind this group."))
        return
    if len(communes) > 1:
        codes = ", ".join(c.code for c in communes)
        await message.reply(
            _("You administer several communes; send /bind and the code: {codes}").format(
                codes=codes
            )
        )
        return
    commune = communes[0]
    member = next(m for m in admin_of if m.commune_id == commune.id)
    try:
        await staff_service.bind_staff_chat(
            session, member, commune, message.chat.id, now=ctx.clock.now()
        )
    except StaffChatTaken as taken:
        await message.reply(
            _(
                "This group already receives the cases of {names}. Each commune's cases go to "
                "its own staff group: send /bind in yours."
            ).format(names=escape(str(taken)))
        )
        return
    await message.reply(
        _("This group now receives the new cases of {name}.").format(name=escape(commune.name))
    )


@router.message(F.migrate_to_chat_id)
async def group_upgraded(message: Message, session: AsyncSession) -> None:
    """A group became a supergroup: its new id replaces the old one wherever it was bound."""
    assert message.migrate_to_chat_id is not None
    await staff_service.move_staff_chat(session, message.chat.id, message.migrate_to_chat_id)


@router.message(Command("bind"))
async def bind_in_private(message: Message) -> None:
    await message.answer(_("Send /bind inside the staff group, not here."))


@router.callback_query(PhoneReveal.filter())
async def phone(
    query: CallbackQuery,
    callback_data: PhoneReveal,
    session: AsyncSession,
    bot: Bot,
    ctx: AppContext,
) -> None:
    try:  # pressed in a staff group: a case of that group's communes only
        ticket, _member = await ticket_by_id_for_staff(
            session, query.from_user.id, callback_data.ticket_id, pressed_in_group(query)
        )
    except TicketNotFound:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    try:
        member = await staff_for_phone(session, query.from_user.id, ticket)
    except NotAuthorized:
        staff_here = await staff_in(session, query.from_user.id, ticket.commune_id)
        refusal = (
            _("Only the officer handling {code}, or a leader, can see this phone number.")
            if staff_here.id is not None
            else _("Only the commune's staff can see this.")
        )
        await query.answer(refusal.format(code=ticket.code), show_alert=True)
        return
    number = await reveal_phone(session, ticket, member, at=ctx.clock.now())
    text = (
        _("Phone number for {code}: {phone}").format(code=ticket.code, phone=escape(number))
        if number
        else _("The resident did not give a phone number for {code}.").format(code=ticket.code)
    )
    if await send_privately(query, text):
        await query.answer(_("Sent to you in a private chat."))


@router.my_chat_member(ChatMemberUpdatedFilter(member_status_changed=LEAVE_TRANSITION))
async def removed_from_group(
    event: ChatMemberUpdated, session: AsyncSession, ctx: AppContext
) -> None:
    """The bot left or was removed from a group: if it was a staff group, unbind it."""
    if event.chat.type in ("group", "supergroup"):
        # the update's session commits when the handler returns (DbSessionMiddleware)
        await reachability.staff_group_lost(session, event.chat.id, now=ctx.clock.now())

"""/staff for admins: the commune's staff, a member's role changed, a member removed."""

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import StaffList, StaffMember, StaffRemoval, StaffRoleChange
from bot.ui.formatting import escape
from bot.ui.keyboards import staff as keyboards
from bot.ui.staff_text import member_line, role_label
from config.context import AppContext
from handlers.replies import admin_for_button
from models import Commune, Role, Staff
from services.desk import roster as staff_admin_service
from services.errors import LastAdmin, NotAuthorized, StaffNotFound
from services.people import staff as staff_service

router = Router(name="staff_admin")
ADMIN = (Role.ADMIN,)
SHOWN_CODES = 50  # the staff group gets them all


def only_admins() -> str:
    return _("Only an admin of the commune can manage its staff.")


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replaces the message the button was on; a double tap that changes nothing is fine."""
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            raise


async def listing(session: AsyncSession, commune: Commune) -> tuple[str, InlineKeyboardMarkup]:
    members = await staff_service.list_staff(session, commune)
    lines = [_("<b>Staff of {commune}</b>").format(commune=escape(commune.name)), ""]
    lines += [member_line(m) for m in members]
    lines += ["", _("Tap a name to change their role or remove them. To add someone: /invite")]
    return "\n".join(lines), keyboards.staff_members(members)


def member_card(member: Staff) -> str:
    return "\n".join([member_line(member), "", _("What would you like to do?")])


@router.message(Command("staff"), F.chat.type == "private")
async def staff_command(message: Message, command: CommandObject, session: AsyncSession) -> None:
    assert message.from_user is not None
    try:
        found = await staff_admin_service.administered_communes(
            session, message.from_user.id, action="staff_list", code=command.args
        )
    except NotAuthorized:
        await message.answer(only_admins())
        return
    if len(found) > 1:
        await message.answer(
            _("Which commune's staff?"), reply_markup=keyboards.staff_communes(found)
        )
        return
    text, markup = await listing(session, found[0])
    await message.answer(text, reply_markup=markup)


@router.message(Command("staff"))
async def staff_in_group(message: Message) -> None:
    await message.reply(_("Send /staff to me in a private chat, not here."))


@router.callback_query(StaffList.filter())
async def list_chosen(
    query: CallbackQuery, callback_data: StaffList, session: AsyncSession
) -> None:
    found = await admin_for_button(
        query, session, callback_data.commune_id, "staff_list", only_admins()
    )
    if found is None:
        return
    commune, _admin = found
    await query.answer()
    await show(query, *await listing(session, commune))


async def _target(
    query: CallbackQuery, session: AsyncSession, staff_id: int, action: str
) -> tuple[Staff, Staff] | None:
    """(the admin, the member) when the presser is an admin of the member's commune; else
    the button is answered here and None returned."""
    try:
        member = await staff_admin_service.get_member(session, staff_id, active_only=False)
        admin = await staff_service.authorize(
            session, query.from_user.id, member.commune_id, ADMIN, action=action
        )
    except StaffNotFound:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return None
    except NotAuthorized:
        await query.answer(only_admins(), show_alert=True)
        return None
    if not member.active:  # told only to an admin of that commune
        await query.answer(_("This person is no longer on the staff."), show_alert=True)
        return None
    return admin, member


@router.callback_query(StaffMember.filter())
async def member_chosen(
    query: CallbackQuery, callback_data: StaffMember, session: AsyncSession
) -> None:
    found = await _target(query, session, callback_data.staff_id, "staff_list")
    if found is None:
        return
    await query.answer()
    await show(query, member_card(found[1]), keyboards.member_actions(found[1]))


@router.callback_query(StaffRoleChange.filter())
async def role_chosen(
    query: CallbackQuery, callback_data: StaffRoleChange, session: AsyncSession, ctx: AppContext
) -> None:
    found = await _target(query, session, callback_data.staff_id, "staff_role_changed")
    if found is None:
        return
    admin, member = found
    try:
        await staff_admin_service.change_role(
            session, admin, member, Role(callback_data.role), now=ctx.clock.now()
        )
    except LastAdmin:
        await query.answer(
            _("The commune needs an admin: make someone else admin first."), show_alert=True
        )
        return
    except (ValueError, NotAuthorized, StaffNotFound):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer(
        _("Done: {name} is now {role}.").format(name=member.name, role=role_label(member.role))
    )
    await show(query, member_card(member), keyboards.member_actions(member))


@router.callback_query(StaffRemoval.filter())
async def removal(
    query: CallbackQuery, callback_data: StaffRemoval, session: AsyncSession, ctx: AppContext
) -> None:
    found = await _target(query, session, callback_data.staff_id, "staff_removed")
    if found is None:
        return
    admin, member = found
    commune = await session.get(Commune, member.commune_id)
    assert commune is not None
    if not callback_data.confirmed:
        await query.answer()
        question = _(
            "Remove {name} from the staff of {commune}? Their open cases go back to "
            "unassigned, and the staff group is told which ones need a new assignee."
        ).format(name=escape(member.name), commune=escape(commune.name))
        await show(query, question, keyboards.confirm_removal(member))
        return
    try:
        returned = await staff_admin_service.remove_staff(
            session, admin, member, now=ctx.clock.now()
        )
    except LastAdmin:
        await query.answer(
            _("The commune needs an admin: make someone else admin first."), show_alert=True
        )
        return
    await query.answer(_("Removed."))
    done = _("{name} is no longer on the staff.").format(name=escape(member.name))
    if returned:
        codes = ", ".join(t.code for t in returned[:SHOWN_CODES])
        more = " …" if len(returned) > SHOWN_CODES else ""
        done += "\n" + _("Cases to assign again: {codes}").format(codes=codes + more)
    text, markup = await listing(session, commune)
    await show(query, f"{done}\n\n{text}", markup)

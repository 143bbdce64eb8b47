"""Staff join by a one-time link: /invite makes one (admins), /start inv-… redeems it
unless it was used, has expired or was revoked (also when its admin left)."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import InviteCommune, InviteRole
from bot.ui.deeplinks import STAFF_INVITE_PREFIX, invite_link
from bot.ui.formatting import escape, local_time
from bot.ui.keyboards import staff as keyboards
from bot.ui.staff_text import role_duties, role_label
from config.context import AppContext
from handlers.replies import admin_for_button, send_privately
from handlers.staff.admin import show
from handlers.staff.invitations import invite_screen, only_admins
from models import Commune, Role
from services.desk import roster as staff_admin_service
from services.errors import (
    InviteExpired,
    InviteNotFound,
    InviteRevoked,
    InviteUsed,
    NotAuthorized,
    StaffExists,
)
from services.people import invites

router = Router(name="staff_onboarding")
ADMIN = (Role.ADMIN,)


@router.message(
    CommandStart(deep_link=True, magic=F.args.startswith(STAFF_INVITE_PREFIX)),
    F.chat.type == "private",
)
async def join(
    message: Message, command: CommandObject, session: AsyncSession, ctx: AppContext
) -> None:
    assert message.from_user is not None and command.args is not None
    token = command.args[len(STAFF_INVITE_PREFIX) :]
    ask_again = _("Please ask the commune's admin for a new link.")
    try:
        member = await invites.redeem_invite(
            session,
            token,
            telegram_id=message.from_user.id,
            full_name=message.from_user.full_name,
            username=message.from_user.username,
            now=ctx.clock.now(),
        )
    except InviteNotFound:
        await message.answer(_("Sorry, this invitation link is not valid.") + " " + ask_again)
        return
    except InviteUsed:
        await message.answer(
            _("Sorry, this invitation has already been used: each link works only once.")
            + " "
            + ask_again
        )
        return
    except InviteExpired:
        await message.answer(_("Sorry, this invitation has expired.") + " " + ask_again)
        return
    except InviteRevoked:
        await message.answer(
            _("Sorry, this invitation has been withdrawn and no longer works. Nothing has changed.")
            + " "
            + ask_again
        )
        return
    except StaffExists:
        invite = await invites.find_invite(session, token)
        commune = await session.get(Commune, invite.commune_id)
        name = commune.name if commune else ""
        await message.answer(
            _("You are already on the staff of {commune}. Nothing has changed.").format(
                commune=escape(name)
            )
        )
        return
    commune = await session.get(Commune, member.commune_id)
    assert commune is not None
    welcome = _("✅ Welcome, {name}! You are now on the staff of {commune} as: {role}.").format(
        name=escape(member.name), commune=escape(commune.name), role=role_label(member.role)
    )
    await message.answer(f"{welcome}\n\n{role_duties(member.role)}")


@router.message(Command("invite"))
async def invite(
    message: Message, command: CommandObject, session: AsyncSession, ctx: AppContext
) -> None:
    assert message.from_user is not None
    try:
        found = await staff_admin_service.administered_communes(
            session, message.from_user.id, action="staff_invited", code=command.args
        )
    except NotAuthorized:
        await message.answer(only_admins())
        return
    if len(found) > 1:
        await message.answer(
            _("Which commune is the invitation for?"),
            reply_markup=keyboards.invite_communes(found),
        )
        return
    text, markup = await invite_screen(
        session,
        found[0],
        private=message.chat.type == "private",
        now=ctx.clock.now(),
        tz=ctx.tz,
    )
    await message.answer(text, reply_markup=markup)


@router.callback_query(InviteCommune.filter())
async def commune_chosen(
    query: CallbackQuery, callback_data: InviteCommune, session: AsyncSession, ctx: AppContext
) -> None:
    found = await admin_for_button(
        query, session, callback_data.commune_id, "staff_invited", only_admins()
    )
    if found is None:
        return
    commune, _admin = found
    await query.answer()
    private = isinstance(query.message, Message) and query.message.chat.type == "private"
    await show(
        query,
        *await invite_screen(session, commune, private=private, now=ctx.clock.now(), tz=ctx.tz),
    )


@router.callback_query(InviteRole.filter())
async def role_chosen(
    query: CallbackQuery,
    callback_data: InviteRole,
    session: AsyncSession,
    bot: Bot,
    ctx: AppContext,
) -> None:
    if callback_data.role not in set(Role):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    found = await admin_for_button(
        query, session, callback_data.commune_id, "staff_invited", only_admins()
    )
    if found is None:
        return
    commune, admin = found
    role = Role(callback_data.role)
    created = await invites.create_invite(
        session, commune, role=role, now=ctx.clock.now(), created_by=admin
    )
    me = await bot.me()
    text = "\n".join(
        [
            _("Invitation to join {commune} as: {role}").format(
                commune=escape(commune.name), role=role_label(role)
            ),
            invite_link(me.username or "", created.token),
            "",
            _(
                "It works once, until {time}. Send it only to that person: whoever opens it "
                "first joins the staff."
            ).format(time=local_time(created.expires_at, ctx.tz)),
        ]
    )
    private = isinstance(query.message, Message) and query.message.chat.type == "private"
    if private:
        await query.answer()
        await show(query, text, None)
        return
    if await send_privately(query, text):  # never in the group: anyone there could open it
        await query.answer(_("Sent to you in a private chat."))

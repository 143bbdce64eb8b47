"""/invite's answer: the roles to invite with and, in a private chat, the commune's open
invitations, each with a button that revokes it."""

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import InviteRevoke
from bot.ui.formatting import escape, local_time
from bot.ui.keyboards import staff as keyboards
from bot.ui.staff_text import role_label
from config.context import AppContext
from handlers.replies import admin_for_button
from handlers.staff.admin import show
from models import Commune, StaffInvite
from services.errors import InviteExpired, InviteNotFound, InviteRevoked, InviteUsed
from services.people import revocation

router = Router(name="staff_invitations")
SHOWN = 20  # more are listed by `pakn staff invitations`


def only_admins() -> str:
    return _("Only an admin of the commune can invite staff.")


async def invite_screen(
    session: AsyncSession, commune: Commune, *, private: bool, now: datetime, tz: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    assert commune.id is not None
    lines = [
        _("Invite someone to the staff of {commune}. Choose their role:").format(
            commune=escape(commune.name)
        )
    ]
    if not private:  # anyone in a group would read who was invited
        return lines[0], keyboards.invite_roles(commune.id)
    found = await revocation.open_invites(session, commune, now=now)
    if found:
        lines += ["", _("<b>Open invitations</b> (a button below revokes one):")]
    for invite, inviter in found[:SHOWN]:
        by = escape(inviter.name) if inviter else "pakn"
        lines.append(
            "• "
            + _("#{id} · {role} · until {time} · by {name}").format(
                id=invite.id,
                role=role_label(invite.role),
                time=local_time(invite.expires_at, tz),
                name=by,
            )
        )
    if len(found) > SHOWN:
        lines.append(
            _("… and {count} more: pakn staff invitations").format(count=len(found) - SHOWN)
        )
    revocable = [invite for invite, _inviter in found[:SHOWN]]
    return "\n".join(lines), keyboards.invite_roles(commune.id, revocable)


@router.callback_query(InviteRevoke.filter())
async def revoke(
    query: CallbackQuery, callback_data: InviteRevoke, session: AsyncSession, ctx: AppContext
) -> None:
    invite = await session.get(StaffInvite, callback_data.invite_id)
    if invite is None:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    found = await admin_for_button(
        query, session, invite.commune_id, revocation.ACTION, only_admins()
    )
    if found is None:
        return
    commune, admin = found
    now = ctx.clock.now()
    try:
        await revocation.revoke_invite(session, commune, callback_data.invite_id, now=now, by=admin)
    except (InviteNotFound, InviteUsed, InviteRevoked, InviteExpired):
        await query.answer(
            _("This invitation is no longer open: it was used, revoked or has expired."),
            show_alert=True,
        )
    else:
        await query.answer(_("Revoked: that link no longer works."))
    private = isinstance(query.message, Message) and query.message.chat.type == "private"
    await show(query, *await invite_screen(session, commune, private=private, now=now, tz=ctx.tz))

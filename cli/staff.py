"""`pakn staff invite|invitations|revoke-invitation`: one-time links that make their user
staff (in Telegram or on the desk), the ones still open, and taking one back before anyone
uses it."""

import argparse
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.deeplinks import fetch_bot_username, invite_link, invite_payload
from config.settings import ConfigError, Settings
from locales.catalogs import translation
from models import Role
from services.communes import registry as communes
from services.errors import DomainError, InviteExpired, InviteNotFound, InviteRevoked, InviteUsed
from services.people import invites, revocation

_ = translation().gettext
ROLE_NAMES = {Role.OFFICER: "Officer", Role.LEADER: "Leader", Role.ADMIN: "Admin"}  # as the bot


def _local(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(settings.tz).strftime("%H:%M, %d/%m/%Y")


async def staff_invite(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune)
    invite = await invites.create_invite(
        session,
        commune,
        role=Role(args.role),
        now=datetime.now(UTC),
        hours=args.hours,
        name=args.name,
        title=args.title,
    )
    head = _("Invitation to join {commune} as {role}: it works once, until {time}.").format(
        commune=commune.name,
        role=_(ROLE_NAMES[invite.role]),
        time=_local(invite.expires_at, settings),
    )
    ident = _(
        "Invitation id: {id} (to revoke it: pakn staff revoke-invitation {id} --commune {code})"
    ).format(id=invite.id, code=commune.code)
    desk = _("On the staff desk, without Telegram: {link}").format(
        link=f"{settings.public_url}/desk/invite/{invite.token}"
    )
    try:
        username = await fetch_bot_username(settings.require_token(), settings.bot_api_url)
    except (ConfigError, RuntimeError) as exc:
        reason = str(exc) if isinstance(exc, RuntimeError) else _("no valid BOT_TOKEN")
        payload = invite_payload(invite.token)
        return "\n".join(
            [
                head,
                ident,
                _("Could not ask Telegram for the bot's username ({reason}).").format(
                    reason=reason
                ),
                _("Invitation code: {payload}").format(payload=payload),
                _("The link: put the bot's username (without @) in place of BOT_USERNAME:"),
                f"https://t.me/BOT_USERNAME?start={payload}",
                desk,
            ]
        )
    return "\n".join(
        [
            head,
            ident,
            invite_link(username, invite.token),
            desk,
            _("Send it only to that person: whoever opens it first becomes staff."),
        ]
    )


async def staff_invitations(
    session: AsyncSession, args: argparse.Namespace, settings: Settings
) -> str:
    commune = await communes.get_commune(session, args.commune)
    found = await revocation.open_invites(session, commune, now=datetime.now(UTC))
    if not found:
        return _("No open invitation.")
    lines = []
    for invite, inviter in found:
        who = _("by {name}").format(name=inviter.name) if inviter else _("by pakn")
        named = f"  {invite.name}" if invite.name else ""
        titled = f" ({invite.title})" if invite.title else ""
        until = _("until {time}").format(time=_local(invite.expires_at, settings))
        lines.append(f"{invite.id}  {invite.role.value:8}  {until}  {who}{named}{titled}")
    return "\n".join(lines)


async def revoke_invitation(
    session: AsyncSession, args: argparse.Namespace, settings: Settings
) -> str:
    commune = await communes.get_commune(session, args.commune)
    try:
        await revocation.revoke_invite(
            session, commune, args.invite_id, now=datetime.now(UTC), by=None
        )
    except InviteNotFound as exc:
        raise DomainError(
            _("{commune} has no invitation with id {id}: see pakn staff invitations").format(
                commune=commune.name, id=args.invite_id
            )
        ) from exc
    except (InviteUsed, InviteRevoked, InviteExpired) as exc:
        done = {
            InviteUsed: _("already used"),
            InviteRevoked: _("already revoked"),
            InviteExpired: _("expired"),
        }[type(exc)]
        raise DomainError(
            _("Invitation {id} is no longer open ({reason}): nothing to revoke.").format(
                id=args.invite_id, reason=done
            )
        ) from exc
    return _("Invitation {id} revoked: its link no longer makes anyone staff.").format(
        id=args.invite_id
    )


def add_commands(members: Any) -> None:
    sinvite = members.add_parser("invite", help="a one-time link that makes its user staff")
    sinvite.add_argument("--commune", required=True)
    sinvite.add_argument("--role", choices=[r.value for r in Role], required=True)
    sinvite.add_argument("--name", help="else the name on their Telegram account")
    sinvite.add_argument("--title")
    sinvite.add_argument("--hours", type=int, default=invites.DEFAULT_HOURS)
    sinvite.set_defaults(run=staff_invite)
    listing = members.add_parser("invitations", help=_("open invitations, with their ids"))
    listing.add_argument("--commune", required=True)
    listing.set_defaults(run=staff_invitations)
    revoke = members.add_parser(
        "revoke-invitation", help=_("an open invitation stops working at once")
    )
    revoke.add_argument("invite_id", type=int, metavar="ID")
    revoke.add_argument("--commune", required=True)
    revoke.set_defaults(run=revoke_invitation)

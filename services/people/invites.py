"""Staff invitations: a one-time, expiring token that makes whoever redeems it staff of a
commune, so nobody needs to know a Telegram id. An invitation an admin made lives only as
long as they are an active admin: removing or demoting them revokes it, and redeeming checks
it again. Those the CLI made (no inviter) last until revoked or expired."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditEntry, Commune, Role, Staff, StaffInvite
from services.errors import (
    InvalidInput,
    InviteExpired,
    InviteNotFound,
    InviteRevoked,
    InviteUsed,
    NotAuthorized,
    StaffExists,
)
from services.text import nfc

# token_urlsafe(32) gives 43 of A–Z a–z 0–9 _ -: with the "inv-" prefix it fits the
# 64 characters Telegram allows in a /start payload.
TOKEN_BYTES = 32
DEFAULT_HOURS = 72
MAX_HOURS = 24 * 30
# StaffInvite.revoked_reason
REVOKED, INVITER_REMOVED, INVITER_DEMOTED = "revoked", "inviter_removed", "inviter_demoted"


def clean_text(text: str | None, limit: int) -> str | None:
    cleaned = nfc(" ".join((text or "").split()))
    if len(cleaned) > limit:
        raise InvalidInput(f"at most {limit} characters: {cleaned[:40]}…")
    return cleaned or None


async def create_invite(
    session: AsyncSession,
    commune: Commune,
    *,
    role: Role,
    now: datetime,
    hours: int = DEFAULT_HOURS,
    name: str | None = None,
    title: str | None = None,
    created_by: Staff | None = None,
) -> StaffInvite:
    """A new invitation; `created_by` is the admin who asked (None: the CLI)."""
    assert commune.id is not None
    if not 1 <= hours <= MAX_HOURS:
        raise InvalidInput(f"an invitation lasts 1 to {MAX_HOURS} hours")
    if created_by is not None and (
        not created_by.active
        or created_by.commune_id != commune.id
        or created_by.role is not Role.ADMIN
    ):
        session.add(
            AuditEntry(
                at=now,
                commune_id=commune.id,
                staff_id=created_by.id,
                actor_telegram_id=created_by.telegram_id,
                action="staff_invited",
                allowed=False,
            )
        )
        await session.commit()
        raise NotAuthorized("staff_invited")
    invite = StaffInvite(
        token=secrets.token_urlsafe(TOKEN_BYTES),
        commune_id=commune.id,
        role=role,
        name=clean_text(name, 200),
        title=clean_text(title, 120),
        created_by_staff_id=created_by.id if created_by else None,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    session.add(invite)
    session.add(
        AuditEntry(
            at=now,
            commune_id=commune.id,
            staff_id=created_by.id if created_by else None,
            actor_telegram_id=created_by.telegram_id if created_by else None,
            action="staff_invited",
            allowed=True,
            detail=f"{role.value} until {invite.expires_at.isoformat()}",
        )
    )
    await session.commit()
    return invite


async def _inviter_still_admin(session: AsyncSession, invite: StaffInvite) -> bool:
    if invite.created_by_staff_id is None:  # made with the CLI
        return True
    inviter = await session.get(Staff, invite.created_by_staff_id)
    return (
        inviter is not None
        and inviter.active
        and inviter.role is Role.ADMIN
        and inviter.commune_id == invite.commune_id
    )


async def find_invite(session: AsyncSession, token: str) -> StaffInvite:
    invite = (await session.exec(select(StaffInvite).where(StaffInvite.token == token))).first()
    if invite is None:
        raise InviteNotFound()
    return invite


async def usable_invite(
    session: AsyncSession, token: str, now: datetime, *, telegram_id: int | None = None
) -> StaffInvite:
    """The invitation while it may still make someone staff: unknown, used, revoked or
    expired ones, and those whose admin is no longer one, are refused (a revoked one is
    recorded in the audit log, with who tried when known)."""
    invite = await find_invite(session, token)
    if invite.used_at is not None:
        raise InviteUsed()
    if invite.revoked_at is not None or not await _inviter_still_admin(session, invite):
        session.add(
            AuditEntry(
                at=now,
                commune_id=invite.commune_id,
                actor_telegram_id=telegram_id,
                action="staff_joined",
                allowed=False,
                detail=f"invitation {invite.id}: {invite.revoked_reason or 'inviter not admin'}",
            )
        )
        await session.commit()
        raise InviteRevoked()
    if invite.expires_at <= now:
        raise InviteExpired()
    return invite


async def claim_invite(
    session: AsyncSession, invite: StaffInvite, now: datetime, *, telegram_id: int | None
) -> None:
    """Uses the invitation up: of two people at once, one wins; the other gets InviteUsed
    (or InviteRevoked, if it was revoked meanwhile) with nothing changed."""
    claimed = await session.exec(
        update(StaffInvite)
        .where(col(StaffInvite.id) == invite.id, col(StaffInvite.used_at).is_(None))
        .where(col(StaffInvite.revoked_at).is_(None))  # nor revoked meanwhile
        .values(used_at=now, used_by_telegram_id=telegram_id)
    )
    if claimed.rowcount != 1:
        await session.rollback()
        await session.refresh(invite)
        raise InviteUsed() if invite.used_at is not None else InviteRevoked()


async def redeem_invite(
    session: AsyncSession,
    token: str,
    *,
    telegram_id: int,
    full_name: str | None,
    username: str | None,
    now: datetime,
) -> Staff:
    """Makes this Telegram user staff of the invitation's commune and uses the invitation
    up. Unusable invitations (usable_invite) and people already active staff of that
    commune are refused with nothing changed. On the desk: services/accounts/joining.py."""
    invite = await usable_invite(session, token, now, telegram_id=telegram_id)
    existing = (
        await session.exec(
            select(Staff).where(
                Staff.commune_id == invite.commune_id, Staff.telegram_id == telegram_id
            )
        )
    ).first()
    if existing is not None and existing.active:
        raise StaffExists(existing.name)
    name = invite.name or clean_text(full_name, 200) or str(telegram_id)
    await claim_invite(session, invite, now, telegram_id=telegram_id)
    member = existing or Staff(
        commune_id=invite.commune_id, telegram_id=telegram_id, name=name, role=invite.role
    )
    member.name, member.role, member.active = name, invite.role, True
    member.title = invite.title or (member.title if existing else None)
    member.username = username
    session.add(member)
    await session.flush()
    session.add(
        AuditEntry(
            at=now,
            commune_id=invite.commune_id,
            staff_id=member.id,
            actor_telegram_id=telegram_id,
            action="staff_joined",
            allowed=True,
            detail=f"{invite.role.value}, invitation {invite.id}",
        )
    )
    await session.commit()
    return member

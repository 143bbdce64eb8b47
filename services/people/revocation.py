"""Open staff invitations: listed for a commune's admins and the CLI, revoked one by one, and
revoked all at once when the admin who made them is removed or demoted (otherwise a removed
admin could open their own link and be an admin again)."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditEntry, Commune, Role, Staff, StaffInvite
from services.errors import (
    InviteExpired,
    InviteNotFound,
    InviteRevoked,
    InviteUsed,
    NotAuthorized,
)
from services.people.invites import REVOKED

ACTION = "staff_invite_revoked"


async def open_invites(
    session: AsyncSession, commune: Commune, *, now: datetime
) -> Sequence[tuple[StaffInvite, Staff | None]]:
    """Invitations that would still make someone staff, oldest first, each with the admin who
    made it (None: the CLI)."""
    rows = await session.exec(
        select(StaffInvite, Staff)
        .outerjoin(Staff, col(Staff.id) == col(StaffInvite.created_by_staff_id))
        .where(
            StaffInvite.commune_id == commune.id,
            col(StaffInvite.used_at).is_(None),
            col(StaffInvite.revoked_at).is_(None),
            StaffInvite.expires_at > now,
            or_(
                col(StaffInvite.created_by_staff_id).is_(None),
                and_(
                    col(Staff.active).is_(True),
                    col(Staff.role) == Role.ADMIN,
                    col(Staff.commune_id) == commune.id,
                ),
            ),
        )
        .order_by(col(StaffInvite.created_at), col(StaffInvite.id))
    )
    return rows.all()


def _audit(
    session: AsyncSession,
    commune_id: int,
    by: Staff | None,
    now: datetime,
    *,
    allowed: bool,
    detail: str,
) -> None:
    session.add(
        AuditEntry(
            at=now,
            commune_id=commune_id,
            staff_id=by.id if by else None,
            actor_telegram_id=by.telegram_id if by else None,
            action=ACTION,
            allowed=allowed,
            detail=detail,
        )
    )


async def revoke_invite(
    session: AsyncSession, commune: Commune, invite_id: int, *, now: datetime, by: Staff | None
) -> StaffInvite:
    """Revokes an open invitation of this commune; `by` is the admin who asked (None: the
    CLI). One of another commune is not found; a used, expired or revoked one is refused."""
    assert commune.id is not None
    if by is not None and (
        not by.active or by.role is not Role.ADMIN or by.commune_id != commune.id
    ):
        _audit(session, commune.id, by, now, allowed=False, detail=f"invitation {invite_id}")
        await session.commit()
        raise NotAuthorized(ACTION)
    invite = await session.get(StaffInvite, invite_id) if 0 < invite_id < 2**31 else None
    if invite is None or invite.commune_id != commune.id:
        raise InviteNotFound(invite_id)
    if invite.used_at is not None:
        raise InviteUsed(invite_id)
    if invite.revoked_at is not None:
        raise InviteRevoked(invite_id)
    if invite.expires_at <= now:
        raise InviteExpired(invite_id)
    revoked = await session.exec(  # compare-and-set: not if it was used meanwhile
        update(StaffInvite)
        .where(col(StaffInvite.id) == invite.id, col(StaffInvite.used_at).is_(None))
        .where(col(StaffInvite.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason=REVOKED)
    )
    if revoked.rowcount != 1:
        await session.rollback()
        await session.refresh(invite)
        raise InviteUsed(invite_id) if invite.used_at is not None else InviteRevoked(invite_id)
    _audit(
        session,
        commune.id,
        by,
        now,
        allowed=True,
        detail=f"invitation {invite.id} ({invite.role.value})",
    )
    await session.commit()
    await session.refresh(invite)
    return invite


async def revoke_made_by(session: AsyncSession, member: Staff, reason: str, now: datetime) -> int:
    """Revokes every unused invitation this member made; the caller records why and commits.
    Returns how many were still open."""
    still_open = await session.exec(
        select(StaffInvite.id).where(
            StaffInvite.created_by_staff_id == member.id,
            col(StaffInvite.used_at).is_(None),
            col(StaffInvite.revoked_at).is_(None),
            StaffInvite.expires_at > now,
        )
    )
    count = len(still_open.all())
    await session.exec(
        update(StaffInvite)
        .where(
            col(StaffInvite.created_by_staff_id) == member.id,
            col(StaffInvite.used_at).is_(None),
            col(StaffInvite.revoked_at).is_(None),
        )
        .values(revoked_at=now, revoked_reason=reason)
    )
    return count

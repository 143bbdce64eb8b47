"""Managing a commune's staff: who administers what, role changes, removal."""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    AuditEntry,
    Commune,
    EventKind,
    Notification,
    NotificationKind,
    RecipientKind,
    Role,
    Staff,
    Ticket,
)
from models.enums import OPEN_STATUSES
from services.accounts import sessions as desk_sessions
from services.cases.lifecycle import notify, record
from services.communes.divisions import normalize_code
from services.errors import (
    InvalidCommuneCode,
    LastAdmin,
    NotAuthorized,
    StaffNotFound,
)
from services.people.invites import INVITER_DEMOTED, INVITER_REMOVED
from services.people.revocation import revoke_made_by
from services.people.staff import memberships


async def administered_communes(
    session: AsyncSession, telegram_id: int, *, action: str, code: str | None = None
) -> list[Commune]:
    """The communes this user is an active admin of; only the one with `code` when given.

    None: the refusal is recorded and committed, and NotAuthorized raised."""
    try:
        wanted = normalize_code(code) if code else None
    except InvalidCommuneCode:
        wanted = ""
    members = await memberships(session, telegram_id)
    found: list[Commune] = []
    named: Staff | None = None
    for member in members:
        commune = await session.get(Commune, member.commune_id)
        if commune is None or (wanted is not None and commune.code != wanted):
            continue
        named = named or member
        if member.role is Role.ADMIN:
            found.append(commune)
    if not found:
        subject = named if wanted is not None else (members[0] if members else None)
        session.add(
            AuditEntry(
                commune_id=subject.commune_id if subject else None,
                staff_id=subject.id if subject else None,
                actor_telegram_id=telegram_id,
                action=action,
                allowed=False,
                detail=code,
            )
        )
        await session.commit()
        raise NotAuthorized(action)
    return found


async def get_member(session: AsyncSession, staff_id: int, *, active_only: bool = True) -> Staff:
    member = await session.get(Staff, staff_id)
    if member is None or (active_only and not member.active):
        raise StaffNotFound(staff_id)
    return member


async def _check_admin(
    session: AsyncSession, admin: Staff, member: Staff, action: str, now: datetime
) -> None:
    """The admin acts on a member of their own commune; a refusal is recorded."""
    if not admin.active or admin.role is not Role.ADMIN or admin.commune_id != member.commune_id:
        session.add(
            AuditEntry(
                at=now,
                commune_id=member.commune_id,
                staff_id=admin.id,
                actor_telegram_id=admin.telegram_id,
                action=action,
                allowed=False,
                detail=f"staff {member.id}",
            )
        )
        await session.commit()
        raise NotAuthorized(action)
    if not member.active:
        raise StaffNotFound(member.id)


async def _keep_an_admin(session: AsyncSession, member: Staff) -> None:
    """A commune always keeps one active admin: the last one cannot leave or step down."""
    if member.role is not Role.ADMIN:
        return
    admins = (
        await session.exec(
            select(Staff.id).where(
                Staff.commune_id == member.commune_id,
                Staff.role == Role.ADMIN,
                col(Staff.active).is_(True),
            )
        )
    ).all()
    if len(admins) <= 1:
        raise LastAdmin(member.name)


async def change_role(
    session: AsyncSession, admin: Staff, member: Staff, role: Role, *, now: datetime
) -> Staff:
    await _check_admin(session, admin, member, "staff_role_changed", now)
    if role is member.role:
        return member
    if role is not Role.ADMIN:
        await _keep_an_admin(session, member)
    old = member.role
    member.role = role
    session.add(member)
    revoked = 0
    if old is Role.ADMIN:  # their links must not make anyone staff any more
        revoked = await revoke_made_by(session, member, INVITER_DEMOTED, now)
    session.add(
        AuditEntry(
            at=now,
            commune_id=member.commune_id,
            staff_id=admin.id,
            actor_telegram_id=admin.telegram_id,
            action="staff_role_changed",
            allowed=True,
            detail=f"{member.name} (staff {member.id}): {old.value} -> {role.value}"
            + (f"; {revoked} open invitation(s) revoked" if revoked else ""),
        )
    )
    await session.commit()
    return member


async def remove_staff(
    session: AsyncSession, admin: Staff, member: Staff, *, now: datetime
) -> list[Ticket]:
    """Deactivates the member; their open cases go back to unassigned, each with its event,
    and the staff group is told which ones need a new assignee. Returns those cases."""
    await _check_admin(session, admin, member, "staff_removed", now)
    await _keep_an_admin(session, member)
    member.active = False
    session.add(member)
    revoked = await revoke_made_by(session, member, INVITER_REMOVED, now)
    signed_out = 0  # their desk sessions end: they sign in again for another commune
    if member.account_id is not None:
        signed_out = await desk_sessions.end_all(
            session, member.account_id, now, desk_sessions.STAFF_REMOVED
        )
    assigned = (
        await session.exec(
            select(Ticket)
            .where(Ticket.assignee_id == member.id, col(Ticket.status).in_(OPEN_STATUSES))
            .order_by(col(Ticket.received_at), col(Ticket.id))
        )
    ).all()
    returned: list[Ticket] = []
    for ticket in assigned:
        moved = await session.exec(  # unless someone reassigned it meanwhile
            update(Ticket)
            .where(col(Ticket.id) == ticket.id, col(Ticket.assignee_id) == member.id)
            .where(col(Ticket.status).in_(OPEN_STATUSES))
            .values(assignee_id=None)
        )
        if moved.rowcount != 1:
            continue
        assert ticket.id is not None
        ticket.assignee_id = None
        record(
            session,
            ticket,
            EventKind.ASSIGNED,
            now,
            staff=admin,
            data={"from_staff_id": member.id, "to_staff_id": None, "reason": "staff_removed"},
        )
        # the card shows who handles it
        notify(session, ticket, NotificationKind.CARD_REFRESH, RecipientKind.STAFF_GROUP, now)
        returned.append(ticket)
    session.add(
        Notification(
            kind=NotificationKind.STAFF_REMOVED,
            commune_id=member.commune_id,
            recipient_kind=RecipientKind.STAFF_GROUP,
            payload={"staff_name": member.name, "codes": [t.code for t in returned]},
            next_attempt_at=now,
            created_at=now,
        )
    )
    session.add(
        AuditEntry(
            at=now,
            commune_id=member.commune_id,
            staff_id=admin.id,
            actor_telegram_id=admin.telegram_id,
            action="staff_removed",
            allowed=True,
            detail=f"{member.name} (staff {member.id}, {member.role.value}); "
            f"{len(returned)} open case(s) unassigned"
            + (f"; {revoked} open invitation(s) revoked" if revoked else "")
            + (f"; {signed_out} desk session(s) ended" if signed_out else ""),
        )
    )
    await session.commit()
    return returned

"""Invitations last only while their admin is one (issue 19): removing or demoting an admin
revokes the links they made, redeeming checks the inviter again, CLI invitations (no
inviter) last until revoked or expired, and revoking is authorised and recorded."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditEntry, Commune, Role, Staff, StaffInvite
from services.communes import registry as communes
from services.desk import roster
from services.errors import (
    InviteExpired,
    InviteNotFound,
    InviteRevoked,
    InviteUsed,
    NotAuthorized,
)
from services.people import invites, revocation, staff

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


async def _commune(session: AsyncSession, code: str = "7060") -> Commune:
    return await communes.add_commune(session, code, year=2026)


async def _member(session: AsyncSession, commune: Commune, telegram_id: int, role: Role) -> Staff:
    return await staff.add_staff(
        session, commune, telegram_id=telegram_id, role=role, name=f"Cán bộ {telegram_id}"
    )


async def _redeem(session: AsyncSession, invite: StaffInvite, telegram_id: int) -> Staff:
    return await invites.redeem_invite(
        session, invite.token, telegram_id=telegram_id, full_name="Ai đó", username=None, now=LATER
    )


async def _open_ids(session: AsyncSession, commune: Commune) -> list[int | None]:
    return [i.id for i, _by in await revocation.open_invites(session, commune, now=LATER)]


async def test_demoting_an_admin_revokes_only_their_links(session: AsyncSession) -> None:
    commune = await _commune(session)
    manh, hai = (
        await _member(session, commune, 1, Role.ADMIN),
        await _member(session, commune, 2, Role.ADMIN),
    )
    theirs = await invites.create_invite(
        session, commune, role=Role.ADMIN, now=NOW, created_by=manh
    )
    others = await invites.create_invite(
        session, commune, role=Role.OFFICER, now=NOW, created_by=hai
    )
    cli = await invites.create_invite(session, commune, role=Role.LEADER, now=NOW)

    await roster.change_role(session, hai, manh, Role.LEADER, now=NOW)
    await session.refresh(theirs)
    assert (theirs.revoked_at, theirs.revoked_reason) == (NOW, invites.INVITER_DEMOTED)
    assert await _open_ids(session, commune) == [others.id, cli.id]
    with pytest.raises(InviteRevoked):
        await _redeem(session, theirs, 1)
    assert manh.role is Role.LEADER
    # made admin again, their old links stay dead: each was revoked for good
    await roster.change_role(session, hai, manh, Role.ADMIN, now=LATER)
    with pytest.raises(InviteRevoked):
        await _redeem(session, theirs, 9)
    assert (await _redeem(session, others, 9)).role is Role.OFFICER


async def test_a_cli_invitation_outlives_any_admin_until_revoked(session: AsyncSession) -> None:
    commune = await _commune(session)
    manh, hai = (
        await _member(session, commune, 1, Role.ADMIN),
        await _member(session, commune, 2, Role.ADMIN),
    )
    kept = await invites.create_invite(session, commune, role=Role.OFFICER, now=NOW)
    revoked = await invites.create_invite(session, commune, role=Role.ADMIN, now=NOW)
    await roster.change_role(session, hai, manh, Role.OFFICER, now=NOW)
    await roster.remove_staff(session, hai, manh, now=NOW)
    assert await _open_ids(session, commune) == [kept.id, revoked.id]

    assert revoked.id is not None
    await revocation.revoke_invite(session, commune, revoked.id, now=NOW, by=None)
    with pytest.raises(InviteRevoked):
        await _redeem(session, revoked, 5001)
    assert (await _redeem(session, kept, 5001)).role is Role.OFFICER
    rows = (
        await session.exec(select(AuditEntry).where(AuditEntry.action == "staff_invite_revoked"))
    ).all()
    assert [(r.staff_id, r.allowed, r.detail) for r in rows] == [
        (None, True, f"invitation {revoked.id} (admin)")
    ]


async def test_redeeming_checks_the_inviter_even_if_nothing_revoked(
    session: AsyncSession,
) -> None:
    """Links made before revocation existed, by admins removed then, are just as dead."""
    commune = await _commune(session)
    manh = await _member(session, commune, 1, Role.ADMIN)
    await _member(session, commune, 2, Role.ADMIN)
    invite = await invites.create_invite(
        session, commune, role=Role.ADMIN, now=NOW, created_by=manh
    )
    manh.active = False  # as an older version removed people: the invitation untouched
    session.add(manh)
    await session.commit()

    assert await _open_ids(session, commune) == []
    with pytest.raises(InviteRevoked):
        await _redeem(session, invite, 1)
    await session.refresh(invite)
    await session.refresh(manh)
    assert (invite.used_at, invite.revoked_at, manh.active) == (None, None, False)
    refused = (await session.exec(select(AuditEntry).where(AuditEntry.allowed == False))).all()  # noqa: E712
    assert [(r.action, r.actor_telegram_id) for r in refused] == [("staff_joined", 1)]


async def test_revoking_is_for_that_communes_admins_and_open_invitations(
    session: AsyncSession,
) -> None:
    here, there = await _commune(session, "7060"), await _commune(session, "4")
    admin = await _member(session, here, 1, Role.ADMIN)
    officer = await _member(session, here, 2, Role.OFFICER)
    admin_there = await _member(session, there, 3, Role.ADMIN)
    invite = await invites.create_invite(session, here, role=Role.ADMIN, now=NOW, created_by=admin)
    assert invite.id is not None

    for intruder in (officer, admin_there):
        with pytest.raises(NotAuthorized):
            await revocation.revoke_invite(session, here, invite.id, now=NOW, by=intruder)
    with pytest.raises(InviteNotFound):  # named through another commune: not theirs
        await revocation.revoke_invite(session, there, invite.id, now=NOW, by=admin_there)
    for wrong in (0, 2**40):
        with pytest.raises(InviteNotFound):
            await revocation.revoke_invite(session, here, wrong, now=NOW, by=admin)
    await session.refresh(invite)
    assert invite.revoked_at is None

    await revocation.revoke_invite(session, here, invite.id, now=NOW, by=admin)
    with pytest.raises(InviteRevoked):
        await revocation.revoke_invite(session, here, invite.id, now=NOW, by=admin)
    used = await invites.create_invite(session, here, role=Role.OFFICER, now=NOW)
    await _redeem(session, used, 5001)
    expired = await invites.create_invite(session, here, role=Role.OFFICER, now=NOW, hours=1)
    for gone, error in ((used, InviteUsed), (expired, InviteExpired)):
        assert gone.id is not None
        with pytest.raises(error):
            await revocation.revoke_invite(session, here, gone.id, now=LATER, by=admin)
    rows = (
        await session.exec(select(AuditEntry).where(AuditEntry.action == "staff_invite_revoked"))
    ).all()
    assert [(r.actor_telegram_id, r.allowed, r.commune_id) for r in rows] == [
        (2, False, here.id),
        (3, False, here.id),
        (1, True, here.id),
    ]

"""Staff invitations and the staff desk's services on a real database: one-time, expiring
links; admins act only on their own commune; a commune keeps an admin; removing a member
hands their open cases back, each with its event."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    ActorType,
    AuditEntry,
    Channel,
    Commune,
    EventKind,
    Kind,
    Notification,
    NotificationKind,
    RecipientKind,
    Role,
    Staff,
    StaffInvite,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import tickets
from services.cases.tickets import TicketDraft
from services.communes import registry as communes
from services.desk import roster as staff_admin
from services.errors import (
    InvalidInput,
    InviteExpired,
    InviteNotFound,
    InviteUsed,
    LastAdmin,
    NotAuthorized,
    StaffExists,
    StaffNotFound,
)
from services.people import invites, residents, staff

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
VN = ZoneInfo("Asia/Ho_Chi_Minh")


async def _commune(session: AsyncSession, code: str = "7060") -> Commune:
    return await communes.add_commune(session, code, year=2026)


async def _member(session: AsyncSession, commune: Commune, telegram_id: int, role: Role) -> Staff:
    return await staff.add_staff(
        session, commune, telegram_id=telegram_id, role=role, name=f"Cán bộ {telegram_id}"
    )


async def _audit(session: AsyncSession) -> list[tuple[str, bool, str | None]]:
    rows = (await session.exec(select(AuditEntry).order_by(AuditEntry.id))).all()
    return [(r.action, r.allowed, r.detail) for r in rows]


async def test_an_invitation_makes_staff_once(session: AsyncSession) -> None:
    commune = await _commune(session)
    invite = await invites.create_invite(session, commune, role=Role.OFFICER, now=NOW)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", invite.token)
    assert len("inv-" + invite.token) <= 64  # Telegram's limit for a /start payload
    assert invite.expires_at == NOW + timedelta(hours=72) and invite.created_by_staff_id is None

    later = NOW + timedelta(hours=5)
    member = await invites.redeem_invite(
        session,
        invite.token,
        telegram_id=5001,
        full_name="Trần  Thị Lan",
        username="lan",
        now=later,
    )
    assert (member.role, member.name, member.username, member.active) == (
        Role.OFFICER,
        "Trần Thị Lan",
        "lan",
        True,
    )
    await session.refresh(invite)
    assert (invite.used_at, invite.used_by_telegram_id) == (later, 5001)

    with pytest.raises(InviteUsed):
        await invites.redeem_invite(
            session, invite.token, telegram_id=5002, full_name="Kẻ khác", username=None, now=later
        )
    assert [s.telegram_id for s in (await session.exec(select(Staff))).all()] == [5001]
    assert [(a, ok) for a, ok, _ in await _audit(session)] == [
        ("staff_invited", True),
        ("staff_joined", True),
    ]


async def test_the_invitation_gives_name_and_title(session: AsyncSession) -> None:
    commune = await _commune(session)
    invite = await invites.create_invite(
        session,
        commune,
        role=Role.LEADER,
        now=NOW,
        name=" Ngô  Xuân Mạnh ",
        title="Phó Chủ tịch",
        hours=24,
    )
    member = await invites.redeem_invite(
        session, invite.token, telegram_id=5001, full_name="manh.nx", username=None, now=NOW
    )
    assert (member.name, member.title, member.role) == (
        "Ngô Xuân Mạnh",
        "Phó Chủ tịch",
        Role.LEADER,
    )


async def test_expired_and_unknown_invitations_change_nothing(session: AsyncSession) -> None:
    commune = await _commune(session)
    invite = await invites.create_invite(session, commune, role=Role.ADMIN, now=NOW, hours=1)
    for moment in (NOW + timedelta(hours=1), NOW + timedelta(days=3)):
        with pytest.raises(InviteExpired):
            await invites.redeem_invite(
                session, invite.token, telegram_id=5001, full_name="Lan", username=None, now=moment
            )
    with pytest.raises(InviteNotFound):
        await invites.redeem_invite(
            session, "no-such-token", telegram_id=5001, full_name="Lan", username=None, now=NOW
        )
    await session.refresh(invite)
    assert invite.used_at is None
    assert (await session.exec(select(Staff))).all() == []


async def test_hours_are_bounded(session: AsyncSession) -> None:
    commune = await _commune(session)
    for hours in (0, -5, 24 * 365):
        with pytest.raises(InvalidInput):
            await invites.create_invite(session, commune, role=Role.OFFICER, now=NOW, hours=hours)


async def test_active_staff_are_told_and_the_invitation_kept(session: AsyncSession) -> None:
    commune = await _commune(session)
    await _member(session, commune, 5001, Role.LEADER)
    invite = await invites.create_invite(session, commune, role=Role.OFFICER, now=NOW)
    with pytest.raises(StaffExists):
        await invites.redeem_invite(
            session, invite.token, telegram_id=5001, full_name="Lan", username=None, now=NOW
        )
    await session.refresh(invite)
    assert invite.used_at is None  # someone else may still use it
    member = (await session.exec(select(Staff))).one()
    assert member.role is Role.LEADER


async def test_removed_staff_can_be_invited_back(session: AsyncSession) -> None:
    commune = await _commune(session)
    admin = await _member(session, commune, 1, Role.ADMIN)
    officer = await _member(session, commune, 5001, Role.OFFICER)
    await staff_admin.remove_staff(session, admin, officer, now=NOW)
    invite = await invites.create_invite(
        session, commune, role=Role.LEADER, now=NOW, created_by=admin
    )
    back = await invites.redeem_invite(
        session, invite.token, telegram_id=5001, full_name="Lan", username=None, now=NOW
    )
    assert back.id == officer.id and back.active and back.role is Role.LEADER


async def test_only_an_admin_of_that_commune_invites(session: AsyncSession) -> None:
    here, there = await _commune(session, "7060"), await _commune(session, "4")
    admin_there = await _member(session, there, 1, Role.ADMIN)
    officer_here = await _member(session, here, 2, Role.OFFICER)
    for creator in (admin_there, officer_here):
        with pytest.raises(NotAuthorized):
            await invites.create_invite(session, here, role=Role.ADMIN, now=NOW, created_by=creator)
    assert (await session.exec(select(StaffInvite))).all() == []
    refused = (await session.exec(select(AuditEntry))).all()
    assert [(r.action, r.allowed, r.commune_id) for r in refused] == [
        ("staff_invited", False, here.id),
        ("staff_invited", False, here.id),
    ]
    made = await invites.create_invite(
        session, there, role=Role.OFFICER, now=NOW, created_by=admin_there
    )
    assert made.created_by_staff_id == admin_there.id


async def test_administered_communes_refuses_and_records(session: AsyncSession) -> None:
    here, there = await _commune(session, "7060"), await _commune(session, "4")
    await _member(session, here, 1, Role.ADMIN)
    await _member(session, there, 1, Role.OFFICER)
    assert [c.code for c in await staff_admin.administered_communes(session, 1, action="x")] == [
        "07060"
    ]
    assert await staff_admin.administered_communes(session, 1, action="x", code="7060") == [here]
    for telegram_id, code in ((1, "00004"), (1, "abc"), (99, None)):
        with pytest.raises(NotAuthorized):
            await staff_admin.administered_communes(
                session, telegram_id, action="staff_list", code=code
            )
    refused = (await session.exec(select(AuditEntry))).all()
    assert [(r.actor_telegram_id, r.commune_id, r.allowed) for r in refused] == [
        (1, there.id, False),  # an officer there: recorded against that commune
        (1, None, False),
        (99, None, False),
    ]


async def test_a_commune_keeps_its_last_admin(session: AsyncSession) -> None:
    commune = await _commune(session)
    admin = await _member(session, commune, 1, Role.ADMIN)
    for attempt in (
        staff_admin.change_role(session, admin, admin, Role.LEADER, now=NOW),
        staff_admin.remove_staff(session, admin, admin, now=NOW),
    ):
        with pytest.raises(LastAdmin):
            await attempt
    await session.refresh(admin)
    assert admin.active and admin.role is Role.ADMIN

    second = await _member(session, commune, 2, Role.OFFICER)
    await staff_admin.change_role(session, admin, second, Role.ADMIN, now=NOW)
    await staff_admin.change_role(session, admin, admin, Role.LEADER, now=NOW)  # no longer the last
    assert [(a, ok, (d or "").split(": ")[-1]) for a, ok, d in (await _audit(session))[-2:]] == [
        ("staff_role_changed", True, "officer -> admin"),
        ("staff_role_changed", True, "admin -> leader"),
    ]
    with pytest.raises(NotAuthorized):  # a leader now: no more staff management
        await staff_admin.change_role(session, admin, second, Role.OFFICER, now=NOW)


async def test_admins_act_only_on_their_own_commune(session: AsyncSession) -> None:
    here, there = await _commune(session, "7060"), await _commune(session, "4")
    admin_there = await _member(session, there, 1, Role.ADMIN)
    officer_here = await _member(session, here, 2, Role.OFFICER)
    with pytest.raises(NotAuthorized):
        await staff_admin.change_role(session, admin_there, officer_here, Role.ADMIN, now=NOW)
    with pytest.raises(NotAuthorized):
        await staff_admin.remove_staff(session, admin_there, officer_here, now=NOW)
    await session.refresh(officer_here)
    assert officer_here.active and officer_here.role is Role.OFFICER
    assert [(a, ok) for a, ok, _ in await _audit(session)] == [
        ("staff_role_changed", False),
        ("staff_removed", False),
    ]
    with pytest.raises(StaffNotFound):
        await staff_admin.get_member(session, 12345)


async def _ticket(
    session: AsyncSession, commune: Commune, text: str, assignee: Staff | None, status: TicketStatus
) -> Ticket:
    resident = await residents.get_or_create_by_telegram(
        session, 9001, full_name="Hoa", username=None
    )
    draft = TicketDraft(
        kind=Kind.REPORT, category_id=None, text=text, received_at=NOW, channel=Channel.TELEGRAM
    )
    policy = DeadlinePolicy(WorkingCalendar(), VN)
    ticket = await tickets.submit_ticket(
        session, commune=commune, resident=resident, draft=draft, policy=policy, now=NOW
    )
    ticket.assignee_id = assignee.id if assignee else None  # arranged, not under test
    ticket.status = status
    session.add(ticket)
    await session.commit()
    return ticket


async def test_removal_hands_open_cases_back_with_events(session: AsyncSession) -> None:
    commune = await _commune(session)
    admin = await _member(session, commune, 1, Role.ADMIN)
    leaving = await _member(session, commune, 2, Role.OFFICER)
    staying = await _member(session, commune, 3, Role.OFFICER)
    new = await _ticket(session, commune, "Đèn đường hỏng", leaving, TicketStatus.NEW)
    accepted = await _ticket(
        session, commune, "Rác tràn ra ở chợ", leaving, TicketStatus.ACKNOWLEDGED
    )
    closed = await _ticket(
        session, commune, "Cống thoát nước bị tắc", leaving, TicketStatus.RESOLVED
    )
    others = await _ticket(session, commune, "Ổ gà giữa đường thôn", staying, TicketStatus.NEW)
    at = NOW + timedelta(days=1)

    returned = await staff_admin.remove_staff(session, admin, leaving, now=at)

    assert [t.code for t in returned] == [new.code, accepted.code]
    await session.refresh(leaving)
    assert not leaving.active
    for ticket, assignee in (
        (new, None),
        (accepted, None),
        (closed, leaving.id),
        (others, staying.id),
    ):
        await session.refresh(ticket)
        assert ticket.assignee_id == assignee, ticket.code
    events = (
        await session.exec(select(TicketEvent).where(TicketEvent.kind == EventKind.ASSIGNED))
    ).all()
    assert sorted(e.ticket_id for e in events) == sorted([new.id, accepted.id])
    for event in events:
        assert (event.at, event.actor_type, event.actor_staff_id) == (at, ActorType.STAFF, admin.id)
        assert event.data == {
            "from_staff_id": leaving.id,
            "to_staff_id": None,
            "reason": "staff_removed",
        }
    told = (
        await session.exec(
            select(Notification).where(Notification.kind == NotificationKind.STAFF_REMOVED)
        )
    ).one()
    assert told.recipient_kind is RecipientKind.STAFF_GROUP and told.commune_id == commune.id
    assert told.payload == {"staff_name": leaving.name, "codes": [new.code, accepted.code]}
    action, allowed, detail = (await _audit(session))[-1]
    assert (action, allowed) == ("staff_removed", True) and "2 open case(s)" in (detail or "")
    with pytest.raises(StaffNotFound):
        await staff_admin.remove_staff(session, admin, leaving, now=at)

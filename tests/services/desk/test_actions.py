"""The ticket lifecycle through the services, on a real database."""

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    AuditEntry,
    Channel,
    EventKind,
    Kind,
    Notification,
    NotificationKind,
    Rating,
    RejectReason,
    Resident,
    Role,
    Staff,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import follow_up, tickets
from services.communes import registry as communes
from services.database.engine import session_factory
from services.desk import actions as desk
from services.errors import Conflict, InvalidInput, NotAuthorized, TransitionRefused
from services.people import residents, staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Vietnam


async def _world(session: AsyncSession) -> dict[str, object]:
    commune = await communes.add_commune(session, "7060", year=2026)
    other = await communes.add_commune(session, "4", year=2026)
    people = {
        "officer": await staff.add_staff(
            session, commune, telegram_id=11, role=Role.OFFICER, name="Lan"
        ),
        "officer2": await staff.add_staff(
            session, commune, telegram_id=12, role=Role.OFFICER, name="Minh"
        ),
        "leader": await staff.add_staff(
            session, commune, telegram_id=13, role=Role.LEADER, name="Mạnh"
        ),
        "foreign": await staff.add_staff(
            session, other, telegram_id=14, role=Role.ADMIN, name="Hà"
        ),
    }
    hoa = await residents.get_or_create_by_telegram(session, 1001, full_name="Hoa", username=None)
    an = await residents.get_or_create_by_telegram(session, 1002, full_name="An", username=None)
    return {"commune": commune, "hoa": hoa, "an": an, **people}


async def _file(session: AsyncSession, world: dict[str, object], who: str = "hoa") -> Ticket:
    resident = world[who]
    assert isinstance(resident, Resident)
    return await tickets.submit_ticket(
        session,
        commune=world["commune"],  # type: ignore[arg-type]
        resident=resident,
        draft=tickets.TicketDraft(
            kind=Kind.REPORT,
            category_id=None,
            text="Đường thôn 3 bị sạt lở",
            received_at=T0,
            channel=Channel.TELEGRAM,
        ),
        policy=POLICY,
        now=T0,
    )


async def _events(session: AsyncSession, ticket: Ticket) -> list[str]:
    rows = (
        await session.exec(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket.id)
            .order_by(col(TicketEvent.id))
        )
    ).all()
    return [e.kind.value for e in rows]


async def test_the_full_life_of_a_case(session: AsyncSession) -> None:
    w = await _world(session)
    ticket = await _file(session, w)
    officer, leader = w["officer"], w["leader"]
    assert isinstance(officer, Staff) and isinstance(leader, Staff)
    await desk.acknowledge(session, ticket, officer, at=T0 + timedelta(hours=1), now=T0)
    await desk.assign(session, ticket, leader, officer, at=T0 + timedelta(hours=2), now=T0)
    await desk.reply(
        session, ticket, officer, "Đã cử người kiểm tra", at=T0 + timedelta(days=1), now=T0
    )
    new_due = ticket.resolve_due_at + timedelta(days=3)
    original = ticket.resolve_due_at
    await desk.extend(
        session, ticket, leader, new_due, "Chờ đơn vị thi công", at=T0 + timedelta(days=2), now=T0
    )
    await desk.close(
        session, ticket, officer, "Đã sửa xong đoạn đường", at=T0 + timedelta(days=3), now=T0
    )
    await follow_up.rate(
        session, ticket, w["hoa"], Rating.VERY_SATISFIED, at=T0 + timedelta(days=4)
    )  # type: ignore[arg-type]

    stored = await session.get(Ticket, ticket.id)
    assert stored is not None
    assert stored.status is TicketStatus.RESOLVED and stored.assignee_id == officer.id
    assert stored.resolve_due_at == new_due and stored.resolve_due_original_at == original
    assert stored.acknowledged_at == T0 + timedelta(hours=1)
    assert stored.closed_at == T0 + timedelta(days=3) and stored.rating is Rating.VERY_SATISFIED
    assert await _events(session, ticket) == [
        "created",
        "acknowledged",
        "assigned",
        "replied",
        "extended",
        "resolved",
        "rated",
    ]
    to_resident = (
        await session.exec(
            select(Notification).where(Notification.kind == NotificationKind.TICKET_UPDATE)
        )
    ).all()
    assert len(to_resident) == 4  # ack, reply, extension, result; never the assignment


async def test_refused_transitions_change_nothing(session: AsyncSession) -> None:
    w = await _world(session)
    ticket = await _file(session, w)
    officer = w["officer"]
    assert isinstance(officer, Staff)
    await desk.reject(session, ticket, officer, RejectReason.OUTSIDE_AUTHORITY, None, at=T0, now=T0)
    for action in (
        desk.reply(session, ticket, officer, "Trả lời muộn", at=T0, now=T0),
        desk.close(session, ticket, officer, "Xong", at=T0, now=T0),
        desk.acknowledge(session, ticket, officer, at=T0, now=T0),
    ):
        with pytest.raises(TransitionRefused):
            await action
        await session.rollback()
    assert await _events(session, ticket) == ["created", "rejected"]
    with pytest.raises(InvalidInput):
        await desk.reject(
            session, await _file(session, w), officer, RejectReason.OTHER, " ", at=T0, now=T0
        )


async def test_authorisation_comes_from_the_database(session: AsyncSession) -> None:
    w = await _world(session)
    ticket = await _file(session, w)
    officer, officer2, foreign = w["officer"], w["officer2"], w["foreign"]
    assert isinstance(officer, Staff) and isinstance(officer2, Staff) and isinstance(foreign, Staff)
    with pytest.raises(NotAuthorized):
        await desk.acknowledge(session, ticket, foreign, at=T0, now=T0)
    with pytest.raises(NotAuthorized):
        await desk.acknowledge(session, ticket, None, at=T0, now=T0)
    with pytest.raises(NotAuthorized):  # officers cannot extend
        await desk.extend(
            session, ticket, officer, ticket.resolve_due_at + timedelta(days=1), "x", at=T0, now=T0
        )
    with pytest.raises(NotAuthorized):  # nor assign someone else
        await desk.assign(session, ticket, officer, officer2, at=T0, now=T0)
    await desk.assign(session, ticket, officer, officer, at=T0, now=T0)  # but may take it
    with pytest.raises(NotAuthorized):  # once taken, not by another officer
        await desk.assign(session, ticket, officer2, officer2, at=T0, now=T0)
    refusals = (
        await session.exec(select(AuditEntry).where(col(AuditEntry.allowed).is_(False)))
    ).all()
    assert [r.action for r in refusals] == ["ack", "ack", "extend", "assign", "assign"]
    assert await _events(session, ticket) == ["created", "assigned"]


async def test_two_people_pressing_at_once_one_wins(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        w = await _world(session)
        ticket = await _file(session, w)

    async def act(name: str) -> str:
        async with sessions() as session:
            mine = await session.get(Ticket, ticket.id)
            actor = await session.get(Staff, w[name].id)  # type: ignore[union-attr]
            assert mine is not None
            try:
                await desk.close(session, mine, actor, f"Kết quả của {name}", at=T0, now=T0)
            except (Conflict, TransitionRefused):
                return "lost"
            return "won"

    outcomes = await asyncio.gather(act("officer"), act("officer2"), act("leader"))
    assert sorted(outcomes) == ["lost", "lost", "won"]
    async with sessions() as session:
        assert (await _events(session, ticket)).count("resolved") == 1


async def test_merge_sends_the_answer_to_both_residents(session: AsyncSession) -> None:
    w = await _world(session)
    first, duplicate = await _file(session, w), await _file(session, w, "an")
    officer = w["officer"]
    assert isinstance(officer, Staff)
    await desk.merge(session, duplicate, officer, first, at=T0, now=T0)
    assert duplicate.status is TicketStatus.MERGED and duplicate.merged_into_id == first.id
    await desk.close(session, first, officer, "Đã khắc phục", at=T0, now=T0)
    results = (
        await session.exec(
            select(Notification).where(
                Notification.kind == NotificationKind.TICKET_UPDATE,
                col(Notification.payload).is_not(None),
            )
        )
    ).all()
    told = {n.recipient_id for n in results}
    assert {w["hoa"].id, w["an"].id} <= told  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        await desk.merge(session, first, officer, first, at=T0, now=T0)


async def test_reopen_only_within_seven_days_and_only_by_the_owner(session: AsyncSession) -> None:
    w = await _world(session)
    ticket = await _file(session, w)
    officer = w["officer"]
    assert isinstance(officer, Staff)
    await desk.close(session, ticket, officer, "Xong", at=T0, now=T0)
    with pytest.raises(NotAuthorized):
        await follow_up.reopen(session, ticket, w["an"], "Chưa sửa", at=T0, now=T0)  # type: ignore[arg-type]
    with pytest.raises(TransitionRefused):
        await follow_up.reopen(
            session, ticket, w["hoa"], "Chưa sửa", at=T0 + timedelta(days=8), now=T0
        )  # type: ignore[arg-type]
    await follow_up.reopen(session, ticket, w["hoa"], "Chưa sửa", at=T0 + timedelta(days=6), now=T0)  # type: ignore[arg-type]
    assert ticket.status is TicketStatus.ACKNOWLEDGED and ticket.closed_at is None
    news = (
        await session.exec(
            select(Notification).where(Notification.kind == NotificationKind.STAFF_NEWS)
        )
    ).all()
    assert len(news) == 1
    assert (await _events(session, ticket))[-1] == EventKind.REOPENED.value

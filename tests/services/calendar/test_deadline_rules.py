"""A commune's own rules and announced days off, on a real database."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    Channel,
    DayKind,
    DayUnit,
    EventKind,
    Kind,
    Role,
    Ticket,
    TicketEvent,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import tickets
from services.communes import registry as communes
from services.desk import actions as desk
from services.desk import calendar_settings as calendar_admin
from services.desk.templates import find_category
from services.errors import InvalidInput
from services.people import residents, staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=VN)  # due Mon 30/11 (24/11 is a holiday)


async def _file(
    session: AsyncSession,
    commune,
    resident,
    at: datetime = MONDAY,  # type: ignore[no-untyped-def]
    category_id: int | None = None,
    kind: Kind = Kind.REPORT,
) -> Ticket:
    return await tickets.submit_ticket(
        session,
        commune=commune,
        resident=resident,
        policy=POLICY,
        now=at.astimezone(UTC),
        draft=tickets.TicketDraft(
            kind=kind,
            category_id=category_id,
            text="Ống nước vỡ giữa đường thôn",
            received_at=at,
            channel=Channel.TELEGRAM,
        ),
    )


async def _setup(session: AsyncSession):  # type: ignore[no-untyped-def]
    commune = await communes.add_commune(session, "7060", year=2026)
    resident = await residents.get_or_create_by_telegram(session, 1, full_name="Hoa", username=None)
    return commune, resident


async def test_a_category_marked_urgent_has_its_own_deadline(session: AsyncSession) -> None:
    commune, resident = await _setup(session)
    environment = await find_category(session, commune.id, "moi truong")
    await calendar_admin.set_rule(
        session,
        commune,
        name="khẩn",
        legal_basis="Quy chế 1022",
        resolve_days=1,
        ack_days=1,
        category=environment,
    )
    urgent = await _file(session, commune, resident, category_id=environment.id)
    ordinary = await _file(session, commune, resident)
    assert urgent.resolve_due_at.astimezone(VN).date() == date(2026, 11, 17)
    assert (urgent.deadline_rule, urgent.deadline_basis) == ("khẩn", "Quy chế 1022")
    assert ordinary.resolve_due_at.astimezone(VN).date() == date(2026, 12, 1)
    complaint = await POLICY.rule_for(session, commune.id, Kind.COMPLAINT, environment.id)
    assert complaint.name == "complaint"  # the law's limits beat a field's service level
    with pytest.raises(InvalidInput):  # the law allows at most 10 working days to accept
        await calendar_admin.set_rule(
            session,
            commune,
            name="x",
            legal_basis="y",
            resolve_days=20,
            ack_days=11,
            unit=DayUnit.WORKING,
        )


async def test_a_day_off_moves_open_deadlines_never_earlier(session: AsyncSession) -> None:
    commune, resident = await _setup(session)
    open_ticket = await _file(session, commune, resident)
    closed = await _file(session, commune, resident)
    officer = await staff.add_staff(session, commune, telegram_id=5, role=Role.OFFICER, name="Lan")
    await desk.close(session, closed, officer, "Đã sửa", at=MONDAY, now=MONDAY)
    before = open_ticket.resolve_due_at
    later = await _file(session, commune, resident, at=datetime(2026, 11, 27, 9, 0, tzinfo=VN))
    later_due = later.resolve_due_at

    moved = await calendar_admin.add_day(
        session, POLICY, commune, date(2026, 11, 26), DayKind.DAY_OFF, "Nghỉ do bão", now=MONDAY
    )
    assert [t.code for t in moved] == [open_ticket.code]
    await session.refresh(open_ticket)
    assert open_ticket.resolve_due_at.astimezone(VN).date() == date(2026, 12, 2)
    assert open_ticket.resolve_due_at > before
    await session.refresh(later)
    assert later.resolve_due_at == later_due  # received after the day off
    events = (
        await session.exec(
            select(TicketEvent).where(TicketEvent.kind == EventKind.DEADLINE_CHANGED)
        )
    ).all()
    assert [e.ticket_id for e in events] == [open_ticket.id]

    # a day that was already a holiday, and a make-up day, move nothing
    assert (
        await calendar_admin.add_day(
            session, POLICY, None, date(2026, 11, 24), DayKind.DAY_OFF, "Trùng ngày lễ", now=MONDAY
        )
        == []
    )
    assert (
        await calendar_admin.add_day(
            session, POLICY, commune, date(2026, 11, 28), DayKind.WORKDAY, "Làm bù", now=MONDAY
        )
        == []
    )
    await session.refresh(open_ticket)
    assert open_ticket.resolve_due_at.astimezone(VN).date() == date(2026, 12, 2)


async def test_reclassifying_recomputes_from_the_same_receipt(session: AsyncSession) -> None:
    commune, resident = await _setup(session)
    officer = await staff.add_staff(session, commune, telegram_id=5, role=Role.OFFICER, name="Lan")
    environment = await find_category(session, commune.id, "moi_truong")
    await calendar_admin.set_rule(
        session,
        commune,
        name="khẩn",
        legal_basis="Quy chế 1022",
        resolve_days=1,
        ack_days=1,
        category=environment,
    )
    ticket = await _file(session, commune, resident)
    await desk.reclassify(
        session, ticket, officer, POLICY, category=environment, at=MONDAY, now=MONDAY
    )
    assert ticket.resolve_due_at.astimezone(VN).date() == date(2026, 11, 17)
    assert ticket.resolve_due_original_at == ticket.resolve_due_at
    assert ticket.received_at == MONDAY
    kinds = (await session.exec(select(TicketEvent.kind).order_by(col(TicketEvent.id)))).all()
    assert kinds[-1] is EventKind.RECLASSIFIED

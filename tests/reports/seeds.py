"""The cases behind the report tests (no tests here).

Seed 000 (Xã Thống Nhất, 2024): 762 cases on digital channels, all answered in time, 762
residents of 12,290 taking part (6,2%). A few go through the services; the rest are
inserted in bulk with the same columns and events the services write, so building the
year stays fast."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    ActorType,
    Channel,
    Commune,
    EventKind,
    Kind,
    Rating,
    RejectReason,
    Resident,
    Role,
    SignerRole,
    Ticket,
    TicketEvent,
    TicketSequence,
    TicketStatus,
)
from services.calendar.deadlines import DEFAULT_RULE, DeadlinePolicy
from services.calendar.deadlines import compute as deadlines_for
from services.calendar.working_days import WorkingCalendar
from services.cases import follow_up, tickets
from services.cases.codes import format_code
from services.communes import registry as communes
from services.desk import actions as desk
from services.desk.templates import find_category
from services.people import residents, staff
from services.reporting import settings as report_settings

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
SEED_NOW = datetime(2024, 12, 6, 9, 0, tzinfo=VN)
SEED_CASES = 762
THROUGH_SERVICES = 24
SEED_CHANNELS = (Channel.FACEBOOK, Channel.PORTAL, Channel.ZALO, Channel.TELEGRAM)


@dataclass
class Seed:
    commune: Commune
    on_time: int  # answered on the deadline's own date; the others earlier


def _when(i: int) -> datetime:
    """Receipts spread over 2024 up to 4 December, in office hours."""
    day = date(2024, 1, 2) + timedelta(days=(i * 337) // SEED_CASES)
    return datetime.combine(day, time(8 + i % 9, 15), tzinfo=VN)


async def seed_000(session: AsyncSession) -> Seed:
    commune = await communes.add_commune(session, "7060", year=2024, population=12290)
    assert commune.id is not None
    await report_settings.add_superior(
        session, commune.id, "Ủy ban nhân dân thành phố Hạ Long", short_name="UBND TP Hạ Long"
    )
    await report_settings.add_superior(
        session, commune.id, "Phòng Văn hóa thông tin thành phố Hạ Long", copied=False
    )
    await report_settings.update_settings(
        session,
        commune.id,
        signer_name="Ngô Xuân Mạnh",
        signer_role=SignerRole.VICE_CHAIRMAN.value,
        copy_lines="TT Đảng ủy, HĐND, UBND xã;\nLưu: VT, VP-TK, 01.",
    )
    officer = await staff.add_staff(session, commune, telegram_id=9, role=Role.OFFICER, name="Lan")
    other = await find_category(session, commune.id, "khac")
    for i in range(THROUGH_SERVICES):
        person = await residents.get_or_create_by_telegram(
            session, 1000 + i, full_name=f"Người dân {i}", username=None
        )
        ticket = await tickets.submit_ticket(
            session,
            commune=commune,
            resident=person,
            policy=POLICY,
            now=SEED_NOW,
            draft=tickets.TicketDraft(
                kind=Kind.QUESTION,
                category_id=other.id,
                text=f"Xin hỏi về thủ tục số {i}",
                received_at=_when(i),
                channel=SEED_CHANNELS[i % len(SEED_CHANNELS)],
            ),
        )
        await desk.close(
            session, ticket, officer, "Đã trả lời", at=_when(i) + timedelta(hours=3), now=SEED_NOW
        )
    on_time = await _bulk(session, commune, officer.id, other.id)
    return Seed(commune, on_time)


async def _bulk(
    session: AsyncSession, commune: Commune, officer_id: int | None, category_id: int | None
) -> int:
    assert commune.id is not None
    calendar = await POLICY.calendar_for(session, commune.id)
    people = [
        Resident(telegram_id=5000 + i, full_name=f"Người dân {i}", commune_id=commune.id)
        for i in range(THROUGH_SERVICES, SEED_CASES)
    ]
    session.add_all(people)
    await session.flush()
    made, on_time = [], 0
    for seq, (i, person) in enumerate(
        zip(range(THROUGH_SERVICES, SEED_CASES), people, strict=True), start=THROUGH_SERVICES + 1
    ):
        received = _when(i)
        due = deadlines_for(DEFAULT_RULE, calendar, received, VN)
        closed = received + timedelta(days=1)
        if i % 10 == 0 and received < datetime(2024, 11, 1, tzinfo=VN):
            closed, on_time = datetime.combine(due.resolve_due_at.date(), time(16), VN), on_time + 1
        ticket = Ticket(
            commune_id=commune.id, code=format_code(2024, seq), year=2024, seq=seq,
            kind=Kind.QUESTION if i % 3 else Kind.PROPOSAL, category_id=category_id,
            channel=SEED_CHANNELS[i % len(SEED_CHANNELS)], status=TicketStatus.RESOLVED,
            resident_id=person.id, text=f"Góp ý số {i} trên trang tin tức của xã",
            received_at=received, ack_due_at=due.ack_due_at, resolve_due_at=due.resolve_due_at,
            resolve_due_original_at=due.resolve_due_at, forward_due_at=due.forward_due_at,
            deadline_rule=DEFAULT_RULE.name, deadline_basis=DEFAULT_RULE.legal_basis,
            acknowledged_at=closed, closed_at=closed, first_answered_at=closed, created_at=received.astimezone(UTC),
        )  # fmt: skip
        made.append(ticket)
    session.add_all(made)
    await session.flush()
    for ticket in made:
        assert ticket.id is not None and ticket.closed_at is not None
        session.add_all([
            TicketEvent(ticket_id=ticket.id, at=ticket.received_at, kind=EventKind.CREATED,
                        actor_type=ActorType.RESIDENT, actor_resident_id=ticket.resident_id,
                        to_status=TicketStatus.NEW, text=ticket.text,
                        data={"channel": ticket.channel.value, "rule": DEFAULT_RULE.name}),
            TicketEvent(ticket_id=ticket.id, at=ticket.closed_at, kind=EventKind.RESOLVED,
                        actor_type=ActorType.STAFF, actor_staff_id=officer_id,
                        from_status=TicketStatus.NEW, to_status=TicketStatus.RESOLVED,
                        text="Đã tiếp thu, trả lời"),
        ])  # fmt: skip
    await session.exec(
        update(TicketSequence)
        .where(TicketSequence.commune_id == commune.id, TicketSequence.year == 2024)  # type: ignore[arg-type]
        .values(last_seq=SEED_CASES)
    )
    await session.commit()
    return on_time


WARD_NOW = datetime(2024, 12, 2, 9, 0, tzinfo=VN)


def nov(day: int, month: int = 11, hour: int = 9) -> datetime:
    return datetime(2024, month, day, hour, 0, tzinfo=VN)


async def ward_month(session: AsyncSession) -> Commune:
    """November 2024 in Phường Ba Đình: 10 received, 2 carried over; 4 answered early, 1
    on time, 2 late; 1 withdrawn; 1 pending not yet due, 3 overdue; 3 ratings."""
    ward = await communes.add_commune(session, "00004", year=2024, population=5000)
    assert ward.id is not None
    await report_settings.add_superior(session, ward.id, "Ủy ban nhân dân Thành phố Hà Nội")
    officer = await staff.add_staff(session, ward, telegram_id=7, role=Role.OFFICER, name="Hà")
    land = await find_category(session, ward.id, "dat_dai")
    other = await find_category(session, ward.id, "khac")
    people = [
        await residents.get_or_create_by_telegram(
            session, 700 + i, full_name=f"P{i}", username=None
        )
        for i in range(13)
    ]

    async def file(n: int, at: datetime, channel: Channel = Channel.TELEGRAM) -> Ticket:
        return await tickets.submit_ticket(
            session,
            commune=ward,
            resident=people[n],
            policy=POLICY,
            now=WARD_NOW,
            draft=tickets.TicketDraft(
                kind=Kind.REPORT,
                category_id=(land if n % 2 else other).id,
                text=f"Phản ánh số {n} của phường",
                received_at=at,
                channel=channel,
            ),
        )

    c1 = await file(1, nov(28, 10))  # carried over, answered early (due 11/11)
    await desk.close(session, c1, officer, "Xong", at=nov(5), now=WARD_NOW)
    await file(2, nov(30, 10))  # carried over, still open: overdue (due 13/11)
    c3 = await file(3, nov(4))
    await desk.close(session, c3, officer, "Xong", at=nov(18), now=WARD_NOW)  # on its due date
    await follow_up.rate(session, c3, people[3], Rating.SATISFIED, at=nov(19))
    c4 = await file(4, nov(5))
    await desk.close(session, c4, officer, "Xong", at=nov(25), now=WARD_NOW)  # late (19/11)
    await follow_up.rate(session, c4, people[4], Rating.UNSATISFIED, at=nov(26))
    c5 = await file(5, nov(6))
    await desk.forward(session, c5, officer, "Công an quận", None, at=nov(8), now=WARD_NOW)
    c6 = await file(6, nov(7))
    await desk.reject(session, c6, officer, RejectReason.ANONYMOUS, None, at=nov(8), now=WARD_NOW)
    c7 = await file(7, nov(11))
    await follow_up.withdraw(session, c7, people[7], at=nov(12), now=WARD_NOW)
    c8 = await file(8, nov(12))
    await desk.close(session, c8, officer, "Xong", at=nov(29), now=WARD_NOW)  # late (26/11)
    await follow_up.rate(session, c8, people[8], Rating.VERY_SATISFIED, at=nov(29, hour=15))
    await file(9, nov(20))  # open, due 04/12: not yet due at the end of November
    await file(10, nov(1))  # open, due 15/11: overdue
    await file(11, nov(15), Channel.PHONE)  # open, due 29/11: overdue
    c12 = await file(12, nov(25))
    await desk.close(session, c12, officer, "Xong", at=nov(26), now=WARD_NOW)  # early
    return ward

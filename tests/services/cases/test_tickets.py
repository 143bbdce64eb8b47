"""Filing through the service on a real database: codes, deadlines, events, outbox."""

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    Channel,
    Commune,
    EventKind,
    Kind,
    Notification,
    NotificationKind,
    Resident,
    TicketEvent,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import tickets
from services.cases.tickets import TicketDraft
from services.communes import registry as communes
from services.database.engine import session_factory
from services.errors import InvalidInput, TicketNotFound
from services.people import residents

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)


async def _setup(session: AsyncSession) -> tuple[object, Resident]:
    commune = await communes.add_commune(session, "7060", year=2024, population=12290)
    resident = await residents.get_or_create_by_telegram(
        session, 1001, full_name="Nguyễn Thị Hoa", username=None
    )
    return commune, resident


def _draft(at: datetime, text: str = "Đường thôn 3 bị sạt lở sau mưa") -> TicketDraft:
    return TicketDraft(
        kind=Kind.REPORT, category_id=None, text=text, received_at=at, channel=Channel.TELEGRAM
    )


async def test_codes_follow_the_local_year_of_receipt(session: AsyncSession) -> None:
    commune, resident = await _setup(session)
    now = datetime.now(UTC)
    # 31/12/2024 17:30 UTC is already 01/01/2025 00:30 in Vietnam
    codes = []
    for at in (
        datetime(2024, 12, 31, 9, 0, tzinfo=UTC),
        datetime(2024, 12, 31, 10, 0, tzinfo=UTC),
        datetime(2024, 12, 31, 17, 30, tzinfo=UTC),
    ):
        ticket = await tickets.submit_ticket(
            session, commune=commune, resident=resident, draft=_draft(at), policy=POLICY, now=now
        )
        codes.append(ticket.code)
    assert codes == ["PA24-0001", "PA24-0002", "PA25-0001"]


async def test_filing_writes_the_event_and_the_outbox(session: AsyncSession) -> None:
    commune, resident = await _setup(session)
    received = datetime(2025, 1, 24, 3, 0, tzinfo=UTC)
    ticket = await tickets.submit_ticket(
        session,
        commune=commune,
        resident=resident,
        draft=_draft(received),
        policy=POLICY,
        now=datetime(2025, 1, 24, 5, 0, tzinfo=UTC),
    )
    assert ticket.received_at == received
    assert ticket.resolve_due_at.astimezone(VN) == datetime(2025, 2, 14, 23, 59, 59, tzinfo=VN)
    assert ticket.resolve_due_original_at == ticket.resolve_due_at
    events = (await session.exec(select(TicketEvent))).all()
    assert [(e.kind, e.at) for e in events] == [(EventKind.CREATED, received)]
    outbox = (await session.exec(select(Notification))).all()
    assert sorted(n.kind for n in outbox) == sorted(
        [NotificationKind.RECEIPT, NotificationKind.STAFF_CARD]
    )
    refreshed = await session.get(Resident, resident.id)
    assert refreshed is not None and refreshed.consent_at is not None


async def test_short_descriptions_and_formal_kinds_change_nothing(session: AsyncSession) -> None:
    commune, resident = await _setup(session)
    now = datetime.now(UTC)
    with pytest.raises(InvalidInput):
        await tickets.submit_ticket(
            session,
            commune=commune,
            resident=resident,
            draft=_draft(now, "hỏng"),
            policy=POLICY,
            now=now,
        )
    formal = _draft(now)
    formal.kind = Kind.COMPLAINT
    with pytest.raises(InvalidInput):
        await tickets.submit_ticket(
            session, commune=commune, resident=resident, draft=formal, policy=POLICY, now=now
        )
    await session.rollback()
    assert (await session.exec(select(Notification))).all() == []


async def test_a_resident_sees_only_their_own_tickets(session: AsyncSession) -> None:
    commune, owner = await _setup(session)
    other = await residents.get_or_create_by_telegram(session, 2002, full_name="B", username=None)
    now = datetime.now(UTC)
    ticket = await tickets.submit_ticket(
        session, commune=commune, resident=owner, draft=_draft(now), policy=POLICY, now=now
    )
    assert (await tickets.get_for_resident(session, owner, ticket.code.lower())).id == ticket.id
    with pytest.raises(TicketNotFound):
        await tickets.get_for_resident(session, other, ticket.code)


async def test_concurrent_filing_never_reuses_a_number(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        commune, resident = await _setup(session)
    now = datetime.now(UTC)

    async def file_one(i: int) -> str:
        async with sessions() as session:  # each filing its own session and rows, as updates
            own_commune = await session.get(Commune, commune.id)
            own_resident = await session.get(Resident, resident.id)
            assert own_commune is not None and own_resident is not None
            ticket = await tickets.submit_ticket(
                session,
                commune=own_commune,
                resident=own_resident,
                draft=_draft(now, f"Phản ánh số {i} về đèn đường"),
                policy=POLICY,
                now=now,
            )
            return ticket.code

    codes = await asyncio.gather(*(file_one(i) for i in range(20)))
    assert sorted(codes) == [f"PA{now.astimezone(VN):%y}-{n:04d}" for n in range(1, 21)]

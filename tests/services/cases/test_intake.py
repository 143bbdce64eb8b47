"""Cases from other channels through the service: every channel gets a code, deadlines from
the time of receipt, a staff card; the answer is recorded as given; the same phone is one
citizen; a shared Telegram contact takes the offline cases over; the annual count by channel."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    AuditEntry,
    Channel,
    Commune,
    EventKind,
    Kind,
    Notification,
    NotificationKind,
    Resident,
    Role,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import intake
from services.cases.received_time import parse_received
from services.cases.tickets import TicketDraft
from services.communes import registry as communes
from services.desk import actions as desk
from services.errors import InvalidInput, NotAuthorized
from services.people import residents, staff
from services.statistics import figures as statistics
from services.statistics.periods import Period

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # Sunday 22/11/2026 10:00 in Vietnam
LAN, OUTSIDER = 501, 777


async def _commune(session: AsyncSession, code: str = "7060") -> Commune:
    commune = await communes.add_commune(session, code, year=2026, population=12290)
    return commune


def _draft(channel: Channel, at: datetime, phone: str | None = None) -> TicketDraft:
    return TicketDraft(
        kind=Kind.REPORT,
        category_id=None,
        text="Cống thoát nước thôn 2 bị tắc, nước tràn ra đường",
        received_at=at,
        channel=channel,
        phone=phone,
    )


async def _log(
    session: AsyncSession,
    commune: Commune,
    channel: Channel,
    at: datetime,
    *,
    name: str | None = "Bà Tư",
    phone: str | None = None,
) -> Ticket:
    return await intake.log_ticket(
        session,
        telegram_id=LAN,
        commune=commune,
        draft=_draft(channel, at, phone),
        citizen_name=name,
        policy=POLICY,
        now=NOW,
    )


async def test_every_other_channel_gets_a_case_deadlines_a_card_and_a_recorded_answer(
    session: AsyncSession,
) -> None:
    commune = await _commune(session)
    lan = await staff.add_staff(session, commune, telegram_id=LAN, role=Role.OFFICER, name="Lan")
    received = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)  # Friday 14:30
    for channel in intake.LOGGABLE_CHANNELS:
        ticket = await _log(session, commune, channel, received, name=None, phone=None)
        assert (ticket.channel, ticket.received_at, ticket.resident_id) == (channel, received, None)
        # 10 working days after Friday 20/11/2026 (24/11 is a public holiday from 2026)
        assert ticket.resolve_due_at.astimezone(VN).date() == date(2026, 12, 7)
        created = (
            await session.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
        ).one()
        assert (created.kind, created.actor_staff_id, created.data["channel"]) == (
            EventKind.CREATED,
            lan.id,
            channel.value,
        )
        with pytest.raises(InvalidInput, match="answer_how_required"):
            await desk.close(session, ticket, lan, "Đã nạo vét cống", at=NOW, now=NOW)
        answered = intake.answer_record(
            "in_person", date(2026, 11, 21), date(2026, 11, 20), date(2026, 11, 22)
        )
        event = await desk.close(
            session, ticket, lan, "Đã nạo vét cống", at=NOW, now=NOW, answered=answered
        )
        assert event.data == {"answered_via": "in_person", "answered_on": "2026-11-21"}
        assert ticket.status is TicketStatus.RESOLVED
    cards = (
        await session.exec(
            select(Notification).where(Notification.kind == NotificationKind.STAFF_CARD)
        )
    ).all()
    assert len(cards) == len(intake.LOGGABLE_CHANNELS) == 9
    stats = await statistics.compute(
        session, POLICY, [commune.id or 0], Period(date(2026, 1, 1), date(2026, 12, 31)), now=NOW
    )
    assert stats.received_by_channel == {c.value: 1 for c in intake.LOGGABLE_CHANNELS}
    assert stats.participants == 0, "anonymous letters are nobody's participation"


async def test_refusals_change_nothing(session: AsyncSession) -> None:
    commune = await _commune(session)
    other = await _commune(session, "4")
    await staff.add_staff(session, other, telegram_id=LAN, role=Role.OFFICER, name="Lan")
    past = NOW - timedelta(days=2)
    with pytest.raises(NotAuthorized):
        await _log(session, commune, Channel.PHONE, past)
    await staff.add_staff(session, commune, telegram_id=LAN, role=Role.OFFICER, name="Lan")
    with pytest.raises(InvalidInput, match="received_in_future"):
        await _log(session, commune, Channel.PHONE, NOW + timedelta(minutes=5))
    with pytest.raises(InvalidInput, match="channel_not_loggable"):
        await _log(session, commune, Channel.TELEGRAM, past)
    await session.rollback()
    assert (await session.exec(select(Ticket))).all() == []
    refused = (await session.exec(select(AuditEntry).where(AuditEntry.allowed == False))).all()  # noqa: E712
    assert [(r.action, r.actor_telegram_id) for r in refused] == [("log_case", LAN)]
    with pytest.raises(InvalidInput):
        intake.answer_record(
            "in_person", date(2026, 11, 23), date(2026, 11, 20), date(2026, 11, 22)
        )
    with pytest.raises(InvalidInput):
        intake.answer_record(
            "in_person", date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 22)
        )


async def test_the_same_phone_is_one_citizen_and_a_shared_contact_takes_the_cases(
    session: AsyncSession,
) -> None:
    commune = await _commune(session)
    await staff.add_staff(session, commune, telegram_id=LAN, role=Role.OFFICER, name="Lan")
    first = await _log(session, commune, Channel.IN_PERSON, NOW, phone="0912 345 678")
    second = await _log(session, commune, Channel.PHONE, NOW, name=None, phone="+84912345678")
    assert first.resident_id == second.resident_id is not None
    offline = await session.get(Resident, first.resident_id)
    assert offline is not None and (offline.phone, offline.full_name) == ("0912345678", "Bà Tư")

    tu = await residents.get_or_create_by_telegram(session, 9001, full_name="Tư", username=None)
    assert await residents.link_offline_cases(session, tu, "84912345678", NOW) == 2
    mine = await session.exec(select(Ticket.code).where(Ticket.resident_id == tu.id))
    assert sorted(mine.all()) == sorted([first.code, second.code])
    linked = (
        await session.exec(select(AuditEntry).where(AuditEntry.action == "resident_linked"))
    ).one()
    assert linked.allowed and linked.actor_telegram_id == 9001
    assert await residents.link_offline_cases(session, tu, "0912345678", NOW) == 0, "once"


def test_received_time_is_read_in_local_time_and_never_in_the_future() -> None:
    def read(raw: str) -> str:
        return f"{parse_received(raw, NOW, VN).astimezone(VN):%d/%m/%Y %H:%M}"

    assert read("20/11/2026 14:30") == "20/11/2026 14:30"
    assert read("20/11") == "20/11/2026 00:00"
    assert read("hôm qua 9:00") == read("Hom qua 9h") == "21/11/2026 09:00"
    assert read("20/12") == "20/12/2025 00:00", "a day still to come this year is last year's"
    for future in ("22/11/2026 23:00", "25/12/2026", "23:59"):
        with pytest.raises(InvalidInput, match="received_in_future"):
            parse_received(future, NOW, VN)
    for nonsense in ("hôm kia", "32/11", "9:75", ""):
        with pytest.raises(InvalidInput, match="bad_received_time"):
            parse_received(nonsense, NOW, VN)


async def test_notifications_to_a_citizen_without_telegram_are_queued_for_no_one(
    session: AsyncSession,
) -> None:
    """The resident's updates still go to the outbox (a later link may matter), and the
    courier skips them cleanly: see tests/e2e/test_log.py."""
    commune = await _commune(session)
    lan = await staff.add_staff(session, commune, telegram_id=LAN, role=Role.OFFICER, name="Lan")
    ticket = await _log(session, commune, Channel.MAILBOX, NOW, phone="0912345678")
    answered = intake.answer_record(
        "letter", date(2026, 11, 22), date(2026, 11, 22), date(2026, 11, 22)
    )
    await desk.reply(
        session, ticket, lan, "Xã đã cử người kiểm tra", at=NOW, now=NOW, answered=answered
    )
    kinds = (await session.exec(select(Notification.kind).order_by(col(Notification.id)))).all()
    assert NotificationKind.RECEIPT not in kinds, "no receipt for a case logged by staff"

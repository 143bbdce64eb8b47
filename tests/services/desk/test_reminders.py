"""The scheduled chasing as functions of "now": due things are queued once, nothing at night
or on days off, and a late run catches up."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Channel, Commune, Kind, Notification, NotificationKind, Role, Ticket
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import tickets
from services.communes import registry as communes
from services.desk import actions as desk
from services.desk import reminders
from services.people import residents, staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
RECEIVED = datetime(2026, 11, 16, 9, 0, tzinfo=VN)  # ack due Wed 18/11, answer due Tue 01/12


def at(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN).astimezone(UTC)


async def _world(session: AsyncSession):  # type: ignore[no-untyped-def]
    commune = await communes.add_commune(session, "7060", year=2026)
    await communes.update_commune(session, commune, staff_chat_id=-100)
    officer = await staff.add_staff(session, commune, telegram_id=1, role=Role.OFFICER, name="Lan")
    leader = await staff.add_staff(session, commune, telegram_id=2, role=Role.LEADER, name="Mạnh")
    ticket = await _file(session, commune, "Đường hỏng nặng")
    return commune, officer, leader, ticket


async def _file(session: AsyncSession, commune: Commune, text: str) -> Ticket:
    hoa = await residents.get_or_create_by_telegram(session, 9, full_name="Hoa", username=None)
    return await tickets.submit_ticket(
        session,
        commune=commune,
        resident=hoa,
        policy=POLICY,
        now=RECEIVED,
        draft=tickets.TicketDraft(
            kind=Kind.REPORT,
            category_id=None,
            text=text,
            received_at=RECEIVED,
            channel=Channel.TELEGRAM,
        ),
    )


async def _queued(session: AsyncSession, kind: NotificationKind) -> list[tuple[str, int | None]]:
    rows = (
        await session.exec(
            select(Notification).where(Notification.kind == kind).order_by(col(Notification.id))
        )
    ).all()
    return [(n.payload.get("reminder", ""), n.recipient_id) for n in rows]


async def test_acknowledgement_reminders_to_the_group_then_the_leaders(
    session: AsyncSession,
) -> None:
    _commune, _officer, leader, _ticket = await _world(session)
    assert await reminders.remind_deadlines(session, POLICY, at(18, 11, 16)) == 0  # not yet late
    assert await reminders.remind_deadlines(session, POLICY, at(19, 11, 10)) == 1
    assert await reminders.remind_deadlines(session, POLICY, at(19, 11, 15)) == 0  # once
    assert await reminders.remind_deadlines(session, POLICY, at(20, 11, 22)) == 0  # at night
    assert await reminders.remind_deadlines(session, POLICY, at(20, 11, 9)) == 1  # a day later
    assert await _queued(session, NotificationKind.REMINDER) == [
        ("ack_overdue", None),
        ("ack_overdue", leader.id),
    ]


async def test_answer_reminders_two_days_before_and_on_the_day(session: AsyncSession) -> None:
    _commune, officer, leader, ticket = await _world(session)
    await desk.assign(session, ticket, leader, officer, at=RECEIVED, now=RECEIVED)
    await desk.acknowledge(session, ticket, officer, at=RECEIVED, now=RECEIVED)
    assert await reminders.remind_deadlines(session, POLICY, at(26, 11, 10)) == 0  # 3 days left
    assert await reminders.remind_deadlines(session, POLICY, at(28, 11, 10)) == 0  # Saturday
    assert await reminders.remind_deadlines(session, POLICY, at(30, 11, 8)) == 1  # catches up
    assert await reminders.remind_deadlines(session, POLICY, at(1, 12, 7, 5)) == 1
    assert await reminders.remind_deadlines(session, POLICY, at(1, 12, 11)) == 0
    assert await _queued(session, NotificationKind.REMINDER) == [
        ("due_soon", officer.id),
        ("due_today", officer.id),
    ]


async def test_overdue_escalation_once_a_working_day(session: AsyncSession) -> None:
    _commune, _officer, leader, _ticket = await _world(session)
    assert await reminders.escalate_overdue(session, POLICY, at(1, 12, 9)) == 0  # due today
    assert await reminders.escalate_overdue(session, POLICY, at(2, 12, 7, 30)) == 0  # before 08:00
    assert await reminders.escalate_overdue(session, POLICY, at(2, 12, 8, 5)) == 1
    assert await reminders.escalate_overdue(session, POLICY, at(2, 12, 16)) == 0
    assert await reminders.escalate_overdue(session, POLICY, at(5, 12, 9)) == 0  # Saturday
    assert await reminders.escalate_overdue(session, POLICY, at(7, 12, 9)) == 1
    assert [r for _, r in await _queued(session, NotificationKind.ESCALATION)] == [leader.id] * 2


async def test_the_morning_digest_or_nothing(session: AsyncSession) -> None:
    _commune, officer, _leader, ticket = await _world(session)
    assert await reminders.send_digests(session, POLICY, at(17, 11, 7, 0)) == 0  # before 07:30
    assert await reminders.send_digests(session, POLICY, at(17, 11, 7, 31)) == 1
    assert await reminders.send_digests(session, POLICY, at(17, 11, 12)) == 0
    assert await reminders.send_digests(session, POLICY, at(22, 11, 8)) == 0  # Sunday
    digest = (
        await session.exec(select(Notification).where(Notification.kind == NotificationKind.DIGEST))
    ).one()
    assert digest.payload["new"] == [ticket.id] and digest.payload["unassigned"] == [ticket.id]
    await desk.close(session, ticket, officer, "Đã sửa xong", at=RECEIVED, now=RECEIVED)
    assert await reminders.send_digests(session, POLICY, at(18, 11, 8)) == 0  # nothing open


async def test_a_backlog_longer_than_a_batch_is_reminded_once_each(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job commits every few cases (short write locks); each case is reminded once, and
    a run after it (or after a crash between batches) adds nothing twice."""
    monkeypatch.setattr(reminders, "BATCH", 3)
    commune, _officer, _leader, _ticket = await _world(session)
    for number in range(7):
        await _file(session, commune, f"Đèn đường số {number} không sáng")
    assert await reminders.remind_deadlines(session, POLICY, at(19, 11, 10)) == 8
    assert await reminders.remind_deadlines(session, POLICY, at(19, 11, 11)) == 0
    assert await _queued(session, NotificationKind.REMINDER) == [("ack_overdue", None)] * 8

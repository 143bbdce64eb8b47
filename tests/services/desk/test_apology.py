"""Thư xin lỗi through the services: drafted once for each overdue open case, sent once a
leader approves it, as written or edited."""

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    ApologyLetter,
    AuditEntry,
    Channel,
    Commune,
    Kind,
    LetterStatus,
    Notification,
    NotificationKind,
    RecipientKind,
    Resident,
    Role,
    Staff,
    Ticket,
    TicketEvent,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import tickets
from services.communes import registry as communes
from services.database.engine import session_factory
from services.desk import actions as desk
from services.desk import apology
from services.errors import InvalidInput, NotAuthorized
from services.people import residents, staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Vietnam; due Mon 16/11
LATE = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # Friday 20/11, 08:00: overdue


async def _world(session: AsyncSession) -> dict[str, object]:
    commune = await communes.add_commune(session, "7060", year=2026)
    other = await communes.add_commune(session, "4", year=2026)
    people = {
        "officer": await staff.add_staff(
            session, commune, telegram_id=11, role=Role.OFFICER, name="Lan"
        ),
        "leader": await staff.add_staff(
            session, commune, telegram_id=13, role=Role.LEADER, name="Mạnh"
        ),
        "admin": await staff.add_staff(
            session, commune, telegram_id=15, role=Role.ADMIN, name="Hùng"
        ),
        "foreign": await staff.add_staff(
            session, other, telegram_id=14, role=Role.ADMIN, name="Hà"
        ),
    }
    hoa = await residents.get_or_create_by_telegram(
        session, 1001, full_name="Nguyễn Thị Hoa", username=None
    )
    an = await residents.get_or_create_by_telegram(session, 1002, full_name=None, username=None)
    return {"commune": commune, "hoa": hoa, "an": an, **people}


async def _file(
    session: AsyncSession, world: dict[str, object], who: str = "hoa", at: datetime = T0
) -> Ticket:
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
            received_at=at,
            channel=Channel.TELEGRAM,
        ),
        policy=POLICY,
        now=at,
    )


def _staff(world: dict[str, object], name: str) -> Staff:
    member = world[name]
    assert isinstance(member, Staff)
    return member


async def _notes(session: AsyncSession, kind: NotificationKind) -> list[Notification]:
    return list(
        (
            await session.exec(
                select(Notification).where(Notification.kind == kind).order_by(col(Notification.id))
            )
        ).all()
    )


async def _events(session: AsyncSession, ticket: Ticket) -> list[str]:
    rows = await session.exec(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(col(TicketEvent.id))
    )
    return [e.kind.value for e in rows.all()]


async def test_one_draft_per_overdue_case_however_often_the_job_runs(
    session: AsyncSession,
) -> None:
    w = await _world(session)
    ticket = await _file(session, w)
    assert await apology.draft_overdue_letters(session, T0 + timedelta(days=5)) == []  # not due

    letters = await apology.draft_overdue_letters(session, LATE, policy=POLICY)
    assert [letter.ticket_id for letter in letters] == [ticket.id]
    assert await apology.draft_overdue_letters(session, LATE, policy=POLICY) == []
    assert await apology.draft_overdue_letters(session, LATE + timedelta(days=3)) == []

    letter = letters[0]
    assert letter.status is LetterStatus.DRAFT and letter.drafted_at == LATE
    text = letter.text
    assert text.startswith("Kính gửi Ông/Bà Nguyễn Thị Hoa,")
    assert "Ủy ban nhân dân xã Thống Nhất chân thành xin lỗi" in text
    assert f"mã số {ticket.code}" in text and "ngày 02/11/2026" in text
    assert "Hạn trả lời là ngày 16/11/2026" in text
    assert "Lý do chậm trả lời:" in text
    assert "trước ngày 30/11/2026" in text  # 5 working days after 20/11; 24/11 is a holiday
    assert text.endswith("TM. Ủy ban nhân dân xã Thống Nhất")
    assert await _events(session, ticket) == ["created", "apology_drafted"]

    drafts = await _notes(session, NotificationKind.APOLOGY_DRAFT)
    assert {n.recipient_id for n in drafts} == {_staff(w, "leader").id, _staff(w, "admin").id}
    assert {n.recipient_kind for n in drafts} == {RecipientKind.STAFF}
    assert all(n.payload["letter_id"] == letter.id for n in drafts)
    assert await _notes(session, NotificationKind.APOLOGY_LETTER) == []  # not before approval


async def test_only_overdue_open_cases_of_reachable_residents(session: AsyncSession) -> None:
    w = await _world(session)
    overdue = await _file(session, w)
    answered = await _file(session, w)
    await desk.close(session, answered, _staff(w, "officer"), "Đã sửa", at=T0, now=T0)
    recent = await _file(session, w, at=LATE - timedelta(days=2))
    blocked = await _file(session, w, "an")
    an = w["an"]
    assert isinstance(an, Resident)
    an.blocked_at = T0
    session.add(an)
    await session.commit()

    letters = await apology.draft_overdue_letters(session, LATE)
    assert [letter.ticket_id for letter in letters] == [overdue.id]
    assert recent.resolve_due_at > LATE and blocked.resolve_due_at < LATE


async def test_only_leaders_and_admins_of_the_commune_approve_or_edit(
    session: AsyncSession,
) -> None:
    w = await _world(session)
    await _file(session, w)
    (letter,) = await apology.draft_overdue_letters(session, LATE)
    for name in ("officer", "foreign"):
        with pytest.raises(NotAuthorized):
            await apology.approve(session, letter, _staff(w, name), at=LATE, now=LATE)
        with pytest.raises(NotAuthorized):
            await apology.edit(session, letter, _staff(w, name), "Xin lỗi", at=LATE)
    with pytest.raises(NotAuthorized):
        await apology.approve(session, letter, None, at=LATE, now=LATE)
    refusals = (
        await session.exec(select(AuditEntry).where(col(AuditEntry.allowed).is_(False)))
    ).all()
    assert [r.action for r in refusals] == ["apology"] * 5
    await session.refresh(letter)
    assert letter.status is LetterStatus.DRAFT and letter.version == 1

    await apology.approve(session, letter, _staff(w, "admin"), at=LATE, now=LATE)
    assert letter.status is LetterStatus.SENT and letter.approved_by_id == _staff(w, "admin").id


async def test_two_leaders_pressing_at_once_send_it_once(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        w = await _world(session)
        ticket = await _file(session, w)
        (letter,) = await apology.draft_overdue_letters(session, LATE)

    async def press(name: str) -> str:
        async with sessions() as session:
            mine = await session.get(ApologyLetter, letter.id)
            actor = await session.get(Staff, _staff(w, name).id)
            assert mine is not None
            try:
                await apology.approve(session, mine, actor, at=LATE, now=LATE, version=1)
            except apology.LetterAlreadySent:
                return "already sent"
            return "sent"

    outcomes = await asyncio.gather(press("leader"), press("admin"), press("leader"))
    assert sorted(outcomes) == ["already sent", "already sent", "sent"]
    async with sessions() as session:
        assert (await _events(session, ticket)).count("apology_sent") == 1
        to_resident = await _notes(session, NotificationKind.APOLOGY_LETTER)
        assert [(n.recipient_kind, n.recipient_id) for n in to_resident] == [
            (RecipientKind.RESIDENT, ticket.resident_id)
        ]
        done = await _notes(session, NotificationKind.APOLOGY_DONE)
        assert {n.recipient_id for n in done} == {_staff(w, "leader").id, _staff(w, "admin").id}


async def test_edit_then_approve_sends_the_new_text_signed(session: AsyncSession) -> None:
    w = await _world(session)
    ticket = await _file(session, w)
    (letter,) = await apology.draft_overdue_letters(session, LATE)
    leader, admin = _staff(w, "leader"), _staff(w, "admin")
    with pytest.raises(InvalidInput):
        await apology.edit(session, letter, leader, "   ", at=LATE)
    with pytest.raises(InvalidInput):
        await apology.edit(session, letter, leader, "x" * 5000, at=LATE)

    later = LATE + timedelta(hours=1)
    await apology.edit(
        session, letter, leader, "Kính gửi bà Hoa, xin lỗi bà vì chậm trễ.", at=later, version=1
    )
    assert letter.version == 2 and letter.edited_by_id == leader.id
    assert letter.text == "Kính gửi bà Hoa, xin lỗi bà vì chậm trễ.\n\n" + (
        "TM. Ủy ban nhân dân xã Thống Nhất"
    )
    preview = (await _notes(session, NotificationKind.APOLOGY_DRAFT))[-1]
    assert preview.recipient_id == leader.id and preview.payload["edited"]

    stale = await session.get(ApologyLetter, letter.id)
    assert stale is not None
    with pytest.raises(apology.LetterChanged):  # a copy showing the old text
        await apology.approve(session, stale, admin, at=later, now=later, version=1)
    await apology.approve(session, letter, admin, at=later, now=later, version=2)
    with pytest.raises(apology.LetterAlreadySent):
        await apology.edit(session, letter, leader, "Sửa nữa", at=later)

    stored = await session.get(ApologyLetter, letter.id)
    assert stored is not None and stored.status is LetterStatus.SENT
    assert stored.sent_at == later and "chậm trễ" in stored.text
    assert await _events(session, ticket) == [
        "created",
        "apology_drafted",
        "apology_edited",
        "apology_sent",
    ]
    sent = (await session.exec(select(TicketEvent).where(TicketEvent.kind == "apology_sent"))).one()
    assert sent.actor_staff_id == admin.id and sent.text == stored.text


async def test_a_commune_named_without_its_kind_reads_as_is() -> None:
    commune = Commune(
        code="00001", name="Ba Đình", division_type="phường", province_code=1, province_name="HN"
    )
    assert apology.office_name(commune) == "Ba Đình"
    commune.name = "Phường Ba Đình"
    assert apology.office_name(commune) == "phường Ba Đình"

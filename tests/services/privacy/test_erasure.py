"""A resident's erasure: personal data gone from every table, the statistics unchanged; a
request that waits for open cases, completed by the retention job, which also anonymises
residents past the retention period."""

import dataclasses
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.context import build_context
from config.settings import Settings
from models import (
    AttachmentKind,
    AuditEntry,
    Channel,
    ChannelMessage,
    ConversationState,
    EventKind,
    Kind,
    Rating,
    Resident,
    Role,
    Ticket,
    TicketEvent,
)
from scheduler import jobs
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import follow_up, tickets
from services.cases.tickets import AttachmentDraft, TicketDraft
from services.clock import FixedClock
from services.communes import registry as communes
from services.desk import actions as desk
from services.people import residents, staff
from services.privacy import erasure
from services.statistics.figures import Period, compute

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
NOW = datetime(2024, 12, 20, 3, 0, tzinfo=UTC)
HOA_ID = 987654321
SECRETS = (
    "Nguyễn Thị Hoa",
    "hoa_nt_yenphu",
    "0912345678",
    str(HOA_ID),
    "Ổ gà lớn trước cổng trường",
    "AgACphotoHoa",
    "ảnh chụp sáng nay",
    "Nhà tôi ở số 12",
    "cán bộ nhiệt tình",
    "21.0278",
)


def at(day: int, month: int = 11) -> datetime:
    return datetime(2024, month, day, 9, 0, tzinfo=VN)


async def _world(session: AsyncSession):  # type: ignore[no-untyped-def]
    commune = await communes.add_commune(session, "7060", year=2024, population=1000)
    officer = await staff.add_staff(session, commune, telegram_id=1, role=Role.OFFICER, name="Lan")
    hoa = await residents.get_or_create_by_telegram(
        session, HOA_ID, full_name="Nguyễn Thị Hoa", username="hoa_nt_yenphu"
    )
    an = await residents.get_or_create_by_telegram(
        session, 2002, full_name="Trần An", username=None
    )

    async def file(who: Resident, text: str, when: datetime, **extra: object) -> Ticket:
        draft = TicketDraft(
            kind=Kind.REPORT,
            category_id=None,
            text=text,
            received_at=when,
            channel=Channel.TELEGRAM,
            **extra,  # type: ignore[arg-type]
        )
        return await tickets.submit_ticket(
            session, commune=commune, resident=who, draft=draft, policy=POLICY, now=when
        )

    closed = await file(
        hoa,
        "Ổ gà lớn trước cổng trường",
        at(4),
        phone="0912345678",
        latitude=21.0278,
        longitude=105.8342,
        attachments=[
            AttachmentDraft(AttachmentKind.PHOTO, "AgACphotoHoa", caption="ảnh chụp sáng nay")
        ],
    )
    await follow_up.add_info(session, closed, hoa, "Nhà tôi ở số 12", at=at(5), now=at(5))
    await desk.reply(
        session, closed, officer, "Chào chị Nguyễn Thị Hoa, đã ghi nhận", at=at(6), now=at(6)
    )
    await desk.close(session, closed, officer, "Đã vá xong", at=at(8), now=at(8))
    await follow_up.rate(
        session, closed, hoa, Rating.SATISFIED, at=at(9), comment="cán bộ nhiệt tình"
    )
    others = await file(an, "Đèn đường ngõ 5 bị hỏng", at(10))
    session.add(ConversationState(key=f"fsm:{HOA_ID}:{HOA_ID}:default", state="Filing:text"))
    session.add(
        ChannelMessage(chat_id=HOA_ID, message_id=7, ticket_id=closed.id, purpose="receipt")
    )
    await session.commit()
    return commune, officer, hoa, an, closed, others


async def _fresh(session: AsyncSession, *rows: object) -> None:
    """Ends this session's read snapshot, so what the job (another session) wrote shows."""
    await session.commit()  # nothing pending: it only ends the transaction
    for row in rows:
        await session.refresh(row)


async def _everything(session: AsyncSession) -> str:
    rows = []
    for table in SQLModel.metadata.sorted_tables:
        rows += [repr(tuple(r)) for r in (await session.exec(sa_select(table))).all()]
    return "\n".join(rows)


async def test_erasure_leaves_no_personal_data_and_the_same_numbers(session: AsyncSession) -> None:
    commune, _officer, hoa, _an, closed, others = await _world(session)
    november = Period(date(2024, 11, 1), date(2024, 11, 30))
    before = (await compute(session, POLICY, [commune.id], november, now=NOW)).as_dict()
    everything = await _everything(session)
    assert [s for s in SECRETS if s not in everything] == [], "the test data is there"

    outcome = await erasure.request_erasure(session, hoa, NOW)

    assert outcome == erasure.ErasureOutcome(erased=True, open_cases=0)
    everything = await _everything(session)
    assert [s for s in SECRETS if s in everything] == []
    assert (await compute(session, POLICY, [commune.id], november, now=NOW)).as_dict() == before
    assert "Đèn đường ngõ 5" in everything and "Trần An" in everything, "others untouched"
    await session.refresh(closed)
    assert closed.resident_id == hoa.id and closed.text == erasure.REDACTED_TEXT
    assert closed.rating is Rating.SATISFIED, "the rating is a statistic, not personal data"
    kinds = (
        await session.exec(
            select(TicketEvent.kind)
            .where(TicketEvent.ticket_id == closed.id)
            .order_by(col(TicketEvent.id))
        )
    ).all()
    assert kinds[-1] is EventKind.REDACTED and EventKind.CREATED in kinds, "the history stays"
    reply = (
        await session.exec(select(TicketEvent).where(TicketEvent.kind == EventKind.REPLIED))
    ).one()
    assert reply.text == "Chào chị [đã xóa], đã ghi nhận", "staff words stay, without the name"
    audit = (
        await session.exec(select(AuditEntry).where(AuditEntry.action == "resident_erased"))
    ).one()
    assert audit.detail == f"resident {hoa.id}; 1 case(s); request"
    assert others.text == "Đèn đường ngõ 5 bị hỏng"


async def test_erasure_waits_for_open_cases_then_the_job_completes_it(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    _commune, officer, hoa, an, closed, others = await _world(session)
    outcome = await erasure.request_erasure(session, an, NOW)
    assert outcome == erasure.ErasureOutcome(erased=False, open_cases=1)
    await _fresh(session, an)
    assert an.full_name == "Trần An" and an.erasure_requested_at == NOW

    ctx = build_context(Settings(database_url="sqlite:///unused.db"), engine, FixedClock(NOW))
    await jobs.retention_job(ctx)
    await _fresh(session, an)
    assert an.erased_at is None, "its case is still open"

    await desk.close(session, others, officer, "Đã thay bóng", at=at(12), now=at(12))
    await jobs.retention_job(ctx)
    await _fresh(session, an, hoa)
    assert an.erased_at == NOW and an.full_name is None and an.telegram_id is None
    assert hoa.erased_at is None, "Hoa asked nothing and is within the retention period"

    # five years after her case closed (8/11/2024), Hoa's data goes too
    later = dataclasses.replace(ctx, clock=FixedClock(datetime(2029, 11, 7, tzinfo=UTC)))
    await jobs.retention_job(later)
    await _fresh(session, hoa)
    assert hoa.erased_at is None
    later = dataclasses.replace(ctx, clock=FixedClock(datetime(2029, 11, 9, tzinfo=UTC)))
    await jobs.retention_job(later)
    await _fresh(session, hoa, closed)
    assert hoa.erased_at is not None and hoa.full_name is None and closed.contact_phone is None
    audits = (
        await session.exec(select(AuditEntry.detail).where(AuditEntry.action == "resident_erased"))
    ).all()
    assert sorted(audits) == sorted(
        [f"resident {an.id}; 1 case(s); request", f"resident {hoa.id}; 1 case(s); retention"]
    )

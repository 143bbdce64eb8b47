"""Ticket.first_answered_at, the time of a case's first answer kept on the ticket: set by the
first reply or answering close, never moved later (a second answer, a reopening, an erasure),
written by the import and by an answer recorded for a citizen without Telegram, the same as
the backfill from the events; and a report as of a moment before it counts no answer."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Channel, Kind, RejectReason, Resident, Role, Staff, Ticket, TicketEvent
from models.enums import ANSWER_EVENTS
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import follow_up, intake, tickets
from services.cases.ticket_cache import BACKFILL_SQL, backfill_first_answered
from services.cases_file.importer import import_cases
from services.communes import registry as communes
from services.desk import actions as desk
from services.people import residents, staff
from services.privacy import erasure
from services.statistics.figures import compute
from services.statistics.periods import Period

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
NOW = datetime(2024, 12, 2, 9, 0, tzinfo=VN)
NOVEMBER = Period(date(2024, 11, 1), date(2024, 11, 30))
LAN = 501


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=VN)


class Office:
    def __init__(self, session: AsyncSession) -> None:
        self.session, self.filed = session, 0

    async def open(self) -> "Office":
        self.commune = await communes.add_commune(self.session, "7060", year=2024)
        self.officer: Staff = await staff.add_staff(
            self.session, self.commune, telegram_id=LAN, role=Role.OFFICER, name="Lan"
        )
        return self

    async def file(self, received: datetime) -> Ticket:
        self.filed += 1
        person = await residents.get_or_create_by_telegram(
            self.session, 9000 + self.filed, full_name="Chị Hoa", username=None
        )
        return await tickets.submit_ticket(
            self.session,
            commune=self.commune,
            resident=person,
            policy=POLICY,
            now=NOW,
            draft=tickets.TicketDraft(
                kind=Kind.REPORT,
                category_id=None,
                text="Đèn đường ở ngã ba chợ hỏng đã hai tuần",
                received_at=received,
                channel=Channel.TELEGRAM,
            ),
        )


async def stored(session: AsyncSession, ticket: Ticket) -> datetime | None:
    """What the database holds, not the object in memory."""
    query = select(Ticket.first_answered_at).where(Ticket.id == ticket.id)
    return (await session.exec(query)).one()


async def test_the_first_answer_is_kept_once_and_never_moved_later(session: AsyncSession) -> None:
    office = await Office(session).open()
    lan = office.officer
    case = await office.file(at(4, 9))
    await desk.acknowledge(session, case, lan, at=at(4, 11), now=NOW)
    assert await stored(session, case) is None, "accepting a case is not answering it"
    await desk.reply(session, case, lan, "Đã nhận, sẽ cử người kiểm tra", at=at(6), now=NOW)
    assert await stored(session, case) == at(6) == case.first_answered_at
    await desk.reply(session, case, lan, "Đang thay bóng đèn", at=at(7), now=NOW)
    await desk.close(session, case, lan, "Đã thay bóng đèn", at=at(8), now=NOW)
    assert await stored(session, case) == at(6)
    resident = await session.get(Resident, case.resident_id)
    assert resident is not None
    await follow_up.reopen(session, case, resident, "Đèn lại hỏng", at=at(9), now=NOW)
    assert case.closed_at is None and await stored(session, case) == at(6)
    await desk.close(session, case, lan, "Đã thay cả bộ đèn", at=at(12), now=NOW)
    assert await stored(session, case) == at(6)
    # an answer recorded late with an earlier time is the first one after all
    late = await office.file(at(4, 9))
    await desk.reply(session, late, lan, "Đã nhận", at=at(8), now=NOW)
    await desk.reply(session, late, lan, "Đã nhận (ghi bổ sung)", at=at(5), now=NOW)
    assert await stored(session, late) == at(5)

    await erasure.erase(session, resident, NOW, ledger=None)
    assert await stored(session, case) == at(6), "erasure keeps every report figure"


async def test_forwarding_and_refusing_answer_withdrawing_does_not(session: AsyncSession) -> None:
    office = await Office(session).open()
    lan = office.officer
    forwarded, refused, withdrawn = [await office.file(at(4, 9)) for _ in range(3)]
    await desk.forward(session, forwarded, lan, "Công an xã", None, at=at(5), now=NOW)
    await desk.reject(session, refused, lan, RejectReason.ANONYMOUS, None, at=at(6), now=NOW)
    resident = await session.get(Resident, withdrawn.resident_id)
    assert resident is not None
    await follow_up.withdraw(session, withdrawn, resident, at=at(7), now=NOW)
    assert [await stored(session, t) for t in (forwarded, refused, withdrawn)] == [
        at(5),
        at(6),
        None,
    ]


async def test_an_answer_given_to_a_citizen_without_telegram(session: AsyncSession) -> None:
    office = await Office(session).open()
    case = await intake.log_ticket(
        session,
        telegram_id=LAN,
        commune=office.commune,
        draft=tickets.TicketDraft(
            kind=Kind.REPORT,
            category_id=None,
            text="Cống thoát nước thôn 2 bị tắc",
            received_at=at(4, 8),
            channel=Channel.IN_PERSON,
        ),
        citizen_name="Bà Tư",
        policy=POLICY,
        now=NOW,
    )
    given = intake.answer_record("phone", date(2024, 11, 6), date(2024, 11, 4), date(2024, 12, 2))
    await desk.reply(
        session, case, office.officer, "Đã báo đội vệ sinh", at=at(6, 15), now=NOW, answered=given
    )
    assert await stored(session, case) == at(6, 15)


async def test_imported_cases_carry_their_answer(session: AsyncSession, tmp_path: Path) -> None:
    office = await Office(session).open()
    path = tmp_path / "so.csv"
    path.write_text(
        "Mã hồ sơ,Kênh tiếp nhận,Loại,Thời điểm tiếp nhận,Thời điểm trả lời/đóng,Trạng thái\n"
        "PA24-0001,Trực tiếp,Phản ánh,04/11/2024 09:00,08/11/2024 10:00,Đã giải quyết\n"
        "PA24-0002,Zalo,Phản ánh,04/11/2024 09:00,05/11/2024 10:00,"
        "Đã chuyển cơ quan có thẩm quyền\n"
        "PA24-0003,Zalo,Phản ánh,04/11/2024 09:00,05/11/2024 10:00,Đã rút\n"
        "PA24-0004,Zalo,Phản ánh,04/11/2024 09:00,,Mới tiếp nhận\n",
        encoding="utf-8",
    )
    result = await import_cases(session, POLICY, office.commune, path, now=NOW)
    assert (result.imported, result.errors) == (4, [])
    rows = (await session.exec(select(Ticket).order_by(col(Ticket.seq)))).all()
    assert [t.first_answered_at for t in rows] == [at(8), at(5), None, None]


async def test_a_report_before_the_first_answer_counts_none(session: AsyncSession) -> None:
    office = await Office(session).open()
    case = await office.file(at(4, 9))  # Monday
    await desk.reply(session, case, office.officer, "Đã nhận", at=at(6), now=NOW)
    await desk.close(session, case, office.officer, "Xong", at=at(12), now=NOW)
    assert office.commune.id is not None
    ids = [office.commune.id]

    before = await compute(session, POLICY, ids, NOVEMBER, as_of=at(6, 9), now=NOW)
    assert (before.days_to_first_answer_avg, before.days_to_first_answer_median) == (None, None)
    assert (before.answered, before.days_to_close_avg) == (0, None)
    between = await compute(session, POLICY, ids, NOVEMBER, as_of=at(6, 10), now=NOW)
    assert str(between.days_to_first_answer_avg) == "2.0" and between.answered == 0
    after = await compute(session, POLICY, ids, NOVEMBER, now=NOW)
    assert (str(after.days_to_first_answer_avg), str(after.days_to_close_avg)) == ("2.0", "6.0")


async def test_the_backfill_gives_what_the_lifecycle_kept(session: AsyncSession) -> None:
    office = await Office(session).open()
    lan = office.officer
    replied, closed, forwarded, untouched = [await office.file(at(4, 9)) for _ in range(4)]
    await desk.reply(session, replied, lan, "Đã nhận", at=at(5), now=NOW)
    await desk.close(session, replied, lan, "Xong", at=at(7), now=NOW)
    await desk.close(session, closed, lan, "Xong", at=at(8), now=NOW)
    await desk.forward(session, forwarded, lan, "Huyện", None, at=at(6), now=NOW)
    kept = {t.id: await stored(session, t) for t in (replied, closed, forwarded, untouched)}
    assert list(kept.values()) == [at(5), at(8), at(6), None]

    await session.exec(update(Ticket).values(first_answered_at=None))
    assert await backfill_first_answered(session) == 4
    await session.commit()
    rows = await session.exec(select(Ticket.id, Ticket.first_answered_at))
    assert dict(rows.all()) == kept
    firsts = await session.exec(
        select(TicketEvent.ticket_id, func.min(TicketEvent.at))
        .where(col(TicketEvent.kind).in_(ANSWER_EVENTS))
        .group_by(col(TicketEvent.ticket_id))
    )
    assert {k: v for k, v in kept.items() if v} == dict(firsts.all())
    assert "'replied', 'resolved', 'forwarded', 'rejected'" in BACKFILL_SQL

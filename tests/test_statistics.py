"""Every number of the statistics, from a month of cases with known dates and outcomes."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from models import Channel, Kind, Rating, RejectReason, Role
from services import communes, desk, follow_up, residents, staff, tickets
from services.calendar import WorkingCalendar
from services.deadlines import DeadlinePolicy
from services.statistics import Period, compute, percent
from services.templates import find_category

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def d(day: int, month: int = 11, year: int = 2024, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=VN)


async def _month(session: AsyncSession):  # type: ignore[no-untyped-def]
    commune = await communes.add_commune(session, "7060", year=2024, population=1000)
    village = await communes.add_village(session, commune, "Thôn Yên Phú")
    land = await find_category(session, commune.id, "dat_dai")
    other = await find_category(session, commune.id, "khac")
    officer = await staff.add_staff(session, commune, telegram_id=1, role=Role.OFFICER, name="Lan")
    people = [
        await residents.get_or_create_by_telegram(
            session, 100 + i, full_name=f"R{i}", username=None
        )
        for i in range(12)
    ]

    async def file(
        n: int,
        at: datetime,
        *,
        who: int | None = None,
        kind: Kind = Kind.REPORT,
        category: int | None = None,
        channel: Channel = Channel.TELEGRAM,
        village_id: int | None = None,
    ):  # type: ignore[no-untyped-def]
        return await tickets.submit_ticket(
            session,
            commune=commune,
            resident=people[n if who is None else who],
            policy=POLICY,
            now=NOW,
            draft=tickets.TicketDraft(
                kind=kind,
                category_id=category or other.id,
                text=f"Phản ánh số {n} của tháng",
                received_at=at,
                channel=channel,
                village_id=village_id,
            ),
        )

    t1 = await file(1, d(28, 10))  # carried over from October
    await desk.close(session, t1, officer, "Xong", at=d(5), now=NOW)  # early (due 11/11)
    t2 = await file(2, d(4), category=land.id, village_id=village.id)
    await desk.acknowledge(session, t2, officer, at=d(4, hour=10), now=NOW)
    await desk.close(session, t2, officer, "Xong", at=d(18), now=NOW)  # on its due date
    t3 = await file(3, d(5), who=2, kind=Kind.PROPOSAL)  # the same resident as t2
    await desk.close(session, t3, officer, "Xong", at=d(25), now=NOW)  # late (due 19/11)
    await follow_up.rate(session, t3, people[2], Rating.VERY_SATISFIED, at=d(26))
    t4 = await file(4, d(6))
    await desk.forward(session, t4, officer, "Tòa án", None, at=d(8), now=NOW)  # early (13/11)
    t5 = await file(5, d(7))
    await desk.reject(session, t5, officer, RejectReason.ANONYMOUS, None, at=d(21), now=NOW)
    await follow_up.rate(session, t5, people[5], Rating.UNSATISFIED, at=d(22))
    t6 = await file(6, d(11))
    await follow_up.withdraw(session, t6, people[6], at=d(12), now=NOW)
    t7 = await file(7, d(12))
    await desk.merge(session, t7, officer, t2, at=d(13), now=NOW)
    await file(8, d(20))  # open, due 04/12: not yet due on 30/11
    await file(9, d(1))  # open, due 15/11: overdue
    await file(10, d(15), channel=Channel.PHONE)  # open, due 29/11: overdue; not digital
    t11 = await file(11, d(2, 9))  # September: before the period, closed before it
    await desk.close(session, t11, officer, "Xong", at=d(10, 9), now=NOW)
    await file(0, d(2, 12))  # December: after it
    return commune


async def test_a_month_to_the_number(session: AsyncSession) -> None:
    commune = await _month(session)
    stats = await compute(
        session, POLICY, [commune.id], Period(date(2024, 11, 1), date(2024, 11, 30)), now=NOW
    )
    assert (stats.received, stats.carried_over, stats.handled) == (9, 1, 10)
    assert stats.received_by_channel == {"telegram": 8, "phone": 1}
    assert stats.received_by_kind == {"report": 8, "proposal": 1}
    assert stats.received_by_category == {"Đất đai": 1, "Khác": 8}
    assert stats.received_by_village == {"Thôn Yên Phú": 1}
    assert stats.received_by_month == {"2024-11": 9}
    assert stats.answered == 5
    assert stats.answered_by_outcome == {"resolved": 3, "forwarded": 1, "rejected": 1}
    assert (stats.early, stats.on_time, stats.late) == (2, 2, 1)
    assert (stats.merged, stats.withdrawn) == (1, 1)
    assert (stats.pending_not_due, stats.pending_overdue) == (1, 2)
    assert str(stats.on_time_rate) == "57.1"  # (2 + 2) / (5 answered + 2 overdue)
    assert stats.acknowledged_in_time == 3 and str(stats.acknowledged_in_time_share) == "33.3"
    assert str(stats.days_to_first_answer_avg) == "8.4"
    assert str(stats.days_to_first_answer_median) == "10.0"
    assert stats.ratings == {"very_satisfied": 1, "unsatisfied": 1} and stats.rated == 2
    assert str(stats.satisfied_share) == "50.0"
    assert stats.participants == 8 and stats.population == 1000
    assert str(stats.participation_share) == "0.8"
    assert stats.as_dict()["on_time_rate"] == "57.1"


async def test_digital_channels_only(session: AsyncSession) -> None:
    commune = await _month(session)
    stats = await compute(
        session,
        POLICY,
        [commune.id],
        Period(date(2024, 11, 1), date(2024, 11, 30)),
        now=NOW,
        channels="digital",
    )
    assert stats.received == 8 and stats.received_by_channel == {"telegram": 8}
    assert stats.pending_overdue == 1 and str(stats.on_time_rate) == "66.7"


def test_percent_rounds_half_up() -> None:
    assert str(percent(762, 12290)) == "6.2"
    assert str(percent(1, 16)) == "6.3"  # 6.25 → 6.3, where Babel would round to even
    assert percent(1, 0) is None

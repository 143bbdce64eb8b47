"""Every number of the statistics, from a month of cases with known dates and outcomes."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    Channel,
    Commune,
    DayKind,
    Kind,
    Rating,
    RejectReason,
    Resident,
    Role,
    Staff,
    Ticket,
    TicketEvent,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import follow_up, tickets
from services.communes import registry as communes
from services.desk import actions as desk
from services.desk import calendar_settings as calendar_admin
from services.desk.templates import find_category
from services.people import residents, staff
from services.statistics import durations as durations
from services.statistics.figures import (
    ANSWER_EVENTS,
    ANSWERED,
    Period,
    Statistics,
    compute,
    percent,
)
from services.statistics.sql import EPOCH

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
    assert stats.answered_by_month == {"2024-11": 5}  # merged and withdrawn are no answers
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


# --- timeliness and durations computed in SQL ----------------------------------------------

NOVEMBER = Period(date(2024, 11, 1), date(2024, 11, 30))


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=VN)


class Desk:
    """One commune with an officer, filing cases for residents one after the other."""

    def __init__(self, session: AsyncSession, commune: Commune, officer: Staff) -> None:
        assert commune.id is not None
        self.session, self.commune, self.officer = session, commune, officer
        self.id, self.filed = commune.id, 0

    @classmethod
    async def open(cls, session: AsyncSession, code: str) -> "Desk":
        commune = await communes.add_commune(session, code, year=2024, population=1000)
        officer = await staff.add_staff(
            session, commune, telegram_id=1, role=Role.OFFICER, name="Lan"
        )
        return cls(session, commune, officer)

    async def file(self, received: datetime) -> Ticket:
        self.filed += 1
        resident = await residents.get_or_create_by_telegram(
            self.session, 1000 * self.id + self.filed, full_name="R", username=None
        )
        return await tickets.submit_ticket(
            self.session,
            commune=self.commune,
            resident=resident,
            policy=POLICY,
            now=NOW,
            draft=tickets.TicketDraft(
                kind=Kind.REPORT,
                category_id=(await find_category(self.session, self.id, "khac")).id,
                text=f"Phản ánh số {self.filed} về đường làng",
                received_at=received,
                channel=Channel.TELEGRAM,
            ),
        )

    async def close(self, ticket: Ticket, when: datetime) -> None:
        await desk.close(self.session, ticket, self.officer, "Xong", at=when, now=NOW)


async def test_an_answer_is_judged_by_the_local_date_of_its_deadline(session: AsyncSession) -> None:
    office = await Desk.open(session, "7060")
    received = at(4, 9)  # Monday: resolution due Monday 18/11, forwarding due Monday 11/11
    first = await office.file(received)
    assert first.resolve_due_at == datetime(2024, 11, 18, 23, 59, 59, tzinfo=VN)
    assert first.forward_due_at == datetime(2024, 11, 11, 23, 59, 59, tzinfo=VN)
    await office.close(first, at(18, 23, 30))  # on time: 16:30 UTC
    await office.close(await office.file(received), at(19, 0, 30))  # late, though 17:30 UTC 18/11
    await office.close(await office.file(received), at(18, 0, 30))  # on time, 17:30 UTC 17/11
    await office.close(await office.file(received), at(17, 23, 30))  # early
    for moment in (at(11, 23, 30), at(12, 0, 30)):  # forwarding: on time, then late
        case = await office.file(received)
        await desk.forward(session, case, office.officer, "Tòa án", None, at=moment, now=NOW)
    stats = await compute(session, POLICY, [office.id], NOVEMBER, now=NOW)
    assert (stats.early, stats.on_time, stats.late) == (1, 3, 2)
    assert stats.answered_by_outcome == {"resolved": 4, "forwarded": 2, "rejected": 0}
    assert str(stats.on_time_rate) == "66.7"


async def test_answers_by_month_of_their_local_date(session: AsyncSession) -> None:
    """The chart's answers per month: cases closed by an answer (resolved, forwarded,
    refused), by the local month of that answer; a case replied to and then withdrawn or
    merged is no answer closed."""
    office = await Desk.open(session, "7060")
    late_in_november = await office.file(at(25, 9))
    await office.close(late_in_november, at(30, 23, 30))  # 16:30 UTC on 30/11
    early_in_december = await office.file(at(25, 9))
    await office.close(early_in_december, at(1, 0, 30, month=12))  # 17:30 UTC on 30/11
    forwarded = await office.file(at(25, 9))
    await desk.forward(session, forwarded, office.officer, "Huyện", None, at=at(26, 9), now=NOW)
    withdrawn, merged = await office.file(at(25, 9)), await office.file(at(25, 10))
    for case in (withdrawn, merged):
        await desk.reply(session, case, office.officer, "Đã nhận", at=at(26, 10), now=NOW)
    resident = await session.get(Resident, withdrawn.resident_id)
    assert resident is not None
    await follow_up.withdraw(session, withdrawn, resident, at=at(27, 9), now=NOW)
    await desk.merge(session, merged, office.officer, late_in_november, at=at(27, 10), now=NOW)
    two_months = Period(date(2024, 11, 1), date(2024, 12, 31))
    stats = await compute(session, POLICY, [office.id], two_months, now=at(2, 9, month=12))
    assert stats.answered_by_month == {"2024-11": 2, "2024-12": 1}
    assert (stats.withdrawn, stats.merged) == (1, 1)


async def test_each_commune_counts_working_days_with_its_own_calendar(
    session: AsyncSession,
) -> None:
    """Received Monday 4/11, answered Monday 11/11: 5 working days by the national calendar,
    4 where the commune took Wednesday off, 6 where it works on Saturdays."""
    plain, day_off, six_days = [await Desk.open(session, c) for c in ("7060", "00004", "26506")]
    await calendar_admin.add_day(
        session, POLICY, day_off.commune, date(2024, 11, 6), DayKind.DAY_OFF, "Lễ hội", now=NOW
    )
    await calendar_admin.set_work_week(session, six_days.commune, range(6))
    replied = await plain.file(at(4, 9))
    await desk.reply(session, replied, plain.officer, "Đang xử lý", at=at(6, 10), now=NOW)
    await plain.close(replied, at(11, 10))  # first answered after 2 days, closed after 5
    await day_off.close(await day_off.file(at(4, 9)), at(11, 10))  # 4
    await day_off.close(await day_off.file(at(4, 15)), at(5, 8))  # 1
    await six_days.close(await six_days.file(at(4, 9)), at(11, 10))  # 6

    async def days(*offices: Desk) -> tuple[str, ...]:
        stats = await compute(session, POLICY, [o.id for o in offices], NOVEMBER, now=NOW)
        return tuple(
            str(getattr(stats, f"days_to_{what}_{how}"))
            for what in ("first_answer", "close")
            for how in ("avg", "median")
        )

    assert await days(plain) == ("2.0", "2.0", "5.0", "5.0")
    assert await days(day_off) == ("2.5", "2.5", "2.5", "2.5")  # (4 + 1) / 2
    assert await days(six_days) == ("6.0", "6.0", "6.0", "6.0")
    # answers 2, 4, 1, 6: the mean 3.25 rounds half up; closings 5, 4, 1, 6
    assert await days(plain, day_off, six_days) == ("3.3", "3.0", "4.0", "4.5")


async def test_the_first_answer_is_the_earliest_by_the_as_of_moment(session: AsyncSession) -> None:
    office = await Desk.open(session, "7060")
    replied = await office.file(at(4, 9))
    await desk.reply(session, replied, office.officer, "Đã nhận", at=at(6, 10), now=NOW)
    await office.close(replied, at(12, 10))  # answered after 2 working days, closed after 6
    reopened = await office.file(at(4, 9))
    await office.close(reopened, at(8, 10))  # answered after 4 working days
    resident = await session.get(Resident, reopened.resident_id)
    assert resident is not None
    await follow_up.reopen(session, reopened, resident, "Chưa xong việc", at=at(10, 9), now=NOW)
    await office.close(reopened, at(15, 10))  # closed again after 9
    late_reply = await office.file(at(4, 9))
    await desk.reply(session, late_reply, office.officer, "Đã nhận", at=at(20, 10), now=NOW)

    def numbers(stats: Statistics) -> tuple[str, ...]:
        return tuple(
            str(v)
            for v in (
                stats.days_to_first_answer_avg,
                stats.days_to_first_answer_median,
                stats.days_to_close_avg,
                stats.days_to_close_median,
            )
        )

    early = await compute(session, POLICY, [office.id], NOVEMBER, as_of=at(9, 12), now=NOW)
    assert numbers(early) == ("3.0", "3.0", "None", "None")  # 2 and 4; nothing closed yet
    late = await compute(session, POLICY, [office.id], NOVEMBER, now=NOW)
    # answers 2, 4 (the first closing, before the reopening) and 12; closings 6 and 9
    assert numbers(late) == ("6.0", "4.0", "7.5", "7.5")


def test_weighted_mean_and_median_match_the_values_one_by_one() -> None:
    rng = random.Random(5)
    for size in (1, 2, 3, 4, 7, 10, 101):
        values = [rng.choice((0, 1, 2, 2, 3, 5, 8, 13, 40)) for _ in range(size)]
        counted = Counter(values)
        assert durations.median(counted) == Decimal(str(median(values))).quantize(Decimal("0.1"))
        mean = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        assert durations.average(counted) == mean
    assert durations.average(Counter()) is None and durations.median(Counter()) is None


def test_working_days_of_many_pairs_match_the_calendar() -> None:
    calendar = WorkingCalendar(
        days_off={date(2025, 1, 2): "x"}, make_up_days={date(2025, 1, 4): "y"}
    )
    rng = random.Random(7)
    base = date(2024, 12, 20)
    pairs: Counter[tuple[int, int]] = Counter()
    for _ in range(300):
        start, end = (base + timedelta(days=rng.randrange(90)) for _ in range(2))
        pairs[(start - EPOCH).days, (end - EPOCH).days] += 1
    expected: Counter[int] = Counter()
    for (start_day, end_day), count in pairs.items():
        start, end = EPOCH + timedelta(days=start_day), EPOCH + timedelta(days=end_day)
        expected[calendar.working_days_between(start, end)] += count
    assert durations.WorkingDays(calendar, pairs).of(pairs) == expected


async def _by_the_definition(
    session: AsyncSession, ids: list[int], period: Period, moment: datetime, channels: str
) -> dict[str, object]:
    """The statistics counted case by case in Python, as the rules read."""
    start, end = period.bounds(VN)
    cases = [
        t
        for t in (await session.exec(select(Ticket).where(col(Ticket.commune_id).in_(ids)))).all()
        if channels == "all" or t.channel.is_digital
    ]
    received = [t for t in cases if start <= t.received_at < end and t.received_at <= moment]
    carried = [t for t in cases if t.received_at < start and (t.closed_at or end) >= start]
    handled = received + carried

    def closed(t: Ticket) -> bool:
        return t.closed_at is not None and start <= t.closed_at <= moment

    def local(moment: datetime) -> date:
        return moment.astimezone(VN).date()

    answered = [t for t in handled if closed(t) and t.status.value in ANSWERED]
    lateness = [
        (
            local(t.closed_at)
            - local(t.forward_due_at if t.status.value == "forwarded" else t.resolve_due_at)
        ).days
        for t in answered
        if t.closed_at is not None
    ]
    still_open = [t for t in handled if t.closed_at is None or t.closed_at > moment]
    rated = Counter(
        t.rating.value
        for t in handled
        if closed(t) and t.rating and t.rated_at and t.rated_at <= moment
    )
    to_answer: list[int] = []
    to_close: list[int] = []
    for t in handled:
        events = (
            await session.exec(select(TicketEvent).where(TicketEvent.ticket_id == t.id))
        ).all()
        firsts = [e.at for e in events if e.kind.value in ANSWER_EVENTS and e.at <= moment]
        if firsts:
            calendar = await POLICY.calendar_for(session, t.commune_id)
            to_answer.append(
                calendar.working_days_between(local(t.received_at), local(min(firsts)))
            )
            if closed(t) and t.closed_at is not None:
                to_close.append(
                    calendar.working_days_between(local(t.received_at), local(t.closed_at))
                )

    def days(values: list[int]) -> tuple[object, object]:
        if not values:
            return None, None
        mean = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return mean, Decimal(str(median(values))).quantize(Decimal("0.1"))

    return {
        "received": len(received),
        "received_by_channel": dict(Counter(t.channel.value for t in received)),
        "received_by_kind": dict(Counter(t.kind.value for t in received)),
        "received_by_month": dict(
            Counter(local(t.received_at).strftime("%Y-%m") for t in received)
        ),
        "carried_over": len(carried),
        "answered_by_outcome": {
            s: sum(1 for t in answered if t.status.value == s) for s in ANSWERED
        },
        "answered_by_month": dict(
            sorted(Counter(local(t.closed_at).strftime("%Y-%m") for t in answered).items())
        ),
        "early": sum(1 for d in lateness if d < 0),
        "on_time": lateness.count(0),
        "late": sum(1 for d in lateness if d > 0),
        "merged": sum(1 for t in handled if closed(t) and t.status.value == "merged"),
        "withdrawn": sum(1 for t in handled if closed(t) and t.status.value == "withdrawn"),
        "pending_overdue": sum(1 for t in still_open if t.resolve_due_at < moment),
        "pending_not_due": sum(1 for t in still_open if t.resolve_due_at >= moment),
        "acknowledged_in_time": sum(
            1
            for t in received
            if t.acknowledged_at
            and t.acknowledged_at <= t.ack_due_at
            and t.acknowledged_at <= moment
        ),
        "ratings": dict(rated),
        "participants": len({t.resident_id for t in received if t.resident_id}),
        "first_answer": days(to_answer),
        "close": days(to_close),
    }


async def test_random_cases_count_as_the_rules_read(session: AsyncSession) -> None:
    """Random histories in two communes with different calendars, counted at several
    moments, for all channels and the digital ones: the SQL agrees with the rules."""
    rng = random.Random(2024)
    offices = [await Desk.open(session, c) for c in ("7060", "00004")]
    await calendar_admin.add_day(
        session, POLICY, offices[1].commune, date(2024, 11, 13), DayKind.DAY_OFF, "Lễ", now=NOW
    )
    last: dict[int, Ticket] = {}
    for _ in range(60):
        office = rng.choice(offices)
        received = at(1, 7) + timedelta(days=rng.uniform(-40, 29), hours=rng.uniform(0, 15))
        case = await office.file(received)
        case.channel = rng.choice(list(Channel))
        when = received + timedelta(days=rng.uniform(0.2, 18), hours=rng.uniform(0, 9))
        if rng.random() < 0.4:
            await desk.reply(session, case, office.officer, "Đã nhận", at=when, now=NOW)
            when += timedelta(days=rng.uniform(0.1, 4))
        action = rng.choice(("close", "close", "forward", "reject", "withdraw", "merge", "open"))
        if action == "close":
            await office.close(case, when)
            if rng.random() < 0.3:
                resident = await session.get(Resident, case.resident_id)
                assert resident is not None
                when += timedelta(days=rng.uniform(0.5, 6))
                await follow_up.reopen(session, case, resident, "Chưa xong", at=when, now=NOW)
                await office.close(case, when + timedelta(days=rng.uniform(0.5, 9)))
            elif rng.random() < 0.7:
                resident = await session.get(Resident, case.resident_id)
                assert resident is not None
                level = rng.choice(list(Rating))
                await follow_up.rate(session, case, resident, level, at=when + timedelta(days=2))
        elif action == "forward":
            await desk.forward(session, case, office.officer, "Huyện", None, at=when, now=NOW)
        elif action == "reject":
            reason = RejectReason.OTHER
            await desk.reject(
                session, case, office.officer, reason, "Không thụ lý", at=when, now=NOW
            )
        elif action == "withdraw":
            resident = await session.get(Resident, case.resident_id)
            assert resident is not None
            await follow_up.withdraw(session, case, resident, at=when, now=NOW)
        elif action == "merge" and office.filed > 1:
            into = last[office.id]
            if into.status.value in ("new", "acknowledged", "resolved"):
                await desk.merge(session, case, office.officer, into, at=when, now=NOW)
        last[office.id] = case
    await session.commit()
    ids = [o.id for o in offices]
    period = Period(date(2024, 10, 15), date(2024, 11, 30))
    for scope in (ids, ids[:1]):
        for moment in (at(10, 12), at(24, 18), at(20, 12, month=12)):
            for channels in ("all", "digital"):
                stats = await compute(
                    session, POLICY, scope, period, as_of=moment, now=NOW, channels=channels
                )
                expected = await _by_the_definition(session, scope, period, stats.as_of, channels)
                got = {key: getattr(stats, key, None) for key in expected}
                got["first_answer"] = (
                    stats.days_to_first_answer_avg,
                    stats.days_to_first_answer_median,
                )
                got["close"] = (stats.days_to_close_avg, stats.days_to_close_median)
                assert got == expected, (scope, moment, channels)

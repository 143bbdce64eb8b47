"""Benchmark (not a test): the annual report of a province-sized deployment. Builds 168
communes (the wards of Thành phố Hồ Chí Minh) with 1,000,000 cases of one year, then times
one full scan of the ticket table, one commune's annual report (statistics + JSON) and the
province-wide report (all communes in one). Targets: one commune under 0.1 s, the province
under 2 s.

    .venv/bin/python -m bench.report_annual [--cases 1000000] [--database-url URL] [--reuse]
        [--explain]
"""

import argparse
import asyncio
import heapq
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from itertools import accumulate
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from sqlalchemy import event, text
from sqlmodel import select
from vietnam_provinces import Ward

from models import Category, Commune, DayKind, Role, Village
from services.calendar.deadlines import DEFAULT_RULE, DeadlinePolicy
from services.calendar.deadlines import compute as deadlines_for
from services.calendar.working_days import WorkingCalendar
from services.cases.codes import format_code
from services.communes import registry as communes
from services.database.engine import create_engine_for, is_sqlite, session_factory, sync_url
from services.database.migrations import upgrade_database
from services.desk import calendar_settings as calendar_admin
from services.people import staff
from services.statistics.figures import compute
from services.statistics.periods import annual

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PROVINCE = 79  # Thành phố Hồ Chí Minh: 168 wards and communes since 7/2025
YEAR = 2025
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=VN)  # the report is made early in January
CARRIED_SHARE = 0.05  # received in the last quarter of the year before
CHANNELS = {
    "telegram": 34,
    "zalo": 16,
    "web": 8,
    "portal": 7,
    "facebook": 5,
    "email": 2,
    "in_person": 15,
    "phone": 8,
    "mailbox": 3,
    "other": 2,
}
KINDS = {"report": 60, "proposal": 25, "question": 15}
RATINGS = {"very_satisfied": 45, "satisfied": 40, "unsatisfied": 15}
WORDS = (
    "Đoạn đường liên thôn bị sạt lở sau mưa lớn, xe máy đi lại rất nguy hiểm.",
    "Đèn chiếu sáng công cộng ở ngã ba chợ hỏng đã hai tuần chưa được sửa.",
    "Đề nghị xã kiểm tra việc đổ rác thải xây dựng trái phép cạnh kênh thủy lợi.",
    "Hộ gia đình bên cạnh xây nhà lấn sang phần đất lối đi chung của xóm.",
    "Xin hỏi thủ tục đăng ký khai sinh cho con cần những giấy tờ gì.",
    "Tiếng ồn từ xưởng gỗ hoạt động ban đêm ảnh hưởng đến sinh hoạt của người dân.",
    "Kiến nghị bố trí thêm thùng rác công cộng tại khu vực chợ tạm.",
    "Cống thoát nước bị tắc, nước tràn lên mặt đường mỗi khi trời mưa.",
    "Đề nghị hỗ trợ hộ nghèo sửa chữa nhà ở trước mùa mưa bão.",
    "Xin hỏi khi nào chi trả trợ cấp cho người cao tuổi trong quý này.",
)
TICKET_COLUMNS = [
    "id",
    "commune_id",
    "code",
    "year",
    "seq",
    "kind",
    "category_id",
    "channel",
    "status",
    "resident_id",
    "village_id",
    "assignee_id",
    "text",
    "received_at",
    "ack_due_at",
    "resolve_due_at",
    "resolve_due_original_at",
    "forward_due_at",
    "deadline_rule",
    "deadline_basis",
    "acknowledged_at",
    "closed_at",
    "merged_into_id",
    "rating",
    "rated_at",
    "created_at",
    "first_answered_at",  # the earliest answer event, as services/cases/ticket_cache.py keeps it
]
EVENT_COLUMNS = [
    "ticket_id",
    "at",
    "kind",
    "actor_type",
    "actor_resident_id",
    "actor_staff_id",
    "from_status",
    "to_status",
    "text",
    "data",
]


@dataclass
class Place:
    """One commune as the generator sees it."""

    id: int
    weight: float
    calendar: WorkingCalendar
    calendar_key: int
    categories: list[int]
    villages: list[int]
    officers: list[int]
    residents: range = range(0)
    seq: dict[int, int] = field(default_factory=dict)
    last_ticket: int | None = None


# --- building the database ---------------------------------------------------------------


async def register(url: str, count: int, rng: random.Random) -> list[Place]:
    """Communes, villages, officers and calendars, through the services themselves."""
    codes = sorted(int(w.code) for w in Ward.iter_all() if int(w.province_code) == PROVINCE)
    engine = create_engine_for(url)
    places: list[Place] = []
    async with session_factory(engine)() as session:
        for number, code in enumerate(codes[:count]):
            population = rng.randint(15_000, 120_000)
            commune = await communes.add_commune(
                session, str(code), year=YEAR, population=population, households=population // 4
            )
            for v in range(rng.randint(5, 14)):
                await communes.add_village(session, commune, f"Khu phố {v + 1}")
            officers = [
                await staff.add_staff(
                    session,
                    commune,
                    telegram_id=10_000 + number * 10 + i,
                    role=Role.OFFICER,
                    name=f"Cán bộ {i + 1}",
                )
                for i in range(3)
            ]
            assert commune.id is not None
            places.append(
                Place(
                    id=commune.id,
                    weight=population,
                    calendar=WorkingCalendar(),
                    calendar_key=0,
                    categories=[],
                    villages=[],
                    officers=[o.id for o in officers if o.id is not None],
                )
            )
        by_id = {p.id: p for p in places}
        for category in (await session.exec(select(Category))).all():
            assert category.id is not None
            by_id[category.commune_id].categories.append(category.id)
        for village in (await session.exec(select(Village))).all():
            assert village.id is not None
            by_id[village.commune_id].villages.append(village.id)
        # a few communes keep their own calendar: a local festival off, a six-day week
        policy = DeadlinePolicy(WorkingCalendar(), VN)
        for key, place in enumerate(places[:4], start=1):
            row = await session.get(Commune, place.id)
            assert row is not None
            if key < 4:
                festival = date(YEAR, 3, 10) + timedelta(days=key)
                await calendar_admin.add_day(
                    session, policy, row, festival, DayKind.DAY_OFF, "Lễ hội", now=NOW
                )
            else:
                await calendar_admin.set_work_week(session, row, range(6))
            place.calendar = await policy.calendar_for(session, place.id)
            place.calendar_key = key
        await session.commit()
    await engine.dispose()
    return places


class Loader:
    """Bulk inserts straight through the driver: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.sqlite = is_sqlite(url)
        parsed = sync_url(url)
        if self.sqlite:
            assert parsed.database
            self.db: Any = sqlite3.connect(parsed.database, isolation_level=None)
            self.db.execute("PRAGMA synchronous=OFF")
        else:
            plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
            self.db = psycopg.connect(plain, autocommit=True)

    def value(self, v: Any) -> Any:
        if self.sqlite and isinstance(v, datetime):
            return v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        if self.sqlite and isinstance(v, date):
            return v.isoformat()
        return v

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        if self.sqlite:
            marks = ", ".join("?" for _ in columns)
            self.db.execute("BEGIN")
            self.db.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                ([self.value(v) for v in row] for row in rows),
            )
            self.db.execute("COMMIT")
            return
        with self.db.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        if not self.sqlite:  # SQLite is left without ANALYZE, as the bot leaves it
            self.db.execute("SELECT setval('ticket_id_seq', (SELECT max(id) FROM ticket))")
            self.db.execute("SELECT setval('resident_id_seq', (SELECT max(id) FROM resident))")
            self.db.execute("VACUUM ANALYZE")
        self.db.close()


def _pick(rng: random.Random, weights: dict[str, int]) -> Callable[[], str]:
    names, cum = list(weights), list(accumulate(weights.values()))
    return lambda: rng.choices(names, cum_weights=cum)[0]


def _days() -> list[date]:
    first = date(YEAR - 1, 10, 1)
    return [first + timedelta(days=i) for i in range((date(YEAR, 12, 31) - first).days + 1)]


def _per_day(cases: int, rng: random.Random) -> Iterator[tuple[date, int]]:
    """How many cases arrive each local day: weekdays busier, a tail from the year before."""
    days = _days()
    carried = [d for d in days if d.year < YEAR]
    current = [d for d in days if d.year == YEAR]
    for group, share in ((carried, CARRIED_SHARE), (current, 1 - CARRIED_SHARE)):
        weights = [1.0 if d.weekday() < 5 else 0.45 for d in group]
        total = sum(weights)
        wanted = cases * share if group is carried else cases - int(cases * CARRIED_SHARE)
        made = 0
        for i, (day, w) in enumerate(zip(group, weights, strict=True)):
            n = int(wanted * w / total) if i < len(group) - 1 else int(wanted) - made
            made += n
            yield day, n


class Generator:
    def __init__(self, places: list[Place], rng: random.Random, now: datetime = NOW) -> None:
        self.places = places
        self.rng = rng
        self.now = now  # what has happened by then is closed; the rest is still open
        self.channel = _pick(rng, CHANNELS)
        self.kind = _pick(rng, KINDS)
        self.rating = _pick(rng, RATINGS)
        self.cum = list(accumulate(p.weight for p in places))
        self.deadlines: dict[tuple[int, date], Any] = {}
        self.events: list[tuple[datetime, int, tuple[Any, ...]]] = []
        self.counter = 0
        self.next_id = 1

    def _at(self, day: date, start: float, end: float) -> datetime:
        hours = self.rng.uniform(start, end)
        return datetime.combine(day, clock_time(0), tzinfo=VN) + timedelta(hours=hours)

    def _event(self, at: datetime, row: tuple[Any, ...]) -> None:
        self.counter += 1
        heapq.heappush(self.events, (at, self.counter, row))

    def due_events(self, until: datetime) -> list[tuple[Any, ...]]:
        out = []
        while self.events and self.events[0][0] < until:
            out.append(heapq.heappop(self.events)[2])
        return out

    def day(self, day: date, count: int) -> list[tuple[Any, ...]]:
        return [self.ticket(day, at) for at in sorted(self._at(day, 6, 22) for _ in range(count))]

    def ticket(self, day: date, received: datetime) -> tuple[Any, ...]:
        rng = self.rng
        place = self.places[rng.choices(range(len(self.places)), cum_weights=self.cum)[0]]
        key = (place.calendar_key, day)
        if key not in self.deadlines:
            self.deadlines[key] = deadlines_for(DEFAULT_RULE, place.calendar, received, VN)
        due = self.deadlines[key]
        tid, self.next_id = self.next_id, self.next_id + 1
        seq = place.seq[day.year] = place.seq.get(day.year, 0) + 1
        resident = rng.choice(place.residents)
        officer = rng.choice(place.officers)
        status, ack, closed, rating, rated = "new", None, None, None, None
        fate = rng.random()
        if fate < 0.02:  # withdrawn by the resident
            status, closed = "withdrawn", received + timedelta(days=rng.uniform(0.1, 5))
        elif fate < 0.04:  # a duplicate, merged
            status, closed = "merged", received + timedelta(days=rng.uniform(0.1, 3))
            ack = closed
        elif fate < 0.07:  # stalled: still open
            ack = received + timedelta(days=rng.uniform(0.2, 3)) if rng.random() < 0.7 else None
        else:
            outcome = rng.random()
            status = "resolved" if outcome < 0.82 else "forwarded" if outcome < 0.91 else "rejected"
            late = rng.random() < 0.1
            span = (
                rng.uniform(1, 7)
                if status == "forwarded"
                else rng.uniform(15, 40)
                if late
                else rng.uniform(1, 14)
            )
            closed_day = (received + timedelta(days=span)).date()
            closed = (
                self._at(closed_day, 23.5, 23.9)
                if rng.random() < 0.01
                else self._at(closed_day, 7.5, 17.5)
            )
            if rng.random() < 0.85:
                ack = min(received + timedelta(days=rng.uniform(0.05, 3)), closed)
            else:
                ack = closed
        if closed is not None and closed > self.now:  # not done yet when the report is made
            status, closed = ("acknowledged", None) if ack and ack <= self.now else ("new", None)
            ack = ack if ack and ack <= self.now else None
        elif status == "new" and ack is not None:  # stalled: acknowledged, if by now
            status, ack = ("acknowledged", ack) if ack <= self.now else ("new", None)
        if status == "resolved" and rng.random() < 0.35:
            assert closed is not None
            rated = closed + timedelta(days=rng.uniform(0.1, 7))
            rating = self.rating() if rated <= self.now else None
            rated = rated if rating else None
        text_value = " ".join(rng.sample(WORDS, rng.randint(2, 5)))
        row = (
            tid,
            place.id,
            format_code(day.year, seq),
            day.year,
            seq,
            self.kind(),
            rng.choice(place.categories),
            self.channel(),
            status,
            resident,
            rng.choice(place.villages) if rng.random() < 0.7 else None,
            officer if ack else None,
            text_value,
            received,
            due.ack_due_at,
            due.resolve_due_at,
            due.resolve_due_at,
            due.forward_due_at,
            DEFAULT_RULE.name,
            DEFAULT_RULE.legal_basis,
            ack,
            closed,
            place.last_ticket if status == "merged" else None,
            rating,
            rated,
            received,
        )
        place.last_ticket = tid
        first = self._events(tid, resident, officer, status, received, ack, closed, rated, rating)
        return (*row, first)

    def _events(
        self,
        tid: int,
        resident: int,
        officer: int,
        status: str,
        received: datetime,
        ack: datetime | None,
        closed: datetime | None,
        rated: datetime | None,
        rating: str | None,
    ) -> datetime | None:
        """Queues the case's events; returns the time of its first answer."""

        def staff_event(at: datetime, kind: str, before: str | None, after: str | None) -> None:
            words = (
                "Đã kiểm tra và xử lý theo quy định." if kind in ("replied", "resolved") else None
            )
            self._event(at, (tid, at, kind, "staff", None, officer, before, after, words, "{}"))

        self._event(
            received,
            (tid, received, "created", "resident", resident, None, None, "new", None, "{}"),
        )
        state = "new"
        if ack is not None and status != "merged":
            staff_event(ack, "acknowledged", state, "acknowledged")
            state = "acknowledged"
        if closed is None:
            return None
        answered = status in ("resolved", "forwarded", "rejected")
        first = closed if answered else None
        if answered and ack is not None and ack < closed and self.rng.random() < 0.25:
            # an answer to the resident before the case is closed
            first = ack + (closed - ack) * self.rng.uniform(0.2, 0.8)
            staff_event(first, "replied", None, None)
        if status == "withdrawn":
            row = (tid, closed, "withdrawn", "resident", resident, None, state, status, None, "{}")
            self._event(closed, row)
        else:
            staff_event(closed, status, state, status)
        if rated is not None:
            self._event(
                rated, (tid, rated, "rated", "resident", resident, None, None, None, rating, "{}")
            )
        return first


def build(url: str, cases: int, communes_wanted: int, seed: int = 2025) -> None:
    rng = random.Random(seed)
    started = time.monotonic()
    upgrade_database(url)
    places = asyncio.run(register(url, communes_wanted, rng))
    loader = Loader(url)
    # residents: a pool per commune, about one for every 2.5 cases
    total_weight = sum(p.weight for p in places)
    next_resident = 1
    residents: list[tuple[Any, ...]] = []
    for place in places:
        size = max(5, int(cases * place.weight / total_weight / 2.5))
        place.residents = range(next_resident, next_resident + size)
        for rid in place.residents:
            residents.append((rid, f"Người dân {rid}", "vi", place.id, NOW, NOW))
        next_resident += size
    loader.insert(
        "resident",
        ("id", "full_name", "language", "commune_id", "consent_at", "created_at"),
        residents,
    )
    generator = Generator(places, rng)
    batch: list[tuple[Any, ...]] = []
    for day, count in _per_day(cases, rng):
        batch.extend(generator.day(day, count))
        if len(batch) >= 20_000 or day == date(YEAR, 12, 31):
            loader.insert("ticket", TICKET_COLUMNS, batch)
            batch = []
            end_of_day = datetime.combine(day + timedelta(days=1), clock_time(0), tzinfo=VN)
            loader.insert("ticketevent", EVENT_COLUMNS, generator.due_events(end_of_day))
            print(f"  {day}: {generator.next_id - 1:,} cases ({time.monotonic() - started:.0f} s)")
    loader.insert("ticketevent", EVENT_COLUMNS, generator.due_events(NOW + timedelta(days=30)))
    sequences = [(p.id, year, last) for p in places for year, last in sorted(p.seq.items())]
    loader.insert("ticketsequence", ("commune_id", "year", "last_seq"), sequences)
    loader.finish()
    print(f"built {generator.next_id - 1:,} cases in {time.monotonic() - started:.0f} s")


# --- measuring ---------------------------------------------------------------------------


async def measure(url: str, runs: int, explain: bool = False) -> dict[str, float]:
    engine = create_engine_for(url)
    sessions = session_factory(engine)
    policy = DeadlinePolicy(WorkingCalendar(), VN)

    async def timed(work: Callable[[Any], Any]) -> float:
        async with sessions() as session:
            started = time.perf_counter()
            await work(session)
            return time.perf_counter() - started

    async def scan(session: Any) -> None:
        await (await session.connection()).execute(
            text("SELECT count(*), sum(length(text)) FROM ticket")
        )

    async with sessions() as session:
        rows = (
            await (await session.connection()).execute(
                text("SELECT commune_id, count(*) FROM ticket GROUP BY commune_id ORDER BY 2")
            )
        ).all()
        all_ids = [c.id for c in (await session.exec(select(Commune))).all() if c.id]
    typical = rows[len(rows) // 2][0]  # the median commune by number of cases
    period = annual(YEAR, "01-01")

    def report(ids: list[int]) -> Callable[[Any], Any]:
        async def work(session: Any) -> None:
            stats = await compute(session, policy, ids, period, now=NOW)
            json.dumps(stats.as_dict(), ensure_ascii=False)

        return work

    if explain:
        await show_queries(engine, report([typical]), report(all_ids))
    figures = {}
    for name, work, count in (
        ("full scan", scan, runs),
        (f"one commune ({rows[len(rows) // 2][1]:,} cases)", report([typical]), runs * 2),
        (f"province ({len(all_ids)} communes)", report(all_ids), runs),
    ):
        await timed(work)  # warm the cache
        figures[name] = statistics.median([await timed(work) for _ in range(count)])
    await engine.dispose()
    return figures


async def show_queries(engine: Any, one: Callable[[Any], Any], province: Callable[[Any], Any]):
    """The plan of each statement of one commune's report, and the time each statement of
    the province's report takes."""
    seen: list[tuple[str, Any, float]] = []

    def before(conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        conn.info["started"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params, time.perf_counter() - conn.info["started"]))

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine, "after_cursor_execute", after)
    async with session_factory(engine)() as session:
        await one(session)
    plans = [(s, p) for s, p, _ in seen if s.lstrip().upper().startswith("SELECT")]
    seen.clear()
    async with session_factory(engine)() as session:
        await province(session)
    event.remove(engine.sync_engine, "before_cursor_execute", before)
    event.remove(engine.sync_engine, "after_cursor_execute", after)
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    async with engine.connect() as connection:
        for statement, params in plans:
            plan = await connection.exec_driver_sql(prefix + statement, params)
            print(f"-- {statement.split(chr(10))[0][:100]}")
            print("\n".join(f"     {row[-1]}" for row in plan))
    by_statement: dict[str, list[float]] = {}
    for statement, _, seconds in seen:
        by_statement.setdefault(statement.split("\n")[0][:70], []).append(seconds)
    print("province report, seconds per statement:")
    for head, times in sorted(by_statement.items(), key=lambda item: -sum(item[1])):
        print(f"  {sum(times):7.3f}  x{len(times):<4} {head}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--communes", type=int, default=168)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each measurement")
    parser.add_argument("--database-url", help="an empty, disposable database (default: SQLite)")
    parser.add_argument(
        "--reuse", action="store_true", help="the database is already built: only measure"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the query plans and statement times"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        if not args.reuse:
            print(f"building {args.cases:,} cases in {args.communes} communes")
            build(url, args.cases, args.communes)
        figures = asyncio.run(measure(url, args.runs, args.explain))
    scan = figures["full scan"]
    for name, seconds in figures.items():
        print(f"{name:>32}: {seconds:7.3f} s  ({seconds / scan:5.2f} × the full scan)")
    one, province = list(figures.values())[1:]
    ok = one < 0.1 and province < 2.0
    print("targets met" if ok else "targets NOT met (one commune < 0.1 s, province < 2 s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

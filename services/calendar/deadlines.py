"""Deadlines are pure functions of (receipt time, calendar, rule); the rules and the
commune's calendar are read from the database by DeadlinePolicy."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import CalendarDay, Commune, DayKind, DayUnit, DeadlineRuleRow, Kind
from services.calendar.working_days import WorkingCalendar

END_OF_DAY = time(23, 59, 59)
MAX_ACK_WORKING_DAYS = 10  # Luật Tiếp công dân 2013, Điều 28: the answer on handling
FORWARD_BASIS = "Nghị định 20/2008/NĐ-CP, Điều 9"


@dataclass(frozen=True)
class DeadlineRule:
    name: str
    legal_basis: str
    ack_days: int
    resolve_days: int
    forward_days: int = 5
    ack_unit: DayUnit = DayUnit.WORKING
    resolve_unit: DayUnit = DayUnit.WORKING
    resolve_from_ack: bool = False  # the law counts the answer from acceptance (thụ lý)


DEFAULT_RULE = DeadlineRule(
    name="default",
    legal_basis="Luật Tiếp công dân 2013, Điều 28",
    ack_days=2,  # the commune's service commitment; the law allows up to 10 working days
    resolve_days=10,
)
BUILT_IN: dict[Kind, DeadlineRule] = {
    Kind.COMPLAINT: DeadlineRule(
        name="complaint",
        legal_basis="Luật Khiếu nại 2011, Điều 27–28",
        ack_days=10,
        resolve_days=30,
        ack_unit=DayUnit.CALENDAR,
        resolve_unit=DayUnit.CALENDAR,
        resolve_from_ack=True,
    ),
    Kind.DENUNCIATION: DeadlineRule(
        name="denunciation",
        legal_basis="Luật Tố cáo 2018, Điều 24, 30",
        ack_days=7,
        resolve_days=30,
        resolve_unit=DayUnit.CALENDAR,
        resolve_from_ack=True,
    ),
}


@dataclass(frozen=True)
class Deadlines:
    ack_due_at: datetime
    resolve_due_at: datetime
    forward_due_at: datetime
    rule: DeadlineRule


def end_of_local_day(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=tz)


def count_days(calendar: WorkingCalendar, start: date, days: int, unit: DayUnit) -> date:
    """`days` after `start`; a period in calendar days that ends on a day off ends on the
    next working day (Bộ luật Dân sự 2015, Điều 148)."""
    if unit is DayUnit.WORKING:
        return calendar.add_working_days(start, days)
    end = start + timedelta(days=days)
    while not calendar.is_working_day(end):
        end += timedelta(days=1)
    return end


def compute(
    rule: DeadlineRule, calendar: WorkingCalendar, received_at: datetime, tz: ZoneInfo
) -> Deadlines:
    day = received_at.astimezone(tz).date()
    ack = count_days(calendar, day, rule.ack_days, rule.ack_unit)
    resolve = count_days(
        calendar, ack if rule.resolve_from_ack else day, rule.resolve_days, rule.resolve_unit
    )
    forward = count_days(calendar, day, rule.forward_days, DayUnit.WORKING)
    return Deadlines(
        ack_due_at=end_of_local_day(ack, tz),
        resolve_due_at=end_of_local_day(resolve, tz),
        forward_due_at=end_of_local_day(forward, tz),
        rule=rule,
    )


def rule_from_row(row: DeadlineRuleRow) -> DeadlineRule:
    return DeadlineRule(
        name=row.name,
        legal_basis=row.legal_basis,
        ack_days=row.ack_days,
        resolve_days=row.resolve_days,
        forward_days=row.forward_days,
        resolve_unit=row.unit,
    )


# Built once: every case filed and every card composed asks (a None parameter matches
# nothing, as the IS NULL beside it already does).
_CALENDAR_DAYS = select(CalendarDay).where(
    or_(col(CalendarDay.commune_id).is_(None), CalendarDay.commune_id == bindparam("commune_id"))
)
_RULES = select(DeadlineRuleRow).where(
    DeadlineRuleRow.commune_id == bindparam("commune_id"),
    or_(col(DeadlineRuleRow.kind).is_(None), DeadlineRuleRow.kind == bindparam("kind")),
    or_(
        col(DeadlineRuleRow.category_id).is_(None),
        DeadlineRuleRow.category_id == bindparam("category_id"),
    ),
)


class DeadlinePolicy:
    """The deployment's time zone and national calendar, and per commune: its work week,
    announced days off and make-up days, and its own rules."""

    def __init__(self, calendar: WorkingCalendar, tz: ZoneInfo) -> None:
        self.calendar = calendar
        self.tz = tz

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    async def calendar_for(self, session: AsyncSession, commune_id: int | None) -> WorkingCalendar:
        commune = await session.get(Commune, commune_id) if commune_id else None
        rows = (await session.exec(_CALENDAR_DAYS, params={"commune_id": commune_id})).all()
        return self._calendar(commune, rows)

    async def calendars_for(
        self, session: AsyncSession, commune_ids: Sequence[int]
    ) -> dict[int, WorkingCalendar]:
        """calendar_for each of these communes, in two queries (a province has 168)."""
        ids = list(commune_ids)
        communes = await session.exec(select(Commune).where(col(Commune.id).in_(ids)))
        by_id = {c.id: c for c in communes.all()}
        rows = (
            await session.exec(
                select(CalendarDay).where(
                    or_(col(CalendarDay.commune_id).is_(None), col(CalendarDay.commune_id).in_(ids))
                )
            )
        ).all()
        own: dict[int | None, list[CalendarDay]] = {}
        for row in rows:
            own.setdefault(row.commune_id, []).append(row)
        shared = own.get(None, [])
        return {i: self._calendar(by_id.get(i), [*shared, *own.get(i, [])]) for i in ids}

    def _calendar(self, commune: Commune | None, rows: Sequence[CalendarDay]) -> WorkingCalendar:
        return WorkingCalendar(
            work_week=[int(d) for d in commune.work_week] if commune else self.calendar.work_week,
            days_off={r.day: r.note for r in rows if r.kind is DayKind.DAY_OFF},
            make_up_days={r.day: r.note for r in rows if r.kind is DayKind.WORKDAY},
        )

    async def rule_for(
        self, session: AsyncSession, commune_id: int, kind: Kind, category_id: int | None
    ) -> DeadlineRule:
        """Most specific first: the commune's rule naming this kind (with the category, then
        without); then the law's own rule for khiếu nại and tố cáo; then the commune's rule
        for the category, its general rule; then the default."""
        params = {"commune_id": commune_id, "kind": kind, "category_id": category_id}
        rows = (await session.exec(_RULES, params=params)).all()
        by_kind = sorted(
            (r for r in rows if r.kind is not None), key=lambda r: r.category_id is None
        )
        if by_kind:
            return rule_from_row(by_kind[0])
        if kind in BUILT_IN:
            return BUILT_IN[kind]
        general = sorted(rows, key=lambda r: r.category_id is None)
        return rule_from_row(general[0]) if general else DEFAULT_RULE

    async def deadlines(
        self,
        session: AsyncSession,
        commune_id: int,
        kind: Kind,
        category_id: int | None,
        received_at: datetime,
    ) -> Deadlines:
        rule = await self.rule_for(session, commune_id, kind, category_id)
        calendar = await self.calendar_for(session, commune_id)
        return compute(rule, calendar, received_at, self.tz)


def with_ack_days(rule: DeadlineRule, days: int) -> DeadlineRule:
    return replace(rule, ack_days=days)

"""Deadlines are pure functions of (receipt time, calendar, rule)."""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from models.enums import Kind
from services.calendar import WorkingCalendar

END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class DeadlineRule:
    name: str
    legal_basis: str
    ack_working_days: int
    resolve_working_days: int


DEFAULT_RULE = DeadlineRule(
    name="default",
    legal_basis="Luật Tiếp công dân 2013, Điều 28",
    ack_working_days=2,
    resolve_working_days=10,
)


@dataclass(frozen=True)
class Deadlines:
    ack_due_at: datetime
    resolve_due_at: datetime
    rule: DeadlineRule


def end_of_local_day(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=tz)


class DeadlinePolicy:
    def __init__(self, calendar: WorkingCalendar, tz: ZoneInfo) -> None:
        self.calendar = calendar
        self.tz = tz

    def rule_for(self, kind: Kind, category_slug: str | None) -> DeadlineRule:
        return DEFAULT_RULE

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def compute(self, kind: Kind, category_slug: str | None, received_at: datetime) -> Deadlines:
        rule = self.rule_for(kind, category_slug)
        day = self.local_date(received_at)
        ack_day = self.calendar.add_working_days(day, rule.ack_working_days)
        resolve_day = self.calendar.add_working_days(day, rule.resolve_working_days)
        return Deadlines(
            ack_due_at=end_of_local_day(ack_day, self.tz),
            resolve_due_at=end_of_local_day(resolve_day, self.tz),
            rule=rule,
        )

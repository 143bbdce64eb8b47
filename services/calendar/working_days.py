"""Vietnamese working days: the `holidays` package's rule, adjusted per commune."""

import importlib.util
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays

MONDAY_TO_FRIDAY = frozenset(range(5))


@lru_cache(maxsize=1)
def _vietnam_holidays() -> holidays.HolidayBase:
    """Vietnam's holidays, with its module loaded alone: `holidays.country_holidays("VN")`
    imports the package `holidays.countries`, which imports all 250 countries (8 MB of a
    bot process) for the one we use. tests/services/calendar/test_working_days.py checks both agree."""
    path = Path(holidays.__file__).parent / "countries" / "vietnam.py"
    spec = importlib.util.spec_from_file_location("holidays.countries.vietnam", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    vietnam: holidays.HolidayBase = module.Vietnam(language="vi")
    return vietnam


class WorkingCalendar:
    """Public holidays (lunar Tết included) and swapped Saturdays come from `holidays`;
    the commune may work a different week and add announced days off or make-up days."""

    def __init__(
        self,
        work_week: Iterable[int] = MONDAY_TO_FRIDAY,
        days_off: Mapping[date, str] | None = None,
        make_up_days: Mapping[date, str] | None = None,
    ) -> None:
        self.work_week = frozenset(work_week)
        self.days_off = dict(days_off or {})
        self.make_up_days = dict(make_up_days or {})

    def holiday_name(self, day: date) -> str | None:
        if day in self.days_off:
            return self.days_off[day]
        name: str | None = _vietnam_holidays().get(day)
        return name

    def is_working_day(self, day: date) -> bool:
        if day in self.make_up_days:
            return True
        if self.holiday_name(day) is not None:
            return False
        vietnam = _vietnam_holidays()
        day in vietnam  # noqa: B015 - populates the year, and with it weekend_workdays
        if day in vietnam.weekend_workdays:
            return True
        return day.weekday() in self.work_week

    def is_make_up_day(self, day: date) -> bool:
        """A weekend day worked instead of a bridge holiday (nationally, or for the commune)."""
        if day in self.make_up_days:
            return True
        vietnam = _vietnam_holidays()
        day in vietnam  # noqa: B015 - populates the year
        return day in vietnam.weekend_workdays

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (the start day itself never counts)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        day = start
        remaining = count
        for _ in range(count * 7 + 60):  # generous bound: Tết plus weekends
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
                if remaining == 0:
                    return day
        raise RuntimeError(f"no {count} working days found after {start}")

    def countdown(self, today: date, due: date) -> int:
        """What a case's card says: working days left (0: due today), or, negative, working
        days overdue (at least one once the day has passed)."""
        if today <= due:
            return self.working_days_between(today, due)
        return -max(self.working_days_between(due, today), 1)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        days = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days += 1
        return days

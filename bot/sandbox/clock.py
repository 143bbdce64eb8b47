"""Sandbox time: real time plus an offset that only grows when a trainer moves the clock.

Time keeps running between moves (a frozen clock would hold the per-minute flood limit and
the outbox's retry times still forever); moving it adds a day, a week, or goes to the start
of the next working day."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from services.calendar.working_days import WorkingCalendar

ADVANCES = ("day", "working_day", "week")
OFFICE_OPENS = time(8, 30)  # after the 07:30 digest and the 08:00 escalation


class SandboxClock:
    """A `services.clock.Clock`: starts at real now and only ever moves forward."""

    def __init__(self, started: datetime | None = None) -> None:
        real = datetime.now(UTC)
        self._offset = (started - real) if started is not None else timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def timestamp(self) -> float:
        """For the emulator: message dates in sandbox time."""
        return self.now().timestamp()

    def move_to(self, moment: datetime) -> datetime:
        """Jump to `moment` if it is later than now; never back."""
        gap = moment - self.now()
        if gap > timedelta(0):
            self._offset += gap
        return self.now()


def target(now: datetime, advance: str, calendar: WorkingCalendar, tz: ZoneInfo) -> datetime:
    """Where `advance` takes sandbox time from `now`."""
    if advance == "day":
        return now + timedelta(days=1)
    if advance == "week":
        return now + timedelta(days=7)
    if advance != "working_day":
        raise ValueError(advance)
    day = now.astimezone(tz).date() + timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, OFFICE_OPENS, tzinfo=tz)


def label(moment: datetime, tz: ZoneInfo, lang: str) -> str:
    """ "Thứ Sáu, 04/12/2026 09:00" / "Friday, 04/12/2026 09:00"."""
    return format_datetime(moment.astimezone(tz), "EEEE, dd/MM/yyyy HH:mm", locale=lang)


def clock_json(moment: datetime, tz: ZoneInfo, lang: str) -> dict[str, str]:
    local = moment.astimezone(tz).replace(microsecond=0)
    return {"now": local.isoformat(), "label": label(moment, tz, lang)}

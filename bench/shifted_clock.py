"""`python -m bench.shifted_clock SECONDS [ARGS…]`: `python -m bot ARGS…` whose clock reads
SECONDS ahead of the machine's, so a benchmark can have the scheduler's morning jobs run at
whatever hour it is started.

The jobs read "now" from the context's clock (`services.clock.SystemClock` in production)
and act only in the commune's working hours: the deadline reminders from 07:00 to 20:00,
the digest from 07:30 and the escalation from 08:00 on working days. They run when the
process starts (the scheduler's catch-up) and then at fixed times, and the product has no
setting to run them now. Only that clock moves: the inbox, the outbox's rate windows and
APScheduler's timers keep the machine's time, as they compare it only with itself."""

import runpy
import sys
from datetime import UTC, date, datetime, time, timedelta

from services import clock
from services.calendar.working_days import WorkingCalendar

MORNING = time(8, 5)  # after the digest (07:30) and the escalation (08:00)


def morning_shift(now: datetime, tz: object, at: time = MORNING) -> float:
    """Seconds from `now` to the next working day's `at` (local), or 0 when `now` is
    already between `at` and 19:00 of a working day."""
    calendar = WorkingCalendar()
    local = now.astimezone(tz)  # type: ignore[arg-type]
    day: date = local.date()
    if calendar.is_working_day(day) and at <= local.time() <= time(19, 0):
        return 0.0
    if local.time() > at:
        day += timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    target = datetime.combine(day, at, tzinfo=local.tzinfo)
    return (target - now).total_seconds()


SHIFT = timedelta(0)


def shifted_now(_clock: clock.SystemClock) -> datetime:
    return datetime.now(UTC) + SHIFT


def main() -> None:
    global SHIFT
    SHIFT = timedelta(seconds=float(sys.argv[1]))
    clock.SystemClock.now = shifted_now  # type: ignore[method-assign, assignment]
    sys.argv = ["bot", *sys.argv[2:]]
    runpy.run_module("bot", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()

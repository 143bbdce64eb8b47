"""When a commune's scheduled reports fall due: the previous month's summary on its
monthly day, the annual draft on its annual date, both from its send time (local)."""

from datetime import date, datetime

from models import Commune, ReportSettings
from services.reporting.settings import parse_time
from services.statistics import periods
from services.statistics.figures import Period


def previous_month(today: date) -> Period:
    last_of_previous = date.fromordinal(today.replace(day=1).toordinal() - 1)
    return periods.month(last_of_previous.year, last_of_previous.month)


def monthly_due(commune: Commune, settings: ReportSettings, local_now: datetime) -> Period | None:
    """Last month's period once its day and time have come (and stays due all month, so a
    scheduler that was down catches up); never for a month before the commune existed."""
    if local_now.day < settings.monthly_day or (
        local_now.day == settings.monthly_day and local_now.time() < parse_time(settings.send_time)
    ):
        return None
    period = previous_month(local_now.date())
    registered = commune.created_at.astimezone(local_now.tzinfo).date()
    return period if registered <= period.end else None


def annual_due(commune: Commune, settings: ReportSettings, local_now: datetime) -> Period | None:
    """The annual period ending in this calendar year, from the commune's annual date on."""
    month, day = (int(part) for part in settings.annual_on.split("-"))
    moment = datetime.combine(date(local_now.year, month, day), parse_time(settings.send_time))
    if local_now.replace(tzinfo=None) < moment:
        return None
    period = periods.annual(local_now.year, commune.report_year_start)
    registered = commune.created_at.astimezone(local_now.tzinfo).date()
    return period if registered <= period.end else None


def monthly_due_on(settings: ReportSettings, local_now: datetime) -> date:
    """The day this month's summary fell due: the date its document carries, even when a
    scheduler that was down makes it later."""
    return local_now.date().replace(day=settings.monthly_day)


def annual_due_on(settings: ReportSettings, local_now: datetime) -> date:
    month, day = (int(part) for part in settings.annual_on.split("-"))
    return date(local_now.year, month, day)

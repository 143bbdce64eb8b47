"""Report periods: a month, a quarter, the first 6 or 9 months, the commune's annual period
(some sectors count 15/12 to 14/12), or any range of local dates."""

from calendar import monthrange
from datetime import date

from services.errors import InvalidInput
from services.statistics.figures import Period

__all__ = ["Period", "annual", "between", "first_months", "month", "quarter"]

DEFAULT_YEAR_START = "01-01"


def _year_start(year_start: str) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in year_start.split("-"))
        date(2023, month, day)  # a common year: 29/02 would not start every year
    except ValueError as exc:
        raise InvalidInput(f"annual period start {year_start!r}: use MM-DD") from exc
    return month, day


def annual(year: int, year_start: str = DEFAULT_YEAR_START) -> Period:
    """The annual period that ends in `year`: 01/01–31/12, or e.g. 15/12/2023–14/12/2024."""
    month, day = _year_start(year_start)
    if (month, day) == (1, 1):
        return Period(date(year, 1, 1), date(year, 12, 31))
    start = date(year - 1, month, day)
    end = date.fromordinal(date(year, month, day).toordinal() - 1)
    return Period(start, end)


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def first_months(year: int, months: int, year_start: str = DEFAULT_YEAR_START) -> Period:
    """The first 3, 6 or 9 months of the annual period ending in `year`."""
    if months not in (3, 6, 9, 12):
        raise InvalidInput("months: 3, 6, 9 or 12")
    start = annual(year, year_start).start
    return Period(start, date.fromordinal(_add_months(start, months).toordinal() - 1))


def quarter(year: int, number: int, year_start: str = DEFAULT_YEAR_START) -> Period:
    if number not in (1, 2, 3, 4):
        raise InvalidInput("quarter: 1 to 4")
    start = _add_months(annual(year, year_start).start, 3 * (number - 1))
    return Period(start, date.fromordinal(_add_months(start, 3).toordinal() - 1))


def month(year: int, number: int) -> Period:
    if not 1 <= number <= 12:
        raise InvalidInput("month: 1 to 12")
    return Period(date(year, number, 1), date(year, number, monthrange(year, number)[1]))


def between(start: date, end: date) -> Period:
    if end < start:
        raise InvalidInput("the end is before the start")
    return Period(start, end)

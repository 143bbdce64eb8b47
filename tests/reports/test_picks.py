"""What a leader's /report button means on a given day, and the files' names."""

from datetime import date

from models import ReportKind
from reports.issuing import picked
from services.statistics.figures import Period


def test_periods_follow_the_commune_annual_period() -> None:
    today = date(2026, 11, 22)
    assert picked("last_month", today, "01-01") == (
        ReportKind.MONTHLY,
        _p(2026, 10, 1, 2026, 10, 31),
    )
    assert picked("last_quarter", today, "01-01") == (
        ReportKind.QUARTERLY,
        _p(2026, 7, 1, 2026, 9, 30),
    )
    assert picked("first_half", today, "01-01")[1] == _p(2026, 1, 1, 2026, 6, 30)
    assert picked("last_year", today, "01-01")[1] == _p(2025, 1, 1, 2025, 12, 31)
    # a sector counting 15/12 to 14/12: on 20/12/2026 "this year" is the one ending 14/12/2027
    later = date(2026, 12, 20)
    assert picked("this_year", later, "12-15")[1] == _p(2026, 12, 15, 2027, 12, 14)
    assert picked("last_year", later, "12-15")[1] == _p(2025, 12, 15, 2026, 12, 14)
    assert picked("last_quarter", later, "12-15")[1] == _p(2026, 9, 15, 2026, 12, 14)
    # in January the last quarter is the previous year's fourth
    assert picked("last_quarter", date(2027, 1, 5), "01-01")[1] == _p(2026, 10, 1, 2026, 12, 31)


def _p(y1: int, m1: int, d1: int, y2: int, m2: int, d2: int) -> Period:
    return Period(date(y1, m1, d1), date(y2, m2, d2))

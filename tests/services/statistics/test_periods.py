from datetime import date

import pytest

from services.errors import InvalidInput
from services.statistics import periods


def test_annual_periods() -> None:
    assert periods.annual(2024) == periods.Period(date(2024, 1, 1), date(2024, 12, 31))
    assert periods.annual(2024, "12-15") == periods.Period(date(2023, 12, 15), date(2024, 12, 14))


def test_months_quarters_and_halves() -> None:
    assert periods.month(2024, 2) == periods.Period(date(2024, 2, 1), date(2024, 2, 29))
    assert periods.quarter(2024, 3) == periods.Period(date(2024, 7, 1), date(2024, 9, 30))
    assert periods.first_months(2024, 6) == periods.Period(date(2024, 1, 1), date(2024, 6, 30))
    assert periods.first_months(2024, 9, "12-15") == periods.Period(
        date(2023, 12, 15), date(2024, 9, 14)
    )
    with pytest.raises(InvalidInput):
        periods.quarter(2024, 5)
    with pytest.raises(InvalidInput):
        periods.between(date(2024, 2, 1), date(2024, 1, 1))
    with pytest.raises(InvalidInput):
        periods.annual(2024, "13-01")

"""Working days and deadlines across Tết, holidays on weekends and swapped Saturdays."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from models import Kind
from services.calendar.deadlines import BUILT_IN, DEFAULT_RULE, compute
from services.calendar.working_days import WorkingCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
calendar = WorkingCalendar()


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Tết 2024 (Giáp Thìn): 8–14/02/2024 off
        (date(2024, 2, 5), 10, date(2024, 2, 26)),
        # Tết 2025 (Ất Tỵ): 25/01–02/02/2025 off; NOTES-STACK's checked example
        (date(2025, 1, 24), 10, date(2025, 2, 14)),
        # Tết 2026 (Bính Ngọ): 14/02–22/02/2026 off
        (date(2026, 2, 13), 1, date(2026, 2, 23)),
        # Tết 2027 (Đinh Mùi): lunar new year on 06/02/2027
        (date(2027, 2, 4), 1, date(2027, 2, 11)),
        # the swapped Saturday 22/08/2026 is a working day; 2/9 holidays follow
        (date(2026, 8, 21), 10, date(2026, 9, 8)),
        (date(2026, 8, 21), 1, date(2026, 8, 22)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert calendar.add_working_days(start, days) == expected


def test_tet_days_are_not_working_days() -> None:
    for year, first_day in (
        (2024, date(2024, 2, 10)),
        (2025, date(2025, 1, 29)),
        (2026, date(2026, 2, 17)),
        (2027, date(2027, 2, 6)),
    ):
        assert not calendar.is_working_day(first_day), year
        assert calendar.holiday_name(first_day) is not None


def test_holiday_on_a_sunday_gives_a_compensatory_day() -> None:
    # 01/09/2024 is a Sunday inside the 2/9 holidays; working days skip 02–03/09/2024
    assert not calendar.is_working_day(date(2024, 9, 2))
    assert not calendar.is_working_day(date(2024, 9, 3))
    assert calendar.add_working_days(date(2024, 8, 30), 1) == date(2024, 9, 4)


def test_swapped_saturday_is_a_working_day() -> None:
    assert calendar.is_working_day(date(2025, 4, 26))  # made up for 02/05/2025
    assert not calendar.is_working_day(date(2025, 5, 2))


def test_commune_days_off_and_make_up_days() -> None:
    custom = WorkingCalendar(
        days_off={date(2026, 11, 25): "Bão số 12"}, make_up_days={date(2026, 11, 28): "Làm bù"}
    )
    assert not custom.is_working_day(date(2026, 11, 25))
    assert custom.is_working_day(date(2026, 11, 28))
    # Tue 24/11/2026 is Vietnam Culture Day from 2026; Wed 25 off; so Thu 26 is first
    assert custom.add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 26)


def test_received_at_2359_on_friday_counts_from_monday() -> None:
    friday_night = datetime(2024, 11, 22, 23, 59, tzinfo=VN)
    deadlines = compute(DEFAULT_RULE, calendar, friday_night, VN)
    assert deadlines.resolve_due_at == datetime(2024, 12, 6, 23, 59, 59, tzinfo=VN)
    assert deadlines.ack_due_at == datetime(2024, 11, 26, 23, 59, 59, tzinfo=VN)
    # one minute later (Saturday 00:00 local, still Friday in UTC) changes nothing
    saturday = datetime(2024, 11, 22, 17, 0, tzinfo=UTC)
    assert compute(DEFAULT_RULE, calendar, saturday, VN).resolve_due_at == deadlines.resolve_due_at


def test_received_on_a_holiday_counts_from_the_next_working_day() -> None:
    on_tet = datetime(2025, 1, 29, 9, 0, tzinfo=VN)  # mùng 1 Tết
    deadlines = compute(DEFAULT_RULE, calendar, on_tet, VN)
    # Tết runs to Sunday 02/02; ten working days are 03/02 … 14/02
    assert deadlines.resolve_due_at.date() == date(2025, 2, 14)
    assert deadlines.ack_due_at.date() == date(2025, 2, 4)
    assert deadlines.rule.legal_basis == "Luật Tiếp công dân 2013, Điều 28"


def test_working_days_between() -> None:
    assert calendar.working_days_between(date(2025, 1, 24), date(2025, 2, 14)) == 10
    assert calendar.working_days_between(date(2025, 2, 14), date(2025, 2, 14)) == 0


def test_forwarding_has_its_own_five_working_days() -> None:
    deadlines = compute(DEFAULT_RULE, calendar, datetime(2025, 1, 24, 10, 0, tzinfo=VN), VN)
    assert deadlines.forward_due_at.date() == date(2025, 2, 7)  # Tết skipped


def test_complaints_count_calendar_days_from_acceptance() -> None:
    rule = BUILT_IN[Kind.COMPLAINT]
    deadlines = compute(rule, calendar, datetime(2026, 3, 2, 9, 0, tzinfo=VN), VN)
    assert deadlines.ack_due_at.date() == date(2026, 3, 12)  # 10 days
    assert deadlines.resolve_due_at.date() == date(2026, 4, 13)  # 30 days later is Sat 11/04
    assert rule.legal_basis == "Luật Khiếu nại 2011, Điều 27–28"


def test_denunciations_accept_in_working_days_then_calendar_days() -> None:
    rule = BUILT_IN[Kind.DENUNCIATION]
    deadlines = compute(rule, calendar, datetime(2026, 3, 2, 9, 0, tzinfo=VN), VN)
    assert deadlines.ack_due_at.date() == date(2026, 3, 11)  # 7 working days
    assert deadlines.resolve_due_at.date() == date(2026, 4, 10)


def test_a_commune_that_works_saturdays() -> None:
    six_days = WorkingCalendar(work_week=range(6))
    assert six_days.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 21)
    assert not six_days.is_working_day(date(2026, 11, 22))  # Sunday


def test_vietnam_loaded_alone_agrees_with_the_holidays_package() -> None:
    """services/calendar/working_days.py loads Vietnam's module alone (not all 250 countries); every
    day of 2020–2030 must have the same holiday name and working-Saturday status."""
    import holidays

    from services.calendar.working_days import _vietnam_holidays

    full = holidays.country_holidays("VN", language="vi")
    alone = _vietnam_holidays()
    day = date(2020, 1, 1)
    while day.year <= 2030:
        assert alone.get(day) == full.get(day), day
        assert (day in alone.weekend_workdays) == (day in full.weekend_workdays), day
        day = date.fromordinal(day.toordinal() + 1)

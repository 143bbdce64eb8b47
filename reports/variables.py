"""The variables a section sees (docs/report-sections.md lists them; their names are in
services/reporting/placeholders.py).

Counts are integers that print the Vietnamese way ({{ received }} → "1.297") and still
compare and add as numbers; percentages print as "6,2%" and are None when there was nothing
to divide."""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from models import Channel, Commune, Kind, ReportKind, Superior
from reports import formatting as fmt
from reports.queries import Row
from services.reporting.placeholders import COUNTS, DAYS, PERCENTS, PLACEHOLDERS
from services.statistics.figures import Period, Statistics


class Count(int):
    """An integer that prints as "1.297"."""

    def __str__(self) -> str:
        return fmt.number(int(self))


class Percent(Decimal):
    """A percentage that prints as "6,2%"."""

    def __str__(self) -> str:
        return fmt.percent(Decimal(self))


class SomeShare(Percent):
    """A share of something that happened at least once: never printed as "0,0%"."""

    def __str__(self) -> str:
        return fmt.percent(Decimal(self), some=True)


class Days(Decimal):
    """A number of days that prints as "8,4"."""

    def __str__(self) -> str:
        return fmt.number(Decimal(self))


def communes_words(communes: Sequence[Commune]) -> str:
    return fmt.join_vi([fmt.commune_words(c) for c in communes])


def title_for(communes: Sequence[Commune], kind: ReportKind, period: Period, channels: str) -> str:
    """ "Kết quả tiếp nhận phản ánh, kiến nghị trên các kênh số của xã Thống Nhất năm 2024";
    an annual period that is not the calendar year says its dates: "… năm 2024 (từ ngày
    15/12/2023 đến ngày 14/12/2024)"."""
    year_start = communes[0].report_year_start if communes else "01-01"
    scope = " trên các kênh số" if channels == "digital" else ""
    words = fmt.period_words(kind, period, year_start)
    if kind is ReportKind.ANNUAL and (period.start.month, period.start.day) != (1, 1):
        words += f" ({fmt.period_words(ReportKind.RANGE, period)})"
    return f"Kết quả tiếp nhận phản ánh, kiến nghị{scope} của {communes_words(communes)} {words}"


def addressed(superiors: Sequence[Superior]) -> list[Superior]:
    return [s for s in superiors if s.addressed]


def section_variables(
    *,
    communes: Sequence[Commune],
    superiors: Sequence[Superior],
    kind: ReportKind,
    period: Period,
    statistics: Statistics,
    channels: str,
    by_category: Sequence[Row],
    place: str,
    report_date: str,
    administrative_fields: set[str] | None = None,
    as_of: date,
) -> dict[str, Any]:
    first = communes[0]
    unit = fmt.unit_word(list(communes))
    words = fmt.period_words(kind, period, first.report_year_start)
    title = title_for(communes, kind, period, channels)
    to = addressed(superiors)
    used = sorted(statistics.received_by_channel.items(), key=lambda item: -item[1])
    outcome = statistics.answered_by_outcome
    pending = statistics.pending_not_due + statistics.pending_overdue
    values: dict[str, Any] = {
        "commune": communes_words(communes),
        "commune_name": fmt.bare_name(first),
        "unit": unit,
        "ubnd": f"UBND {unit}",
        "ubnd_full": f"UBND {communes_words(communes)}",
        "place": place,
        "superior": to[0].name if to else "",
        "superior_short": (to[0].short_name or to[0].name) if to else "",
        "superiors": [s.name for s in to],
        "title": title,
        "subject": title[0].lower() + title[1:],
        "period": words,
        "in_period": fmt.in_period_words(words),
        "period_start": fmt.short_date(period.start),
        "period_end": fmt.short_date(period.end),
        "year": str(period.end.year),
        "as_of": fmt.short_date(as_of),
        "report_date": report_date,
        "digital": channels == "digital",
        "channel_words": "trên các kênh số" if channels == "digital" else "",
        "channels_used": fmt.join_vi(
            [fmt.CHANNEL_NAMES.get(Channel(key), key) for key, count in used if count]
        ),
        "categories": [
            {"name": row.name, "count": Count(row.received)}
            for row in sorted(by_category, key=lambda r: (-r.received, r.name))
            if row.received
        ],
        "resolved": Count(outcome.get("resolved", 0)),
        "forwarded": Count(outcome.get("forwarded", 0)),
        "rejected": Count(outcome.get("rejected", 0)),
        "pending": Count(pending),
        "to_answer": Count(statistics.answered + pending),
        # about administrative rules or acts: the field "Thủ tục hành chính" and complaints
        # (khiếu nại); None when a commune has no such field, so no one can say there were none
        "administrative": (
            Count(
                sum(statistics.received_by_category.get(n, 0) for n in administrative_fields)
                + statistics.received_by_kind.get(Kind.COMPLAINT.value, 0)
            )
            if administrative_fields
            else None
        ),
        "population": Count(statistics.population) if statistics.population else None,
        "households": Count(statistics.households) if statistics.households else None,
        "population_year": (
            str(statistics.population_year) if statistics.population_year is not None else None
        ),
    }
    for name in COUNTS:
        values[name] = Count(getattr(statistics, name))
    for name in PERCENTS:
        value = getattr(statistics, name)
        values[name] = None if value is None else Percent(value)
    if statistics.participants and statistics.participation_share is not None:
        values["participation_share"] = SomeShare(statistics.participation_share)
    for name in DAYS:
        value = getattr(statistics, name)
        values[name] = None if value is None else Days(value)
    return values


def _words(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "categories":
        return fmt.join_vi([f"{c['name']} ({c['count']} lượt)" for c in value])
    if isinstance(value, list):
        return fmt.join_vi(value)
    return str(value)


def placeholder_values(variables: dict[str, Any]) -> dict[str, str]:
    """What each `{{ name }}` of a person's text reads as: the value's words ("1.297",
    "6,2%"); nothing for a share that cannot be computed; lists joined the Vietnamese way
    ("Đất đai (80 lượt) và Khác (55 lượt)")."""
    return {name: _words(name, variables[name]) for name in PLACEHOLDERS if name in variables}


def sample_variables() -> dict[str, Any]:
    """Representative values, to try a section template before it is saved."""
    commune = Commune(
        code="07060",
        name="Xã Thống Nhất",
        division_type="xã",
        province_code=22,
        province_name="Quảng Ninh",
    )
    superior = Superior(commune_id=0, name="Ủy ban nhân dân tỉnh", short_name="UBND tỉnh")
    stats = Statistics(
        [0], date(2024, 1, 1), date(2024, 12, 31), datetime(2024, 12, 6, tzinfo=UTC), "all"
    )
    stats.received, stats.carried_over, stats.handled = 135, 2, 137
    stats.received_by_channel = {"telegram": 100, "zalo": 35}
    stats.answered, stats.early, stats.on_time, stats.late = 120, 80, 30, 10
    stats.answered_by_outcome = {"resolved": 110, "forwarded": 6, "rejected": 4}
    stats.merged, stats.withdrawn = 1, 1
    stats.pending_not_due, stats.pending_overdue = 10, 5
    stats.on_time_rate = Decimal("88.0")
    stats.rated, stats.satisfied_share = 40, Decimal("90.0")
    stats.participants, stats.population, stats.population_year = 120, 10000, 2024
    stats.participation_share = Decimal("1.2")
    return section_variables(
        communes=[commune],
        superiors=[superior],
        kind=ReportKind.ANNUAL,
        period=Period(date(2024, 1, 1), date(2024, 12, 31)),
        statistics=stats,
        channels="all",
        by_category=[Row("Đất đai", "Đất đai", received=80), Row("Khác", "Khác", received=55)],
        place="Thống Nhất",
        report_date=fmt.long_date(date(2024, 12, 6)),
        as_of=date(2024, 12, 6),
    )

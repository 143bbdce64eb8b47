"""A report built from the data: the request, the figures, the rendered sections and
everything the documents need, gathered in one pass over the database so that rendering
(.docx, HTML, PDF) needs no session.

Several communes in one report: the counts cover them all; the document's header, signer,
superiors and section texts are the first commune's, and the subject names every commune."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from models import Channel, Commune, ReportKind, ReportSettings, Superior
from reports import formatting as fmt
from reports import queries
from reports.queries import Row
from reports.sections import render_sections
from reports.variables import section_variables, title_for
from services.calendar.deadlines import DeadlinePolicy
from services.errors import CommuneNotFound, InvalidInput
from services.reporting.settings import (
    CHANNEL_SCOPES,
    SECTIONS,
    section_overrides,
    settings_for,
    superiors_for,
)
from services.statistics.figures import Period, Statistics, compute

SCHEMA_VERSION = 1
_CHANNEL_ORDER = {channel.value: i for i, channel in enumerate(Channel)}


@dataclass(frozen=True)
class ReportRequest:
    commune_ids: tuple[int, ...]
    kind: ReportKind
    period: Period
    channels: str = "all"  # or "digital"
    as_of: datetime | None = None  # default: the earlier of now and the end of the period
    number: str | None = None  # "Số: …/BC-UBND": blank by default, for the văn thư
    sections: Mapping[str, str] = field(default_factory=dict)  # this version's own texts
    # the date line: this day; by default the --as-of day when one is given, else the day made
    dated: date | None = None
    blank_day: bool = False  # "ngày … tháng 12 năm 2024": the văn thư writes the day


@dataclass
class BuiltReport:
    request: ReportRequest
    communes: list[Commune]
    statistics: Statistics
    generated_at: datetime  # local time
    title: str
    dated: date | None = None  # the date line's day (None: the day made)
    settings: ReportSettings = field(default_factory=lambda: ReportSettings(commune_id=0))
    superiors: list[Superior] = field(default_factory=list)
    place: str = ""
    sections: dict[str, list[str]] = field(default_factory=dict)  # paragraphs per section
    fallbacks: list[str] = field(default_factory=list)  # own texts skipped for the default
    by_channel: list[Row] = field(default_factory=list)
    by_category: list[Row] = field(default_factory=list)
    answered_by_month: dict[str, int] = field(default_factory=dict)

    def date_line_day(self) -> date:
        return self.dated or self.generated_at.date()

    def date_words(self) -> str:
        """ "ngày 06 tháng 12 năm 2024", or "ngày … tháng 12 năm 2024" left for the văn thư."""
        return fmt.long_date(self.date_line_day(), blank_day=self.request.blank_day)

    def as_of_date(self) -> date:
        """The local day the figures run to (the period's last day when counted to its end)."""
        return _last_day(self.statistics.as_of, self.generated_at)

    def as_json(self) -> dict[str, Any]:
        """Schema 1 (docs/report-json.md)."""
        return {
            "schema": SCHEMA_VERSION,
            "report": {
                "type": self.request.kind.value,
                "communes": [
                    {"code": c.code, "name": c.name, "province": c.province_name}
                    for c in self.communes
                ],
                "period": {
                    "start": self.request.period.start.isoformat(),
                    "end": self.request.period.end.isoformat(),
                },
                "generated_at": self.generated_at.isoformat(),
                "title": self.title,
                "channels": self.request.channels,
                "number": self.request.number,
                "date": self.date_line_day().isoformat(),
                "date_day_blank": self.request.blank_day,
            },
            "statistics": self.statistics.as_dict(),
            "breakdown": {
                "by_channel": [row.as_dict() for row in self.by_channel],
                "by_category": [row.as_dict() for row in self.by_category],
                "answered_by_month": dict(sorted(self.answered_by_month.items())),
            },
        }


def _last_day(moment: datetime, local: datetime) -> date:
    return (moment - timedelta(microseconds=1)).astimezone(local.tzinfo).date()


def _check(request: ReportRequest) -> None:
    if not request.commune_ids:
        raise InvalidInput("a report needs at least one commune")
    if request.channels not in CHANNEL_SCOPES:
        raise InvalidInput(f"channels: {' or '.join(CHANNEL_SCOPES)}")
    if request.period.end < request.period.start:
        raise InvalidInput("the end is before the start")
    unknown = sorted(set(request.sections) - set(SECTIONS))
    if unknown:
        raise InvalidInput(f"unknown section(s) {', '.join(unknown)}: {', '.join(SECTIONS)}")


async def _communes(session: AsyncSession, ids: tuple[int, ...]) -> list[Commune]:
    found = []
    for commune_id in dict.fromkeys(ids):
        commune = await session.get(Commune, commune_id)
        if commune is None:
            raise CommuneNotFound(str(commune_id))
        found.append(commune)
    return found


async def build_report(
    session: AsyncSession, policy: DeadlinePolicy, request: ReportRequest, *, now: datetime
) -> BuiltReport:
    _check(request)
    communes = await _communes(session, request.commune_ids)
    ids = [c.id for c in communes if c.id is not None]
    stats = await compute(
        session,
        policy,
        ids,
        request.period,
        as_of=request.as_of,
        now=now,
        channels=request.channels,
    )
    moment = stats.as_of
    by_channel, by_category = await queries.breakdown(
        session, policy.tz, ids, request.period, moment, request.channels
    )
    by_channel.sort(key=lambda row: _CHANNEL_ORDER.get(row.key, len(_CHANNEL_ORDER)))
    for row in by_channel:
        row.name = fmt.CHANNEL_NAMES.get(row.key, row.key)
    by_category.sort(key=lambda row: (-(row.received + row.carried_over), row.name))
    first = communes[0]
    assert first.id is not None
    settings = await settings_for(session, first.id)
    superiors = list(await superiors_for(session, first.id))
    overrides = await section_overrides(session, first.id)
    generated_at = now.astimezone(policy.tz)
    place = settings.place_name or fmt.bare_name(first)
    dated = request.dated or (_last_day(moment, generated_at) if request.as_of else None)
    dated = dated or generated_at.date()
    administrative = await queries.field_names(session, ids, queries.ADMINISTRATIVE_FIELD)
    variables = section_variables(
        communes=communes,
        superiors=superiors,
        kind=request.kind,
        period=request.period,
        statistics=stats,
        channels=request.channels,
        by_category=by_category,
        place=place,
        administrative_fields=administrative,
        report_date=fmt.long_date(dated, blank_day=request.blank_day),
        as_of=_last_day(moment, generated_at),
    )
    rendered = await render_sections(variables, overrides, request.sections)
    return BuiltReport(
        request=request,
        communes=communes,
        statistics=stats,
        generated_at=generated_at,
        dated=dated,
        title=title_for(communes, request.kind, request.period, request.channels),
        settings=settings,
        superiors=superiors,
        place=place,
        sections=rendered.sections,
        fallbacks=rendered.fallbacks,
        by_channel=by_channel,
        by_category=by_category,
        answered_by_month=stats.answered_by_month,
    )

"""Makes a report version: build the figures, render the .docx, keep both. The scheduler,
the leaders' /report and the edit of a draft all come through here."""

import re
from dataclasses import replace
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from models import ReportKind, ReportStatus, ReportVersion
from reports.build import ReportRequest, build_report
from reports.docx import render_docx
from reports.summary import lines as summary_lines
from services.calendar.deadlines import DeadlinePolicy
from services.reporting.schedule import previous_month
from services.reporting.versions import save_version
from services.statistics import periods
from services.statistics.figures import Period
from services.text import fold

PICKS = (
    "last_month",
    "this_month",
    "last_quarter",
    "first_half",
    "nine_months",
    "this_year",
    "last_year",
)


def annual_year(today: date, year_start: str) -> int:
    """The year whose annual period contains `today` (15/12/2024 is in 2025's when the
    period starts on 15/12)."""
    return today.year + (1 if today > periods.annual(today.year, year_start).end else 0)


def picked(choice: str, today: date, year_start: str) -> tuple[ReportKind, Period]:
    """What a leader's /report button means, for the local date `today`."""
    if choice == "last_month":
        return ReportKind.MONTHLY, previous_month(today)
    if choice == "this_month":
        return ReportKind.MONTHLY, periods.month(today.year, today.month)
    year = annual_year(today, year_start)
    if choice == "first_half":
        return ReportKind.HALF_YEAR, periods.first_months(year, 6, year_start)
    if choice == "nine_months":
        return ReportKind.NINE_MONTHS, periods.first_months(year, 9, year_start)
    if choice == "this_year":
        return ReportKind.ANNUAL, periods.annual(year, year_start)
    if choice == "last_year":
        return ReportKind.ANNUAL, periods.annual(year - 1, year_start)
    if choice == "last_quarter":
        for number in (4, 3, 2, 1):
            quarter = periods.quarter(year, number, year_start)
            if quarter.end < today:
                return ReportKind.QUARTERLY, quarter
        return ReportKind.QUARTERLY, periods.quarter(year - 1, 4, year_start)
    raise ValueError(choice)


def file_name(version: ReportVersion, commune_name: str) -> str:
    """ASCII, so every mail client and phone keeps it: BC-PAKN_Xa-Thong-Nhat_2024-11.docx"""
    place = re.sub(r"[^A-Za-z0-9]+", "-", fold(commune_name).title()).strip("-")
    if version.kind is ReportKind.MONTHLY:
        when = version.period_start.strftime("%Y-%m")
    elif version.kind is ReportKind.ANNUAL:
        when = str(version.period_end.year)
    else:
        when = f"{version.period_start:%Y%m%d}-{version.period_end:%Y%m%d}"
    suffix = f"_v{version.version}" if version.version > 1 else ""
    return f"BC-PAKN_{place}_{when}{suffix}.docx"


async def make_version(
    session: AsyncSession,
    policy: DeadlinePolicy,
    request: ReportRequest,
    *,
    now: datetime,
    status: ReportStatus = ReportStatus.DRAFT,
    created_by_id: int | None = None,
) -> ReportVersion:
    """Flushed, not committed: the caller commits it with what it queues."""
    built = await build_report(session, policy, request, now=now)
    docx = await render_docx(built)
    return await save_version(
        session,
        commune_id=request.commune_ids[0],
        kind=request.kind,
        period=(request.period.start, request.period.end),
        channels=request.channels,
        as_of=built.statistics.as_of,
        title=built.title,
        summary="\n".join(summary_lines(built)),
        statistics=built.as_json(),
        docx=docx,
        now=now,
        status=status,
        number=request.number,
        sections=dict(request.sections),
        created_by_id=created_by_id,
    )


def request_for(version: ReportVersion, sections: dict[str, str]) -> ReportRequest:
    """The same report as `version`, with edited sections, counted as of the same moment and
    dated as it was."""
    made = (version.statistics or {}).get("report", {})
    dated = date.fromisoformat(made["date"]) if made.get("date") else None
    base = ReportRequest(
        commune_ids=(version.commune_id,),
        kind=version.kind,
        period=Period(version.period_start, version.period_end),
        channels=version.channels,
        as_of=version.as_of,
        number=version.number,
        dated=dated,
        blank_day=bool(made.get("date_day_blank")),
    )
    return replace(base, sections=sections)


async def section_text(
    session: AsyncSession,
    policy: DeadlinePolicy,
    version: ReportVersion,
    section: str,
    now: datetime,
) -> tuple[str, bool]:
    """A section of this version as it reads in the document (rendered, not its template),
    for a leader to copy and change; and whether that is the default text standing in for
    an own text that could not be used."""
    built = await build_report(session, policy, request_for(version, version.sections), now=now)
    return "\n".join(built.sections.get(section, [])), section in built.fallbacks

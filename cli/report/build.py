"""`pakn report annual|monthly|quarterly|range …`: a period's report as JSON (the figures,
docs/report-json.md), .docx, printable HTML or PDF, built by reports.build."""

import argparse
import asyncio
import json
import sys
from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from cli import output
from cli.report import settings as cli_report_admin
from config.settings import Settings
from locales.catalogs import translation
from models import ReportKind
from reports.build import SCHEMA_VERSION, BuiltReport, ReportRequest, build_report
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.communes import registry as communes
from services.errors import DomainError, InvalidInput
from services.statistics import periods
from services.statistics.figures import Period

__all__ = ["SCHEMA_VERSION", "add_commands", "report"]

_ = translation().gettext
FORMATS = ("json", "docx", "html", "pdf")
BINARY = ("docx", "pdf")
KINDS = {
    "annual": ReportKind.ANNUAL,
    "monthly": ReportKind.MONTHLY,
    "quarterly": ReportKind.QUARTERLY,
    "range": ReportKind.RANGE,
}


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(f"{raw}: use YYYY-MM-DD") from exc


def _date_line(raw: str | None) -> tuple[date | None, bool]:
    """--date: the day the date line shows, or "blank" for the văn thư to write it in."""
    if raw is None:
        return None, False
    if raw.strip().lower() == "blank":
        return None, True
    return _date(raw.strip()), False


def _period(args: argparse.Namespace, year_start: str) -> Period:
    if args.action == "annual":
        return periods.annual(args.year, year_start)
    if args.action == "quarterly":
        return periods.quarter(args.year, args.quarter, year_start)
    if args.action == "monthly":
        try:
            year, number = (int(part) for part in args.month.split("-"))
        except ValueError as exc:
            raise InvalidInput(f"{args.month}: use YYYY-MM") from exc
        return periods.month(year, number)
    return periods.between(_date(args.start), _date(args.end))


def _moment(raw: str | None, settings: Settings) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(f"{raw}: use ISO 8601, e.g. 2024-12-06T17:00") from exc
    return moment.replace(tzinfo=settings.tz) if moment.tzinfo is None else moment


async def _document(report: BuiltReport, kind: str) -> str | bytes:
    if kind == "json":
        return json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"
    if kind == "html":
        from reports.html import render_html

        return await render_html(report)
    from reports.docx import render_docx

    docx = await render_docx(report)
    if kind == "docx":
        return docx
    from reports.pdf import PdfUnavailable, render_pdf

    try:
        return await render_pdf(docx)
    except PdfUnavailable as exc:
        raise DomainError(
            _("PDF needs LibreOffice (soffice); install the libreoffice-writer-nogui package.")
        ) from exc


def _population_warning(built: BuiltReport) -> str | None:
    """What the command line says when the share of residents taking part cannot use the
    report year's own population."""
    stats, year = built.statistics, built.request.period.end.year
    codes = ",".join(c.code for c in built.communes)
    enter = f"pakn commune set {built.communes[0].code} --population N --year {year}"
    if stats.population is None or (stats.participants and stats.participation_share is None):
        return _(
            "Warning: no population entered for commune(s) {codes}: the report shows no "
            "share of residents taking part. Enter it with: {command}"
        ).format(codes=codes, command=enter)
    if stats.population_year is not None and stats.population_year != year:
        return _(
            "Warning: no population entered for {year}: the report uses the figure of "
            "{used} and says so in the document. To enter the year's own: {command}"
        ).format(year=year, used=stats.population_year, command=enter)
    return None


async def report(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    if args.format in BINARY and args.out in (None, "-"):
        raise DomainError(
            _("The {format} format is a file: add --out FILE.").format(format=args.format)
        )
    if args.out not in (None, "-"):
        output.target(args.out, settings, force=args.force)  # refused before the work
    chosen = [await communes.get_commune(session, code) for code in args.commune.split(",")]
    as_of = _moment(args.as_of, settings)
    dated, blank_day = _date_line(args.date)
    request = ReportRequest(
        commune_ids=tuple(c.id for c in chosen if c.id is not None),
        kind=KINDS[args.action],
        period=_period(args, chosen[0].report_year_start),
        channels=args.channels,
        as_of=as_of,
        number=args.number,
        dated=dated,
        blank_day=blank_day,
    )
    # nothing written: a fresh snapshot lets the statistics count on two connections at once
    # (services/statistics/readers.py), which a session that has already read cannot share
    await session.rollback()
    built = await build_report(
        session,
        DeadlinePolicy(WorkingCalendar(), settings.tz),
        request,
        now=datetime.now(settings.tz),
    )
    if built.fallbacks:
        print(
            _(
                "Warning: the commune's own text of section(s) {sections} was saved with "
                "template code (conditions, loops or filters), which a section can no longer "
                "hold; the report uses the default text there (pakn report section show)."
            ).format(sections=", ".join(built.fallbacks)),
            file=sys.stderr,
        )
    warning = _population_warning(built)
    if warning:
        print(warning, file=sys.stderr)
    document = await _document(built, args.format)
    if args.out in (None, "-"):
        assert isinstance(document, str)
        sys.stdout.write(document)
        return ""
    data = document if isinstance(document, bytes) else document.encode("utf-8")
    await asyncio.to_thread(output.write, args.out, data, settings, force=args.force)
    return _("Report written to {path}").format(path=args.out)


def add_commands(groups: Any) -> None:
    kinds = groups.add_parser("report").add_subparsers(dest="action", required=True)
    annual = kinds.add_parser("annual", help="the commune's annual period that ends in --year")
    annual.add_argument("--year", type=int, required=True)
    monthly = kinds.add_parser("monthly")
    monthly.add_argument("--month", required=True, help="YYYY-MM")
    quarterly = kinds.add_parser("quarterly")
    quarterly.add_argument("--year", type=int, required=True)
    quarterly.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
    between = kinds.add_parser("range")
    between.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
    between.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
    for parser in (annual, monthly, quarterly, between):
        parser.add_argument("--commune", required=True, help="a code, or several: 07060,07063")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--out", help="a file (json and html: standard output by default)")
        output.add_force(parser)
        parser.add_argument("--as-of", dest="as_of", help="count as of this moment (ISO 8601)")
        parser.add_argument(
            "--date",
            help="the date line: YYYY-MM-DD, or blank (ngày … tháng 12 năm 2024) for the văn "
            "thư to write the day; default: the --as-of day, else today",
        )
        parser.add_argument("--channels", choices=["all", "digital"], default="all")
        parser.add_argument("--number", help="the document's number, e.g. 15 (Số: 15/BC-UBND)")
        parser.set_defaults(run=report)
    cli_report_admin.add_commands(kinds)

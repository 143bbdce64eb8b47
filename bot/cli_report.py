"""`pakn report annual|monthly|quarterly|range …`: the statistics of a period as JSON (the
documents built on them — .docx, HTML, PDF — come with the reports issue)."""

import argparse
import asyncio
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalogs import translation
from bot.config import Settings
from services import communes, periods
from services.calendar import WorkingCalendar
from services.deadlines import DeadlinePolicy
from services.errors import InvalidInput
from services.statistics import Period, compute

_ = translation().gettext
SCHEMA_VERSION = 1


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(f"{raw}: use YYYY-MM-DD") from exc


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


async def report(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    chosen = [await communes.get_commune(session, code) for code in args.commune.split(",")]
    period = _period(args, chosen[0].report_year_start)
    now = datetime.now(settings.tz)
    as_of = datetime.fromisoformat(args.as_of).astimezone(settings.tz) if args.as_of else None
    stats = await compute(
        session,
        DeadlinePolicy(WorkingCalendar(), settings.tz),
        [c.id for c in chosen if c.id],
        period,
        as_of=as_of,
        now=now,
        channels=args.channels,
    )
    document: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "report": {
            "type": args.action,
            "communes": [
                {"code": c.code, "name": c.name, "province": c.province_name} for c in chosen
            ],
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            "generated_at": now.isoformat(),
        },
        "statistics": stats.as_dict(),
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if args.out in (None, "-"):
        sys.stdout.write(text + "\n")
        return ""
    await asyncio.to_thread(Path(args.out).write_text, text + "\n", encoding="utf-8")
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
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--out", help="a file (default: standard output)")
        parser.add_argument("--as-of", dest="as_of", help="count as of this moment (ISO 8601)")
        parser.add_argument("--channels", choices=["all", "digital"], default="all")
        parser.set_defaults(run=report)

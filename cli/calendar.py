"""`pakn calendar …` and `pakn rule …`: announced days off and make-up days, the commune's
work week, and its own deadline rules."""

import argparse
from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import Settings
from locales.catalogs import translation
from models import DayKind, DayUnit, Kind
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.communes import registry as communes
from services.desk import calendar_settings as calendar_admin
from services.desk.templates import find_category
from services.errors import InvalidInput

_ = translation().gettext
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(f"{raw}: use YYYY-MM-DD") from exc


def _policy(settings: Settings) -> DeadlinePolicy:
    return DeadlinePolicy(WorkingCalendar(), settings.tz)


async def calendar_day(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune) if args.commune else None
    kind = DayKind.DAY_OFF if args.action == "off" else DayKind.WORKDAY
    moved = await calendar_admin.add_day(
        session,
        _policy(settings),
        commune,
        _day(args.day),
        kind,
        args.note,
        now=datetime.now(settings.tz),
    )
    where = commune.name if commune else _("every commune")
    lines = [
        _("{day} recorded for {where}: {note}").format(
            day=f"{_day(args.day):%d/%m/%Y}", where=where, note=args.note
        )
    ]
    if moved:
        lines.append(
            _("Deadlines moved one working day later for: {codes}").format(
                codes=", ".join(t.code for t in moved)
            )
        )
    return "\n".join(lines)


async def calendar_list(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune) if args.commune else None
    year = args.year or datetime.now(settings.tz).year
    calendar = await _policy(settings).calendar_for(session, commune.id if commune else None)
    lines = []
    current = date(year, 1, 1)
    while current.year == year:
        name = calendar.holiday_name(current)
        if name or calendar.is_make_up_day(current):
            mark = name if name else _("make-up working day")
            lines.append(f"{current:%d/%m/%Y}  {mark}")
        current = date.fromordinal(current.toordinal() + 1)
    return "\n".join(lines)


async def work_week(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune)
    try:
        days = [WEEKDAYS[d.strip().lower()[:3]] for d in args.days.split(",")]
    except KeyError as exc:
        raise InvalidInput("work_week: mon,tue,wed,thu,fri[,sat]") from exc
    await calendar_admin.set_work_week(session, commune, days)
    return _("{commune} works: {days}").format(commune=commune.name, days=args.days)


async def rule_set(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune)
    category = (
        await find_category(session, commune.id or 0, args.category) if args.category else None
    )
    row = await calendar_admin.set_rule(
        session,
        commune,
        name=args.name,
        legal_basis=args.basis,
        resolve_days=args.resolve_days,
        ack_days=args.ack_days,
        forward_days=args.forward_days,
        unit=DayUnit(args.unit),
        kind=Kind(args.kind) if args.kind else None,
        category=category,
    )
    return _("Rule {name} saved: answer within {days} {unit} days.").format(
        name=row.name, days=row.resolve_days, unit=row.unit.value
    )


def add_commands(groups: Any) -> None:
    calendar = groups.add_parser("calendar").add_subparsers(dest="action", required=True)
    for action, help_text in (
        ("off", "an announced day off"),
        ("workday", "a make-up working day"),
    ):
        parser = calendar.add_parser(action, help=help_text)
        parser.add_argument("day", help="YYYY-MM-DD")
        parser.add_argument("note")
        parser.add_argument("--commune", help="only this commune (default: every commune)")
        parser.set_defaults(run=calendar_day)
    listing = calendar.add_parser("list")
    listing.add_argument("--commune")
    listing.add_argument("--year", type=int)
    listing.set_defaults(run=calendar_list)
    week = calendar.add_parser("week", help="the commune's work week, e.g. mon,tue,wed,thu,fri,sat")
    week.add_argument("days")
    week.add_argument("--commune", required=True)
    week.set_defaults(run=work_week)

    rule = groups.add_parser("rule").add_subparsers(dest="action", required=True)
    setter = rule.add_parser("set")
    setter.add_argument("--commune", required=True)
    setter.add_argument("--name", required=True)
    setter.add_argument("--basis", required=True, help="legal basis shown with the due date")
    setter.add_argument("--resolve-days", type=int, required=True, dest="resolve_days")
    setter.add_argument("--ack-days", type=int, default=2, dest="ack_days")
    setter.add_argument("--forward-days", type=int, default=5, dest="forward_days")
    setter.add_argument("--unit", choices=[u.value for u in DayUnit], default="working")
    setter.add_argument("--kind", choices=[k.value for k in Kind])
    setter.add_argument("--category", help="slug or name, e.g. moi_truong")
    setter.set_defaults(run=rule_set)

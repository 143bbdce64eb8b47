"""`pakn`: set up communes, villages and staff. Every command migrates the database first."""

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from cli import calendar as cli_calendar
from cli import cases as cli_cases
from cli import database as cli_db
from cli import desk as cli_desk
from cli import poster as cli_poster
from cli import province as cli_province
from cli import staff as cli_staff
from cli import superior as cli_superior
from cli.report import build as cli_report
from cli.report import settings as cli_report_admin
from config.settings import ConfigError, Settings, load_settings
from locales.catalogs import translation
from models import Role
from reports.sandbox import RenderTooCostly
from services.accounts import registry as accounts
from services.communes import registry as communes
from services.database.engine import create_engine_for, session_factory
from services.database.migrations import upgrade_database
from services.errors import (
    CommuneExists,
    CommuneNotFound,
    DomainError,
    InvalidCommuneCode,
    InvalidInput,
    LoginTaken,
    StaffExists,
    VillageExists,
)
from services.people import staff
from services.reporting.placeholders import SectionTextRefused, describe

COMMANDS = (
    "commune",
    "village",
    "staff",
    "calendar",
    "rule",
    "report",
    "superior",
    "import",
    "export",
    "province",
    "db",
    "poster",
)
_ = translation().gettext  # the CLI speaks Vietnamese, like the people who run it
Action = Callable[[AsyncSession, argparse.Namespace, Settings], Awaitable[str]]


def _this_year(settings: Settings) -> int:
    return datetime.now(settings.tz).year


async def commune_add(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.add_commune(
        session,
        args.code,
        year=args.year or _this_year(settings),
        population=args.population,
        households=args.households,
    )
    return _("Added {code} {name}, {province}.").format(
        code=commune.code, name=commune.name, province=commune.province_name
    )


async def commune_set(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.code)
    if args.report_year_start is not None:  # checked before the population is saved
        cli_report_admin.month_day(args.report_year_start, "12-15")
    if args.population is not None or args.households is not None:
        await communes.set_population(
            session,
            commune,
            year=args.year or _this_year(settings),
            population=args.population,
            households=args.households,
        )
    if args.desk_totp is not None:
        await accounts.require_totp(
            session, commune, args.desk_totp == "required", datetime.now(settings.tz)
        )
    await communes.update_commune(
        session,
        commune,
        staff_chat_id=args.staff_chat,
        address=args.address,
        reception_schedule=args.reception,
        report_year_start=args.report_year_start,
    )
    return _("Updated {code} {name}.").format(code=commune.code, name=commune.name)


async def commune_list(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    rows = await communes.list_communes(session)
    if not rows:
        return _("No commune is registered yet: pakn commune add CODE")
    group = _("staff group")
    return "\n".join(
        f"{c.code}  {c.name}, {c.province_name}"
        + (f"  [{group} {c.staff_chat_id}]" if c.staff_chat_id else "")
        for c in rows
    )


async def village_add(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune)
    village = await communes.add_village(session, commune, args.name)
    return _("Added {village} to {commune}.").format(village=village.name, commune=commune.name)


async def village_list(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune)
    names = [v.name for v in await communes.list_villages(session, commune.id)]
    return "\n".join(names) if names else _("No village yet.")


async def staff_add(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune)
    if args.telegram_id is None and args.login is None:
        raise DomainError(_("Give --telegram-id, --login or both."))
    member = await accounts.add_member(
        session,
        commune,
        telegram_id=args.telegram_id,
        login=args.login,
        email=args.email,
        role=Role(args.role),
        name=args.name,
        title=args.title,
    )
    done = _("{name} is now {role} of {commune}.").format(
        name=member.name, role=member.role.value, commune=commune.name
    )
    if args.login is None:
        return done
    return "\n".join(
        [
            done,
            _("To set their desk password: pakn staff login-link {login}").format(
                login=args.login.strip().lower()
            ),
        ]
    )


async def staff_list(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune)
    rows = await staff.list_staff(session, commune)
    if not rows:
        return _("No staff yet.")
    logins = await accounts.logins_of(session, rows)
    return "\n".join(
        f"{m.telegram_id or '-'}  {logins.get(m.id or 0, '-'):12}  {m.role.value:8}  {m.name}"
        + (f" ({m.title})" if m.title else "")
        for m in rows
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pakn", description="Hòm thư số — quản trị")
    groups = parser.add_subparsers(dest="group", required=True)

    commune = groups.add_parser("commune").add_subparsers(dest="action", required=True)
    add = commune.add_parser("add")
    add.add_argument("code")
    add.add_argument("--population", type=int)
    add.add_argument("--households", type=int)
    add.add_argument("--year", type=int)
    add.set_defaults(run=commune_add)
    set_ = commune.add_parser("set")
    set_.add_argument("code")
    set_.add_argument("--population", type=int)
    set_.add_argument("--households", type=int)
    set_.add_argument("--year", type=int)
    set_.add_argument("--staff-chat", type=int, dest="staff_chat")
    set_.add_argument("--address")
    set_.add_argument("--reception", help="citizen reception days, shown to residents")
    set_.add_argument(
        "--desk-totp",
        dest="desk_totp",
        choices=["required", "optional"],
        help=_("whether the staff desk asks this commune's staff for a TOTP code"),
    )
    set_.add_argument(
        "--report-year-start",
        dest="report_year_start",
        help=_("MM-DD the annual report period starts, e.g. 12-15 (default 01-01)"),
    )
    set_.set_defaults(run=commune_set)
    commune.add_parser("list").set_defaults(run=commune_list)

    village = groups.add_parser("village").add_subparsers(dest="action", required=True)
    vadd = village.add_parser("add")
    vadd.add_argument("--commune", required=True)
    vadd.add_argument("name")
    vadd.set_defaults(run=village_add)
    vlist = village.add_parser("list")
    vlist.add_argument("--commune", required=True)
    vlist.set_defaults(run=village_list)

    members = groups.add_parser("staff").add_subparsers(dest="action", required=True)
    sadd = members.add_parser("add")
    sadd.add_argument("--commune", required=True)
    sadd.add_argument("--telegram-id", type=int, dest="telegram_id")
    sadd.add_argument("--login", help=_("their sign-in name on the staff desk"))
    sadd.add_argument("--email")
    sadd.add_argument("--role", choices=[r.value for r in Role], required=True)
    sadd.add_argument("--name", required=True)
    sadd.add_argument("--title")
    sadd.set_defaults(run=staff_add)
    cli_staff.add_commands(members)  # invite, invitations, revoke-invitation
    cli_desk.add_commands(members)  # login-link, set-password, sessions, revoke-sessions, totp
    slist = members.add_parser("list")
    slist.add_argument("--commune", required=True)
    slist.set_defaults(run=staff_list)
    cli_calendar.add_commands(groups)
    cli_report.add_commands(groups)
    cli_superior.add_commands(groups)
    cli_cases.add_commands(groups)
    cli_province.add_commands(groups)
    cli_db.add_commands(groups)
    cli_poster.add_commands(groups)
    return parser


def explain(exc: DomainError) -> str:
    if isinstance(exc, InvalidCommuneCode):
        return _("“{code}” is not a commune code: it has up to 5 digits, e.g. 07060.").format(
            code=exc
        )
    if isinstance(exc, CommuneNotFound):
        return _(
            "No commune has the code {code} (official codes after 1 July 2025), or it is "
            "not registered here yet."
        ).format(code=exc)
    if isinstance(exc, CommuneExists):
        return _("Commune {code} is already registered; use `pakn commune set`.").format(code=exc)
    if isinstance(exc, VillageExists):
        return _("The village {name} already exists.").format(name=exc)
    if isinstance(exc, StaffExists):
        return _("{name} is already staff of this commune.").format(name=exc)
    if isinstance(exc, LoginTaken):
        return _(
            "The login {login} belongs to another person (another Telegram id): choose another."
        ).format(login=exc)
    if isinstance(exc, InvalidInput) and str(exc) == "login":
        return _(
            "A login has 2 to 40 letters a–z without accents, digits, dots, dashes or "
            "underscores, and starts with a letter or a digit."
        )
    if isinstance(exc, SectionTextRefused):
        return describe(exc, _)
    if isinstance(exc, InvalidInput):
        return _("Invalid value: {detail}").format(detail=exc)
    if isinstance(exc, RenderTooCostly):
        return _(
            "The report could not be made: writing its sections took too long or grew too "
            "large. Nothing was written."
        )
    return str(exc)


async def _run(action: Action, args: argparse.Namespace, settings: Settings) -> str:
    engine = create_engine_for(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return await action(session, args, settings)
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        if getattr(args, "migrate", True):  # pakn db copies the database as it is
            upgrade_database(settings.database_url)
        output = asyncio.run(_run(args.run, args, settings))
        if output:
            print(output)
    except ConfigError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(explain(exc), file=sys.stderr)
        return 1
    return 0

"""`pakn report settings|section|versions|version`: how a commune's reports are signed and
scheduled (here), the sections it wrote itself (cli_report_sections) and the versions kept
as they were sent (cli_report_versions)."""

import argparse
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from cli import output
from cli.report.sections import section_command
from cli.report.versions import version_export, versions_list
from config.settings import Settings
from locales.catalogs import translation
from models import ReportSettings, SignerRole
from services.communes import registry as communes
from services.errors import InvalidInput
from services.reporting import settings as report_settings

_ = translation().gettext


def _signers() -> dict[str, str]:
    return {
        SignerRole.CHAIRMAN: _("the chairman (CHỦ TỊCH)"),
        SignerRole.VICE_CHAIRMAN: _("a vice chairman (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)"),
    }


def _channels() -> dict[str, str]:
    return {"all": _("every channel, in person and on paper too"), "digital": _("digital only")}


def month_day(raw: str, example: str) -> str:
    """MM-DD of a day every year has, or one clear line saying what is wanted."""
    try:
        return communes.month_day(raw)
    except InvalidInput as exc:
        raise InvalidInput(
            _("“{value}” is not a day of the year: use MM-DD, e.g. {example}").format(
                value=raw, example=example
            )
        ) from exc


def _changes(args: argparse.Namespace) -> dict[str, Any]:
    """The options given, checked here so that a wrong one is refused before anything is
    saved, with a message in the admin's language (the service checks them again)."""
    changes: dict[str, Any] = {"place_name": args.place, "signer_name": args.signer_name}
    if args.signer_role is not None:
        if args.signer_role not in {r.value for r in SignerRole}:
            raise InvalidInput(
                _("“{value}” is not a signer: chairman or vice_chairman").format(
                    value=args.signer_role
                )
            )
        changes["signer_role"] = args.signer_role
    if args.copy_lines is not None:
        lines = [line.strip() for line in args.copy_lines.replace(";", "\n").splitlines()]
        changes["copy_lines"] = "\n".join(line for line in lines if line)
    if args.monthly_day is not None:
        if not 1 <= args.monthly_day <= 28:
            raise InvalidInput(
                _("the monthly report day is 1 to 28 (a day every month has), not {day}").format(
                    day=args.monthly_day
                )
            )
        changes["monthly_day"] = args.monthly_day
    if args.send_time is not None:
        try:
            changes["send_time"] = report_settings.parse_time(args.send_time).strftime("%H:%M")
        except InvalidInput as exc:
            raise InvalidInput(
                _("“{value}” is not a time of day: use HH:MM, e.g. 08:00").format(
                    value=args.send_time
                )
            ) from exc
    if args.annual_on is not None:
        changes["annual_on"] = month_day(args.annual_on, "12-05")
    for name in ("monthly_channels", "annual_channels"):
        value = getattr(args, name)
        if value is not None and value not in report_settings.CHANNEL_SCOPES:
            raise InvalidInput(
                _("“{value}” is not a choice here: all or digital").format(value=value)
            )
        changes[name] = value
    return {name: value for name, value in changes.items() if value is not None}


def _describe(row: ReportSettings) -> list[str]:
    defaults, channels = ReportSettings(commune_id=row.commune_id), _channels()

    def value(text: str, is_default: bool) -> str:
        return _("{value} (default)").format(value=text) if is_default else text

    copies = (row.copy_lines or "").splitlines()
    return [
        _("Place before the date: {value}").format(
            value=row.place_name or _("the commune's name (default)")
        ),
        _("Signer's name: {value}").format(value=row.signer_name or _("blank (default)")),
        _("Signed by: {value}").format(
            value=value(_signers()[row.signer_role], row.signer_role == defaults.signer_role)
        ),
        _("More lines under “Nơi nhận”: {value}").format(
            value="; ".join(copies) if copies else _("“Lưu: VT.” (default)")
        ),
        _("Day of the month the monthly summary is sent: {day}").format(
            day=value(str(row.monthly_day), row.monthly_day == defaults.monthly_day)
        ),
        _("Sent at: {time}").format(time=value(row.send_time, row.send_time == defaults.send_time)),
        _("Annual report drafted on: {day}").format(
            day=value(
                "/".join(reversed(row.annual_on.split("-"))), row.annual_on == defaults.annual_on
            )
        ),
        _("Monthly summary counts: {value}").format(
            value=value(channels[row.monthly_channels], row.monthly_channels == "all")
        ),
        _("Annual report counts: {value}").format(
            value=value(channels[row.annual_channels], row.annual_channels == "all")
        ),
    ]


async def settings_command(
    session: AsyncSession, args: argparse.Namespace, settings: Settings
) -> str:
    commune = await communes.get_commune(session, args.commune)
    assert commune.id is not None
    changes = _changes(args)
    if changes:
        await report_settings.update_settings(session, commune.id, **changes)
    head = (
        _("Report settings of {commune} saved:") if changes else _("Report settings of {commune}:")
    )
    row = await report_settings.settings_for(session, commune.id)
    return "\n".join([head.format(commune=commune.name), *_describe(row)])


def add_commands(kinds: Any) -> None:
    """Adds to `pakn report` (`kinds` is its subparsers object); once only."""
    if "settings" in kinds.choices:
        return
    setter = kinds.add_parser("settings", help=_("signing and schedule; no option: show them"))
    setter.add_argument("--commune", required=True)
    setter.add_argument("--place", help=_("as in “Thống Nhất, ngày …”; empty: the default"))
    setter.add_argument("--signer-name", dest="signer_name")
    setter.add_argument("--signer-role", dest="signer_role", help="chairman | vice_chairman")
    setter.add_argument(
        "--copy-lines", dest="copy_lines", help=_("more lines under “Nơi nhận”, split by ;")
    )
    setter.add_argument("--monthly-day", type=int, dest="monthly_day", help="1..28")
    setter.add_argument("--send-time", dest="send_time", help="HH:MM")
    setter.add_argument("--annual-on", dest="annual_on", help=_("MM-DD the annual draft is made"))
    setter.add_argument("--monthly-channels", dest="monthly_channels", help="all | digital")
    setter.add_argument("--annual-channels", dest="annual_channels", help="all | digital")
    setter.set_defaults(run=settings_command)
    section = kinds.add_parser("section", help=_("the report's editable sections"))
    actions = section.add_subparsers(dest="section_action", required=True)
    for action in ("show", "set", "reset"):
        parser = actions.add_parser(action)
        parser.add_argument("--commune", required=True)
        parser.add_argument("--section", required=True, help=" | ".join(report_settings.SECTIONS))
        if action == "set":
            parser.add_argument("--file", required=True, help=_("a UTF-8 text file"))
        parser.set_defaults(run=section_command)
    versions = kinds.add_parser("versions", help=_("the reports kept, newest first"))
    versions.add_argument("--commune", required=True)
    versions.set_defaults(run=versions_list)
    version = kinds.add_parser("version", help=_("write out a kept report as it was sent"))
    version.add_argument("id", type=int)
    version.add_argument("--commune", required=True)
    version.add_argument("--out", help=_("the .docx file, exactly as kept"))
    version.add_argument("--json", help=_("its figures as JSON"))
    output.add_force(version)
    version.set_defaults(run=version_export)

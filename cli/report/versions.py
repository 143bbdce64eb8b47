"""`pakn report versions|version`: the reports kept, and one written out exactly as it was
kept (the .docx as sent, its figures as JSON)."""

import argparse
import asyncio
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from cli import output
from config.settings import Settings
from locales.catalogs import translation
from models import ReportKind, ReportStatus, ReportVersion
from services.communes import registry as communes
from services.errors import DomainError
from services.reporting import versions as report_versions

_ = translation().gettext


def _kinds() -> dict[str, str]:
    return {
        ReportKind.MONTHLY: _("monthly"),
        ReportKind.QUARTERLY: _("quarterly"),
        ReportKind.HALF_YEAR: _("6 months"),
        ReportKind.NINE_MONTHS: _("9 months"),
        ReportKind.ANNUAL: _("annual"),
        ReportKind.RANGE: _("chosen dates"),
    }


def _statuses() -> dict[str, str]:
    return {
        ReportStatus.DRAFT: _("draft, waiting for a leader"),
        ReportStatus.APPROVED: _("approved, not sent yet"),
        ReportStatus.SENT: _("sent"),
        ReportStatus.SUPERSEDED: _("replaced by a newer draft"),
    }


def _local(moment: datetime, tz: ZoneInfo) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).strftime("%H:%M %d/%m/%Y")


def _version_line(version: ReportVersion, tz: ZoneInfo) -> str:
    digital = " (" + _("digital only") + ")" if version.channels == "digital" else ""
    parts = [
        str(version.id),
        _kinds()[version.kind] + digital,
        f"{version.period_start:%d/%m/%Y}–{version.period_end:%d/%m/%Y}",
        _("version {number}").format(number=version.version),
        _statuses()[version.status],
        _("made {time}").format(time=_local(version.created_at, tz)),
    ]
    if version.sent_at is not None:
        parts.append(_("sent {time}").format(time=_local(version.sent_at, tz)))
    if not version.docx:
        parts.append(_("no file kept"))
    return "  ".join(parts)


async def versions_list(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune)
    assert commune.id is not None
    rows = await report_versions.list_versions(session, commune.id)
    if not rows:
        return _("No report of {commune} is kept yet.").format(commune=commune.name)
    return "\n".join(_version_line(v, settings.tz) for v in rows)


async def version_export(
    session: AsyncSession, args: argparse.Namespace, settings: Settings
) -> str:
    if not args.out and not args.json:
        raise DomainError(_("Say where to write it: --out FILE.docx, --json FILE, or both."))
    files = [output.target(p, settings, force=args.force) for p in (args.out, args.json) if p]
    if len(files) == 2 and files[0].resolve() == files[1].resolve():
        raise DomainError(_("--out and --json name the same file: give two names."))
    commune = await communes.get_commune(session, args.commune)
    assert commune.id is not None
    try:
        version = await report_versions.get_version(session, commune.id, args.id)
    except report_versions.ReportNotFound as exc:
        raise DomainError(
            _(
                "{commune} has no report version {id}: see pakn report versions --commune {code}"
            ).format(commune=commune.name, id=args.id, code=commune.code)
        ) from exc
    if args.out and not version.docx:
        raise DomainError(
            _("Version {id} was kept without its file, only its figures: use --json FILE.").format(
                id=version.id
            )
        )
    if args.out and version.docx:
        await asyncio.to_thread(output.write, args.out, version.docx, settings, force=args.force)
    if args.json:
        text = json.dumps(version.statistics, ensure_ascii=False, indent=2) + "\n"
        data = text.encode("utf-8")
        await asyncio.to_thread(output.write, args.json, data, settings, force=args.force)
    written = ", ".join(p for p in (args.out, args.json) if p)
    return _("Version {id} written to {files}").format(id=version.id, files=written)

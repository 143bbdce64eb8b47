"""`pakn import cases FILE` and `pakn export cases …`: a commune's cases as a spreadsheet
(docs/cases-file.md), out for the office, and in from last year's register or another
installation."""

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import Settings
from locales.catalogs import translation
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases_file import export as case_export
from services.cases_file.importer import ImportResult, RowError, import_cases
from services.communes import registry as communes
from services.errors import DomainError, InvalidInput
from services.statistics.periods import between

_ = translation().gettext
PROGRESS_EVERY = 5000


def _problem(error: RowError) -> str:
    messages = {
        "missing_columns": _("The file lacks the columns: {detail}. See docs/cases-file.md."),
        "required": _("line {line}: “{column}” is empty."),
        "unknown": _("line {line}: {column} “{value}” is not known; use: {detail}."),
        "bad_date": _(
            "line {line}: {column} “{value}” is not a date; write dd/mm/yyyy or dd/mm/yyyy HH:MM."
        ),
        "bad_code": _("line {line}: “{value}” is not a case code such as PA24-0042."),
        "code_year": _("line {line}: the code {value} is not of the year of receipt, {detail}."),
        "duplicate_code": _("line {line}: the code {value} is already on line {detail}."),
        "before_receipt": _("line {line}: {column} ({value}) is before the receipt."),
        "needs": _("line {line}: the status “{value}” needs “{column}”."),
        "not_with_status": _("line {line}: “{column}” does not go with the status “{value}”."),
        "bad_key": _("line {line}: “{column}” is longer than 32 characters."),
    }
    return messages[error.problem].format(
        line=error.line, column=error.column, value=error.value, detail=error.detail
    )


def _summary(result: ImportResult, dry_run: bool) -> str:
    lines = [
        (_("Would import {count} cases.") if dry_run else _("Imported {count} cases.")).format(
            count=result.imported
        )
    ]
    if result.skipped:
        lines.append(
            _("{count} cases were already there (same code) and were left as they are.").format(
                count=result.skipped
            )
        )
    if result.new_villages:
        lines.append(_("New villages: {names}").format(names=", ".join(result.new_villages)))
    if result.new_categories:
        lines.append(_("New fields: {names}").format(names=", ".join(result.new_categories)))
    if result.errors:
        lines.append(_("{count} rows were left out: see above.").format(count=len(result.errors)))
    return "\n".join(lines)


def _progress(done: int, total: int) -> None:
    if done % PROGRESS_EVERY < 1000 or done == total:
        print(_("… {done}/{total} cases written").format(done=done, total=total), file=sys.stderr)


def _existing(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise InvalidInput(_("{file}: no such file").format(file=name))
    return path


def _save(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _policy(settings: Settings) -> DeadlinePolicy:
    return DeadlinePolicy(WorkingCalendar(), settings.tz)


async def import_command(
    session: AsyncSession, args: argparse.Namespace, settings: Settings
) -> str:
    commune = await communes.get_commune(session, args.commune)
    path = _existing(args.file)
    result = await import_cases(
        session,
        _policy(settings),
        commune,
        path,
        now=datetime.now(UTC),
        dry_run=args.dry_run,
        partial=args.partial,
        create_missing=args.create_missing,
        progress=_progress,
    )
    problems = "\n".join(_problem(e) for e in result.errors)
    if result.errors and not args.partial:
        raise DomainError(
            problems
            + "\n"
            + _(
                "Nothing was imported: correct these rows and run it again "
                "(or --partial to import the good rows)."
            )
        )
    if problems:
        print(problems, file=sys.stderr)
    return _summary(result, args.dry_run)


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(f"{raw}: use YYYY-MM-DD") from exc


async def export_command(
    session: AsyncSession, args: argparse.Namespace, settings: Settings
) -> str:
    commune = await communes.get_commune(session, args.commune)
    out = Path(args.out)
    kind = args.format or ("csv" if out.suffix.lower() == ".csv" else "xlsx")
    data = await case_export.export_cases(
        session,
        _policy(settings),
        commune,
        between(_day(args.start), _day(args.end)),
        kind,
        with_text=args.with_text,
        now=datetime.now(UTC),
    )
    _save(out, data)
    return _("Wrote {file}.").format(file=out)


def add_commands(groups: Any) -> None:
    imports = groups.add_parser("import", help=_("bring cases in from a file")).add_subparsers(
        dest="action", required=True
    )
    cases_in = imports.add_parser("cases", help=_("a .csv or .xlsx in the export's columns"))
    cases_in.add_argument("file")
    cases_in.add_argument("--commune", required=True)
    cases_in.add_argument("--dry-run", action="store_true", dest="dry_run")
    cases_in.add_argument(
        "--partial", action="store_true", help=_("import the good rows even if some are bad")
    )
    cases_in.add_argument(
        "--create-missing",
        action="store_true",
        dest="create_missing",
        help=_("add the villages and fields the file names that do not exist yet"),
    )
    cases_in.set_defaults(run=import_command)
    exports = groups.add_parser("export", help=_("write cases to a file")).add_subparsers(
        dest="action", required=True
    )
    cases_out = exports.add_parser("cases", help=_("one row per case received in the period"))
    cases_out.add_argument("--commune", required=True)
    cases_out.add_argument("--from", required=True, dest="start", help="YYYY-MM-DD")
    cases_out.add_argument("--to", required=True, dest="end", help="YYYY-MM-DD")
    cases_out.add_argument("--format", choices=case_export.FORMATS)
    cases_out.add_argument("--out", required=True)
    cases_out.add_argument(
        "--with-text",
        action="store_true",
        dest="with_text",
        help=_("include what residents wrote (personal data: keep the file safe)"),
    )
    cases_out.set_defaults(run=export_command)

"""`pakn import cases FILE` and `pakn export cases …`: a commune's cases as a spreadsheet
(docs/cases-file.md), out for the office, and in from last year's register or another
installation."""

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from cli import output
from config.settings import Settings
from locales.catalogs import translation
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases_file import export as case_export
from services.cases_file.importer import ImportResult, RowError, UnreadableFile, import_cases
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
        "open_quote": _(
            'line {line}: a quote (") opened in this row is not closed where it should be, '
            "so the next {detail} lines of the file were read into one of its cells: check "
            "the quotes on that line."
        ),
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
    if result.bad_rows:
        lines.append(_("{count} rows were left out: see above.").format(count=result.bad_rows))
    return "\n".join(lines)


def _unreadable(exc: UnreadableFile, name: str) -> str:
    messages = {
        "not_csv_or_xlsx": _("{file}: the file must be a .csv or an .xlsx."),
        "not_utf8": _(
            "{file} is not UTF-8 (byte {detail} on line {line}): save it from Excel as "
            "“CSV UTF-8”, or name its encoding, e.g. --encoding cp1258 (Vietnamese Windows) "
            "or --encoding latin-1."
        ),
        "utf16_without_bom": _(
            "{file} looks like UTF-16 without its byte order mark: add --encoding utf-16-le "
            "(or utf-16-be), or save it from Excel as “CSV UTF-8”."
        ),
        "bad_encoding": _(
            "{file} cannot be read as {detail} (line {line}): check the --encoding it was saved in."
        ),
        "unknown_encoding": _("“{detail}” is not a known encoding: e.g. utf-8, cp1258, latin-1."),
        "cell_too_long": _(
            "{file}, line {line}: a cell is longer than {detail} characters, so the file is "
            'not read further. A quote (") left open may have joined the rows after it into '
            "one cell."
        ),
        "bad_csv": _("{file}, line {line}: not readable as CSV ({detail})."),
        "old_excel": _(
            "{file} is an old Excel file (.xls) or has a password: open it in Excel and save "
            "it as “Excel Workbook (.xlsx)” without a password."
        ),
        "not_excel": _(
            "{file} is not an Excel file (.xlsx), or it is damaged: open it in Excel and save "
            "it again, as .xlsx or as “CSV UTF-8”."
        ),
        "too_big": _(
            "{file} unpacks to more than {detail} MB, more than a cases file needs: split "
            "it, or save it as “CSV UTF-8”."
        ),
        "too_many_rows": _(
            "{file} has more than {detail} rows: split it into files of at most {detail} "
            "rows and import them one after another."
        ),
        "too_many_lines": _(
            "{file} has more than {detail} rows, blank ones included: delete the empty rows "
            "at its end, or split it."
        ),
    }
    text = messages[exc.problem].format(file=name, line=exc.line, detail=exc.detail)
    return text + " " + _("Nothing was imported.")


def _listed(problems: list[RowError], unlisted: int) -> str:
    lines = [_problem(e) for e in problems]
    if unlisted:
        lines.append(
            _("… and {count} more problems: correct these and run it again to see them.").format(
                count=unlisted
            )
        )
    return "\n".join(lines)


def _progress(done: int, total: int) -> None:
    if done % PROGRESS_EVERY < 1000 or done == total:
        print(_("… {done}/{total} cases written").format(done=done, total=total), file=sys.stderr)


def _existing(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise InvalidInput(_("{file}: no such file").format(file=name))
    return path


def _policy(settings: Settings) -> DeadlinePolicy:
    return DeadlinePolicy(WorkingCalendar(), settings.tz)


async def import_command(
    session: AsyncSession, args: argparse.Namespace, settings: Settings
) -> str:
    commune = await communes.get_commune(session, args.commune)
    path = _existing(args.file)
    try:
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
            encoding=args.encoding,
        )
    except UnreadableFile as exc:
        raise DomainError(_unreadable(exc, args.file)) from exc
    if result.warnings:
        print(_listed(result.warnings, 0), file=sys.stderr)
    problems = _listed(result.errors, result.unlisted)
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
    out = output.target(args.out, settings, force=args.force)  # before the work, and after
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
    output.write(out, data, settings, force=args.force)
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
    cases_in.add_argument(
        "--encoding",
        help=_("a CSV's encoding when it is not UTF-8 or UTF-16, e.g. cp1258 or latin-1"),
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
    output.add_force(cases_out)
    cases_out.add_argument(
        "--with-text",
        action="store_true",
        dest="with_text",
        help=_("include what residents wrote (personal data: keep the file safe)"),
    )
    cases_out.set_defaults(run=export_command)

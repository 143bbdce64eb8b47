"""Importing a cases file (docs/cases-file.md): last year's register kept in Excel, or another
installation's export. Every row is checked first; by default one bad row imports nothing.
A code already in the commune is skipped, so running it again imports nothing new.
Imported cases get the events their state implies (actor: the import) and no message to
anyone; open ones are ordinary open cases, which the reminders chase."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Category, Commune, Ticket, Village
from services.calendar.deadlines import DeadlinePolicy
from services.cases_file import columns as cc
from services.cases_file import writer as write
from services.cases_file.reading import LIMITS, Limits, UnreadableFile, read_table
from services.cases_file.rows import CaseRow, RowChecker, RowError

Progress = Callable[[int, int], None]  # (cases written, cases to write)


@dataclass
class ImportResult:
    rows: int = 0  # rows in the file, the header apart
    imported: int = 0  # written, or that would be in a dry run
    skipped: int = 0  # their code is already in the commune
    errors: list[RowError] = field(default_factory=list)  # the first Limits.problems
    unlisted: int = 0  # errors beyond those
    bad_rows: int = 0
    warnings: list[RowError] = field(default_factory=list)
    new_villages: list[str] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    written: bool = False


async def _names(session: AsyncSession, table: Any, commune_id: int) -> dict[str, int]:
    """Name (or a category's slug) → id."""
    rows = (await session.exec(select(table).where(table.commune_id == commune_id))).all()
    found = {cc.key(row.slug): row.id for row in rows if getattr(row, "slug", None)}
    found.update({cc.key(row.name): row.id for row in rows})
    return found


async def _listed(session: AsyncSession, table: Any, commune_id: int) -> list[str]:
    rows = await session.exec(select(table.name).where(table.commune_id == commune_id))
    return sorted(rows.all())


class _Places:
    """Category and village names → ids; unknown names are errors, or are to be created."""

    def __init__(
        self, known: dict[str, dict[str, int]], listed: dict[str, list[str]], create: bool
    ) -> None:
        self.known = known
        self.listed = listed
        self.create = create
        self.new: dict[str, dict[str, str]] = {"category": {}, "village": {}}

    def check(
        self, line: int, names: dict[str, str | None], add: Callable[[RowError], None]
    ) -> bool:
        ok = True
        for name, value in names.items():
            if value is None or cc.key(value) in self.known[name]:
                continue
            if self.create:
                self.new[name].setdefault(cc.key(value), value)
                continue
            header = cc.BY_KEY[name].header
            listed = ", ".join(self.listed[name])
            add(RowError(line, "unknown", header, value, listed))
            ok = False
        return ok


async def import_cases(
    session: AsyncSession,
    policy: DeadlinePolicy,
    commune: Commune,
    path: Path,
    *,
    now: datetime,
    dry_run: bool = False,
    partial: bool = False,
    create_missing: bool = False,
    progress: Progress | None = None,
    encoding: str | None = None,
    limits: Limits = LIMITS,
) -> ImportResult:
    """Raises UnreadableFile for a file that cannot be read at all (before anything is
    written); a file with more than `limits.rows` rows is refused whole."""
    assert commune.id is not None
    result = ImportResult()
    table = read_table(path, encoding=encoding, limits=limits)
    checker = RowChecker(table.header, policy.tz, limits.problems)
    if checker.errors:
        result.errors = checker.errors
        return result
    places = _Places(
        {
            "category": await _names(session, Category, commune.id),
            "village": await _names(session, Village, commune.id),
        },
        {
            "category": await _listed(session, Category, commune.id),
            "village": await _listed(session, Village, commune.id),
        },
        create_missing,
    )
    good: list[CaseRow] = []
    for line, cells in table.rows:
        result.rows += 1
        row = checker.check(line, cells)
        if places.check(line, checker.places(cells), checker.add) and row is not None:
            good.append(row)
        else:
            result.bad_rows += 1
    result.errors = sorted(checker.errors, key=lambda e: e.line)
    result.unlisted = checker.count - len(checker.errors)
    result.warnings = table.warnings
    existing = set(
        (await session.exec(select(Ticket.code).where(Ticket.commune_id == commune.id))).all()
    )
    todo = [row for row in good if row.code not in existing]
    result.skipped = len(good) - len(todo)
    result.imported = len(todo)
    result.new_categories = sorted(places.new["category"].values())
    result.new_villages = sorted(places.new["village"].values())
    if dry_run or (result.errors and not partial):
        if result.errors and not partial:
            result.imported = 0
        return result
    await write.write_cases(
        session, policy, commune, todo, places.known, places.new, now=now, progress=progress
    )
    await session.commit()
    result.written = True
    return result


__all__ = ["ImportResult", "Limits", "Progress", "RowError", "UnreadableFile", "import_cases"]

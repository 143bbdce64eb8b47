"""`pakn db backup|restore FILE`: a copy of the database taken while the bot runs, and put
back. Neither migrates first (cli.main): a backup is the database as it is, and a restore
checks the file, replaces the database, brings the restored schema up to date and applies
again the erasures made since (the erasure ledger, services/privacy/ledger.py)."""

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel.ext.asyncio.session import AsyncSession

from cli import output
from config.settings import Settings
from locales.catalogs import translation
from scheduler.lock import LEASE_NAME, LOCK_KEY
from services.backup import copies as backup
from services.backup import postgres as backup_pg
from services.backup import restore, verify
from services.database.engine import create_engine_for, is_sqlite, session_factory
from services.database.migrations import upgrade_database
from services.errors import DomainError
from services.privacy.ledger import ErasureLedger
from services.privacy.replay import reapply

_ = translation().gettext


def explain(exc: backup.BackupError) -> str:
    if isinstance(exc, backup_pg.ToolMissing):
        return _(
            "{tool} was not found (on PATH or in /usr/lib/postgresql/*/bin): install the "
            "postgresql-client package, or use {tool} yourself (README, Backups)."
        ).format(tool=exc.tool)
    if isinstance(exc, backup_pg.ToolFailed):
        return _("{tool} failed: {detail}").format(tool=exc.tool, detail=exc.detail)
    if isinstance(exc, backup.DatabaseMissing):
        return _("{file} does not exist.").format(file=exc.path)
    if isinstance(exc, verify.NotADump):
        return _(
            "{file} is not a backup of Hòm thư số made by `pakn db backup` or pg_dump "
            "--format=custom."
        ).format(file=exc.path)
    if isinstance(exc, backup.NotABackup):
        return _("{file} is not a backup of Hòm thư số (a SQLite database).").format(file=exc.path)
    if isinstance(exc, verify.DamagedBackup):
        return _(
            "{file} is damaged ({detail}): nothing was restored and the database is as it "
            "was. Restore an older backup."
        ).format(file=exc.path, detail=exc.detail)
    if isinstance(exc, backup.NewerBackup):
        return _(
            "This backup was made by a newer version of Hòm thư số (schema {revision}): "
            "update the program first, then restore."
        ).format(revision=exc.revision)
    if isinstance(exc, restore.RestoreUndone):
        return _("Could not restore: {detail}. The database was put back as it was.").format(
            detail=exc.detail
        )
    if isinstance(exc, backup.RestoreFailed):
        return _(
            "Could not restore: {detail}. If the database file is damaged, move it aside "
            "(with its -wal and -shm files) and run the restore again."
        ).format(detail=exc.detail)
    return str(exc)


async def db_backup(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    url = settings.database_url
    target = output.target(args.file, settings, force=args.force)
    try:
        if is_sqlite(url):
            await asyncio.to_thread(backup.backup_sqlite, url, target)
        else:
            await asyncio.to_thread(backup_pg.dump, url, target)
    except backup.BackupError as exc:
        raise DomainError(explain(exc)) from exc
    when = datetime.now(settings.tz).strftime("%H:%M %d/%m/%Y")
    return _("Backup of {database} as of {time} written to {file}.").format(
        database=backup.describe(url), time=when, file=target
    )


def _check(source: Path, url: str) -> None:
    """The backup, before anything is touched."""
    if not source.is_file():
        raise backup.DatabaseMissing(source)
    if is_sqlite(url):
        verify.sqlite_backup_revision(source)
    else:
        verify.check_dump(source)


async def _may_replace(url: str, source: Path, yes: bool) -> None:
    database = backup.describe(url)
    holder = await asyncio.to_thread(
        backup.scheduler_holder, url, datetime.now(UTC), lease_name=LEASE_NAME, lock_key=LOCK_KEY
    )
    if holder is not None:
        raise DomainError(
            _("The bot is running on {database} ({holder}): stop it, then restore.").format(
                database=database, holder=holder
            )
        )
    if not yes and await asyncio.to_thread(backup.has_data, url):
        raise DomainError(
            _(
                "{database} already holds data, and restoring replaces all of it with "
                "{file}. To do that, run the same command with --yes."
            ).format(database=database, file=source)
        )


def _detail(exc: Exception) -> str:
    if isinstance(exc, backup.RestoreFailed):
        return exc.detail
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


async def _erase_again(url: str, ledger: ErasureLedger) -> int:
    """The erasures made after the backup was taken (services/privacy/replay.py)."""
    engine = create_engine_for(url)
    try:
        async with session_factory(engine)() as session:
            return await reapply(session, ledger, datetime.now(UTC))
    finally:
        await engine.dispose()


async def _replace(source: Path, url: str, ledger: ErasureLedger) -> int:
    """Restore, migrate, erase again; SQLite's live database is kept aside until the restored
    one has been through all three, and put back if one fails. Returns the erasures."""
    if not is_sqlite(url):  # pg_restore --single-transaction: all or nothing
        await asyncio.to_thread(backup_pg.restore, source, url)
        await asyncio.to_thread(upgrade_database, url)  # an older backup: the newest schema
        return await _erase_again(url, ledger)
    aside = await asyncio.to_thread(restore.set_aside, url)
    try:
        await asyncio.to_thread(restore.restore_sqlite, source, url)
        await asyncio.to_thread(upgrade_database, url)
        erased = await _erase_again(url, ledger)
    except Exception as exc:
        await asyncio.to_thread(restore.put_back, aside, url)
        raise restore.RestoreUndone(_detail(exc)) from exc
    except BaseException:  # interrupted
        await asyncio.to_thread(restore.put_back, aside, url)
        raise
    await asyncio.to_thread(restore.discard, aside)
    return erased


async def db_restore(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    url = settings.database_url
    source = Path(args.file)
    ledger = ErasureLedger(settings.erasure_ledger_path)
    try:
        await asyncio.to_thread(_check, source, url)
        await _may_replace(url, source, args.yes)
        erased = await _replace(source, url, ledger)
    except backup.BackupError as exc:
        raise DomainError(explain(exc)) from exc
    except SQLAlchemyError as exc:  # a damaged file, a server that is down
        raise DomainError(explain(backup.RestoreFailed(_detail(exc)))) from exc
    restored = _("Restored {file} into {database}; its schema is up to date.").format(
        file=source, database=backup.describe(url)
    )
    again = _("Erasures made after this backup, applied again: {count} (ledger {ledger}).").format(
        count=erased, ledger=ledger.path
    )
    return f"{restored}\n{again}"


def add_commands(groups: Any) -> None:
    db = groups.add_parser(
        "db", help=_("back up and restore the database (README, Backups)")
    ).add_subparsers(dest="action", required=True)
    save = db.add_parser(
        "backup", help=_("a consistent copy of the database, safe while the bot runs")
    )
    save.add_argument("file")
    output.add_force(save)
    save.set_defaults(run=db_backup, migrate=False)
    back = db.add_parser(
        "restore", help=_("replace the database with a backup; stop the bot first")
    )
    back.add_argument("file")
    back.add_argument(
        "--yes", action="store_true", help=_("replace a database that already holds data")
    )
    back.set_defaults(run=db_restore, migrate=False)

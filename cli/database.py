"""`pakn db backup|restore FILE`: a copy of the database taken while the bot runs, and put
back. Neither migrates first (cli.main): a backup is the database as it is, and a restore
replaces it, then brings the restored schema up to date."""

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
from services.database.engine import is_sqlite
from services.database.migrations import upgrade_database
from services.errors import DomainError

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
    if isinstance(exc, backup.NotABackup):
        return _("{file} is not a backup of Hòm thư số (a SQLite database).").format(file=exc.path)
    if isinstance(exc, backup.NewerBackup):
        return _(
            "This backup was made by a newer version of Hòm thư số (schema {revision}): "
            "update the program first, then restore."
        ).format(revision=exc.revision)
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


async def db_restore(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    url = settings.database_url
    source = Path(args.file)
    database = backup.describe(url)
    try:
        if not await asyncio.to_thread(source.is_file):
            raise backup.DatabaseMissing(source)
        if is_sqlite(url):  # checked before anything is touched
            await asyncio.to_thread(backup.backup_revision, source)
        holder = await asyncio.to_thread(
            backup.scheduler_holder,
            url,
            datetime.now(UTC),
            lease_name=LEASE_NAME,
            lock_key=LOCK_KEY,
        )
        if holder is not None:
            raise DomainError(
                _("The bot is running on {database} ({holder}): stop it, then restore.").format(
                    database=database, holder=holder
                )
            )
        if not args.yes and await asyncio.to_thread(backup.has_data, url):
            raise DomainError(
                _(
                    "{database} already holds data, and restoring replaces all of it with "
                    "{file}. To do that, run the same command with --yes."
                ).format(database=database, file=source)
            )
        if is_sqlite(url):
            await asyncio.to_thread(backup.restore_sqlite, source, url)
        else:
            await asyncio.to_thread(backup_pg.restore, source, url)
    except backup.BackupError as exc:
        raise DomainError(explain(exc)) from exc
    except SQLAlchemyError as exc:  # a damaged file, a server that is down
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise DomainError(explain(backup.RestoreFailed(detail))) from exc
    await asyncio.to_thread(upgrade_database, url)  # an older backup gets the newest schema
    return _("Restored {file} into {database}; its schema is up to date.").format(
        file=source, database=database
    )


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

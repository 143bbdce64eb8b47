"""The nightly backup job: a copy of the SQLite database in BACKUP_DIR at BACKUP_TIME (local),
the newest BACKUP_KEEP kept. PostgreSQL is backed up with pg_dump, outside the bot."""

import asyncio
import logging
from datetime import time
from pathlib import Path

from config.context import AppContext
from services.backup.nightly import nightly_backup
from services.database.engine import is_sqlite

log = logging.getLogger(__name__)
_told: set[str] = set()  # databases already told that pg_dump is the way


async def backup(ctx: AppContext) -> None:
    """Never raises: a failed copy is logged and the scheduler carries on."""
    settings = ctx.settings
    if not settings.backup_dir:
        return
    if not is_sqlite(settings.database_url):
        if settings.database_url not in _told:
            _told.add(settings.database_url)
            log.warning(
                "backup: BACKUP_DIR copies SQLite only; back up PostgreSQL with "
                "`pakn db backup FILE` or pg_dump --format=custom (README, Backups)"
            )
        return
    directory = Path(settings.backup_dir)
    local = ctx.clock.now().astimezone(ctx.tz)
    try:
        done = await asyncio.to_thread(
            nightly_backup,
            settings.database_url,
            directory,
            settings.backup_keep,
            local,
            time.fromisoformat(settings.backup_time),
        )
    except Exception:
        log.exception("backup: the nightly copy into %s failed", directory)
        return
    if done.written is not None:
        log.info("backup: wrote %s", done.written)
    if done.removed:
        log.info(
            "backup: removed %s old cop%s (keeping %s): %s",
            len(done.removed),
            "y" if len(done.removed) == 1 else "ies",
            settings.backup_keep,
            ", ".join(p.name for p in done.removed),
        )

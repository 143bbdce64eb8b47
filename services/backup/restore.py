"""Putting a SQLite backup in place of the live database, with the way back kept.

The backup replaces the database in one write transaction (SQLite's backup API): a reader
sees the old database or the new one, never a mix. Before that the live database is copied
aside (`homthuso.db.before-restore`, its owner only); once the restored one has been opened,
checked and migrated the copy goes, and if any of that fails it is put back."""

import sqlite3
from contextlib import closing
from pathlib import Path

from services.backup.copies import RestoreFailed, backup_sqlite, connect, copy, sqlite_file
from services.backup.verify import DamagedBackup, damage

ASIDE_SUFFIX = ".before-restore"


class RestoreUndone(RestoreFailed):
    """The restored database failed after replacing the live one, which was put back."""


def set_aside(url: str) -> Path | None:
    """A copy of the live database beside it; None when there is none yet."""
    live = sqlite_file(url)
    if not live.is_file():
        return None
    try:
        return backup_sqlite(url, live.with_name(live.name + ASIDE_SUFFIX))
    except sqlite3.Error as exc:  # the live file itself is damaged
        raise RestoreFailed(str(exc)) from exc


def restore_sqlite(source: Path, url: str) -> None:
    """The caller checked the backup first (services.backup.verify) and migrates after."""
    target = sqlite_file(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        copy(source, target)
        with closing(connect(target)) as db:
            damage(db, target)
    except sqlite3.Error as exc:
        raise RestoreFailed(str(exc)) from exc
    except DamagedBackup as exc:
        raise RestoreFailed(exc.detail) from exc


def put_back(aside: Path | None, url: str) -> None:
    """The database as it was before the restore; no copy aside: none was there."""
    target = sqlite_file(url)
    if aside is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        return
    copy(aside, target)
    aside.unlink()


def discard(aside: Path | None) -> None:
    if aside is not None:
        aside.unlink(missing_ok=True)

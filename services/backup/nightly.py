"""The nightly copies in BACKUP_DIR: `homthuso-YYYYMMDD-HHMM.db`, local time, newest kept.

A function of "now" like every scheduled job: it makes a copy only when none was made since
the last scheduled time, so a restart catches up a missed night without copying twice."""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from services.backup.copies import backup_sqlite

NAME = re.compile(r"^homthuso-(\d{8}-\d{4})\.db$")
STAMP = "%Y%m%d-%H%M"


@dataclass(frozen=True)
class NightlyResult:
    written: Path | None  # None: the copy for this night was already there
    removed: tuple[Path, ...]


def copy_name(local: datetime) -> str:
    return f"homthuso-{local.strftime(STAMP)}.db"


def copies(directory: Path) -> list[Path]:
    """The nightly copies, oldest first (the names sort by time); other files are ignored."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if NAME.match(p.name) and p.is_file())


def _taken_at(path: Path, local: datetime) -> datetime:
    match = NAME.match(path.name)
    assert match is not None
    return datetime.strptime(match.group(1), STAMP).replace(tzinfo=local.tzinfo)


def last_slot(local: datetime, at: time) -> datetime:
    """The latest scheduled time at or before `local`."""
    slot = datetime.combine(local.date(), at, tzinfo=local.tzinfo)
    return slot if slot <= local else slot - timedelta(days=1)


def prune(directory: Path, keep: int) -> tuple[Path, ...]:
    old = copies(directory)[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
    return tuple(old)


def nightly_backup(
    url: str, directory: Path, keep: int, local: datetime, at: time
) -> NightlyResult:
    """`local` is now in the commune's time zone; `at` the BACKUP_TIME."""
    directory = directory.expanduser()
    made = [p for p in copies(directory) if _taken_at(p, local) <= local]
    written = None
    if not made or _taken_at(made[-1], local) < last_slot(local, at):
        written = backup_sqlite(url, directory / copy_name(local))
    return NightlyResult(written=written, removed=prune(directory, keep))

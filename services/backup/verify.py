"""Whether a file can be restored, asked before anything is touched: a SQLite file whole
(`PRAGMA integrity_check`), holding this product's tables, at a schema revision this code
knows; a pg_dump archive listing this product's tables.

SQLite copies pages without reading them: a backup with damaged pages restored as it was
would leave the live database malformed, and the restore would still say it went well."""

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from alembic.script import ScriptDirectory

from services.backup.copies import (
    BackupError,
    DatabaseMissing,
    NewerBackup,
    NotABackup,
    connect,
)
from services.backup.postgres import ToolFailed, find_tool
from services.database.migrations import alembic_config

SQLITE_MAGIC = b"SQLite format 3\x00"
# present at every revision since the first: a file without them is another program's
OUR_TABLES = frozenset({"alembic_version", "commune", "resident", "ticket", "ticketevent"})


class DamagedBackup(BackupError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail


class NotADump(NotABackup):
    """Not a pg_dump archive of this project's database."""


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {revision.revision for revision in script.walk_revisions()}


def damage(db: sqlite3.Connection, path: Path) -> None:
    """Raises DamagedBackup unless SQLite finds the whole file sound."""
    try:
        found = [str(row[0]) for row in db.execute("PRAGMA integrity_check(5)")]
    except sqlite3.DatabaseError as exc:  # too damaged to list what is wrong
        raise DamagedBackup(path, str(exc)) from exc
    if found != ["ok"]:
        raise DamagedBackup(path, found[0])


def sqlite_backup_revision(path: Path) -> str:
    """The schema revision of a SQLite backup that may be restored; refuses any other."""
    if not path.is_file():
        raise DatabaseMissing(path)
    with path.open("rb") as file:
        if file.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise NotABackup(path)
    with closing(connect(path)) as db:
        try:
            names = {str(r[0]) for r in db.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:  # its schema pages are damaged
            raise DamagedBackup(path, str(exc)) from exc
        damage(db, path)
        if not OUR_TABLES.issubset(names):
            raise NotABackup(path)
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        raise NotABackup(path)
    if row[0] not in known_revisions():
        raise NewerBackup(row[0])
    return str(row[0])


def check_dump(path: Path) -> None:
    """pg_restore reads the archive's table of contents: a file that is not one, or one of
    another program's database, is refused. (A damaged data block shows only while
    restoring, which then changes nothing: one transaction.)"""
    if not path.is_file():
        raise DatabaseMissing(path)
    done = subprocess.run(
        [str(find_tool("pg_restore")), "--list", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        if any("valid archive" in line or "magic" in line for line in lines):
            raise NotADump(path)
        raise ToolFailed("pg_restore", lines[-1] if lines else f"exit {done.returncode}")
    tables = set()
    for line in done.stdout.splitlines():  # "215; 1259 16390 TABLE public ticket pakn"
        parts = line.split()
        if "TABLE" in parts[:4] and len(parts) > parts.index("TABLE") + 2:
            at = parts.index("TABLE")
            if parts[at + 1] != "DATA":
                tables.add(parts[at + 2])
    if not OUR_TABLES.issubset(tables):
        raise NotADump(path)

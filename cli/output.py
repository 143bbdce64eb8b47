"""The files commands write (`--out`, `--json`, `pakn db backup FILE`): an existing file is
replaced only with `--force`, and the database, its -wal, -shm or -journal never, whatever
the path that leads to them (a symbolic or hard link, `..`)."""

import os
import secrets
from pathlib import Path
from typing import Any

from config.settings import Settings
from locales.catalogs import translation
from services.backup.copies import BackupError, sqlite_file
from services.database.engine import is_sqlite
from services.errors import DomainError

_ = translation().gettext
SIDE_FILES = ("-wal", "-shm", "-journal")


def add_force(parser: Any) -> None:
    parser.add_argument(
        "--force", action="store_true", help=_("replace the file if it exists already")
    )


def _database_files(settings: Settings) -> list[Path]:
    if not is_sqlite(settings.database_url):
        return []
    try:
        database = sqlite_file(settings.database_url)
    except BackupError:  # an in-memory database has no file
        return []
    return [database, *(database.with_name(database.name + end) for end in SIDE_FILES)]


def _same(target: Path, protected: Path) -> bool:
    if target.resolve() == protected.resolve():
        return True
    try:
        return os.path.samefile(target, protected)
    except OSError:  # one of them does not exist
        return False


def target(name: str | Path, settings: Settings, *, force: bool) -> Path:
    """The path to write, once it is known not to be the database and, unless `force`, not
    an existing file."""
    path = Path(name).expanduser()
    for protected in _database_files(settings):
        if _same(path, protected):
            raise DomainError(
                _(
                    "{file} is the database ({database}) or one of its files: choose another "
                    "name. Nothing was written."
                ).format(file=path, database=protected)
            )
    if path.is_dir():
        raise DomainError(_("{file} is a folder: give a file name.").format(file=path))
    if not force and (path.exists() or path.is_symlink()):
        raise DomainError(_exists(path))
    return path


def _exists(path: Path) -> str:
    return _("{file} exists already: choose another name, or add --force to replace it.").format(
        file=path
    )


def _link(partial: Path, path: Path, data: bytes) -> None:
    """Fails with FileExistsError if the name was taken meanwhile."""
    try:
        os.link(partial, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without links, such as a FAT memory stick
        with path.open("xb") as file:
            file.write(data)


def write(name: str | Path, data: bytes, settings: Settings, *, force: bool) -> Path:
    """A new file, written under a temporary name and put in place whole: without `force`
    only if nothing has that name by then; with it, over the existing file (a link is
    replaced, not written through)."""
    path = target(name, settings, force=force)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        partial.write_bytes(data)
        if force:
            os.replace(partial, path)
        else:
            _link(partial, path, data)
    except FileExistsError as exc:
        raise DomainError(_exists(path)) from exc
    except OSError as exc:
        raise DomainError(
            _("cannot write {file}: {reason}").format(file=path, reason=exc.strerror)
        ) from exc
    finally:
        partial.unlink(missing_ok=True)
    return path

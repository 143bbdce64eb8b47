"""PostgreSQL backups with its own tools: pg_dump --format=custom and pg_restore.

The tools are looked for on PATH, then under /usr/lib/postgresql/<version>/bin (Debian and
Ubuntu install them there), newest version first: pg_dump must be at least as new as the
server. The password goes in PGPASSWORD, never on the command line."""

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from services.backup.copies import BackupError

DEBIAN_ROOT = Path("/usr/lib/postgresql")


class ToolMissing(BackupError):
    def __init__(self, tool: str) -> None:
        super().__init__(tool)
        self.tool = tool


class ToolFailed(BackupError):
    def __init__(self, tool: str, detail: str) -> None:
        super().__init__(f"{tool}: {detail}")
        self.tool = tool
        self.detail = detail


def _version(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.parent.name))


def find_tool(name: str, root: Path = DEBIAN_ROOT) -> Path:
    found = shutil.which(name)
    if found:
        return Path(found)
    candidates = [p for p in root.glob(f"*/bin/{name}") if os.access(p, os.X_OK)]
    if not candidates:
        raise ToolMissing(name)
    return max(candidates, key=_version)


def _connection(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and the environment that carries it."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(tool: str, arguments: list[str], url: str) -> None:
    uri, env = _connection(url)
    command = [str(find_tool(tool)), f"--dbname={uri}", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise ToolFailed(tool, lines[-1] if lines else f"exit status {done.returncode}")


def dump(url: str, target: Path) -> Path:
    """pg_dump's custom format into `target`, which appears whole or not at all."""
    target = target.expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # personal data: readable by the bot's user only
    try:
        _run("pg_dump", ["--format=custom", f"--file={partial}"], url)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(source: Path, url: str) -> None:
    """Drops what the dump holds and recreates it, in one transaction: on an error the
    database is left as it was. The caller migrates it afterwards."""
    _run(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)],
        url,
    )

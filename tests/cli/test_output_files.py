"""Every command that writes a file refuses an existing one unless --force, and refuses the
database and its -wal/-shm whatever the path and even with --force. Run in this process
(cli.main, as `pakn` runs it), for speed."""

import asyncio
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from cli.main import main
from models import ReportKind, ReportStatus
from services.communes import registry as communes
from services.database.engine import create_engine_for, is_sqlite, session_factory
from services.reporting import versions as report_versions

Pakn = Callable[..., tuple[int, str, str]]
OLD = b"the office's own file"


@pytest.fixture
def pakn(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Pakn:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("BOT_TOKEN", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def _commands(out: Path, version: int) -> list[list[str]]:
    commune = ["--commune", "7060"]
    return [
        ["export", "cases", *commune, "--from", "2024-01-01", "--to", "2024-12-31", "--out"],
        ["report", "annual", *commune, "--year", "2024", "--out"],
        ["report", "version", str(version), *commune, "--out"],
        ["report", "version", str(version), *commune, "--json"],
        ["db", "backup"],
        ["poster", *commune, "--format", "svg", "--out"],
    ]


def _version(database_url: str) -> int:
    """A commune and a kept report version, as the bot would have made them."""
    return asyncio.run(_kept(database_url))


async def _kept(database_url: str) -> int:
    engine = create_engine_for(database_url)
    try:
        async with session_factory(engine)() as session:
            return await _save(session)
    finally:
        await engine.dispose()


async def _save(session: AsyncSession) -> int:
    commune = await communes.add_commune(session, "7060", year=2024, population=1000)
    assert commune.id is not None
    now = datetime(2024, 12, 5, 2, 0, tzinfo=UTC)
    kept = await report_versions.save_version(
        session, commune_id=commune.id, kind=ReportKind.ANNUAL,
        period=(date(2024, 1, 1), date(2024, 12, 31)), channels="all", as_of=now,
        title="Kết quả năm 2024", summary="", statistics={"tiếp_nhận": 762},
        docx=b"PK the file as sent", now=now, status=ReportStatus.SENT,
    )  # fmt: skip
    await session.commit()
    assert kept.id is not None
    return kept.id


def test_an_existing_file_is_replaced_only_with_force(
    pakn: Pakn, database_url: str, tmp_path: Path
) -> None:
    version = _version(database_url)
    for n, command in enumerate(_commands(tmp_path, version)):
        path = tmp_path / f"existing-{n}"
        path.write_bytes(OLD)
        code, _out, err = pakn(*command, str(path))
        assert code == 1 and err == (
            f"{path} đã có: hãy chọn tên khác, hoặc thêm --force để ghi đè.\n"
        ), command
        assert path.read_bytes() == OLD
        code, _out, err = pakn(*command, str(path), "--force")
        assert code == 0, (command, err)
        assert path.read_bytes() != OLD and path.stat().st_size > 0
        fresh = tmp_path / f"new-{n}"
        assert pakn(*command, str(fresh))[0] == 0 and fresh.stat().st_size > 0
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_the_database_and_its_wal_are_never_written_over(
    pakn: Pakn, database_url: str, tmp_path: Path
) -> None:
    if not is_sqlite(database_url):
        pytest.skip("a PostgreSQL database is not a file here")
    version = _version(database_url)
    database = Path(database_url.removeprefix("sqlite:///"))
    for end in ("-wal", "-shm"):
        Path(f"{database}{end}").touch()
    before = database.stat().st_ino
    hard = tmp_path / "hard.db"
    os.link(database, hard)
    soft = tmp_path / "soft-wal"
    soft.symlink_to(f"{database}-wal")
    around = database.parent / ".." / database.parent.name / database.name
    targets = [database, Path(f"{database}-wal"), Path(f"{database}-shm"), hard, soft, around]
    for command in _commands(tmp_path, version):
        for target in targets:
            code, _out, err = pakn(*command, str(target), "--force")
            assert code == 1, (command, target)
            assert err.startswith(f"{target} là cơ sở dữ liệu (") and "Chưa ghi gì." in err
    assert database.stat().st_ino == before, "not replaced"


def test_out_and_json_cannot_be_one_file(pakn: Pakn, database_url: str, tmp_path: Path) -> None:
    version = _version(database_url)
    same = str(tmp_path / "a")
    code, _out, err = pakn(
        "report", "version", str(version), "--commune", "7060", "--out", same, "--json", same
    )
    assert code == 1 and "--out và --json trỏ vào cùng một tệp" in err

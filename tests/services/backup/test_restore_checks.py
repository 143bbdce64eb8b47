"""What `pakn db restore` refuses before touching anything — a backup with damaged pages,
another program's SQLite file — and what it does after: a backup older than an erasure has
the erasure applied again from the ledger, and says how many."""

import asyncio
import contextlib
import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from models import AuditEntry, Channel, Kind, Resident
from services.cases import tickets
from services.cases.tickets import TicketDraft
from services.communes import registry as communes
from services.database.engine import create_engine_for, session_factory
from services.database.migrations import upgrade_database
from services.people import residents
from services.privacy import erasure
from services.privacy.ledger import ErasureLedger
from tests.cli.test_main import run
from tests.reports.seeds import POLICY
from tests.services.backup.test_copies import seeded_sqlite
from tests.services.privacy.scan import traces

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _villages(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [row[0] for row in db.execute("SELECT name FROM village ORDER BY id")]


def test_a_backup_with_damaged_pages_is_refused_and_the_database_stays(tmp_path: Path) -> None:
    url, commune_id = asyncio.run(seeded_sqlite(tmp_path / "live.db"))
    with contextlib.closing(sqlite3.connect(tmp_path / "live.db")) as db:
        db.executemany(
            "INSERT INTO village (commune_id, name, active) VALUES (?, ?, 1)",
            [(commune_id, f"Thôn {i} " + "Yên Phú " * 20) for i in range(2000)],
        )
        db.commit()
    saved = tmp_path / "saved.db"
    assert run("db", "backup", str(saved), database_url=url).returncode == 0
    damaged = bytearray(saved.read_bytes())
    page = 4096
    pages = len(damaged) // page
    noise = random.Random(7)
    for number in range(pages - pages // 4, pages - 1):  # the villages' last pages
        damaged[number * page : (number + 1) * page] = noise.randbytes(page)
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(bytes(damaged))
    before = _villages(tmp_path / "live.db")

    refused = run("db", "restore", str(corrupt), "--yes", database_url=url)

    assert refused.returncode == 1, refused.stdout
    assert "bị hỏng" in refused.stderr and "vẫn như cũ" in refused.stderr
    assert _villages(tmp_path / "live.db") == before
    assert not list(tmp_path.glob("*.before-restore"))


def test_another_programs_database_is_not_taken_for_a_backup(tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path}/homthuso.db"
    upgrade_database(target)
    other = tmp_path / "other-app.db"
    with contextlib.closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        db.execute("INSERT INTO alembic_version VALUES ('3f1c2a9b7d10')")
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
        db.commit()
    refused = run("db", "restore", str(other), "--yes", database_url=target)
    assert refused.returncode == 1
    assert "không phải bản sao lưu của Hòm thư số" in refused.stderr


async def _hoa(url: str) -> int:
    engine = create_engine_for(url)
    try:
        async with session_factory(engine)() as session:
            commune = await communes.add_commune(session, "7060", year=2026, population=12290)
            hoa = await residents.get_or_create_by_telegram(
                session, 987654321, full_name="Nguyễn Thị Hoa", username="hoa_nt_yenphu"
            )
            draft = TicketDraft(
                kind=Kind.REPORT,
                category_id=None,
                text="Ổ gà lớn trước cổng trường",
                received_at=NOW,
                channel=Channel.TELEGRAM,
                phone="0912345678",
            )
            await tickets.submit_ticket(
                session, commune=commune, resident=hoa, draft=draft, policy=POLICY, now=NOW
            )
            assert hoa.id is not None
            return hoa.id
    finally:
        await engine.dispose()


async def _erase(url: str, resident_id: int, ledger: ErasureLedger) -> None:
    engine = create_engine_for(url)
    try:
        async with session_factory(engine)() as session:
            hoa = await session.get(Resident, resident_id)
            assert hoa is not None
            await erasure.erase(session, hoa, NOW, reason="request", ledger=ledger)
    finally:
        await engine.dispose()


async def _what_is_left(url: str) -> tuple[list[str], list[str | None]]:
    engine = create_engine_for(url)
    try:
        async with session_factory(engine)() as session:
            words = ("Nguyễn Thị Hoa", "hoa_nt_yenphu", "0912345678", "Ổ gà lớn")
            left = await traces(session, chat_id=987654321, words=words)
            audits = (
                await session.exec(
                    select(AuditEntry.detail).where(AuditEntry.action == "resident_erased")
                )
            ).all()
            return left, list(audits)
    finally:
        await engine.dispose()


async def test_a_backup_older_than_an_erasure_is_erased_again(
    database_url: str, tmp_path: Path
) -> None:
    resident_id = await _hoa(database_url)
    saved = tmp_path / "before-the-erasure.backup"
    assert run("db", "backup", str(saved), database_url=database_url).returncode == 0
    ledger = ErasureLedger(tmp_path / "erasures.ledger")
    await _erase(database_url, resident_id, ledger)
    assert (await _what_is_left(database_url))[0] == []

    restored = run(
        "db",
        "restore",
        str(saved),
        "--yes",
        database_url=database_url,
        env={"ERASURE_LEDGER": str(ledger.path)},
    )

    assert restored.returncode == 0, restored.stderr
    assert "Đã khôi phục" in restored.stdout
    assert "áp dụng lại: 1" in restored.stdout and str(ledger.path) in restored.stdout
    left, audits = await _what_is_left(database_url)
    assert left == [], "she does not come back"
    assert audits == [f"resident {resident_id}; 1 case(s); request, again after a restore"]

"""A resident's erasure: personal data gone from every table, the statistics unchanged; a
request that waits for open cases, completed by the retention job, which also anonymises
residents past the retention period."""

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.context import build_context
from config.settings import Settings
from models import AuditEntry, EventKind, Rating, TicketEvent
from scheduler import jobs
from services.clock import FixedClock
from services.desk import actions as desk
from services.privacy import erasure
from services.privacy.ledger import ErasureLedger
from services.statistics.figures import Period, compute
from tests.services.privacy.world import NOW, POLICY, SECRETS, at, hoa_world


async def _fresh(session: AsyncSession, *rows: object) -> None:
    """Ends this session's read snapshot, so what the job (another session) wrote shows."""
    await session.commit()  # nothing pending: it only ends the transaction
    for row in rows:
        await session.refresh(row)


async def _everything(session: AsyncSession) -> str:
    rows = []
    for table in SQLModel.metadata.sorted_tables:
        rows += [repr(tuple(r)) for r in (await session.exec(sa_select(table))).all()]
    return "\n".join(rows)


async def test_erasure_leaves_no_personal_data_and_the_same_numbers(
    session: AsyncSession, tmp_path: Path
) -> None:
    commune, _officer, hoa, _an, closed, others = await hoa_world(session)
    november = Period(date(2024, 11, 1), date(2024, 11, 30))
    before = (await compute(session, POLICY, [commune.id], november, now=NOW)).as_dict()
    everything = await _everything(session)
    assert [s for s in SECRETS if s not in everything] == [], "the test data is there"

    outcome = await erasure.request_erasure(
        session, hoa, NOW, ledger=ErasureLedger(tmp_path / "erasures.ledger")
    )

    assert outcome == erasure.ErasureOutcome(erased=True, open_cases=0)
    everything = await _everything(session)
    assert [s for s in SECRETS if s in everything] == []
    assert (await compute(session, POLICY, [commune.id], november, now=NOW)).as_dict() == before
    assert "Đèn đường ngõ 5" in everything and "Trần An" in everything, "others untouched"
    await session.refresh(closed)
    assert closed.resident_id == hoa.id and closed.text == erasure.REDACTED_TEXT
    assert closed.rating is Rating.SATISFIED, "the rating is a statistic, not personal data"
    kinds = (
        await session.exec(
            select(TicketEvent.kind)
            .where(TicketEvent.ticket_id == closed.id)
            .order_by(col(TicketEvent.id))
        )
    ).all()
    assert kinds[-1] is EventKind.REDACTED and EventKind.CREATED in kinds, "the history stays"
    reply = (
        await session.exec(select(TicketEvent).where(TicketEvent.kind == EventKind.REPLIED))
    ).one()
    assert reply.text == "Chào chị [đã xóa], đã ghi nhận", "staff words stay, without the name"
    audit = (
        await session.exec(select(AuditEntry).where(AuditEntry.action == "resident_erased"))
    ).one()
    assert audit.detail == f"resident {hoa.id}; 1 case(s); request"
    assert others.text == "Đèn đường ngõ 5 bị hỏng"


async def test_erasure_waits_for_open_cases_then_the_job_completes_it(
    session: AsyncSession, engine: AsyncEngine, tmp_path: Path
) -> None:
    _commune, officer, hoa, an, closed, others = await hoa_world(session)
    ledger = ErasureLedger(tmp_path / "erasures.ledger")
    outcome = await erasure.request_erasure(session, an, NOW, ledger=ledger)
    assert outcome == erasure.ErasureOutcome(erased=False, open_cases=1)
    await _fresh(session, an)
    assert an.full_name == "Trần An" and an.erasure_requested_at == NOW

    settings = Settings(database_url="sqlite:///unused.db", erasure_ledger=str(ledger.path))
    ctx = build_context(settings, engine, FixedClock(NOW))
    await jobs.retention_job(ctx)
    await _fresh(session, an)
    assert an.erased_at is None, "its case is still open"

    await desk.close(session, others, officer, "Đã thay bóng", at=at(12), now=at(12))
    await jobs.retention_job(ctx)
    await _fresh(session, an, hoa)
    assert an.erased_at == NOW and an.full_name is None and an.telegram_id is None
    assert hoa.erased_at is None, "Hoa asked nothing and is within the retention period"

    # five years after her case closed (8/11/2024), Hoa's data goes too
    later = dataclasses.replace(ctx, clock=FixedClock(datetime(2029, 11, 7, tzinfo=UTC)))
    await jobs.retention_job(later)
    await _fresh(session, hoa)
    assert hoa.erased_at is None
    later = dataclasses.replace(ctx, clock=FixedClock(datetime(2029, 11, 9, tzinfo=UTC)))
    await jobs.retention_job(later)
    await _fresh(session, hoa, closed)
    assert hoa.erased_at is not None and hoa.full_name is None and closed.contact_phone is None
    audits = (
        await session.exec(select(AuditEntry.detail).where(AuditEntry.action == "resident_erased"))
    ).all()
    assert sorted(audits) == sorted(
        [f"resident {an.id}; 1 case(s); request", f"resident {hoa.id}; 1 case(s); retention"]
    )
    written = [(e.reason, e.resident_id, e.key) for e in ledger.entries()]
    assert written == [
        ("waiting", an.id, an.public_key),
        ("request", an.id, an.public_key),
        ("retention", hoa.id, hoa.public_key),
    ], "the ledger has each erasure, by id and pseudonymous key"
    kept = ledger.path.read_text(encoding="utf-8")
    assert [s for s in (*SECRETS, "Trần An") if s in kept] == [], "and nothing that names them"

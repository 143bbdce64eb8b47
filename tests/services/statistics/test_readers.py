"""The statistics' passes side by side count the same data as one transaction would."""

from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Channel, Ticket
from services.database.engine import session_factory
from services.statistics import readers as readers
from services.statistics.figures import Period, compute
from tests.services.statistics.test_figures import NOW, POLICY, _month

NOVEMBER = Period(date(2024, 11, 1), date(2024, 11, 30))


async def _zalo(session: AsyncSession) -> int:
    query = select(func.count()).select_from(Ticket).where(Ticket.channel == Channel.ZALO)
    return (await session.exec(query)).one()


async def test_side_by_side_or_one_after_the_other_the_same_numbers(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    commune_id = (await _month(session)).id
    await session.commit()
    async with readers.readers_for(session, 2) as sessions:
        assert len(sessions) == 2  # committed data: the passes can run side by side
    await session.rollback()  # the session shared the readers' snapshot: a new one
    side_by_side = await compute(session, POLICY, [commune_id], NOVEMBER, now=NOW)
    monkeypatch.setattr(readers, "READERS", 1)
    one_by_one = await compute(session, POLICY, [commune_id], NOVEMBER, now=NOW)
    assert side_by_side.as_dict() == one_by_one.as_dict()
    assert side_by_side.received == 9 and side_by_side.answered == 5


async def test_what_the_transaction_wrote_and_did_not_commit_is_counted(
    session: AsyncSession,
) -> None:
    commune = await _month(session)
    await session.commit()
    ticket = (
        await session.exec(select(Ticket).where(Ticket.text.startswith("Phản ánh số 2 ")))
    ).one()
    ticket.channel = Channel.ZALO
    await session.flush()  # not committed: only this session sees it
    stats = await compute(session, POLICY, [commune.id], NOVEMBER, now=NOW)
    assert stats.received_by_channel == {"telegram": 7, "zalo": 1, "phone": 1}


async def test_the_readers_see_one_state_of_the_data(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    await _month(session)
    await session.commit()
    async with readers.readers_for(session, 2) as (first, second):
        assert await _zalo(first) == 0
        async with session_factory(engine)() as other:  # a commit while the report counts
            ticket = (await other.exec(select(Ticket))).first()
            assert ticket is not None
            ticket.channel = Channel.ZALO
            await other.commit()
        assert await _zalo(first) == 0
        assert await _zalo(second) == 0
        if engine.dialect.name == "sqlite":  # PostgreSQL's session reads each commit
            assert await _zalo(session) == 0  # what the caller reads next agrees
    async with session_factory(engine)() as later:
        assert await _zalo(later) == 1

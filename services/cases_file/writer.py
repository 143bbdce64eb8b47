"""Writing checked rows of a cases file: missing villages and categories, residents by their
key, the cases and the events their state implies, in batches (50,000 rows in seconds); the
code sequence moves past the imported codes. No commit and no notification here."""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    ActorType,
    Category,
    Commune,
    EventKind,
    Resident,
    Ticket,
    TicketEvent,
    TicketSequence,
    TicketStatus,
    Village,
)
from models.enums import ANSWER_EVENTS
from services.calendar.deadlines import DeadlinePolicy, DeadlineRule, Deadlines, compute
from services.cases_file import columns as cc
from services.cases_file.rows import CaseRow
from services.text import fold

BATCH = 1000
CLOSING = {
    TicketStatus.RESOLVED: EventKind.RESOLVED,
    TicketStatus.FORWARDED: EventKind.FORWARDED,
    TicketStatus.REJECTED: EventKind.REJECTED,
    TicketStatus.MERGED: EventKind.MERGED,
    TicketStatus.WITHDRAWN: EventKind.WITHDRAWN,
}
_SOURCE = {"source": "import"}


def _table(model: Any) -> Any:
    return model.__table__


async def _create_places(
    session: AsyncSession,
    commune_id: int,
    known: dict[str, dict[str, int]],
    new: dict[str, dict[str, str]],
) -> None:
    slugs = set(
        (await session.exec(select(Category.slug).where(Category.commune_id == commune_id))).all()
    )
    for key, name in new["category"].items():
        slug = fold(name).replace(" ", "_")[:36] or "linh_vuc"
        while slug in slugs:
            slug += "_"
        slugs.add(slug)
        category = Category(commune_id=commune_id, slug=slug, name=name, position=len(slugs))
        session.add(category)
        await session.flush()
        assert category.id is not None
        known["category"][key] = category.id
    for key, name in new["village"].items():
        village = Village(commune_id=commune_id, name=name)
        session.add(village)
        await session.flush()
        assert village.id is not None
        known["village"][key] = village.id


async def _residents(
    session: AsyncSession, commune_id: int, keys: set[str], now: datetime
) -> dict[str, int]:
    found: dict[str, int] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        rows = await session.exec(
            select(Resident.public_key, Resident.id).where(col(Resident.public_key).in_(chunk))
        )
        found.update({k: i for k, i in rows.all() if k and i})
    missing = [
        {"public_key": k, "commune_id": commune_id, "language": "vi", "created_at": now}
        for k in ordered
        if k not in found
    ]
    for start in range(0, len(missing), BATCH):
        table = _table(Resident)
        statement = insert(table).returning(table.c.public_key, table.c.id)
        found.update(await _insert(session, statement, missing[start : start + BATCH]))
    return found


async def _insert(
    session: AsyncSession, statement: Any, rows: list[dict[str, Any]]
) -> dict[Any, Any]:
    """One executemany (batched into multi-row INSERTs by SQLAlchemy); what it returns, as a
    dict of its two returned columns."""
    connection = await session.connection()
    returned = await connection.execute(statement, rows)
    return {a: b for a, b in returned} if returned.returns_rows else {}


class _Deadlines:
    """Deadlines depend on the rule and the local date of receipt only: computed once each."""

    def __init__(self, session: AsyncSession, policy: DeadlinePolicy, commune_id: int) -> None:
        self.session, self.policy, self.commune_id = session, policy, commune_id
        self.rules: dict[tuple[Any, int | None], DeadlineRule] = {}
        self.done: dict[tuple[DeadlineRule, date], Deadlines] = {}

    async def of(self, row: CaseRow, category_id: int | None) -> Deadlines:
        if not hasattr(self, "calendar"):
            self.calendar = await self.policy.calendar_for(self.session, self.commune_id)
        which = (row.kind, category_id)
        if which not in self.rules:
            self.rules[which] = await self.policy.rule_for(self.session, self.commune_id, *which)
        rule = self.rules[which]
        day = self.policy.local_date(row.received_at)
        if (rule, day) not in self.done:
            self.done[rule, day] = compute(rule, self.calendar, row.received_at, self.policy.tz)
        return self.done[rule, day]


def _events(ticket_id: int, row: CaseRow) -> list[dict[str, Any]]:
    def event(
        kind: EventKind, at: datetime, before: Any, after: Any, **data: Any
    ) -> dict[str, Any]:
        return {
            "ticket_id": ticket_id,
            "at": at,
            "kind": kind,
            "actor_type": ActorType.SYSTEM,
            "from_status": before,
            "to_status": after,
            "data": {**_SOURCE, **data},
        }

    out = [
        event(EventKind.CREATED, row.received_at, None, TicketStatus.NEW, channel=row.channel.value)
    ]
    state = TicketStatus.NEW
    if row.acknowledged_at is not None:
        out.append(
            event(EventKind.ACKNOWLEDGED, row.acknowledged_at, state, TicketStatus.ACKNOWLEDGED)
        )
        state = TicketStatus.ACKNOWLEDGED
    if row.status in CLOSING and row.closed_at is not None:
        out.append(event(CLOSING[row.status], row.closed_at, state, row.status))
    if row.rating is not None and row.rated_at is not None:
        out.append(event(EventKind.RATED, row.rated_at, None, None, rating=row.rating.value))
    return out


def _first_answer(row: CaseRow) -> datetime | None:
    """The closing _events writes is the imported case's only answer, when it is one."""
    if row.closed_at is not None and CLOSING.get(row.status) in ANSWER_EVENTS:
        return row.closed_at
    return None


async def _bump_sequences(session: AsyncSession, commune_id: int, rows: Sequence[CaseRow]) -> None:
    """New cases never take an imported code: each year's counter moves past them."""
    highest: dict[int, int] = {}
    for row in rows:
        highest[row.year] = max(highest.get(row.year, 0), row.seq)
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = _table(TicketSequence)
    for year, seq in highest.items():
        await session.exec(
            upsert(table)
            .values(commune_id=commune_id, year=year, last_seq=0)
            .on_conflict_do_nothing()
        )
        await session.exec(
            update(table)
            .where(table.c.commune_id == commune_id, table.c.year == year)
            .values(last_seq=case((table.c.last_seq < seq, seq), else_=table.c.last_seq))
        )


async def write_cases(
    session: AsyncSession,
    policy: DeadlinePolicy,
    commune: Commune,
    rows: Sequence[CaseRow],
    known: dict[str, dict[str, int]],
    new: dict[str, dict[str, str]],
    *,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    assert commune.id is not None
    await _create_places(session, commune.id, known, new)
    residents = await _residents(session, commune.id, {r.resident for r in rows if r.resident}, now)
    deadlines = _Deadlines(session, policy, commune.id)
    tickets, events = _table(Ticket), _table(TicketEvent)
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        values = []
        for row in batch:
            category_id = known["category"].get(cc.key(row.category)) if row.category else None
            computed = await deadlines.of(row, category_id)
            due = {name: row.deadlines.get(name, getattr(computed, name)) for name in cc.DEADLINES}
            values.append(
                {
                    "commune_id": commune.id,
                    "code": row.code,
                    "year": row.year,
                    "seq": row.seq,
                    "kind": row.kind,
                    "category_id": category_id,
                    "channel": row.channel,
                    "status": row.status,
                    "resident_id": residents.get(row.resident) if row.resident else None,
                    "village_id": known["village"].get(cc.key(row.village))
                    if row.village
                    else None,
                    "text": row.text,
                    "received_at": row.received_at,
                    **due,
                    "resolve_due_original_at": due["resolve_due_at"],
                    "deadline_rule": computed.rule.name,
                    "deadline_basis": computed.rule.legal_basis,
                    "acknowledged_at": row.acknowledged_at,
                    "closed_at": row.closed_at,
                    "first_answered_at": _first_answer(row),
                    "rating": row.rating,
                    "rated_at": row.rated_at,
                    "created_at": now,
                }
            )
        ids = await _insert(
            session, insert(tickets).returning(tickets.c.code, tickets.c.id), values
        )
        history = [e for row in batch for e in _events(ids[row.code], row)]
        await _insert(session, insert(events), history)
        if progress is not None:
            progress(start + len(batch), len(rows))
    await _bump_sequences(session, commune.id, rows)

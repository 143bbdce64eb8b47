"""Commune B's rows for the isolation test: every row it owns, to compare before and after,
and the ids A's people try in forged buttons."""

from typing import Any

from sqlalchemy import Table
from sqlalchemy import select as select_rows
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeUser
from models import Staff, Ticket


async def ids_of(db: AsyncSession, model: Any, commune_id: int) -> list[int]:
    """The ids of a model's rows that belong to the commune (Ticket, Staff, ReplyTemplate…)."""
    await db.rollback()
    rows = await db.exec(select(model.id).where(model.commune_id == commune_id))
    return sorted(int(i) for i in rows.all())


async def snapshot(db: AsyncSession, commune_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the commune owns (its own row, rows with its commune_id, rows of its
    tickets), except the audit log, which records refused attempts on purpose."""
    await db.rollback()
    tables: dict[str, Table] = {t.name: t for t in SQLModel.metadata.sorted_tables}
    ticket_ids = select(Ticket.id).where(Ticket.commune_id == commune_id)
    commune = tables["commune"]
    queries = {"commune": select_rows(commune).where(commune.c.id == commune_id)}
    for name, table in tables.items():
        if name == "auditentry":
            continue
        if "commune_id" in table.c:
            queries[name] = select_rows(table).where(table.c.commune_id == commune_id)
        elif "ticket_id" in table.c:
            queries[name] = select_rows(table).where(table.c.ticket_id.in_(ticket_ids))
    found: dict[str, list[tuple[Any, ...]]] = {}
    for name, query in queries.items():
        rows = (await db.exec(query)).all()
        found[name] = sorted((tuple(row) for row in rows), key=repr)
    return found


async def staff_id(db: AsyncSession, user: FakeUser) -> int:
    await db.rollback()
    member = (await db.exec(select(Staff).where(Staff.telegram_id == user.id))).one()
    assert member.id is not None
    return member.id

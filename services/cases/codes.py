"""Ticket codes: PA<yy>-<nnnn>, numbered per commune per local year of receipt."""

import re
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from models import TicketSequence
from services.errors import InvalidTicketCode

_CODE = re.compile(r"^PA\s*(\d{2})\s*[-–—]?\s*(\d{1,9})$")


def format_code(year: int, seq: int) -> str:
    return f"PA{year % 100:02d}-{seq:04d}"


def parse_code(raw: str) -> str:
    """Accepts what people type ("pa24-42", "PA24 0042") and returns the canonical code."""
    match = _CODE.match(raw.strip().upper())
    if not match:
        raise InvalidTicketCode(raw)
    return f"PA{match.group(1)}-{int(match.group(2)):04d}"


def _upsert(dialect: str) -> Any:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    sequences = TicketSequence.__table__  # type: ignore[attr-defined]
    statement = insert(sequences).values(
        commune_id=bindparam("seq_commune_id"), year=bindparam("seq_year"), last_seq=1
    )
    return statement.on_conflict_do_update(
        index_elements=[sequences.c.commune_id, sequences.c.year],
        set_={"last_seq": sequences.c.last_seq + 1},
    ).returning(sequences.c.last_seq)


_UPSERTS = {dialect: _upsert(dialect) for dialect in ("sqlite", "postgresql")}  # built once


async def next_sequence(session: AsyncSession, commune_id: int, year: int) -> int:
    """Atomic on both databases: one upsert, whose row lock is held until the transaction
    ends, so two cases filed at once get two numbers."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    result = await session.exec(
        _UPSERTS[dialect], params={"seq_commune_id": commune_id, "seq_year": year}
    )
    return int(result.scalar_one())

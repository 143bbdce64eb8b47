"""What the desk lists for the commune a person works in: its open cases, most urgent
first. Always one commune, the one the caller is active staff of (the web checks)."""

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Ticket
from models.enums import OPEN_STATUSES

SHOWN = 200


async def open_cases(
    session: AsyncSession, commune_id: int, *, limit: int = SHOWN
) -> Sequence[Ticket]:
    return (
        await session.exec(
            select(Ticket)
            .where(Ticket.commune_id == commune_id, col(Ticket.status).in_(list(OPEN_STATUSES)))
            .order_by(col(Ticket.resolve_due_at), col(Ticket.id))
            .limit(limit)
        )
    ).all()

"""Keeping personal data no longer than needed: the scheduled job behind the retention setting.

A resident with no open case whose last activity (their latest case's closing, or their
first contact when they never filed) is older than the retention period is made anonymous;
and an erasure request that waited for open cases completes once the last one is closed."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Resident, Ticket
from models.enums import OPEN_STATUSES
from services.privacy.erasure import erase
from services.privacy.ledger import ErasureLedger


@dataclass(frozen=True)
class RetentionResult:
    requests_completed: int
    anonymised: int


def years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


async def apply_retention(
    session: AsyncSession, now: datetime, years: int, *, ledger: ErasureLedger | None
) -> RetentionResult:
    cases = (
        select(
            col(Ticket.resident_id).label("resident_id"),
            func.max(Ticket.closed_at).label("last_closed"),
            func.sum(case((col(Ticket.status).in_(OPEN_STATUSES), 1), else_=0)).label("open"),
        )
        .where(col(Ticket.resident_id).is_not(None))
        .group_by(col(Ticket.resident_id))
        .subquery()
    )
    free = (
        select(Resident)
        .outerjoin(cases, cases.c.resident_id == Resident.id)
        .where(col(Resident.erased_at).is_(None), func.coalesce(cases.c.open, 0) == 0)
        .order_by(col(Resident.id))
    )
    waiting = (
        await session.exec(free.where(col(Resident.erasure_requested_at).is_not(None)))
    ).all()
    for resident in waiting:
        await erase(session, resident, now, reason="request", ledger=ledger)
    cutoff = years_before(now, years)
    expired = (
        await session.exec(
            free.where(
                col(Resident.erasure_requested_at).is_(None),
                func.coalesce(cases.c.last_closed, Resident.created_at) < cutoff,
            )
        )
    ).all()
    for resident in expired:
        await erase(session, resident, now, reason="retention", ledger=ledger)
    return RetentionResult(requests_completed=len(waiting), anonymised=len(expired))

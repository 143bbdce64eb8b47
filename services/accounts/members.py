"""Who an account is staff of (its active memberships, decided from the database at every
use) and the audit entries of signing in, one per commune the person works for, so each
commune's admins see their own staff's sign-ins. No entry ever holds a password, nor a
login that was typed but matches nobody (it may be a password typed in the wrong box)."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditEntry, Commune, Staff, StaffAccount


async def active_memberships(session: AsyncSession, account_id: int | None) -> Sequence[Staff]:
    if account_id is None:
        return ()
    return (
        await session.exec(
            select(Staff)
            .where(Staff.account_id == account_id, col(Staff.active).is_(True))
            .order_by(col(Staff.commune_id))
        )
    ).all()


async def communes_of(session: AsyncSession, members: Sequence[Staff]) -> list[Commune]:
    ids = [m.commune_id for m in members]
    if not ids:
        return []
    found = await session.exec(
        select(Commune).where(col(Commune.id).in_(ids)).order_by(col(Commune.code))
    )
    return list(found.all())


async def account_by_login(session: AsyncSession, login: str) -> StaffAccount | None:
    return (await session.exec(select(StaffAccount).where(StaffAccount.login == login))).first()


async def record(
    session: AsyncSession,
    action: str,
    *,
    allowed: bool,
    now: datetime,
    account: StaffAccount | None,
    detail: str | None = None,
) -> None:
    """Adds the entries; the caller commits."""
    members = await active_memberships(session, account.id if account else None)
    who = f"{account.login}: " if account else ""
    text = (who + (detail or "")).rstrip(": ") or None
    each: Sequence[Staff | None] = members or [None]
    for member in each:
        session.add(
            AuditEntry(
                at=now,
                commune_id=member.commune_id if member else None,
                staff_id=member.id if member else None,
                actor_telegram_id=member.telegram_id if member else None,
                action=action,
                allowed=allowed,
                detail=text,
            )
        )

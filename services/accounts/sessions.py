"""Desk sessions kept in the database: a random token in the browser's cookie, its SHA-256
here. A session ends at logout, after 8 hours without use or 7 days after sign-in, when the
person or the CLI revokes it, when their password is set again, and when they are removed
from a commune. Whose staff they are is read again at every request."""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Commune, DeskSession, Staff, StaffAccount
from services.accounts.members import active_memberships, communes_of, record
from services.errors import DeskSessionEnded, NotAuthorized

IDLE = timedelta(hours=8)
LIFETIME = timedelta(days=7)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
LOGOUT, IDLE_END, TOO_OLD, REVOKED = "logout", "idle", "too_old", "revoked"
PASSWORD_SET, STAFF_REMOVED, NOT_STAFF = "password_set", "staff_removed", "not_staff"


@dataclass(frozen=True)
class DeskUser:
    """Who is signed in, the communes they are active staff of, and the one they work in
    now (None until a person of several communes chooses)."""

    row: DeskSession
    account: StaffAccount
    communes: Sequence[Commune]
    commune: Commune | None
    member: Staff | None  # their membership in `commune`, with its role


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(session: AsyncSession, account: StaffAccount, now: datetime) -> str:
    """A new session (a new token at every sign-in); returns the cookie's token."""
    assert account.id is not None
    members = await active_memberships(session, account.id)
    token = secrets.token_urlsafe(32)
    session.add(
        DeskSession(
            token_hash=_hash(token),
            account_id=account.id,
            commune_id=members[0].commune_id if len(members) == 1 else None,
            created_at=now,
            last_seen_at=now,
        )
    )
    await session.commit()
    return token


def _ended(row: DeskSession, now: datetime) -> str | None:
    if row.ended_at is not None:
        return row.ended_reason or LOGOUT
    if now - row.last_seen_at >= IDLE:
        return IDLE_END
    if now - row.created_at >= LIFETIME:
        return TOO_OLD
    return None


async def resolve(session: AsyncSession, token: str | None, now: datetime) -> DeskUser:
    """The signed-in person behind this cookie, or DeskSessionEnded."""
    row = None
    if token and len(token) < 100:
        found = await session.exec(
            select(DeskSession).where(DeskSession.token_hash == _hash(token))
        )
        row = found.first()
    if row is None:
        raise DeskSessionEnded()
    reason = _ended(row, now)
    account = await session.get(StaffAccount, row.account_id)
    members = await active_memberships(session, row.account_id)
    if reason is None and (account is None or not members):
        reason = NOT_STAFF
    if reason is not None:
        if row.ended_at is None:
            row.ended_at, row.ended_reason = now, reason
            session.add(row)
            await session.commit()
        raise DeskSessionEnded(reason)
    assert account is not None
    communes = await communes_of(session, members)
    commune = next((c for c in communes if c.id == row.commune_id), None)
    member = next((m for m in members if commune and m.commune_id == commune.id), None)
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
        await session.commit()
    return DeskUser(row=row, account=account, communes=communes, commune=commune, member=member)


async def choose_commune(
    session: AsyncSession, user: DeskUser, code: str, now: datetime
) -> Commune:
    """The commune a person of several works in, kept in the session; only one of theirs."""
    commune = next((c for c in user.communes if c.code == code), None)
    if commune is None:
        await record(
            session,
            "desk_commune_chosen",
            allowed=False,
            now=now,
            account=user.account,
            detail=f"commune {code[:10]}",
        )
        await session.commit()
        raise NotAuthorized("desk_commune_chosen")
    user.row.commune_id = commune.id
    session.add(user.row)
    await session.commit()
    return commune


async def end_session(session: AsyncSession, user: DeskUser, now: datetime) -> None:
    """Logout."""
    user.row.ended_at, user.row.ended_reason = now, LOGOUT
    session.add(user.row)
    await record(session, "desk_logout", allowed=True, now=now, account=user.account)
    await session.commit()


async def live_sessions(
    session: AsyncSession, account: StaffAccount, now: datetime
) -> list[DeskSession]:
    rows = await session.exec(
        select(DeskSession)
        .where(DeskSession.account_id == account.id, col(DeskSession.ended_at).is_(None))
        .order_by(col(DeskSession.created_at))
    )
    return [row for row in rows.all() if _ended(row, now) is None]


async def end_all(session: AsyncSession, account_id: int, now: datetime, reason: str) -> int:
    """Ends every open session of the account; the caller records why and commits."""
    ended = await session.exec(
        update(DeskSession)
        .where(col(DeskSession.account_id) == account_id, col(DeskSession.ended_at).is_(None))
        .values(ended_at=now, ended_reason=reason)
    )
    return int(ended.rowcount or 0)


async def revoke_all(session: AsyncSession, account: StaffAccount, now: datetime) -> int:
    """Every browser of this person is signed out at once (the CLI, an admin)."""
    assert account.id is not None
    live = len(await live_sessions(session, account, now))
    await end_all(session, account.id, now, REVOKED)
    await record(
        session,
        "desk_sessions_revoked",
        allowed=True,
        now=now,
        account=account,
        detail=f"{live} session(s)",
    )
    await session.commit()
    return live

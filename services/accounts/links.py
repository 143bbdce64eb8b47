"""One-time links (24 h) where a staff member sets their desk password: made by the CLI
(`pakn staff login-link`), opened on /desk/password/{token}. Only the token's SHA-256 is
kept; a new link replaces the older ones."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import PasswordLink, StaffAccount
from services.accounts.members import active_memberships, record
from services.accounts.passwords import check_password
from services.accounts.registry import set_password
from services.errors import LinkNotUsable

HOURS = 24


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def make_link(session: AsyncSession, account: StaffAccount, now: datetime) -> str:
    """The new link's token (shown once)."""
    assert account.id is not None
    await session.exec(  # the older ones stop working
        update(PasswordLink)
        .where(col(PasswordLink.account_id) == account.id, col(PasswordLink.used_at).is_(None))
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordLink(
            token_hash=_hash(token),
            account_id=account.id,
            created_at=now,
            expires_at=now + timedelta(hours=HOURS),
        )
    )
    await record(session, "desk_password_link", allowed=True, now=now, account=account)
    await session.commit()
    return token


async def open_link(
    session: AsyncSession, token: str, now: datetime
) -> tuple[PasswordLink, StaffAccount]:
    """The link and whose it is, while it may still be used by a member of some commune."""
    link = None
    if 20 <= len(token) <= 100:
        found = await session.exec(
            select(PasswordLink).where(PasswordLink.token_hash == _hash(token))
        )
        link = found.first()
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise LinkNotUsable()
    account = await session.get(StaffAccount, link.account_id)
    if account is None or not await active_memberships(session, account.id):
        raise LinkNotUsable()
    return link, account


async def use_link(session: AsyncSession, token: str, password: str, now: datetime) -> StaffAccount:
    """Sets the password and uses the link up (a password too short uses nothing)."""
    link, account = await open_link(session, token, now)
    check_password(password)
    claimed = await session.exec(  # of two tabs at once, one sets it
        update(PasswordLink)
        .where(col(PasswordLink.id) == link.id, col(PasswordLink.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        await session.rollback()
        raise LinkNotUsable()
    await set_password(session, account, password, now, how="one-time link")
    return account

"""Slowing down password guessing without locking anyone out: failed sign-ins are counted
per typed login and per address; from the fifth failure in a day each further try waits
30 s, then twice as long each time, at most 15 minutes. A try made while waiting is not
looked at and counts nothing, so whoever guesses cannot lengthen the wait, and the real
person is kept out for minutes at most. A success clears the login's count.

Keys are hashes: the table keeps no typed login (it may be a password typed in the wrong
box) and no address."""

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import SignInThrottle

FREE_FAILURES = 5
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
QUIET = timedelta(days=1)  # a key with no failure for a day starts again from nothing


def login_key(typed: str) -> str:
    return "login:" + hashlib.sha256(typed.strip().lower().encode()).hexdigest()[:40]


def address_key(address_hash: str) -> str:
    return "addr:" + address_hash[:64]


def wait_after(failures: int) -> timedelta | None:
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_WAIT * 2 ** min(failures - FREE_FAILURES, 10), LONGEST_WAIT)


async def waiting_until(
    session: AsyncSession, keys: Sequence[str], now: datetime
) -> datetime | None:
    """When the next try may be looked at, if any of these keys must still wait."""
    waits = []
    for key in keys:
        row = await session.get(SignInThrottle, key)
        if row is not None and row.wait_until is not None and row.wait_until > now:
            waits.append(row.wait_until)
    return max(waits) if waits else None


async def count_failure(session: AsyncSession, keys: Sequence[str], now: datetime) -> None:
    """Adds a failure to each key; the caller commits."""
    await session.exec(
        delete(SignInThrottle).where(col(SignInThrottle.last_failed_at) < now - QUIET)
    )
    for key in keys:
        row = await session.get(SignInThrottle, key) or SignInThrottle(key=key, failures=0)
        row.failures += 1
        row.last_failed_at = now
        wait = wait_after(row.failures)
        row.wait_until = now + wait if wait else None
        session.add(row)


async def clear(session: AsyncSession, key: str) -> None:
    await session.exec(delete(SignInThrottle).where(col(SignInThrottle.key) == key))

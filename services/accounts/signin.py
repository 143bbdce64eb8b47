"""Signing in to the desk: login and password, then a TOTP code when the person has one
(or a commune of theirs requires it). Every answer that refuses is the same whether the
login exists or not; failures are counted per login and per address (throttle.py); every
attempt is recorded in the audit log, never with the password."""

from datetime import datetime
from typing import NoReturn

from sqlmodel.ext.asyncio.session import AsyncSession

from models import StaffAccount
from services.accounts import throttle
from services.accounts.members import (
    account_by_login,
    active_memberships,
    communes_of,
    record,
)
from services.accounts.passwords import hash_password, needs_rehash, totp_step, verify_password
from services.errors import (
    SecondFactorMissing,
    SecondFactorNeeded,
    SignInRefused,
    SignInSlowed,
)

ACTION = "desk_sign_in"


async def sign_in(
    session: AsyncSession,
    typed_login: str,
    password: str,
    otp: str,
    *,
    address_hash: str,
    now: datetime,
) -> StaffAccount:
    """The account, once every check passed; else one of SignInSlowed, SignInRefused,
    SecondFactorNeeded (ask for the code), SecondFactorMissing."""
    typed = typed_login.strip().lower()[:100]
    keys = [throttle.login_key(typed), throttle.address_key(address_hash)]
    account = await account_by_login(session, typed) if typed else None
    until = await throttle.waiting_until(session, keys, now)
    if until is not None:
        await record(session, ACTION, allowed=False, now=now, account=account, detail="slowed")
        await session.commit()
        raise SignInSlowed(until)
    right = await verify_password(account.password_hash if account else None, password)
    members = await active_memberships(session, account.id) if account and right else ()
    if account is None or not members:
        reason = "wrong password" if account and not right else "unknown login or not staff"
        await _failed(session, keys, account, reason, now)
    assert account is not None and account.password_hash is not None
    if account.totp_secret:
        if not otp.strip():
            raise SecondFactorNeeded()
        step = totp_step(account.totp_secret, otp, now, account.totp_last_step)
        if step is None:
            await _failed(session, keys, account, "wrong code", now)
        account.totp_last_step = step
    elif any(c.desk_totp_required for c in await communes_of(session, members)):
        await record(session, ACTION, allowed=False, now=now, account=account, detail="no TOTP")
        await session.commit()
        raise SecondFactorMissing()
    if needs_rehash(account.password_hash):
        account.password_hash = await hash_password(password)
    session.add(account)
    await throttle.clear(session, keys[0])
    await record(session, ACTION, allowed=True, now=now, account=account)
    await session.commit()
    return account


async def _failed(
    session: AsyncSession,
    keys: list[str],
    account: StaffAccount | None,
    reason: str,
    now: datetime,
) -> NoReturn:
    await throttle.count_failure(session, keys, now)
    await record(session, ACTION, allowed=False, now=now, account=account, detail=reason)
    await session.commit()
    raise SignInRefused()

"""Staff accounts: adding a member with a login (one person, one login, several communes),
finding one, setting a password, turning TOTP on or off, a commune requiring it."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditEntry, Commune, Role, Staff, StaffAccount
from services.accounts import sessions
from services.accounts.members import account_by_login, record
from services.accounts.passwords import hash_password, new_totp_secret, normalize_login
from services.errors import AccountNotFound, InvalidInput, LoginTaken, StaffExists
from services.people.staff import add_staff
from services.text import nfc


async def find_account(session: AsyncSession, raw_login: str) -> StaffAccount:
    try:
        login = normalize_login(raw_login)
    except InvalidInput as exc:
        raise AccountNotFound(raw_login[:40]) from exc
    account = await account_by_login(session, login)
    if account is None:
        raise AccountNotFound(login)
    return account


async def _account_of_telegram(session: AsyncSession, telegram_id: int) -> StaffAccount | None:
    linked = await session.exec(
        select(StaffAccount)
        .join(Staff, col(Staff.account_id) == col(StaffAccount.id))
        .where(Staff.telegram_id == telegram_id)
    )
    return linked.first()


async def _telegram_of_account(session: AsyncSession, account_id: int) -> set[int]:
    ids = await session.exec(
        select(Staff.telegram_id).where(
            Staff.account_id == account_id, col(Staff.telegram_id).is_not(None)
        )
    )
    return {i for i in ids.all() if i is not None}


def _clean_email(raw: str | None) -> str | None:
    email = (raw or "").strip()
    if not email:
        return None
    if len(email) > 200 or email.count("@") != 1 or " " in email:
        raise InvalidInput("email")
    return email


async def add_member(
    session: AsyncSession,
    commune: Commune,
    *,
    role: Role,
    name: str,
    title: str | None = None,
    telegram_id: int | None = None,
    login: str | None = None,
    email: str | None = None,
) -> Staff:
    """A staff member by Telegram id, login or both. The same person is found by either:
    a login already used in another commune, or a Telegram id already linked to a login,
    gives that person this commune too; a login and a Telegram id of two different people
    are refused."""
    clean_email = _clean_email(email)
    if telegram_id is None and login is None:
        raise InvalidInput("a staff member needs a Telegram id or a login")
    wanted = normalize_login(login) if login is not None else None
    by_login = await account_by_login(session, wanted) if wanted else None
    by_telegram = await _account_of_telegram(session, telegram_id) if telegram_id else None
    if by_login and by_telegram and by_login.id != by_telegram.id:
        raise LoginTaken(wanted)
    if by_telegram and wanted and by_telegram.login != wanted:
        raise InvalidInput(f"this Telegram id already signs in as {by_telegram.login}")
    if by_login and telegram_id is not None:
        assert by_login.id is not None
        others = await _telegram_of_account(session, by_login.id)
        if others and telegram_id not in others:
            raise LoginTaken(wanted)
    account = by_login or by_telegram
    if not " ".join(name.split()):
        raise InvalidInput("a staff member needs a name")
    if account is not None and await _active_here(session, commune, account):
        raise StaffExists(account.login)  # before anything is written
    if account is None and wanted:
        account = StaffAccount(login=wanted, email=clean_email)
    if account is not None:
        account.email = clean_email or account.email
        session.add(account)
        await session.flush()
    return await add_staff(
        session,
        commune,
        telegram_id=telegram_id,
        account_id=account.id if account else None,
        role=role,
        name=name,
        title=nfc(title) if title else None,
    )


async def _active_here(session: AsyncSession, commune: Commune, account: StaffAccount) -> bool:
    found = await session.exec(
        select(Staff.id).where(
            Staff.commune_id == commune.id,
            Staff.account_id == account.id,
            col(Staff.active).is_(True),
        )
    )
    return found.first() is not None


async def set_password(
    session: AsyncSession, account: StaffAccount, password: str, now: datetime, *, how: str
) -> None:
    """A new password ends every session the person had (a stolen one among them); `how`
    says where it was set, for the audit log."""
    assert account.id is not None
    account.password_hash = await hash_password(password)
    account.password_set_at = now
    session.add(account)
    ended = await sessions.end_all(session, account.id, now, sessions.PASSWORD_SET)
    await record(
        session,
        "desk_password_set",
        allowed=True,
        now=now,
        account=account,
        detail=f"{how}; {ended} session(s) ended",
    )
    await session.commit()


async def set_totp(
    session: AsyncSession, account: StaffAccount, now: datetime, *, on: bool
) -> str | None:
    """A new TOTP secret (returned, to show once), or none: the code is asked no more."""
    account.totp_secret = new_totp_secret() if on else None
    account.totp_last_step = None
    session.add(account)
    await record(
        session,
        "desk_totp_set",
        allowed=True,
        now=now,
        account=account,
        detail="on" if on else "off",
    )
    await session.commit()
    return account.totp_secret


async def require_totp(
    session: AsyncSession, commune: Commune, required: bool, now: datetime
) -> None:
    commune.desk_totp_required = required
    session.add(commune)
    session.add(
        AuditEntry(
            at=now,
            commune_id=commune.id,
            action="desk_totp_required",
            allowed=True,
            detail="required" if required else "optional",
        )
    )
    await session.commit()


async def logins_of(session: AsyncSession, members: Sequence[Staff]) -> dict[int, str]:
    """Each member's desk login, by staff id (members without one are left out)."""
    ids = {m.account_id for m in members if m.account_id is not None}
    if not ids:
        return {}
    found = await session.exec(select(StaffAccount).where(col(StaffAccount.id).in_(ids)))
    login = {a.id: a.login for a in found.all()}
    return {m.id: login[m.account_id] for m in members if m.id and m.account_id in login}

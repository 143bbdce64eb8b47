"""Staff accounts on a real database: one login per person across communes, argon2
passwords, sign-in that says nothing of whether a login exists, growing waits after five
failures, TOTP codes that work once, sessions that end when idle, too old, revoked or when
the member is removed."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditEntry, Commune, DeskSession, Role, StaffAccount
from services.accounts import links, registry, sessions, signin, throttle
from services.accounts.passwords import verify_password
from services.communes import registry as communes
from services.desk import roster
from services.errors import (
    DeskSessionEnded,
    InvalidInput,
    LinkNotUsable,
    LoginTaken,
    SecondFactorMissing,
    SecondFactorNeeded,
    SignInRefused,
    SignInSlowed,
    StaffExists,
)
from services.people import staff

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
PASSWORD = "mật khẩu đủ dài"
HERE = "address-hash-1"


async def _world(session: AsyncSession) -> tuple[Commune, Commune]:
    home = await communes.add_commune(session, "7060", year=2026)
    other = await communes.add_commune(session, "4", year=2026)
    await staff.add_staff(session, home, telegram_id=1, role=Role.ADMIN, name="Quản trị")
    return home, other


async def _ha(session: AsyncSession, commune: Commune) -> StaffAccount:
    await registry.add_member(session, commune, role=Role.OFFICER, name="Thu Hà", login="Ha")
    account = await registry.find_account(session, "ha")
    await registry.set_password(session, account, PASSWORD, NOW, how="test")
    return account


async def _sign_in(session: AsyncSession, password: str = PASSWORD, **kw: object) -> StaffAccount:
    args: dict = {"address_hash": HERE, "now": NOW, **kw}
    return await signin.sign_in(
        session, args.pop("login", "ha"), password, args.pop("otp", ""), **args
    )


async def test_one_person_one_login_in_two_communes(session: AsyncSession) -> None:
    home, other = await _world(session)
    first = await registry.add_member(session, home, role=Role.OFFICER, name="Hà", login="ha")
    second = await registry.add_member(
        session, other, role=Role.LEADER, name="Hà", login="HA", telegram_id=77
    )
    assert first.account_id == second.account_id is not None
    by_telegram = await registry.add_member(
        session,
        await communes.add_commune(session, "70", year=2026),
        role=Role.OFFICER,
        name="Hà",
        telegram_id=77,
    )
    assert by_telegram.account_id == first.account_id, "found again by the Telegram id"
    with pytest.raises(StaffExists):
        await registry.add_member(session, home, role=Role.OFFICER, name="Hà", login="ha")
    await registry.add_member(session, home, role=Role.OFFICER, name="Lan", telegram_id=88)
    with pytest.raises(LoginTaken):  # Lan's Telegram id is not Hà's
        await registry.add_member(
            session, other, role=Role.OFFICER, name="Lan", login="ha", telegram_id=88
        )
    with pytest.raises(InvalidInput):
        await registry.add_member(session, home, role=Role.OFFICER, name="X", login="a b")


async def test_passwords_are_argon2_and_sign_in_refuses_alike(session: AsyncSession) -> None:
    home, _other = await _world(session)
    account = await _ha(session, home)
    assert account.password_hash and account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash
    assert await verify_password(account.password_hash, PASSWORD)
    assert (await _sign_in(session)).id == account.id
    assert (await _sign_in(session, login=" HA ")).id == account.id
    with pytest.raises(SignInRefused) as wrong:
        await _sign_in(session, "sai mật khẩu rồi")
    with pytest.raises(SignInRefused) as nobody:
        await _sign_in(session, PASSWORD, login="khong-ai")
    assert type(wrong.value) is type(nobody.value) and wrong.value.args == nobody.value.args
    details = [e.detail or "" for e in (await session.exec(select(AuditEntry))).all()]
    assert all(PASSWORD not in d and "sai mật khẩu" not in d for d in details)
    assert not any("khong-ai" in d for d in details), "a login typed by nobody is not kept"


async def test_five_failures_slow_the_login_and_the_address_down(session: AsyncSession) -> None:
    home, _other = await _world(session)
    await _ha(session, home)
    for _ in range(4):
        with pytest.raises(SignInRefused):
            await _sign_in(session, "sai mật khẩu rồi", address_hash="at-home")
    assert (await _sign_in(session, address_hash="at-home")).login == "ha", "four change nothing"
    for _ in range(5):
        with pytest.raises(SignInRefused):
            await _sign_in(session, "sai mật khẩu rồi")
    with pytest.raises(SignInSlowed) as slowed:
        await _sign_in(session)  # even the right password waits
    first_wait = slowed.value.args[0]
    assert first_wait > NOW
    with pytest.raises(SignInSlowed):  # from elsewhere too: the login waits
        await _sign_in(session, address_hash="another-address")
    with pytest.raises(SignInSlowed):  # another login from this address waits
        await _sign_in(session, login="lan")
    later = first_wait + timedelta(seconds=1)
    with pytest.raises(SignInRefused):
        await _sign_in(session, "sai mật khẩu rồi", now=later)
    with pytest.raises(SignInSlowed) as longer:
        await _sign_in(session, now=later)
    assert longer.value.args[0] - later > first_wait - NOW, "each failure waits longer"
    assert throttle.wait_after(100) == throttle.LONGEST_WAIT, "minutes at most, never a lock"
    after = longer.value.args[0] + timedelta(seconds=1)
    assert (await _sign_in(session, now=after)).login == "ha"


async def test_totp_when_the_person_has_it_and_when_the_commune_requires_it(
    session: AsyncSession,
) -> None:
    home, _other = await _world(session)
    account = await _ha(session, home)
    await registry.require_totp(session, home, True, NOW)
    with pytest.raises(SecondFactorMissing):
        await _sign_in(session)
    secret = await registry.set_totp(session, account, NOW, on=True)
    assert secret
    with pytest.raises(SecondFactorNeeded):
        await _sign_in(session)
    with pytest.raises(SignInRefused):
        await _sign_in(
            session, otp="000000" if pyotp.TOTP(secret).at(NOW) != "000000" else "111111"
        )
    code = pyotp.TOTP(secret).at(NOW)
    assert (await _sign_in(session, otp=code)).login == "ha"
    with pytest.raises(SignInRefused):  # a code works once
        await _sign_in(session, otp=code)


async def test_sessions_end_idle_too_old_revoked_and_on_removal(session: AsyncSession) -> None:
    home, _other = await _world(session)
    account = await _ha(session, home)
    token = await sessions.open_session(session, account, NOW)
    user = await sessions.resolve(session, token, NOW + timedelta(hours=7))
    assert user.commune is not None and user.commune.code == "07060", "one commune: chosen"
    assert (await sessions.resolve(session, token, NOW + timedelta(hours=14))).account.login == "ha"
    with pytest.raises(DeskSessionEnded):  # 8 hours unused
        await sessions.resolve(session, token, NOW + timedelta(hours=22, minutes=1))

    token = await sessions.open_session(session, account, NOW)
    moment = NOW
    while moment + timedelta(hours=4) < NOW + timedelta(days=7):
        moment += timedelta(hours=4)
        await sessions.resolve(session, token, moment)
    with pytest.raises(DeskSessionEnded):  # used all along, yet 7 days at most
        await sessions.resolve(session, token, NOW + timedelta(days=7, hours=1))

    one = await sessions.open_session(session, account, NOW)
    two = await sessions.open_session(session, account, NOW)
    assert len(await sessions.live_sessions(session, account, NOW)) == 2
    assert await sessions.revoke_all(session, account, NOW) == 2
    for token in (one, two):
        with pytest.raises(DeskSessionEnded):
            await sessions.resolve(session, token, NOW)

    token = await sessions.open_session(session, account, NOW)
    admin = (await staff.list_staff(session, home))[0]
    member = next(m for m in await staff.list_staff(session, home) if m.account_id == account.id)
    await roster.remove_staff(session, admin, member, now=NOW)
    with pytest.raises(DeskSessionEnded):
        await sessions.resolve(session, token, NOW)
    with pytest.raises(SignInRefused):  # and cannot sign in again
        await _sign_in(session)
    ended = (
        await session.exec(select(DeskSession).where(DeskSession.account_id == account.id))
    ).all()
    assert {s.ended_reason for s in ended} >= {"idle", "too_old", "revoked", "staff_removed"}


async def test_a_password_link_works_once_and_ends_sessions(session: AsyncSession) -> None:
    home, _other = await _world(session)
    account = await _ha(session, home)
    old_session = await sessions.open_session(session, account, NOW)
    stale = await links.make_link(session, account, NOW)
    token = await links.make_link(session, account, NOW)
    with pytest.raises(LinkNotUsable):
        await links.use_link(session, stale, "mật khẩu mới đủ dài", NOW)
    with pytest.raises(InvalidInput):
        await links.use_link(session, token, "ngắn", NOW)
    await links.use_link(session, token, "mật khẩu mới đủ dài", NOW)
    with pytest.raises(LinkNotUsable):
        await links.use_link(session, token, "lại một lần nữa", NOW)
    with pytest.raises(DeskSessionEnded):
        await sessions.resolve(session, old_session, NOW)
    assert (await _sign_in(session, "mật khẩu mới đủ dài")).login == "ha"
    late = await links.make_link(session, account, NOW)
    with pytest.raises(LinkNotUsable):
        await links.open_link(session, late, NOW + timedelta(hours=24))

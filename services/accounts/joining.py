"""An invitation redeemed on the desk (/desk/invite/{token}): the person chooses a login
and a password and becomes staff of the invitation's commune, under the same rules as in
Telegram (services/people/invites.py): a used, revoked or expired invitation, or one whose
admin is no longer an active admin, makes nobody staff."""

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditEntry, Staff, StaffAccount
from services.accounts.members import account_by_login
from services.accounts.passwords import check_password, hash_password, normalize_login
from services.errors import InvalidInput, LoginTaken
from services.people.invites import claim_invite, clean_text, usable_invite


async def join_on_desk(
    session: AsyncSession,
    token: str,
    *,
    login: str,
    password: str,
    name: str | None,
    now: datetime,
) -> Staff:
    """A login already taken is refused, whoever holds it: a person who already signs in
    is added to another commune with `pakn staff add --login`."""
    invite = await usable_invite(session, token, now)
    chosen = normalize_login(login)
    check_password(password)
    full_name = invite.name or clean_text(name, 200)
    if not full_name:
        raise InvalidInput("name")
    if await account_by_login(session, chosen) is not None:
        raise LoginTaken(chosen)
    password_hash = await hash_password(password)
    await claim_invite(session, invite, now, telegram_id=None)
    account = StaffAccount(
        login=chosen, password_hash=password_hash, password_set_at=now, created_at=now
    )
    session.add(account)
    await session.flush()
    member = Staff(
        commune_id=invite.commune_id,
        account_id=account.id,
        name=full_name,
        title=invite.title,
        role=invite.role,
        created_at=now,
    )
    session.add(member)
    await session.flush()
    session.add(
        AuditEntry(
            at=now,
            commune_id=invite.commune_id,
            staff_id=member.id,
            action="staff_joined",
            allowed=True,
            detail=f"{invite.role.value}, invitation {invite.id}, on the desk as {chosen}",
        )
    )
    await session.commit()
    return member

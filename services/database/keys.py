"""Secrets an installation makes on its first start and keeps in its database, so that every
process (and every restart) agrees on them without a setting to forget."""

import secrets

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from models import SiteKey


async def site_key(session: AsyncSession, name: str) -> str:
    """The key called `name`, made (256 random bits) the first time it is asked for; two
    processes asking at once agree on the first one written."""
    key = await session.get(SiteKey, name)
    if key is not None:
        return key.value
    session.add(SiteKey(name=name, value=secrets.token_urlsafe(32)))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
    key = await session.get(SiteKey, name, populate_existing=True)
    assert key is not None
    return key.value

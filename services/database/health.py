"""Whether the database answers: what `/healthz` reports to a load balancer."""

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession


async def database_trouble(sessions: async_sessionmaker[AsyncSession]) -> str | None:
    """None when a trivial query succeeds, else the failure's kind (never its message: it
    may carry the database's address)."""
    try:
        async with sessions() as session:
            await session.exec(select(1))
    except Exception as exc:
        return type(exc).__name__
    return None

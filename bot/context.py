"""What handlers, the outbox and the CLI share; built once by the entry point."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from services.clock import Clock
from services.deadlines import DeadlinePolicy


@dataclass
class AppContext:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    policy: DeadlinePolicy
    clock: Clock

    @property
    def tz(self) -> ZoneInfo:
        return self.policy.tz

"""What handlers, the outbox, the scheduler and the command line share; built once by the
entry point."""

from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import Settings
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.clock import Clock, SystemClock
from services.database.engine import session_factory


class Background(Protocol):
    """A server or worker an entry point runs beside the others until told to stop."""

    async def run(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class AppContext:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    policy: DeadlinePolicy
    clock: Clock

    @property
    def tz(self) -> ZoneInfo:
        return self.policy.tz


def build_context(
    settings: Settings, engine: AsyncEngine, clock: Clock | None = None
) -> AppContext:
    return AppContext(
        settings=settings,
        sessions=session_factory(engine),
        policy=DeadlinePolicy(WorkingCalendar(), settings.tz),
        clock=clock or SystemClock(),
    )

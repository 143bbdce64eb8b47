"""`python -m bot --role scheduler`: the scheduled jobs without the bot (no Telegram token
needed: what the jobs queue is sent by a bot process's outbox)."""

import asyncio
import signal

from config.context import build_context
from config.settings import Settings
from scheduler.runner import SchedulerService
from services.database.engine import create_engine_for


async def run_scheduler_only(settings: Settings) -> None:
    engine = create_engine_for(settings.database_url)
    ctx = build_context(settings, engine)
    service = SchedulerService(ctx, engine, lease_seconds=settings.scheduler_lease_seconds)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, service.stop)
    try:
        await service.run()
    finally:
        await engine.dispose()

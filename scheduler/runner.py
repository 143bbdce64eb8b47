"""APScheduler 3 in the bot's event loop, run only by the process that holds the lock."""

import asyncio
import contextlib
import logging
from collections.abc import Callable

from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncEngine

from config.context import AppContext
from scheduler import jobs
from scheduler.lock import LeaderLock, leader_lock

log = logging.getLogger(__name__)
MISFIRE_GRACE = 6 * 3600  # a restart within six hours still runs what it missed


def build_scheduler(ctx: AppContext) -> AsyncIOScheduler:
    """Fixed job ids; every job is idempotent for its "now", so coalescing is safe."""
    scheduler = AsyncIOScheduler(
        timezone=ctx.tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )
    scheduler.add_job(
        jobs.deadlines,
        IntervalTrigger(minutes=10, timezone=ctx.tz),
        id="deadlines",
        args=[ctx],
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.apologies,
        IntervalTrigger(minutes=30, timezone=ctx.tz),
        id="apologies",
        args=[ctx],
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.reports,
        IntervalTrigger(minutes=15, timezone=ctx.tz),
        id="reports",
        args=[ctx],
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.report_mail,
        IntervalTrigger(minutes=1, timezone=ctx.tz),
        id="report_mail",
        args=[ctx],
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.countdowns_job,
        CronTrigger(hour=7, minute=0, timezone=ctx.tz),  # before the digest; edits are silent
        id="countdowns",
        args=[ctx],
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.digest,
        CronTrigger(hour=7, minute=30, timezone=ctx.tz),
        id="digest",
        args=[ctx],
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.escalation,
        CronTrigger(hour=8, minute=0, timezone=ctx.tz),
        id="escalation",
        args=[ctx],
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.retention_job,
        CronTrigger(hour=2, minute=15, timezone=ctx.tz),
        id="retention",
        args=[ctx],
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.files_job,
        IntervalTrigger(hours=1, timezone=ctx.tz),
        id="files",
        args=[ctx],
        replace_existing=True,
    )
    if ctx.settings.backup_dir:
        hour, minute = (int(part) for part in ctx.settings.backup_time.split(":"))
        scheduler.add_job(
            jobs.backup,
            CronTrigger(hour=hour, minute=minute, timezone=ctx.tz),
            id="backup",
            args=[ctx],
            replace_existing=True,
        )
    return scheduler


class SchedulerService:
    """Stands by until it holds the lock; runs the jobs while it keeps it."""

    def __init__(
        self,
        ctx: AppContext,
        engine: AsyncEngine,
        *,
        lease_seconds: float = 60,
        after_job: Callable[[], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.after_job = after_job  # e.g. wake the outbox of this process
        self.lock: LeaderLock = leader_lock(engine, ctx.clock, lease_seconds)
        self.check_every = max(lease_seconds / 3, 0.2)
        self._stopped = asyncio.Event()
        self.leading = asyncio.Event()

    def _job_done(self, _event: object) -> None:
        if self.after_job is not None:
            self.after_job()

    def stop(self) -> None:
        self._stopped.set()

    async def run(self) -> None:
        scheduler: AsyncIOScheduler | None = None
        told = False
        try:
            while not self._stopped.is_set():
                holding = await (self.lock.keep() if scheduler else self.lock.acquire())
                if not holding and scheduler is None and not told:
                    log.info("scheduler: another process runs the scheduled jobs; standing by")
                    told = True
                if holding and scheduler is None:
                    log.info("scheduler: this process runs the scheduled jobs")
                    scheduler = build_scheduler(self.ctx)
                    # catch up at once, as a job, so the lock is kept while it runs
                    scheduler.add_job(jobs.run_all, id="catch_up", args=[self.ctx])
                    scheduler.add_listener(self._job_done, EVENT_JOB_EXECUTED)
                    scheduler.start()
                    self.leading.set()
                elif not holding and scheduler is not None:
                    log.warning("scheduler: lost the lock, standing by")
                    scheduler.shutdown(wait=False)
                    scheduler = None
                    self.leading.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopped.wait(), timeout=self.check_every)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            await self.lock.release()

"""The scheduler on sandbox time: the same jobs and triggers as scheduler/runner.py, run for
the moments their triggers fire between two sandbox times, in order. Time moves to each fire
time in turn, the job runs, and the outbox delivers what it queued before time moves on, so
each digest, reminder and draft arrives dated and worded for its own moment. APScheduler's
own real-time loop never starts in the sandbox.

Interval jobs (every 1 to 30 minutes) run at most once per hour of sandbox time: every job
is a function of "now" that records what it sent, so the first run of each hour does what
the others would, and a week passes in seconds rather than minutes."""

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.job import Job
from apscheduler.triggers.interval import IntervalTrigger

from config.context import AppContext
from scheduler.runner import build_scheduler
from services.clock import FixedClock

from . import texts
from .clock import SandboxClock, label

log = logging.getLogger(__name__)
TICK_SECONDS = 60.0  # while nobody moves the clock, jobs still run as sandbox time passes
DELIVERY_SECONDS = 30.0


@dataclasses.dataclass(frozen=True)
class Run:
    at: datetime
    job_id: str
    interval: bool


def fire_times(job: Job, start: datetime, end: datetime) -> Iterator[datetime]:
    """The trigger's fire times in (start, end]."""
    previous: datetime | None = None
    moment = job.trigger.get_next_fire_time(None, start + timedelta(microseconds=1))
    while moment is not None and moment <= end:
        if moment > start:
            yield moment
        previous = moment
        moment = job.trigger.get_next_fire_time(previous, moment)


def plan(ctx: AppContext, start: datetime, end: datetime) -> list[tuple[Run, Job]]:
    runs: list[tuple[Run, Job]] = []
    for job in build_scheduler(ctx).get_jobs():
        interval = isinstance(job.trigger, IntervalTrigger)
        hours: set[tuple[int, int, int, int]] = set()
        for moment in fire_times(job, start, end):
            local = moment.astimezone(ctx.tz)
            hour = (local.year, local.month, local.day, local.hour)
            if interval and hour in hours:
                continue
            hours.add(hour)
            runs.append((Run(moment, job.id, interval), job))
    runs.sort(key=lambda pair: (pair[0].at, pair[0].job_id))
    return runs


class SandboxScheduler:
    """Runs what fell due since the last run; one run at a time."""

    def __init__(
        self, ctx: AppContext, clock: SandboxClock, deliver: Callable[[], Awaitable[object]]
    ) -> None:
        self.ctx, self.clock, self.deliver = ctx, clock, deliver
        self.done_until = clock.now()
        self._lock = asyncio.Lock()
        self._stopped = asyncio.Event()

    async def run_until(self, end: datetime) -> list[Run]:
        async with self._lock:
            start, ran = self.done_until, []
            for run, job in plan(self.ctx, start, end):
                self.clock.move_to(run.at)
                at_fire_time = dataclasses.replace(self.ctx, clock=FixedClock(run.at))
                try:
                    await job.func(at_fire_time)
                    await asyncio.wait_for(self.deliver(), DELIVERY_SECONDS)
                except Exception:
                    log.exception("sandbox: scheduled job %s failed at %s", run.job_id, run.at)
                self.done_until = run.at
                ran.append(run)
            self.clock.move_to(end)
            self.done_until = max(self.done_until, end)
            return ran

    async def run_forever(self) -> None:
        while not self._stopped.is_set():
            try:
                await asyncio.wait_for(self._stopped.wait(), TICK_SECONDS)
            except TimeoutError:
                await self.run_until(self.ctx.clock.now())

    def stop(self) -> None:
        self._stopped.set()


def ran_labels(runs: list[Run], tz: ZoneInfo, lang: str) -> list[str]:
    """One line per job, in the order they first ran: when (first – last) and how often."""
    by_job: dict[str, list[Run]] = {}
    for run in runs:
        by_job.setdefault(run.job_id, []).append(run)
    labels = []
    for job_id, own in by_job.items():
        name = texts.say(lang, texts.JOB_NAMES.get(job_id, job_id))
        first, last = label(own[0].at, tz, lang), label(own[-1].at, tz, lang)
        when = first if len(own) == 1 else f"{first} – {last}"
        labels.append(f"{when} · {name}" + (f" ×{len(own)}" if len(own) > 1 else ""))
    return labels

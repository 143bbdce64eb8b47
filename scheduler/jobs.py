"""The scheduled jobs: each reads "now" from the injected clock and calls a service."""

import logging

from bot.context import AppContext
from services import reminders

log = logging.getLogger(__name__)


async def deadlines(ctx: AppContext) -> None:
    async with ctx.sessions() as session:
        await reminders.remind_deadlines(session, ctx.policy, ctx.clock.now())


async def escalation(ctx: AppContext) -> None:
    async with ctx.sessions() as session:
        await reminders.escalate_overdue(session, ctx.policy, ctx.clock.now())


async def digest(ctx: AppContext) -> None:
    async with ctx.sessions() as session:
        await reminders.send_digests(session, ctx.policy, ctx.clock.now())


ALL = (deadlines, escalation, digest)


async def run_all(ctx: AppContext) -> None:
    """Every job once, for "now": on start (catching up after a restart) and in tests."""
    for job in ALL:
        try:
            await job(ctx)
        except Exception:
            log.exception("scheduled job %s failed", job.__name__)

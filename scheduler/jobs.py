"""The scheduled jobs: each reads "now" from the injected clock and calls a service."""

import logging

from config.context import AppContext
from mail import outbox as mail_outbox
from scheduler import reporting
from scheduler.backups import backup
from services.cases import files
from services.desk import apology, countdowns, reminders
from services.privacy import retention
from services.privacy.ledger import ErasureLedger

log = logging.getLogger(__name__)


async def deadlines(ctx: AppContext) -> None:
    async with ctx.sessions() as session:
        await reminders.remind_deadlines(session, ctx.policy, ctx.clock.now())


async def countdowns_job(ctx: AppContext) -> None:
    """The cards' "N working days left", true again each morning (and after a restart)."""
    async with ctx.sessions() as session:
        await countdowns.refresh_countdowns(session, ctx.policy, ctx.clock.now())


async def escalation(ctx: AppContext) -> None:
    async with ctx.sessions() as session:
        await reminders.escalate_overdue(session, ctx.policy, ctx.clock.now())


async def digest(ctx: AppContext) -> None:
    async with ctx.sessions() as session:
        await reminders.send_digests(session, ctx.policy, ctx.clock.now())


async def apologies(ctx: AppContext) -> None:
    """Drafts for leaders in working hours only: they are read and approved by people."""
    now = ctx.clock.now()
    local = now.astimezone(ctx.tz)
    start, end = reminders.WORKING_HOURS
    if not (start <= local.time() <= end) or not ctx.policy.calendar.is_working_day(local.date()):
        return
    async with ctx.sessions() as session:
        await apology.draft_overdue_letters(session, now, policy=ctx.policy)


async def reports(ctx: AppContext) -> None:
    """The monthly summaries and annual drafts that have fallen due (each made once)."""
    await reporting.monthly_summaries(ctx)
    await reporting.annual_drafts(ctx)


async def report_mail(ctx: AppContext) -> None:
    await mail_outbox.send_due_mail(ctx)


async def retention_job(ctx: AppContext) -> None:
    """Anonymise residents past the retention period; complete erasures that waited."""
    async with ctx.sessions() as session:
        done = await retention.apply_retention(
            session,
            ctx.clock.now(),
            ctx.settings.retention_years,
            ledger=ErasureLedger(ctx.settings.erasure_ledger_path),
        )
    if done.requests_completed or done.anonymised:
        log.info(
            "retention: %s erasure(s) completed, %s anonymised",
            done.requests_completed,
            done.anonymised,
        )


async def files_job(ctx: AppContext) -> None:
    """Files residents sent that no case names any more (an erased case, a failed filing)
    leave the disk."""
    async with ctx.sessions() as session:
        gone = await files.sweep(session, ctx.settings.files_dir, ctx.clock.now())
    if gone:
        log.info("files: %s no longer named by any case, deleted", gone)


ALL = (
    countdowns_job,
    deadlines,
    escalation,
    digest,
    apologies,
    reports,
    report_mail,
    retention_job,
    files_job,
    backup,
)


async def run_all(ctx: AppContext) -> None:
    """Every job once, for "now": on start (catching up after a restart) and in tests."""
    for job in ALL:
        try:
            await job(ctx)
        except Exception:
            log.exception("scheduled job %s failed", job.__name__)

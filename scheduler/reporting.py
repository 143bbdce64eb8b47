"""The scheduled reports: the previous month's summary straight to the superior level, and
the annual report as a draft for the leaders to approve. Each is marked when made, in the
same transaction, so a restart or a second run makes nothing twice."""

import logging
from collections.abc import Callable
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from config.context import AppContext
from models import Commune, ReportKind, ReportSettings, ReportStatus
from reports.build import ReportRequest
from reports.issuing import make_version
from services.communes import registry as communes
from services.desk.reminders import mark_once
from services.reporting import schedule as report_schedule
from services.reporting import settings as report_settings
from services.reporting import versions as report_versions
from services.statistics.figures import Period

log = logging.getLogger(__name__)
Due = Callable[[Commune, ReportSettings, datetime], Period | None]
DueOn = Callable[[ReportSettings, datetime], date]


async def _each_due(ctx: AppContext, job: str, due: Due, due_on: DueOn, kind: ReportKind) -> int:
    now = ctx.clock.now()
    local = now.astimezone(ctx.tz)
    made = 0
    async with ctx.sessions() as session:
        everyone = await communes.list_communes(session)
        await session.commit()
    for commune in everyone:
        assert commune.id is not None
        try:
            async with ctx.sessions() as session:
                settings = await report_settings.settings_for(session, commune.id)
                period = due(commune, settings, local)
                if period is None:
                    continue
                dated = due_on(settings, local)
                made += await _make(
                    session, ctx, job, kind, (commune.id, period, dated), settings, now
                )
        except Exception:
            log.exception("%s report of commune %s failed; retried next run", job, commune.code)
    return made


async def _make(
    session: AsyncSession,
    ctx: AppContext,
    job: str,
    kind: ReportKind,
    what: tuple[int, Period, date],  # the commune, the period, the day the report is dated
    settings: ReportSettings,
    now: datetime,
) -> int:
    commune_id, period, dated = what
    channels = settings.monthly_channels if kind is ReportKind.MONTHLY else settings.annual_channels
    if not await mark_once(session, job, f"{commune_id}:{period.start}:{period.end}", now):
        await session.rollback()
        return 0
    request = ReportRequest((commune_id,), kind, period, channels=channels, dated=dated)
    if kind is ReportKind.MONTHLY:
        version = await make_version(
            session, ctx.policy, request, now=now, status=ReportStatus.APPROVED
        )
        await report_versions.deliver(session, version, now)
    else:
        version = await make_version(session, ctx.policy, request, now=now)
        if not await report_versions.ask_leaders(session, version, now):
            log.warning("annual report %s drafted but the commune has no leader", version.id)
    await session.commit()
    return 1


async def monthly_summaries(ctx: AppContext) -> int:
    return await _each_due(
        ctx,
        "report_monthly",
        report_schedule.monthly_due,
        report_schedule.monthly_due_on,
        ReportKind.MONTHLY,
    )


async def annual_drafts(ctx: AppContext) -> int:
    return await _each_due(
        ctx,
        "report_annual",
        report_schedule.annual_due,
        report_schedule.annual_due_on,
        ReportKind.ANNUAL,
    )

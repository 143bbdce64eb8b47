"""Prometheus metrics: counters kept by the update pipeline, and gauges read from the
database when /metrics is scraped.

The database gauges are computed by an async query before each render (prometheus_client
collectors are synchronous), then served from a private registry so that several apps
(tests, several processes' views) never share one.
"""

import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types.update import UpdateTypeLookupError
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.aiohttp import make_aiohttp_handler
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from sqlalchemy import and_, case, func
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Commune, DeliveryStatus, Notification, Ticket
from models.enums import OPEN_STATUSES
from services.clock import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatabaseFigures:
    outbox_pending: int
    outbox_oldest_age_seconds: float
    tickets: list[tuple[str, int, int]]  # commune code, open, overdue


async def read_figures(session: AsyncSession, clock: Clock) -> DatabaseFigures:
    """Outbox depth and age; open and overdue (open, answer deadline passed) per commune."""
    now = clock.now()
    pending, oldest = (
        await session.exec(
            select(func.count(col(Notification.id)), func.min(col(Notification.created_at))).where(
                col(Notification.status) == DeliveryStatus.PENDING
            )
        )
    ).one()
    overdue = case((col(Ticket.resolve_due_at) < now, 1), else_=0)
    rows = (
        await session.exec(
            select(Commune.code, func.count(col(Ticket.id)), func.coalesce(func.sum(overdue), 0))
            .select_from(Commune)
            .outerjoin(
                Ticket,
                and_(
                    col(Ticket.commune_id) == Commune.id,
                    col(Ticket.status).in_(list(OPEN_STATUSES)),
                ),
            )
            .group_by(Commune.code)
            .order_by(Commune.code)
        )
    ).all()
    age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    return DatabaseFigures(
        outbox_pending=pending,
        outbox_oldest_age_seconds=age,
        tickets=[(code, int(n_open), int(n_overdue)) for code, n_open, n_overdue in rows],
    )


class _DatabaseCollector:
    """Yields the figures read by the last refresh (none if the database failed)."""

    def __init__(self) -> None:
        self.figures: DatabaseFigures | None = None

    def collect(self) -> Iterator[Metric]:
        figures = self.figures
        yield GaugeMetricFamily(
            "pakn_database_up",
            "1 if this scrape could read the database, else 0 (and no database figures)",
            value=0 if figures is None else 1,
        )
        if figures is None:
            return
        yield GaugeMetricFamily(
            "pakn_outbox_pending",
            "Notifications written to the outbox and not yet sent",
            value=figures.outbox_pending,
        )
        yield GaugeMetricFamily(
            "pakn_outbox_oldest_age_seconds",
            "Age of the oldest notification not yet sent (0 when none waits)",
            value=figures.outbox_oldest_age_seconds,
        )
        open_ = GaugeMetricFamily("pakn_tickets_open", "Open cases", labels=["commune"])
        overdue = GaugeMetricFamily(
            "pakn_tickets_overdue", "Open cases past their answer deadline", labels=["commune"]
        )
        for code, n_open, n_overdue in figures.tickets:
            open_.add_metric([code], n_open)
            overdue.add_metric([code], n_overdue)
        yield open_
        yield overdue


class Metrics:
    """One process's metrics: build once, share between the dispatcher and the HTTP side."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "pakn_updates_handled",
            "Telegram updates processed, by type",
            ["type"],
            registry=self.registry,
        )
        self.errors = Counter(
            "pakn_handler_errors",
            "Updates whose processing raised an exception",
            registry=self.registry,
        )
        self._database = _DatabaseCollector()
        self.registry.register(self._database)

    async def refresh(self) -> None:
        try:
            async with self.sessions() as session:
                self._database.figures = await read_figures(session, self.clock)
        except (SQLAlchemyError, OSError):
            log.warning("metrics: could not read the database", exc_info=True)
            self._database.figures = None


def add_metrics_routes(app: web.Application, metrics: Metrics) -> None:
    """GET /metrics on an existing aiohttp app (the webhook server)."""
    render = make_aiohttp_handler(metrics.registry)

    async def handle(request: web.Request) -> web.StreamResponse:
        await metrics.refresh()
        return await render(request)

    app.router.add_get("/metrics", handle)


async def start_metrics_server(metrics: Metrics, host: str, port: int) -> web.AppRunner:
    """/metrics on its own port (polling mode). Stop it with `await runner.cleanup()`."""
    app = web.Application()
    add_metrics_routes(app, metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("metrics on http://%s:%s/metrics", host, port)
    return runner


def update_type(event: TelegramObject) -> str:
    if not isinstance(event, Update):
        return "unknown"
    try:
        return event.event_type
    except UpdateTypeLookupError:  # a type newer than this aiogram
        return "unknown"


class UpdateMetricsMiddleware(BaseMiddleware):
    """Outer middleware on dispatcher.update: counts every update by type, and those whose
    processing raised (the exception goes on to the error handlers)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except Exception:
            self.metrics.errors.inc()
            raise
        finally:
            self.metrics.updates.labels(type=update_type(event)).inc()

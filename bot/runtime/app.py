"""Builds the bot from settings and runs it; no side effects at import time.

Where its HTTP paths live: a process that also runs the web server gives it the bot's
paths (`use_web_server`): Telegram's webhook path in webhook mode and `/metrics`, beside
the web's `/healthz`, all on WEB_HOST:WEB_PORT. Without the web role the bot serves them
itself as before: in webhook mode its aiohttp server on WEBHOOK_HOST:WEBHOOK_PORT carries
the webhook path, `/healthz` and `/metrics`; in long polling METRICS_PORT, when set,
serves `/metrics`."""

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.utils.i18n import I18n
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.outbox.replies import GroupAnswers
from bot.outbox.sender import Outbox
from bot.outbox.signal import OutboxSignal
from bot.runtime import errors
from bot.runtime.commands import register_commands_when_reachable
from bot.runtime.i18n import ResidentLocaleMiddleware, build_i18n
from bot.runtime.inline_filters import run_sync_filters_inline
from bot.runtime.metrics import (
    Metrics,
    UpdateMetricsMiddleware,
    add_metrics_routes,
    start_metrics_server,
)
from bot.runtime.middlewares import (
    AnsweringMiddleware,
    DbSessionMiddleware,
    InboxMarkMiddleware,
    ResidentMiddleware,
)
from bot.runtime.polling import Poller
from bot.runtime.repeated_requests import ForgiveRepeatedRequests
from bot.runtime.response_models import KeepResponseModels
from bot.runtime.webhook import Webhook, build_webhook_app, recovering, webhook_path
from bot.updates.conversation import conversation_backend
from bot.updates.inbox import Inbox, tidy_forever
from bot.updates.runner import UpdateRunner
from config.context import AppContext, Background, build_context
from config.settings import Settings
from handlers import build_root_router
from handlers.routing import attach
from scheduler.lock import outbox_lock
from scheduler.runner import SchedulerService
from services.clock import Clock
from services.database.engine import create_engine_for

if TYPE_CHECKING:
    from fastapi import FastAPI

    from web.server import WebServer

log = logging.getLogger(__name__)


def build_bot(settings: Settings) -> Bot:
    token = settings.require_token()
    session = (
        AiohttpSession(api=TelegramAPIServer.from_base(settings.bot_api_url))
        if settings.bot_api_url
        else AiohttpSession()
    )
    session.middleware(KeepResponseModels())
    session.middleware(ForgiveRepeatedRequests())
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode="HTML"))


def build_dispatcher(
    ctx: AppContext,
    outbox: Outbox,
    i18n: I18n,
    isolation: BaseEventIsolation | None = None,
    metrics: Metrics | None = None,
) -> Dispatcher:
    storage, default_isolation = conversation_backend(ctx)
    dispatcher = Dispatcher(
        storage=storage,
        events_isolation=isolation or default_isolation,
        disable_fsm=True,  # registered below, inside the update's session
        ctx=ctx,
    )
    if metrics is not None:  # outside the session: failures at commit are counted too
        dispatcher.update.outer_middleware(UpdateMetricsMiddleware(metrics))
    dispatcher.update.outer_middleware(DbSessionMiddleware(ctx, outbox))
    dispatcher.update.outer_middleware(dispatcher.fsm)  # reads state through that session
    dispatcher.update.outer_middleware(ResidentMiddleware())
    dispatcher.update.outer_middleware(InboxMarkMiddleware())
    dispatcher.update.outer_middleware(AnsweringMiddleware())  # for bot.outbox.replies
    ResidentLocaleMiddleware(i18n).setup(dispatcher)
    # failures become polite replies (bot/runtime/errors.py), whichever router raised them
    attach(dispatcher, errors.router, build_root_router())
    run_sync_filters_inline(dispatcher)
    return dispatcher


@dataclass
class BotApp:
    bot: Bot
    dispatcher: Dispatcher
    outbox: Outbox
    ctx: AppContext
    engine: AsyncEngine
    i18n: I18n
    inbox: Inbox
    runner: UpdateRunner
    metrics: Metrics
    scheduler: SchedulerService | None = None
    also: list[Background] = field(default_factory=list)  # e.g. the web server (server/)
    web_server: "WebServer | None" = None  # carries the bot's paths when set (use_web_server)
    _poller: Poller | None = None
    _stop_webhook: Callable[[], None] | None = None

    @classmethod
    def create(
        cls, settings: Settings, clock: Clock | None = None, *, with_scheduler: bool = False
    ) -> "BotApp":
        engine = create_engine_for(settings.database_url)
        ctx = build_context(settings, engine, clock)
        ctx.policy.calendar.is_working_day(ctx.clock.now().date())  # load holidays up front
        bot = build_bot(settings)
        i18n = build_i18n()
        outbox = Outbox(
            bot,
            ctx,
            i18n,
            lock=outbox_lock(engine),
            signal=OutboxSignal.for_database(settings.database_url, engine),
        )
        # answers in a group leave the outbox its share of the group's rate (the cards)
        bot.session.middleware(GroupAnswers(lambda: outbox.limiter))
        scheduler = (
            SchedulerService(
                ctx, engine, lease_seconds=settings.scheduler_lease_seconds, after_job=outbox.wake
            )
            if with_scheduler
            else None
        )
        metrics = Metrics(ctx.sessions, ctx.clock)
        dispatcher = build_dispatcher(ctx, outbox, i18n, metrics=metrics)
        inbox = Inbox(ctx.sessions)
        runner = UpdateRunner(bot, dispatcher, inbox)
        return cls(bot, dispatcher, outbox, ctx, engine, i18n, inbox, runner, metrics, scheduler)

    @property
    def allowed_updates(self) -> list[str]:
        return self.dispatcher.resolve_used_update_types()

    def use_web_server(self, app: "FastAPI", server: "WebServer", *, webhook: bool) -> None:
        """Serve `/metrics` and, for `run_webhook`, Telegram's webhook path on the web app,
        which `server` serves and this app runs; call before running."""
        # FastAPI and the web's templates: only for a process that runs the web anyway
        from bot.runtime.on_web import add_metrics_route, add_webhook_route

        add_metrics_route(app, self.metrics)
        if webhook:
            url, secret = self.ctx.settings.require_webhook()
            add_webhook_route(app, self._webhook(secret), webhook_path(url))
        self.also.append(server)
        self.web_server = server

    def _webhook(self, secret: str) -> Webhook:
        return Webhook(self.bot, self.inbox, self.runner, secret)

    async def run_polling(self, *, handle_signals: bool = True) -> None:
        """Long polling through the inbox until `stop()` (or SIGINT/SIGTERM)."""
        self._poller = Poller(self.bot, self.inbox, self.runner, self.allowed_updates)
        settings = self.ctx.settings
        async with self._background(handle_signals, self._poller.stop):
            metrics_server = (
                await start_metrics_server(
                    self.metrics, settings.metrics_host, settings.metrics_port
                )
                if settings.metrics_port and self.web_server is None
                else None
            )
            try:
                await self._poller.run()
            finally:
                if metrics_server is not None:
                    await metrics_server.cleanup()

    async def run_webhook(self, *, handle_signals: bool = True) -> None:
        """Serve Telegram's webhook (WEBHOOK_URL, WEBHOOK_SECRET) until stopped; in-flight
        updates finish before the process ends."""
        url, secret = self.ctx.settings.require_webhook()
        self.runner.shared = True  # other webhook processes may serve the same bot
        stopped = asyncio.Event()
        self._poller = None
        self._stop_webhook = stopped.set
        async with (
            self._background(handle_signals, stopped.set),
            self._webhook_served(url, secret),
        ):
            await self.bot.set_webhook(
                url, secret_token=secret, allowed_updates=self.allowed_updates
            )
            await stopped.wait()

    @asynccontextmanager
    async def _webhook_served(self, url: str, secret: str) -> AsyncIterator[None]:
        if self.web_server is not None:  # its app has the path (use_web_server)
            await self.web_server.started()
            log.info("webhook served by the web server on port %s", self.web_server.port)
            async with recovering(self.inbox, self.runner):
                yield  # the runner is drained once the web server has stopped
            return
        settings = self.ctx.settings
        app = build_webhook_app(self._webhook(secret), path=webhook_path(url))
        add_metrics_routes(app, self.metrics)
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
            log.info("webhook served on %s:%s", settings.webhook_host, settings.webhook_port)
            yield
        finally:
            await runner.cleanup()  # stops accepting, then drains the runner

    @asynccontextmanager
    async def _background(
        self, handle_signals: bool, on_signal: Callable[[], None]
    ) -> AsyncIterator[None]:
        """The outbox and the scheduler run beside the updates and stop after them."""
        if handle_signals:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, on_signal)
        outbox_task = asyncio.create_task(self.outbox.run(), name="outbox")
        scheduler_task = (
            asyncio.create_task(self.scheduler.run(), name="scheduler") if self.scheduler else None
        )
        also_tasks = [asyncio.create_task(service.run()) for service in self.also]
        helpers = [
            asyncio.create_task(tidy_forever(self.inbox), name="inbox-tidy"),
            asyncio.create_task(register_commands_when_reachable(self.bot, self.i18n)),
        ]
        try:
            yield
        finally:
            for helper in helpers:
                helper.cancel()
            for service in self.also:
                service.stop()
            await asyncio.gather(*also_tasks)
            await self.runner.drain()  # what the web server accepted until it stopped
            if self.scheduler is not None and scheduler_task is not None:
                self.scheduler.stop()
                await scheduler_task
            self.outbox.stop()
            await outbox_task
            await self.bot.session.close()
            await self.engine.dispose()

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.stop()
        if self._stop_webhook is not None:
            self._stop_webhook()

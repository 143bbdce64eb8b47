"""Runs a plan's roles on one event loop. With Telegram, the bot's app runs the outbox and
the scheduler beside its updates and the web server as one more background service, which
then also carries the bot's paths (the webhook, `/metrics`: server/roles.py); without it,
the web server and the scheduler run side by side."""

import asyncio
import gc
import logging
import signal
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from config.context import AppContext, Background, build_context
from config.settings import Settings
from server.roles import Plan, unused_listeners
from services.database.engine import create_engine_for

if TYPE_CHECKING:
    from fastapi import FastAPI

    from web.server import WebServer

log = logging.getLogger(__name__)


async def _web_server(settings: Settings, ctx: AppContext) -> tuple["FastAPI", "WebServer"]:
    from web.app import build_web_app  # FastAPI and the templates: only for the web role
    from web.server import WebServer

    app = await build_web_app(ctx)
    return app, WebServer(app, settings.web_host, settings.web_port)


async def _news_courier(ctx: AppContext, engine: AsyncEngine) -> Background:
    """What web residents are told of their cases (Web Push, SMS): sent beside the web."""
    from news.courier import build_courier

    return await build_courier(ctx, engine)


def _freeze_what_was_built() -> None:
    """The web app, its templates and the bot's routers, built after `python -m bot` froze
    its imports (bot/__main__.py), are kept out of the collector's reach too: otherwise
    each full collection walks them again (48–80 ms pauses measured at the web's start,
    15–23 ms under load; bench/README.md)."""
    gc.collect()
    gc.freeze()


async def run(settings: Settings, plan: Plan) -> None:
    if plan.telegram:
        await _run_with_telegram(settings, plan)
    else:
        await _run_without_telegram(settings, plan)


async def _run_with_telegram(settings: Settings, plan: Plan) -> None:
    from bot.runtime.app import BotApp

    app = BotApp.create(settings, with_scheduler=plan.scheduler)
    if plan.web:
        app.use_web_server(*await _web_server(settings, app.ctx), webhook=plan.webhook)
        app.also.append(await _news_courier(app.ctx, app.engine))
        log.info("the residents' page is at %s", settings.public_url)
        unused = unused_listeners(settings, plan)
        if unused:
            log.warning(
                "%s unused: this process's one HTTP server is the web server on %s:%s, which "
                "serves %s/healthz and /metrics (these two to this machine only)",
                ", ".join(unused),
                settings.web_host,
                settings.web_port,
                "Telegram's webhook path, " if plan.webhook else "",
            )
    _freeze_what_was_built()
    await (app.run_webhook() if plan.webhook else app.run_polling())


async def _run_without_telegram(settings: Settings, plan: Plan) -> None:
    engine = create_engine_for(settings.database_url)
    ctx = build_context(settings, engine)
    services: list[Background] = []
    if plan.web:
        services.append((await _web_server(settings, ctx))[1])
        services.append(await _news_courier(ctx, engine))
    if plan.scheduler:
        from scheduler.runner import SchedulerService

        services.append(
            SchedulerService(ctx, engine, lease_seconds=settings.scheduler_lease_seconds)
        )
    if plan.telegram_off_notice:
        print(
            f"Telegram is off (no BOT_TOKEN); the residents' page is at {settings.public_url}",
            flush=True,
        )

    def stop_all() -> None:
        for service in services:
            service.stop()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop_all)
    try:
        _freeze_what_was_built()
        await asyncio.gather(*(s.run() for s in services))
    finally:
        await engine.dispose()

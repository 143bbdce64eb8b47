"""Builds the bot from settings and runs it; no side effects at import time."""

import asyncio
import logging
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.context import AppContext
from bot.conversation_backend import conversation_backend
from bot.i18n import ResidentLocaleMiddleware, build_i18n
from bot.middlewares import DbSessionMiddleware, ResidentMiddleware
from bot.outbox import Outbox
from handlers import build_root_router
from scheduler.runner import SchedulerService
from services.calendar import WorkingCalendar
from services.clock import Clock, SystemClock
from services.db import create_engine_for, session_factory
from services.deadlines import DeadlinePolicy

log = logging.getLogger(__name__)


def build_context(
    settings: Settings, engine: AsyncEngine, clock: Clock | None = None
) -> AppContext:
    return AppContext(
        settings=settings,
        sessions=session_factory(engine),
        policy=DeadlinePolicy(WorkingCalendar(), settings.tz),
        clock=clock or SystemClock(),
    )


def build_bot(settings: Settings) -> Bot:
    token = settings.require_token()
    session = (
        AiohttpSession(api=TelegramAPIServer.from_base(settings.bot_api_url))
        if settings.bot_api_url
        else AiohttpSession()
    )
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode="HTML"))


def build_dispatcher(
    ctx: AppContext,
    outbox: Outbox,
    i18n: I18n,
    isolation: BaseEventIsolation | None = None,
) -> Dispatcher:
    storage, default_isolation = conversation_backend(ctx)
    dispatcher = Dispatcher(
        storage=storage,
        events_isolation=isolation or default_isolation,
        ctx=ctx,
    )
    dispatcher.update.outer_middleware(DbSessionMiddleware(ctx, outbox))
    dispatcher.update.outer_middleware(ResidentMiddleware())
    ResidentLocaleMiddleware(i18n).setup(dispatcher)
    dispatcher.include_router(build_root_router())
    return dispatcher


def resident_commands() -> list[BotCommand]:
    return [
        BotCommand(command="start", description=_("Start, and what we keep about you")),
        BotCommand(command="new", description=_("Send feedback")),
        BotCommand(command="mine", description=_("My cases")),
        BotCommand(command="status", description=_("One case by its code")),
        BotCommand(command="help", description=_("How to use this bot")),
        BotCommand(command="cancel", description=_("Stop what you are doing")),
        BotCommand(command="language", description=_("Tiếng Việt / English")),
        BotCommand(command="mydata", description=_("What we keep about you")),
        BotCommand(command="forget", description=_("Erase my personal data")),
    ]


def staff_group_commands() -> list[BotCommand]:
    return [
        BotCommand(command="ack", description=_("Accept a case: /ack PA26-0001")),
        BotCommand(command="assign", description=_("Assign: /assign PA26-0001 @user")),
        BotCommand(command="reply", description=_("Answer the resident: /reply PA26-0001 …")),
        BotCommand(command="close", description=_("Close with the result: /close PA26-0001 …")),
        BotCommand(command="forward", description=_("Forward to the competent body")),
        BotCommand(command="reject", description=_("Refuse, with the reason")),
        BotCommand(command="extend", description=_("Extend: /extend PA26-0001 +5 reason")),
        BotCommand(command="merge", description=_("Merge a duplicate into a case")),
        BotCommand(command="note", description=_("Internal note")),
        BotCommand(command="queue", description=_("My open cases, most urgent first")),
        BotCommand(command="find", description=_("Find cases by code or words")),
        BotCommand(command="bind", description=_("Make this group the staff group (admins)")),
    ]


async def register_commands(bot: Bot, i18n: I18n) -> None:
    """Residents' commands in private chats, the desk's in groups; Vietnamese by default."""
    with i18n.context():
        for scope, commands in (
            (BotCommandScopeAllPrivateChats(), resident_commands),
            (BotCommandScopeAllGroupChats(), staff_group_commands),
        ):
            for language in ("vi", "en"):
                with i18n.use_locale(language):
                    await bot.set_my_commands(commands(), scope=scope, language_code=language)
            with i18n.use_locale("vi"):  # everyone else sees Vietnamese
                await bot.set_my_commands(commands(), scope=scope)


@dataclass
class BotApp:
    bot: Bot
    dispatcher: Dispatcher
    outbox: Outbox
    ctx: AppContext
    engine: AsyncEngine
    i18n: I18n
    scheduler: SchedulerService | None = None

    @classmethod
    def create(
        cls, settings: Settings, clock: Clock | None = None, *, with_scheduler: bool = False
    ) -> "BotApp":
        engine = create_engine_for(settings.database_url)
        ctx = build_context(settings, engine, clock)
        ctx.policy.calendar.is_working_day(ctx.clock.now().date())  # load holidays up front
        bot = build_bot(settings)
        i18n = build_i18n()
        outbox = Outbox(bot, ctx, i18n)
        scheduler = (
            SchedulerService(
                ctx, engine, lease_seconds=settings.scheduler_lease_seconds, after_job=outbox.wake
            )
            if with_scheduler
            else None
        )
        return cls(bot, build_dispatcher(ctx, outbox, i18n), outbox, ctx, engine, i18n, scheduler)

    async def run_polling(self, *, handle_signals: bool = True) -> None:
        outbox_task = asyncio.create_task(self.outbox.run(), name="outbox")
        scheduler_task = (
            asyncio.create_task(self.scheduler.run(), name="scheduler") if self.scheduler else None
        )
        try:
            await register_commands(self.bot, self.i18n)
            await self.dispatcher.start_polling(
                self.bot,
                handle_signals=handle_signals,
                allowed_updates=self.dispatcher.resolve_used_update_types(),
            )
        finally:
            if self.scheduler is not None and scheduler_task is not None:
                self.scheduler.stop()
                await scheduler_task
            self.outbox.stop()
            await outbox_task
            await self.bot.session.close()
            await self.engine.dispose()

    async def stop(self) -> None:
        await self.dispatcher.stop_polling()

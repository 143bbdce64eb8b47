"""The bare echo bots the benchmark of updates compares ours with (and the same echo behind
our crash-safe inbox), and the burst that
measures any bot's rate: one text from each of many users, all queued at once."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from aiogram import Dispatcher
from aiogram.types import Message

from bench.updates_probe import Probe, until
from bot.emulator import FakeTelegram, FakeUser


@asynccontextmanager
async def aiogram_echo(fake: FakeTelegram) -> AsyncIterator[None]:
    """aiogram 3 as its README starts: a Dispatcher, one handler, start_polling."""
    bot = fake.bot()
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False))
    try:
        yield
    finally:
        await dp.stop_polling()
        await task
        await bot.session.close()


def inbox_echo(database_url: str) -> Callable[[FakeTelegram], AbstractAsyncContextManager[None]]:
    """The aiogram echo handler behind this project's crash-safe inbox, and nothing else:
    each update stored before it is confirmed, claimed, answered, marked done (bot/inbox.py,
    bot/polling.py, bot/update_runner.py). The issue asks for that inbox, so its cost is a
    floor under any bot that keeps its promise, before a case is filed."""

    @asynccontextmanager
    async def run(fake: FakeTelegram) -> AsyncIterator[None]:
        from bot.inbox import Inbox
        from bot.polling import Poller
        from bot.response_models import KeepResponseModels
        from bot.update_runner import UpdateRunner
        from services.db import create_engine_for, session_factory

        engine = create_engine_for(database_url)
        bot = fake.bot()
        bot.session.middleware(KeepResponseModels())  # as the bot has (bot/response_models.py)
        dp = Dispatcher()

        @dp.message()
        async def echo(message: Message) -> None:
            await message.answer(message.text or "?")

        inbox = Inbox(session_factory(engine))
        poller = Poller(bot, inbox, UpdateRunner(bot, dp, inbox), dp.resolve_used_update_types())
        task = asyncio.create_task(poller.run())
        try:
            yield
        finally:
            poller.stop()
            await task
            await bot.session.close()
            await engine.dispose()

    return run


@asynccontextmanager
async def ptb_echo(fake: FakeTelegram) -> AsyncIterator[None]:
    """python-telegram-bot as its README starts: Application, one MessageHandler, polling
    (default settings: updates handled one at a time)."""
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "?")

    app = (
        Application.builder()
        .token(fake.token)
        .base_url(f"{fake.base_url}/bot")
        .base_file_url(f"{fake.base_url}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling()
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()


async def burst(
    fake: FakeTelegram, probe: Probe, count: int, text: str
) -> tuple[float, list[FakeUser]]:
    """Updates answered a second: `count` users each send `text`, all queued at once; the
    clock stops when the last one's answer reaches the server."""
    await until(lambda: fake.calls_to("getUpdates"), 30, "the bot polls")
    users = [fake.add_user(f"Người dân {i}") for i in range(count)]
    started = time.monotonic()
    for user in users:
        user.send(text)
    await until(lambda: all(probe.sent.get(u.id) for u in users), 600, "answers")
    last = max(probe.sent[u.id][0][0] for u in users)
    return count / (last - started), users

"""The echo bots the benchmark of updates compares ours with, each run as its own process
the way ours runs (`python -m bot`), so no bot shares its event loop with the fake server:

    python -m bench.echo_bots aiogram|ptb|inbox

BOT_TOKEN and BOT_API_URL name the fake server; `inbox` also needs DATABASE_URL. Each runs
until SIGTERM."""

import asyncio
import os
import signal
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


def aiogram_bot() -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["BOT_API_URL"]))
    return Bot(os.environ["BOT_TOKEN"], session=session)


def echo_dispatcher() -> Dispatcher:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    return dp


async def until_terminated() -> None:
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    await stopped.wait()


async def aiogram_echo() -> None:
    """aiogram 3 as its README starts: a Dispatcher, one handler, start_polling."""
    bot = aiogram_bot()
    dp = echo_dispatcher()
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False))
    await until_terminated()
    await dp.stop_polling()
    await task
    await bot.session.close()


async def inbox_echo() -> None:
    """The aiogram echo handler behind this project's crash-safe inbox, and nothing else:
    each update stored before it is confirmed, claimed, answered, marked done (bot/updates/inbox.py,
    bot/runtime/polling.py, bot/updates/runner.py). The issue asks for that inbox, so its cost is a
    floor under any bot that keeps its promise, before a case is filed."""
    from bot.runtime.polling import Poller
    from bot.runtime.response_models import KeepResponseModels
    from bot.updates.inbox import Inbox
    from bot.updates.runner import UpdateRunner
    from services.database.engine import create_engine_for, session_factory

    engine = create_engine_for(os.environ["DATABASE_URL"])
    bot = aiogram_bot()
    bot.session.middleware(KeepResponseModels())  # as the bot has (bot/runtime/response_models.py)
    dp = echo_dispatcher()
    inbox = Inbox(session_factory(engine))
    poller = Poller(bot, inbox, UpdateRunner(bot, dp, inbox), dp.resolve_used_update_types())
    task = asyncio.create_task(poller.run())
    await until_terminated()
    poller.stop()
    await task
    await bot.session.close()
    await engine.dispose()


async def ptb_echo() -> None:
    """python-telegram-bot as its README starts: Application, one MessageHandler, polling
    (default settings: updates handled one at a time)."""
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "?")

    base = os.environ["BOT_API_URL"]
    app = (
        Application.builder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling()
        await until_terminated()
        await app.updater.stop()
        await app.stop()


BOTS = {"aiogram": aiogram_echo, "inbox": inbox_echo, "ptb": ptb_echo}

if __name__ == "__main__":
    asyncio.run(BOTS[sys.argv[1]]())

"""Telegram's webhook over aiohttp: check the secret, store the update, answer, then process.

Telegram waits for the answer before it sends the chat's next update and sends again what
was not answered with 2xx; answering as soon as the update is committed to the inbox keeps
that wait short, and a crash after it loses nothing (the update is processed on restart,
by this process or another one sharing the database)."""

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError
from sqlmodel import select

from bot.updates.inbox import Inbox, chat_of
from bot.updates.recovery import recover_forever
from bot.updates.runner import UpdateRunner

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

BOT_KEY = web.AppKey("bot", Bot)
INBOX_KEY = web.AppKey("inbox", Inbox)
RUNNER_KEY = web.AppKey("runner", UpdateRunner)
SECRET_KEY = web.AppKey("secret", str)


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


async def receive(request: web.Request) -> web.Response:
    secret = request.app[SECRET_KEY]
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return web.Response(status=401, text="wrong secret token")
    try:
        update = Update.model_validate(await request.json(), context={"bot": request.app[BOT_KEY]})
    except (ValueError, ValidationError):
        return web.Response(status=400, text="not an update")
    try:
        claimed = await request.app[INBOX_KEY].store([update], claim=True)
    except Exception:
        log.exception(
            "update %s could not be stored; Telegram will send it again", update.update_id
        )
        return web.Response(status=503, text="try again")
    request.app[RUNNER_KEY].submit(
        update.update_id, chat_of(update), update=update, claimed=update.update_id in claimed
    )
    return web.Response(text="")


async def healthz(request: web.Request) -> web.Response:
    """For a load balancer: the database answers."""
    try:
        async with request.app[INBOX_KEY].sessions() as session:
            await session.exec(select(1))
    except Exception as exc:
        return web.Response(status=503, text=f"database: {type(exc).__name__}")
    return web.Response(text="ok")


def build_webhook_app(
    bot: Bot, inbox: Inbox, runner: UpdateRunner, *, path: str, secret: str
) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)  # updates are small; files come by id
    app[BOT_KEY] = bot
    app[INBOX_KEY] = inbox
    app[RUNNER_KEY] = runner
    app[SECRET_KEY] = secret
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", healthz)

    async def recovery(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(recover_forever(inbox, runner))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await runner.drain()  # finish what was accepted before stopping

    app.cleanup_ctx.append(recovery)
    return app

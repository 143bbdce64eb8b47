"""Telegram's webhook: check the secret, store the update, answer, then process.

Telegram waits for the answer before it sends the chat's next update and sends again what
was not answered with 2xx; answering as soon as the update is committed to the inbox keeps
that wait short, and a crash after it loses nothing (the update is processed on restart,
by this process or another one sharing the database).

`Webhook` is that answer, whichever server receives the POST. Here it is served by the
bot's own aiohttp server, for a process without the web role (`--role telegram
--webhook`), on WEBHOOK_HOST:WEBHOOK_PORT with `/healthz` and `/metrics`; a process that
runs the web server serves it on the web app instead (bot/runtime/on_web.py)."""

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.updates.inbox import Inbox, chat_of
from bot.updates.recovery import recover_forever
from bot.updates.runner import UpdateRunner
from services.database.health import database_trouble

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # updates are small; files come by id


BIGINT = 2**63  # update and chat ids are kept in BIGINT columns


def _fits(number: int) -> bool:
    return -BIGINT <= number < BIGINT


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


@dataclass(frozen=True)
class Webhook:
    bot: Bot
    inbox: Inbox
    runner: UpdateRunner
    secret: str

    def knows(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.secret.encode())

    async def take(self, body: bytes) -> tuple[int, str]:
        """Parse, store and submit an update from a request that knew the secret: the
        answer's status and text."""
        try:
            update = Update.model_validate(json.loads(body), context={"bot": self.bot})
        except (ValueError, ValidationError, RecursionError) as exc:  # 100,000 nested "["
            return await self._set_aside(body, None, type(exc).__name__)
        chat_id = chat_of(update)
        if not _fits(update.update_id) or (chat_id is not None and not _fits(chat_id)):
            return await self._set_aside(body, update.update_id, "an id out of range")
        try:
            claimed = await self.inbox.store([update], claim=True)
        except Exception:
            log.exception(
                "update %s could not be stored; Telegram will send it again", update.update_id
            )
            return 503, "try again"
        self.runner.submit(
            update.update_id, chat_id, update=update, claimed=update.update_id in claimed
        )
        return 200, ""

    async def _set_aside(self, body: bytes, update_id: int | None, why: str) -> tuple[int, str]:
        """Telegram sends again, forever, whatever is not answered 2xx, holding back the
        chat's next updates: an update that can never be taken is recorded (the log, and an
        audit row when the database answers) and answered 200."""
        detail = f"update {update_id if update_id is not None else '?'}: {why}, {len(body)} bytes"
        log.error("webhook: set aside a malformed update (%s)", detail)
        try:
            await self.inbox.set_aside(detail)
        except Exception:
            log.exception("webhook: could not record the malformed update")
        return 200, "set aside"


@asynccontextmanager
async def recovering(inbox: Inbox, runner: UpdateRunner) -> AsyncIterator[None]:
    """While the webhook is served, take up the stored updates no process finished."""
    task = asyncio.create_task(recover_forever(inbox, runner))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


WEBHOOK_KEY = web.AppKey("webhook", Webhook)


async def receive(request: web.Request) -> web.Response:
    webhook = request.app[WEBHOOK_KEY]
    if not webhook.knows(request.headers.get(SECRET_HEADER, "")):
        return web.Response(status=401, text="wrong secret token")
    status, text = await webhook.take(await request.read())
    return web.Response(status=status, text=text)


async def healthz(request: web.Request) -> web.Response:
    """For a load balancer: the database answers."""
    trouble = await database_trouble(request.app[WEBHOOK_KEY].inbox.sessions)
    if trouble is not None:
        return web.Response(status=503, text=f"database: {trouble}")
    return web.Response(text="ok")


def build_webhook_app(webhook: Webhook, *, path: str) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[WEBHOOK_KEY] = webhook
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", healthz)

    async def recovery(app: web.Application) -> AsyncIterator[None]:
        async with recovering(webhook.inbox, webhook.runner):
            yield
        await webhook.runner.drain()  # finish what was accepted before stopping

    app.cleanup_ctx.append(recovery)
    return app

"""Webhook delivery, as Telegram does it: while a webhook is set, POST each pending update
to it in order, with the secret token header, and confirm it only on a 2xx answer; on
anything else (an error status, a refused or dropped connection, a timeout) wait and send
the same update again.

Telegram only posts to https; the test names where an https address really listens
(`route`), e.g. https://pakn.example.gov.vn → http://127.0.0.1:8443."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.emulator.state import State

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Delivery:
    update_id: int
    status: int | None  # None: no HTTP answer (refused, reset, timeout)


@dataclass
class WebhookDelivery:
    state: State
    retry_after: float = 0.2
    timeout: float = 10.0
    routes: dict[str, str] = field(default_factory=dict)
    attempts: list[Delivery] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    def route(self, public_prefix: str, local_base: str) -> None:
        self.routes[public_prefix.rstrip("/")] = local_base.rstrip("/")

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _target(self) -> tuple[str, str | None] | None:
        hook = self.state.webhook
        if hook is None:
            return None
        for prefix, local in self.routes.items():
            if hook["url"].startswith(prefix):
                return local + hook["url"][len(prefix) :], hook.get("secret_token")
        return None

    async def _run(self) -> None:
        async with aiohttp.ClientSession() as http:
            while True:
                target = self._target()
                batch = self.state.updates.take(1) if target else []
                if not batch or target is None:
                    await asyncio.sleep(0.01)
                    continue
                update = batch[0]
                status = await self._post(http, target, update)
                self.attempts.append(Delivery(update["update_id"], status))
                if status is not None and 200 <= status < 300:
                    self.state.updates.confirm(update["update_id"] + 1)
                    self.state.notify()
                else:
                    self._note_error(status)
                    await asyncio.sleep(self.retry_after)

    async def _post(
        self, http: aiohttp.ClientSession, target: tuple[str, str | None], update: dict[str, Any]
    ) -> int | None:
        url, secret = target
        headers = {SECRET_HEADER: secret} if secret else {}
        try:
            async with http.post(
                url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout)
            ) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, TimeoutError, OSError):
            return None

    def _note_error(self, status: int | None) -> None:
        hook = self.state.webhook
        if hook is not None:
            hook["last_error_date"] = int(self.state.clock())
            hook["last_error_message"] = (
                f"Wrong response from the webhook: {status}" if status else "Connection refused"
            )

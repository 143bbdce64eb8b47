"""Long polling through the inbox: store what getUpdates returned, then confirm it.

Telegram forgets an update once a later getUpdates names an offset past it. Here that
happens only after the update is committed to the inbox, so a crash at any moment loses
nothing: what was stored is processed on the next start, what was not is delivered again."""

import asyncio
import contextlib
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.updates.inbox import Inbox, chat_of
from bot.updates.recovery import recover, recover_forever
from bot.updates.runner import UpdateRunner

log = logging.getLogger(__name__)

POLL_SECONDS = 30
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=30.0, factor=1.5, jitter=0.1)


class Poller:
    def __init__(
        self, bot: Bot, inbox: Inbox, runner: UpdateRunner, allowed_updates: list[str]
    ) -> None:
        self.bot = bot
        self.inbox = inbox
        self.runner = runner
        self.allowed_updates = allowed_updates
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        recovered = await recover(self.inbox, self.runner, steal=True)
        if recovered:
            log.info("processing %d update(s) stored before the last stop", recovered)
        recovery = asyncio.create_task(recover_forever(self.inbox, self.runner))
        try:
            await self._poll_until_stopped()
        finally:
            recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await recovery
        await self.runner.drain()

    async def _poll_until_stopped(self) -> None:
        backoff = Backoff(BACKOFF)
        offset: int | None = None
        while not self._stop.is_set():
            try:
                updates = await self._poll(offset)
                if updates is None:
                    break  # stopped while waiting
                claimed = await self.inbox.store(updates, claim=True)
            except TelegramConflictError as exc:
                log.error(
                    "another process is polling with this token, or a webhook is set: %s", exc
                )
                await self._sleep(backoff.next_delay)
                next(backoff)
                continue
            except Exception as exc:  # network, Telegram or database: try again, confirm nothing
                log.error(
                    "could not fetch or store updates (%s: %s); retrying", type(exc).__name__, exc
                )
                await self._sleep(backoff.next_delay)
                next(backoff)
                continue
            backoff.reset()
            for update in updates:
                self.runner.submit(
                    update.update_id,
                    chat_of(update),
                    update=update,
                    claimed=update.update_id in claimed,
                )
            if updates:
                offset = updates[-1].update_id + 1

    async def _poll(self, offset: int | None) -> list[Update] | None:
        request = GetUpdates(
            offset=offset, timeout=POLL_SECONDS, allowed_updates=self.allowed_updates
        )
        poll = asyncio.ensure_future(self.bot(request, request_timeout=POLL_SECONDS + 30))
        stopped = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({poll, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not poll.done():
            poll.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poll
            return None
        return poll.result()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

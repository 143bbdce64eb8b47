"""Stored updates that no live worker is processing are submitted again: those an earlier run
left when it stopped, and, while the bot runs, those whose claim failed (the database was
locked or unreachable) or whose lease ran out (another process sharing the database died)."""

import asyncio
import logging
from datetime import datetime, timedelta

from bot.updates.inbox import LEASE, Inbox
from bot.updates.runner import UpdateRunner
from models.base import utcnow

log = logging.getLogger(__name__)

RECOVER_EVERY = LEASE.total_seconds() / 2


async def recover(
    inbox: Inbox, runner: UpdateRunner, *, steal: bool, stored_before: datetime | None = None
) -> int:
    """Submit what is stored but not done, oldest first (`steal`: leased or not, for a
    single poller starting up)."""
    count, after = 0, None
    while batch := await inbox.unfinished(steal=steal, after=after, stored_before=stored_before):
        for update_id, chat_id in batch:
            runner.submit(update_id, chat_id, steal=steal)
        count, after = count + len(batch), batch[-1][0]
    return count


async def recover_forever(inbox: Inbox, runner: UpdateRunner, every: float = RECOVER_EVERY) -> None:
    """Every `every` seconds, take over updates stored over `every` seconds ago that are not
    done and not leased (those just stored are on their way already; the runner ignores
    what it has queued)."""
    while True:
        try:
            settled = utcnow() - timedelta(seconds=every)
            recovered = await recover(inbox, runner, steal=False, stored_before=settled)
            if recovered:
                log.info("took over %d update(s) left unfinished", recovered)
        except Exception:
            log.exception("could not look for unfinished updates")
        await asyncio.sleep(every)

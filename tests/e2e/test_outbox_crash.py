"""The bot process is killed (SIGKILL) with hundreds of messages in its outbox: after a
restart every message arrives, and only those in flight at the kill arrive twice."""

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.outbox.sender import MAX_LANES
from models import DeliveryStatus, Notification
from tests import ROOT
from tests.e2e.conftest import make_commune
from tests.e2e.outbox_helpers import queue_numbered, received, staff_members, statuses

CHATS, EACH = 100, 2


async def _start(fake: FakeTelegram, database_url: str, cwd: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "BOT_TOKEN": fake.token,
        "BOT_API_URL": fake.base_url,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_a_killed_bot_loses_nothing_and_repeats_only_what_was_in_flight(
    fake: FakeTelegram, database_url: str, db: AsyncSession, tmp_path: Path
) -> None:
    commune = await make_commune(db)
    members = await staff_members(db, fake, commune, CHATS)
    expected = await queue_numbered(db, commune, [m for m, _ in members], EACH)
    fake.rate_limit(per_second=30, per_chat_per_second=3)

    def sent() -> int:
        return len(fake.calls_to("sendMessage")) - len(fake.errors)

    process = await _start(fake, database_url, tmp_path)
    try:
        await fake.wait_until(lambda: sent() >= 60, timeout=60)
    finally:
        process.kill()  # SIGKILL: no clean-up of any kind
        await process.wait()
    assert process.returncode == -signal.SIGKILL
    await asyncio.sleep(0.1)  # requests the server was still answering
    delivered_at_kill = sent()
    await db.rollback()
    recorded = sum(
        len(result.get("message_ids", []))
        for result in (await db.exec(select(Notification.result))).all()
    )
    in_flight = delivered_at_kill - recorded
    assert 0 <= in_flight <= MAX_LANES
    assert delivered_at_kill < CHATS * EACH, "killed with most of the outbox still queued"

    process = await _start(fake, database_url, tmp_path)
    try:

        async def all_sent() -> bool:
            return set(await statuses(db)) == {DeliveryStatus.SENT}

        await fake.wait_until(all_sent, timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
    duplicates = 0
    for (_, user), names in zip(members, expected, strict=True):
        got = received(fake, user, names)
        assert list(dict.fromkeys(got)) == names, "every message, in order"
        duplicates += len(got) - len(names)
    assert duplicates <= in_flight
    assert [e for e in fake.errors if e[1] == 429] == []

"""The real scheduler: its jobs and triggers, run in the bot's loop; and only one scheduler
among several processes sharing a database."""

import asyncio
import dataclasses
import os
import signal
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from scheduler.runner import SchedulerService, build_scheduler
from services.clock import FixedClock
from tests import ROOT
from tests.e2e.conftest import make_commune

VN = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_the_scheduler_runs_its_jobs_in_the_bot(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    hoa = fake.add_user("Hoa")
    hoa.send("Đường liên thôn ngập sâu sau mưa", date=datetime(2026, 11, 16, 9, 0, tzinfo=VN))
    await hoa.next_message()
    hoa.tap("✅ Có, gửi ngay")
    await hoa.next_message()
    card = await group.next_message()

    morning = dataclasses.replace(
        bot_app.ctx, clock=FixedClock(datetime(2026, 11, 19, 7, 45, tzinfo=VN))
    )
    scheduler = build_scheduler(morning)
    assert {job.id for job in scheduler.get_jobs()} == {
        "countdowns",
        "deadlines",
        "digest",
        "escalation",
        "apologies",
        "reports",
        "report_mail",
        "retention",
        "files",
    }
    assert str(scheduler.get_job("digest").trigger) == "cron[hour='7', minute='30']"

    service = SchedulerService(
        morning, bot_app.engine, lease_seconds=5, after_job=bot_app.outbox.wake
    )
    task = asyncio.create_task(service.run())
    try:
        got = [await group.next_message(), await group.next_message()]
    finally:
        service.stop()
        await task
    texts = "\n".join(m["text"] for m in got)
    assert "chưa được tiếp nhận" in texts  # the acknowledgement deadline (18/11) has passed
    assert "Chào buổi sáng" in texts and card["text"].split()[1] in texts


async def test_only_one_scheduler_among_processes(database_url: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SCHEDULER_LEASE_SECONDS": "3",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("BOT_TOKEN", None)

    async def start() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--role",
            "scheduler",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )

    first = await start()
    await asyncio.sleep(0.5)
    second = await start()
    leading = {}

    async def watch(name: str, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            if b"this process runs the scheduled jobs" in line:
                leading[name] = asyncio.get_running_loop().time()

    watchers = [
        asyncio.create_task(watch("first", first)),
        asyncio.create_task(watch("second", second)),
    ]
    try:
        for _ in range(300):  # a generous bound: two interpreters start on a busy machine
            if leading:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(2)
        assert len(leading) == 1, "exactly one process leads"
        leader, other = (first, "second") if "first" in leading else (second, "first")
        leader.send_signal(signal.SIGKILL)  # no goodbye: the lock must still pass on
        for _ in range(300):
            if other in leading:
                break
            await asyncio.sleep(0.1)
        assert other in leading, "the standby took over"
    finally:
        for process in (first, second):
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in (first, second):
            await asyncio.wait_for(process.wait(), timeout=20)
        for watcher in watchers:
            watcher.cancel()

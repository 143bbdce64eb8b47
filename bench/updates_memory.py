"""Peak memory of `python -m bot` (a subprocess) over a database of many cases, while it
handles a few hundred updates from residents filing cases."""

import asyncio
import time

from sqlmodel import select

from bench.bot_process import bot_process
from bench.report_annual import build
from bench.updates_ours import CASE, CONFIRM
from bench.updates_probe import Probe, until
from bot.emulator import FakeTelegram
from models import Commune
from services.communes import registry as communes
from services.database.engine import create_engine_for, session_factory


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def staff_group(fake: FakeTelegram, url: str) -> None:
    engine = create_engine_for(url)
    async with session_factory(engine)() as session:
        for row in (await session.exec(select(Commune))).all():
            await communes.update_commune(session, row, staff_chat_id=fake.add_group().id)
    await engine.dispose()


async def run_bot(url: str, residents: int) -> dict[str, float]:
    async with FakeTelegram() as fake:
        await staff_group(fake, url)
        probe = Probe(fake)
        async with bot_process(fake, "bot", database_url=url) as proc:
            await asyncio.sleep(1)
            idle = peak_rss_mb(proc.pid)
            users = [fake.add_user(f"Người dân {i}") for i in range(residents)]
            for user in users:
                user.send(CASE)
            await until(lambda: all(u.sent_messages() for u in users), 300, "questions")
            taps = [u.tap(CONFIRM)["id"] for u in users]
            await until(lambda: all(t in probe.answered for t in taps), 300, "taps answered")
            await asyncio.sleep(0.5)
            peak = peak_rss_mb(proc.pid)
    return {"updates": 2 * residents, "RSS MB when polling": idle, "peak RSS MB": peak}


def memory(url: str, cases: int, residents: int) -> dict[str, float]:
    started = time.monotonic()
    build(url, cases, 1)
    built = time.monotonic() - started
    result = asyncio.run(run_bot(url, residents))
    return {"cases": cases, "build s": built, **result}

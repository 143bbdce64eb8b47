"""`python -m bot` as an IT person runs it: a real process, long polling, a clean stop."""

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from tests import ROOT
from tests.e2e.conftest import make_commune


async def test_the_bot_process_files_a_case_and_stops_on_sigterm(
    fake: FakeTelegram, database_url: str, db: AsyncSession, tmp_path: Path
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    env = {
        **os.environ,
        "BOT_TOKEN": fake.token,
        "BOT_API_URL": fake.base_url,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        hoa = fake.add_user("Hoa")
        hoa.send("Mương thoát nước thôn Yên Phú bị lấp")
        await hoa.next_message(timeout=60)
        hoa.tap("✅ Có, gửi ngay")
        assert "Mã hồ sơ" in (await hoa.next_message(timeout=10))["text"]
        assert "Mương thoát nước" in (await group.next_message(timeout=10))["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, output.decode()
    assert fake.token not in output.decode(), "the token never appears in the log"

"""`python -m bot` on a fresh machine without a Telegram token: it serves the residents'
page and runs the scheduler, says in one line that Telegram is off and where the page is,
and stops cleanly on SIGTERM."""

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
from sqlmodel.ext.asyncio.session import AsyncSession

from tests import ROOT
from tests.e2e.conftest import make_commune


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_without_a_token_the_process_serves_the_page(
    database_url: str, session: AsyncSession, tmp_path: Path
) -> None:
    await make_commune(session)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    env.pop("BOT_TOKEN", None)
    env.update(WEB_PORT=str(port), PUBLIC_URL=f"http://127.0.0.1:{port}")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,  # no .env there
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
        assert line.strip() == (
            f"Telegram is off (no BOT_TOKEN); the residents' page is at http://127.0.0.1:{port}"
        )
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):
                try:
                    home = await client.get("/")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            assert home.status_code == 303 and home.headers["location"] == "/x/07060"
            page = await client.get("/x/07060")
            assert page.status_code == 200 and "Gửi phản ánh, kiến nghị tới UBND" in page.text
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, errors.decode()
    assert "scheduler: this process runs the scheduled jobs" in errors.decode()

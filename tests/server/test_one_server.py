"""`python -m bot --webhook` with the web role runs one HTTP server: the web server carries
Telegram's webhook path, `/healthz` and `/metrics` (these two for this machine only), and
nothing listens on WEBHOOK_PORT or METRICS_PORT."""

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from models import InboxUpdate
from tests import ROOT
from tests.e2e.conftest import make_commune
from tests.server.test_process import _free_port

PUBLIC = "https://pakn.example.gov.vn"
SECRET = "s3cret-Token_for-the-webhook-0123456789"


@dataclass
class Running:
    fake: FakeTelegram
    web: httpx.AsyncClient
    unused_ports: tuple[int, int]
    log: list[str]

    async def logged(self, words: str) -> str:
        async with asyncio.timeout(15):
            while not any(words in line for line in self.log):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        return next(line for line in self.log if words in line)


async def _read(stream: asyncio.StreamReader, into: list[str]) -> None:
    while line := await stream.readline():
        into.append(line.decode())


@pytest.fixture
async def running(
    database_url: str, session: AsyncSession, tmp_path: Path
) -> AsyncIterator[Running]:
    await make_commune(session)
    web_port, webhook_port, metrics_port = _free_port(), _free_port(), _free_port()
    async with FakeTelegram() as fake:
        fake.route_webhook(PUBLIC, f"http://127.0.0.1:{web_port}")
        env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        env.update(
            BOT_TOKEN=fake.token,
            BOT_API_URL=fake.base_url,
            WEBHOOK_URL=f"{PUBLIC}/telegram/hook",
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_PORT=str(webhook_port),
            METRICS_PORT=str(metrics_port),
            WEB_PORT=str(web_port),
            PUBLIC_URL=PUBLIC,
            DATA_DIR=str(tmp_path / "data"),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--webhook",
            cwd=tmp_path,  # no .env there
            env=env,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stderr is not None
        log: list[str] = []
        reader = asyncio.create_task(_read(process.stderr, log))
        try:
            await fake.wait_until(lambda: fake.state.webhook is not None, timeout=60)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{web_port}") as web:
                yield Running(fake, web, (webhook_port, metrics_port), log)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=30)
            await reader
        assert process.returncode == 0, "".join(log)


async def test_telegram_posts_to_the_web_server(running: Running, session: AsyncSession) -> None:
    hook = running.fake.state.webhook
    assert hook is not None and hook["url"] == f"{PUBLIC}/telegram/hook"
    update = {
        "update_id": 900_000_001,
        "message": {
            "message_id": 1,
            "date": 1_780_000_000,
            "chat": {"id": 5, "type": "private", "first_name": "Hoa"},
            "from": {"id": 5, "is_bot": False, "first_name": "Hoa"},
            "text": "/help",
        },
    }
    for wrong in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
        response = await running.web.post("/telegram/hook", json=update, headers=wrong)
        assert (response.status_code, response.text) == (401, "wrong secret token")
    right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    response = await running.web.post("/telegram/hook", content=b"{not json", headers=right)
    assert response.status_code == 200, "recorded and answered, or Telegram repeats it forever"
    count = (await session.exec(select(func.count()).select_from(InboxUpdate))).one()
    assert count == 0, "nothing from a stranger, nothing unreadable is stored as an update"

    hoa = running.fake.add_user("Hoa")
    hoa.start()  # Telegram posts /start to WEBHOOK_URL, which nginx would pass to WEB_PORT
    welcome = await hoa.next_message(timeout=30)
    assert "Hòm thư số" in welcome["text"]
    assert all(200 <= (a.status or 0) < 300 for a in running.fake.webhooks.attempts)


async def test_healthz_and_metrics_answer_this_machine_only_on_the_one_server(
    running: Running,
) -> None:
    health = await running.web.get("/healthz")
    assert (health.status_code, health.text) == (200, "ok")
    metrics = await running.web.get("/metrics")
    assert metrics.status_code == 200 and "pakn_database_up 1.0" in metrics.text
    assert 'pakn_tickets_open{commune="07060"} 0.0' in metrics.text
    relayed = {"X-Forwarded-For": "203.0.113.7"}
    for path in ("/healthz", "/metrics"):
        refused = await running.web.get(path, headers=relayed)
        assert refused.status_code == 404 and "Không tìm thấy trang" in refused.text

    for port in running.unused_ports:
        with pytest.raises(httpx.ConnectError):
            await running.web.get(f"http://127.0.0.1:{port}/healthz")
    line = await running.logged("WEBHOOK_PORT, METRICS_PORT unused")
    assert "the web server on 127.0.0.1:" in line and "Telegram's webhook path" in line

"""`python -m bot --sandbox` as a trainer starts it: one line with the address, no token,
and none of the production settings touched."""

import asyncio
import json
import os
import signal
import socket
import sys
import urllib.request
from pathlib import Path
from typing import Any

from tests import ROOT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


async def test_the_sandbox_process_prints_its_address_and_serves_the_page(tmp_path: Path) -> None:
    port = _free_port()
    production = tmp_path / "production.db"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{production}",  # must be left alone
        "BOT_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_",  # must not be used
        "BOT_API_URL": "http://127.0.0.1:9/never",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--sandbox",
        "--port",
        str(port),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=120)
        address = line.decode().strip()
        assert address == f"http://127.0.0.1:{port}/"
        state = await asyncio.to_thread(_get, address + "sandbox/api/state")
        assert state["commune"]["name"] == "Xã Thống Nhất"
        assert {chat["kind"] for chat in state["chats"]} == {"resident", "group", "officer"}
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()
    assert out.decode().strip() == "", "one line, the address, and nothing more"
    assert not production.exists(), "the production database is never touched"
    assert "api.telegram.org" not in err.decode()

"""`python -m bot` against a broken network never prints its token: not in a retry's log
line, not in a traceback, not in the quoted body of a proxy's error page."""

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests import ROOT

TOKEN = "7012345678:AAF-secret_PART_of_the-token_1234567890xyz"
SECRET = TOKEN.split(":", 1)[1]
FAULTS = ("500", "redirect loop", "reset")


class FaultyApi:
    """A Bot API behind a broken proxy. Each failing call gets the next fault in turn: a 500
    page quoting the request line (as some proxies do), a redirect loop (aiohttp's error then
    names the URL), a connection reset. `from_start`: every call fails, so the bot dies at
    start; otherwise only getUpdates fails and the bot keeps retrying."""

    def __init__(self, *, from_start: bool) -> None:
        self.from_start = from_start
        self.served: list[str] = []
        self.server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        with contextlib.suppress(Exception):  # connections we cut may linger
            await asyncio.wait_for(self.server.wait_closed(), 5)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        method, path = head.split(" ", 2)[:2]
        if method == "POST" and not self.from_start and not path.endswith("/getUpdates"):
            await self._answer_ok(reader, writer, head, path)
            return
        fault = "redirect loop" if method != "POST" else FAULTS[len(self.served) % len(FAULTS)]
        if method == "POST":
            self.served.append(fault)
        if fault == "reset":
            writer.transport.abort()
            return
        if fault == "500":
            body = f"<html><h1>500 Internal Server Error</h1><p>{method} {path}</p></html>"
            status, extra = "500 Internal Server Error", "Content-Type: text/html\r\n"
        else:
            body, status, extra = "", "302 Found", f"Location: {path}\r\n"
        data = body.encode()
        writer.write(
            f"HTTP/1.1 {status}\r\n{extra}Content-Length: {len(data)}\r\n"
            f"Connection: close\r\n\r\n".encode()
            + data
        )
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()

    @staticmethod
    async def _answer_ok(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: str, path: str
    ) -> None:
        length = next(
            (
                int(line.split(":", 1)[1])
                for line in head.split("\r\n")
                if line.lower().startswith("content-length:")
            ),
            0,
        )
        await reader.readexactly(length)
        result: object = True
        if path.endswith("/getMe"):
            result = {
                "id": 7012345678,
                "is_bot": True,
                "first_name": "Hòm thư số",
                "username": "homthuso_bot",
            }
        data = json.dumps({"ok": True, "result": result}).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
            + data
        )
        await writer.drain()
        writer.close()


def _closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nobody listens there any more


@pytest.fixture(params=["getUpdates keeps failing", "failing from the start", "closed port"])
async def api(request: pytest.FixtureRequest) -> AsyncIterator[FaultyApi | None]:
    if request.param == "closed port":
        yield None
        return
    server = FaultyApi(from_start=request.param == "failing from the start")
    await server.start()
    yield server
    await server.stop()


async def test_the_token_never_appears_in_the_output_of_a_failing_bot(
    api: FaultyApi | None, database_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "BOT_API_URL": api.url if api else _closed_port(),
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "DEBUG",
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
    assert process.stdout is not None
    output = bytearray()
    enough = asyncio.Event()  # the bot died, or logged retries through every fault

    async def read() -> None:
        assert process.stdout is not None
        while chunk := await process.stdout.read(65536):
            output.extend(chunk)
            failures = output.count(b"ERROR") + output.count(b"WARNING")
            if failures >= 3 and (api is None or set(FAULTS) <= set(api.served)):
                enough.set()
        enough.set()  # the process ended

    reader = asyncio.create_task(read())
    with contextlib.suppress(TimeoutError):  # a slow machine: judge what was printed so far
        await asyncio.wait_for(enough.wait(), timeout=90)
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
    await reader
    printed = output.decode(errors="replace")
    assert "Error" in printed or "ERROR" in printed, "the failures were reported"
    assert TOKEN not in printed and SECRET not in printed, printed[-3000:]

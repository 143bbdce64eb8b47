"""The residents' web page as a commune runs it: `pakn` sets the commune up, then
`python -m bot --role web` serves it on a free port; staff act through the same services."""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlmodel import col, select

from models import Staff, Ticket
from services.database.engine import create_engine_for, session_factory
from services.desk import actions as desk
from tests import ROOT

T = TypeVar("T")


@dataclass(frozen=True)
class Site:
    url: str
    database_url: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pakn(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


@contextmanager
def resident_site(directory: Path, log: Path) -> Iterator[Site]:
    port = _free_port()
    database_url = f"sqlite:///{directory}/pakn.db"
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    env.pop("BOT_TOKEN", None)
    env.update(WEB_PORT=str(port), PUBLIC_URL=f"http://127.0.0.1:{port}")
    _pakn(env, "commune", "add", "7060", "--population", "12290")
    _pakn(env, "commune", "add", "4")  # Phường Ba Đình: residents choose their commune
    _pakn(env, "village", "add", "--commune", "7060", "Thôn Yên Phú")
    _pakn(
        env,
        "staff",
        "add",
        "--commune",
        "7060",
        "--telegram-id",
        "501",
        "--role",
        "officer",
        "--name",
        "Lê Văn Hùng",
    )
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "--role", "web"],
            env=env,
            cwd=directory,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/x/07060", timeout=2)
                    break
                except (urllib.error.URLError, ConnectionError):
                    assert process.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, "the web server did not start"
                    time.sleep(0.2)
            yield Site(url, database_url)
        finally:
            process.terminate()
            process.wait(timeout=30)


def in_a_thread(work: Callable[[], Awaitable[T]]) -> T:
    """Playwright's sync API keeps an event loop in this thread: database work runs in
    another, with its own."""
    result: list[T] = []

    def run() -> None:
        result.append(asyncio.run(work()))  # type: ignore[arg-type]

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert result, "the work in the other thread failed (see above)"
    return result[0]


def staff_close(site: Site, code: str, answer: str) -> None:
    """The officer answers and closes the case, as the desk's Hoàn thành does."""

    async def close() -> None:
        engine = create_engine_for(site.database_url)
        try:
            async with session_factory(engine)() as session:
                ticket = (await session.exec(select(Ticket).where(col(Ticket.code) == code))).one()
                officer = (await session.exec(select(Staff))).one()
                now = datetime.now(UTC)
                await desk.close(session, ticket, officer, answer, at=now, now=now)
        finally:
            await engine.dispose()

    in_a_thread(close)


def ticket_position(site: Site, code: str) -> tuple[float | None, float | None]:
    async def read() -> tuple[float | None, float | None]:
        engine = create_engine_for(site.database_url)
        try:
            async with session_factory(engine)() as session:
                ticket = (await session.exec(select(Ticket).where(col(Ticket.code) == code))).one()
                return ticket.latitude, ticket.longitude
        finally:
            await engine.dispose()

    return in_a_thread(read)

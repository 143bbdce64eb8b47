"""A bot under the benchmark of updates, run as its own process against the fake server, as
it runs in production: the fake's own work is then not charged to the bot's event loop."""

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from bench.updates_probe import until
from bot.emulator import FakeTelegram


@asynccontextmanager
async def bot_process(
    fake: FakeTelegram,
    *module_and_args: str,
    database_url: str = "",
    environment: dict[str, str] | None = None,
    ready: Callable[[], bool] | None = None,
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m <module_and_args>` with BOT_TOKEN, BOT_API_URL (and DATABASE_URL) naming
    the fake; yields once the bot is `ready` (by default: it polls), stops it with SIGTERM."""
    polls = len(fake.calls_to("getUpdates"))
    ready = ready or (lambda: len(fake.calls_to("getUpdates")) > polls)
    env = {
        **os.environ,
        "BOT_TOKEN": fake.token,
        "BOT_API_URL": fake.base_url,
        "LOG_LEVEL": "WARNING",
        # as deploy/*.service runs it (set MALLOC_ARENA_MAX=0 to measure glibc's default)
        "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"),
        # `all` serves the web page too: on a free port, so several processes can run
        "WEB_PORT": os.environ.get("WEB_PORT", "0"),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(environment or {})
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", *module_and_args, env=env)
    try:
        await until(lambda: ready() or proc.returncode is not None, 120, "the bot is ready")
        if proc.returncode is not None:
            raise RuntimeError(f"python -m {' '.join(module_and_args)} exited {proc.returncode}")
        yield proc
    finally:
        if proc.returncode is None:
            proc.terminate()
        await proc.wait()


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used, all its threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

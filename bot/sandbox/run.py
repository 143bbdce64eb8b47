"""Runs the sandbox in the foreground until Ctrl+C or SIGTERM."""

import asyncio
import logging
import signal
import sys
import tempfile
from pathlib import Path

DEFAULT_PORT = 8080


async def serve(port: int) -> None:
    from .world import Sandbox

    with tempfile.TemporaryDirectory(prefix="homthuso-sandbox-") as directory:
        sandbox = Sandbox(Path(directory))
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopped.set)
        try:
            address = await sandbox.start(port)
            print(address, flush=True)
            await stopped.wait()
        finally:
            await sandbox.stop()


def run(port: int = DEFAULT_PORT) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(port))
    except OSError as exc:  # the port is taken
        print(
            f"Error: cannot serve the sandbox on port {port}: {exc.strerror}; "
            "try another with --port.",
            file=sys.stderr,
        )
        return 2
    return 0

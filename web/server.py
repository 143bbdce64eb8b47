"""uvicorn serving the web app inside the process's running event loop, beside the bot and
the scheduler; the process's own signal handlers stop it (`stop`), not uvicorn's."""

import asyncio
from collections.abc import Generator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp


class _InLoopServer(uvicorn.Server):
    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield  # SIGINT/SIGTERM belong to the process: it calls WebServer.stop


class WebServer:
    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            lifespan="off",
            log_config=None,
            access_log=False,
            server_header=False,
            proxy_headers=False,  # X-Forwarded-For is read only from TRUSTED_PROXIES
            timeout_graceful_shutdown=10,
        )
        self._server = _InLoopServer(config)

    async def run(self) -> None:
        await self._server.serve()

    def stop(self) -> None:
        self._server.should_exit = True

    async def started(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while not self._server.started:  # noqa: ASYNC110 (uvicorn offers a flag, no event)
                await asyncio.sleep(0.02)

    @property
    def port(self) -> int:
        """The port it listens on (WEB_PORT=0 picks a free one)."""
        return int(self._server.servers[0].sockets[0].getsockname()[1])

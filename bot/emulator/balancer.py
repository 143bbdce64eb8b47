"""A round-robin load balancer in front of several webhook processes, as nginx's `upstream`
would be: tests and benchmarks put it between the fake Telegram and the bots."""

from types import TracebackType

import aiohttp
from aiohttp import web


class RoundRobin:
    """Forwards each POST to the next backend in turn; `handled[i]`: answers 200 from the
    i-th backend."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.handled = [0] * len(backends)
        self._turn = 0
        self._http: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> "RoundRobin":
        self._http = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    async def __aenter__(self) -> "RoundRobin":
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        index, self._turn = self._turn, (self._turn + 1) % len(self.backends)
        async with self._http.post(
            self.backends[index] + request.path,
            data=await request.read(),
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
        ) as answer:
            if answer.status == 200:
                self.handled[index] += 1
            return web.Response(status=answer.status, body=await answer.read())

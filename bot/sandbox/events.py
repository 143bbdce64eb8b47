"""Server-Sent Events to every open page: `chat` when a chat changed, `clock` when time
moved; a comment every 15 s keeps proxies from closing the stream."""

import asyncio
import json
from typing import Any

from aiohttp import web

KEEPALIVE_SECONDS = 15.0
_CLOSED: tuple[str, dict[str, Any]] = ("", {})


class EventHub:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[tuple[str, dict[str, Any]]]] = set()

    def publish(self, event: str, data: dict[str, Any]) -> None:
        for queue in self._queues:
            queue.put_nowait((event, data))

    def close(self) -> None:
        for queue in self._queues:
            queue.put_nowait(_CLOSED)

    async def stream(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self._queues.add(queue)
        try:
            await response.write(b": connected\n\n")
            while True:
                try:
                    event, data = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if not event:
                    break
                body = json.dumps(data, ensure_ascii=False)
                await response.write(f"event: {event}\ndata: {body}\n\n".encode())
            await response.write_eof()
        except ConnectionResetError:  # the page was closed
            pass
        finally:
            self._queues.discard(queue)
        return response

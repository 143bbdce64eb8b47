"""Paths for the machine itself, never for the public: `/healthz` here and, in a process
that runs Telegram, `/metrics` (bot/runtime/on_web.py). They answer only a request that
comes straight from this machine: from a loopback address and carrying none of the headers
a proxy adds (nginx relays from 127.0.0.1 too, but sets X-Forwarded-For). Any other request
gets the page every unknown address gets, so the public cannot tell they exist.

uvicorn runs with its proxy headers off (web/server.py), so the client address is the TCP
peer's, never one a header claims; the header check refuses a relayed request even if that
changes, and the README's nginx configuration denies both paths as well."""

import ipaddress
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from services.database.health import database_trouble
from web.state import web_state

PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def from_this_machine(request: Request) -> bool:
    peer = request.client.host if request.client else ""
    return is_loopback(peer) and not any(h in request.headers for h in PROXY_HEADERS)


# every method, so that a POST from elsewhere gets the not-found page too and not a 405
# that would tell the path exists
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def add_local_route(
    app: FastAPI, path: str, endpoint: Callable[[Request], Awaitable[Response]]
) -> None:
    """A GET `endpoint` at `path` for this machine only."""

    async def guarded(request: Request) -> Response:
        if not from_this_machine(request):
            raise HTTPException(status_code=404)  # the app's not-found page (web/app.py)
        if request.method not in ("GET", "HEAD"):
            return Response(status_code=405, headers={"Allow": "GET, HEAD"})
        return await endpoint(request)

    app.add_api_route(path, guarded, methods=METHODS, include_in_schema=False)


async def healthz(request: Request) -> Response:
    """For a load balancer or a watchdog on the machine: the database answers."""
    trouble = await database_trouble(web_state(request).ctx.sessions)
    if trouble is not None:
        return PlainTextResponse(f"database: {trouble}", status_code=503)
    return PlainTextResponse("ok")

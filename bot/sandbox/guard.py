"""The sandbox answers its own page only.

It runs on this machine, but any web page the trainee opens meanwhile could send requests
to it (a form or `fetch` aimed at http://127.0.0.1:8080), or reach it under another name
(DNS rebinding). So:

- every request must name the sandbox itself in its Host header (127.0.0.1, localhost or
  [::1] with the sandbox's port), else 421;
- a request that carries an Origin (browsers add it to every cross-site request, and to
  the page's own POSTs) must come from that same address, else 403; the bot's own calls to
  the Bot API emulator carry none;
- what changes something (every POST of the page's API) must carry the run's token, which
  only the page holds (`<meta name="sandbox-token">`, new at every start), in the
  X-Sandbox-Token header — a header no cross-site form can add — else 403; and a JSON body
  (a photo: multipart, to its one path), else 415."""

import hmac
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

TOKEN_HEADER = "X-Sandbox-Token"
TOKEN_META = '<meta name="sandbox-token" content="">'
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def own_hosts(address: str) -> set[str]:
    """The Host values that name the sandbox at `address` (http://host:port/)."""
    parts = urlsplit(address)
    if parts.port is None:
        return set()
    names = {*LOCAL_NAMES, parts.hostname or ""}
    return {f"{name}:{parts.port}" for name in names if name}


def with_token(page: str, token: str) -> str:
    return page.replace(TOKEN_META, f'<meta name="sandbox-token" content="{token}">', 1)


def guard(
    address: Callable[[], str], token: str, api: str, photo_path: Callable[[str], bool]
) -> Middleware:
    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        hosts = own_hosts(address())
        host = request.headers.get("Host", "")
        if host not in hosts:
            return web.Response(status=421, text="this is the sandbox of another address")
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"http://{host}":
            return web.Response(status=403, text="the sandbox answers its own page only")
        if request.method == "POST" and request.path.startswith(api + "/"):
            given = request.headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                return web.Response(status=403, text="the sandbox answers its own page only")
            multipart = request.content_type == "multipart/form-data"
            if request.content_type != "application/json" and not (
                multipart and photo_path(request.path)
            ):
                return web.Response(status=415, text="JSON, please")
        return await handler(request)

    return check

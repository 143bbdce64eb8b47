"""Telegram's webhook path and `/metrics` on the web app (web/app.py), for a process that
runs the web server: that server is then the process's only one, and neither the bot's
aiohttp server (WEBHOOK_HOST:WEBHOOK_PORT) nor the METRICS_PORT one is started. The
webhook answers as on the aiohttp server (bot/runtime/webhook.py); `/metrics`, like
`/healthz`, answers this machine only (web/local.py)."""

from fastapi import FastAPI
from prometheus_client.exposition import choose_encoder
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.runtime.metrics import Metrics
from bot.runtime.webhook import MAX_BODY, SECRET_HEADER, Webhook
from web.local import add_local_route


def add_metrics_route(app: FastAPI, metrics: Metrics) -> None:
    async def render(request: Request) -> Response:
        await metrics.refresh()
        encode, content_type = choose_encoder(request.headers.get("accept", ""))
        return Response(encode(metrics.registry), headers={"Content-Type": content_type})

    add_local_route(app, "/metrics", render)


async def _body(request: Request) -> bytes | None:
    """The request's body, or None past MAX_BODY (read no further than that)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


def add_webhook_route(app: FastAPI, webhook: Webhook, path: str) -> None:
    """POST `path`, ahead of the app's own routes and its /static mount."""

    async def receive(request: Request) -> Response:
        if not webhook.knows(request.headers.get(SECRET_HEADER, "")):
            return PlainTextResponse("wrong secret token", status_code=401)
        body = await _body(request)
        if body is None:
            return PlainTextResponse("an update is smaller than that", status_code=413)
        status, text = await webhook.take(body)
        return PlainTextResponse(text, status_code=status)

    app.router.routes.insert(0, Route(path, receive, methods=["POST"]))

"""The web app: FastAPI with the residents' pages and the staff desk (web/desk), the
headers every response carries and the state routes share. Built by the process that
serves it (server/), once the database has given the installation's form key.

It is the process's only HTTP server: besides the public pages it carries `/healthz`
(web/local.py, this machine only) and, when the process runs Telegram, `/metrics` and
Telegram's webhook path, added by bot/runtime/on_web.py (the web knows nothing of
Telegram)."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

from config.context import AppContext
from services.database.keys import application_server_key, site_key, vapid_pem
from web import local
from web.desk import auth as desk_auth
from web.desk import home as desk_home
from web.desk import joining as desk_joining
from web.desk import login as desk_login
from web.limits import Limiter
from web.rendering import Pages
from web.resident import case, filing, home, lookup, news
from web.security import Csrf, security_headers
from web.state import WebState, web_state

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 110 * 1024 * 1024


async def build_web_app(ctx: AppContext) -> FastAPI:
    async with ctx.sessions() as session:
        form_key = await site_key(session, "web-forms")
        push_key = application_server_key(await vapid_pem(session))
    settings = ctx.settings
    csrf = Csrf(form_key, secure=settings.public_url.startswith("https://"))
    app = FastAPI(
        title="Hòm thư số",
        docs_url=None,  # their pages load scripts from a CDN: the CSP and offline use forbid it
        redoc_url=None,
        openapi_url=None,  # the public API (Open311) comes with its own issue
        # without nginx in front (the embedded default) the app itself refuses a body larger
        # than any form it takes (10 files of 10 MB), before reading it; behind nginx,
        # client_max_body_size says the same earlier (README)
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.web = WebState(
        ctx=ctx,
        pages=Pages(ctx.tz, csrf),
        csrf=csrf,
        filings_per_address=Limiter(20, 3600),  # mobile networks share addresses (CGNAT)
        lookups_per_address=Limiter(10, 600),
        push_key=push_key,
    )
    app.add_middleware(BaseHTTPMiddleware, dispatch=security_headers(settings.web_embed_origins))

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(404, _not_found)
    for module in (home, filing, case, lookup, news):
        app.include_router(module.router)
    desk_auth.add_handler(app)
    for desk in (desk_login, desk_joining, desk_home):  # desk_home's catch-all path last
        app.include_router(desk.router)
    local.add_local_route(app, "/healthz", local.healthz)
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    """An unknown address, a missing static file and a path for this machine only asked
    from elsewhere all get the same page."""
    return web_state(request).pages.not_found(request)

"""The web app: FastAPI with the residents' pages, the headers every response carries and
the state routes share. Built by the process that serves it (server/), once the database
has given the installation's form key."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware

from config.context import AppContext
from services.database.keys import site_key
from web.limits import Limiter
from web.rendering import Pages
from web.resident import case, filing, home, lookup
from web.security import Csrf, security_headers
from web.state import WebState

STATIC = Path(__file__).resolve().parent / "static"


async def build_web_app(ctx: AppContext) -> FastAPI:
    async with ctx.sessions() as session:
        form_key = await site_key(session, "web-forms")
    settings = ctx.settings
    csrf = Csrf(form_key, secure=settings.public_url.startswith("https://"))
    app = FastAPI(
        title="Hòm thư số",
        docs_url=None,  # their pages load scripts from a CDN: the CSP and offline use forbid it
        redoc_url=None,
        openapi_url=None,  # the public API (Open311) comes with its own issue
    )
    app.state.web = WebState(
        ctx=ctx,
        pages=Pages(ctx.tz, csrf),
        csrf=csrf,
        filings_per_address=Limiter(20, 3600),  # mobile networks share addresses (CGNAT)
        lookups_per_address=Limiter(10, 600),
    )
    app.add_middleware(BaseHTTPMiddleware, dispatch=security_headers(settings.web_embed_origins))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (home, filing, case, lookup):
        app.include_router(module.router)
    return app

"""What the web's routes share: the application context, the pages, the form key, limits."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from config.context import AppContext
from web.limits import Limiter
from web.rendering import Pages
from web.security import Csrf, client_address


@dataclass
class WebState:
    ctx: AppContext
    pages: Pages
    csrf: Csrf
    filings_per_address: Limiter
    lookups_per_address: Limiter
    push_key: str  # the VAPID public key browsers subscribe with (applicationServerKey)

    def address(self, request: Request) -> str:
        return client_address(request, self.ctx.settings.proxies)


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


State = Annotated[WebState, Depends(web_state)]  # a route's parameter: `state: State`

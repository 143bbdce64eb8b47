"""Who is signed in: the desk's session cookie (HttpOnly, SameSite=Lax, Secure when
PUBLIC_URL is https), resolved against the database at every request. Anyone not signed
in is sent to /desk/login, with where they were going kept as a path of the desk only."""

import hashlib
import hmac
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.accounts import sessions
from services.accounts.sessions import DeskUser
from services.errors import DeskSessionEnded
from web.state import State, WebState

COOKIE = "desk_session"
LOGIN = "/desk/login"


class SignInNeeded(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def safe_next(raw: str | None) -> str:
    """Only a path of the desk: never a way to send someone to another site."""
    target = (raw or "").strip()
    if (
        not target.startswith("/desk")
        or target.startswith(LOGIN)
        or any(c in target for c in ("\\", "\r", "\n", "//"))
        or len(target) > 500
    ):
        return "/desk"
    return target


def address_hash(state: WebState, request: Request) -> str:
    """The address as a keyed hash: the sign-in counters keep no address."""
    key = state.csrf.key_for("desk-address")
    return hmac.new(key, state.address(request).encode(), hashlib.sha256).hexdigest()


def set_cookie(state: WebState, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(sessions.LIFETIME.total_seconds()),
        httponly=True,
        secure=state.csrf.secure,
        samesite="lax",
        path="/desk",
    )


def clear_cookie(state: WebState, response: Response) -> None:
    response.delete_cookie(
        COOKIE, path="/desk", httponly=True, secure=state.csrf.secure, samesite="lax"
    )


async def signed_in(request: Request, state: State) -> DeskUser:
    """A route's dependency: the signed-in person, or off to the sign-in page."""
    async with state.ctx.sessions() as session:
        try:
            return await sessions.resolve(
                session, request.cookies.get(COOKIE), state.ctx.clock.now()
            )
        except DeskSessionEnded:
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            # a form posted after the session ended is not sent again: back to the desk
            raise SignInNeeded(safe_next(path) if request.method == "GET" else "/desk") from None


Desk = Annotated[DeskUser, Depends(signed_in)]  # a route's parameter: `user: Desk`


async def _to_login(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInNeeded)
    target = LOGIN if exc.next_path == "/desk" else f"{LOGIN}?next={quote(exc.next_path)}"
    response = RedirectResponse(target, status_code=303)
    if request.cookies.get(COOKIE):
        clear_cookie(request.app.state.web, response)
    return response


def add_handler(app: FastAPI) -> None:
    app.add_exception_handler(SignInNeeded, _to_login)

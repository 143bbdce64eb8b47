"""Pages open without signing in, each behind a one-time secret in its address:
`/desk/password/{token}` sets a password (the link `pakn staff login-link` prints), and
`/desk/invite/{token}` makes its opener staff with a login and password of their choosing
(the link `pakn staff invite` prints beside Telegram's)."""

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.accounts import links
from services.accounts.joining import join_on_desk
from services.errors import (
    InvalidInput,
    InviteExpired,
    InviteNotFound,
    InviteRevoked,
    InviteUsed,
    LinkNotUsable,
    LoginTaken,
)
from services.people.invites import usable_invite
from web.security import CSRF_FIELD
from web.state import State

router = APIRouter()
PASSWORD_PAGE, INVITE_PAGE = "desk/password.html.j2", "desk/invite.html.j2"
INVITE_GONE = (InviteNotFound, InviteUsed, InviteRevoked, InviteExpired)


def _passwords(form: FormData) -> tuple[str, str | None]:
    """The new password, and what is wrong with it (None: nothing)."""
    password = str(form.get("password") or "")[:1000]
    if password != str(form.get("password2") or "")[:1000]:
        return password, "mismatch"
    return password, None


@router.get("/desk/password/{token}")
async def password_page(token: str, request: Request, state: State) -> Response:
    async with state.ctx.sessions() as session:
        try:
            _link, account = await links.open_link(session, token, state.ctx.clock.now())
        except LinkNotUsable:
            return state.pages.render(request, PASSWORD_PAGE, {"gone": True}, status=404)
    return state.pages.render(request, PASSWORD_PAGE, {"login": account.login, "token": token})


@router.post("/desk/password/{token}")
async def set_password(token: str, request: Request, state: State) -> Response:
    form = await request.form()
    password, problem = _passwords(form)
    async with state.ctx.sessions() as session:
        try:
            _link, account = await links.open_link(session, token, state.ctx.clock.now())
            context = {"login": account.login, "token": token}
            if not state.csrf.valid(request, str(form.get(CSRF_FIELD) or "")):
                problem = "expired"
            if problem:
                return state.pages.render(
                    request, PASSWORD_PAGE, {**context, "error": problem}, status=400
                )
            await links.use_link(session, token, password, state.ctx.clock.now())
        except LinkNotUsable:
            return state.pages.render(request, PASSWORD_PAGE, {"gone": True}, status=404)
        except InvalidInput as exc:
            return state.pages.render(
                request, PASSWORD_PAGE, {**context, "error": str(exc)}, status=400
            )
    return RedirectResponse("/desk/login?done=password", status_code=303)


@router.get("/desk/invite/{token}")
async def invite_page(token: str, request: Request, state: State) -> Response:
    async with state.ctx.sessions() as session:
        try:
            invite = await usable_invite(session, token[:100], state.ctx.clock.now())
        except INVITE_GONE:
            return state.pages.render(request, INVITE_PAGE, {"gone": True}, status=404)
    return state.pages.render(
        request, INVITE_PAGE, {"invite": invite, "token": token, "values": {}}
    )


@router.post("/desk/invite/{token}")
async def join(token: str, request: Request, state: State) -> Response:
    form = await request.form()
    password, problem = _passwords(form)
    values = {k: str(form.get(k) or "").strip()[:200] for k in ("login", "name")}
    async with state.ctx.sessions() as session:
        try:
            invite = await usable_invite(session, token[:100], state.ctx.clock.now())
            context = {"invite": invite, "token": token, "values": values}
            if not state.csrf.valid(request, str(form.get(CSRF_FIELD) or "")):
                problem = "expired"
            if problem:
                return state.pages.render(
                    request, INVITE_PAGE, {**context, "error": problem}, status=400
                )
            await join_on_desk(
                session,
                token[:100],
                login=values["login"],
                password=password,
                name=values["name"],
                now=state.ctx.clock.now(),
            )
        except INVITE_GONE:
            return state.pages.render(request, INVITE_PAGE, {"gone": True}, status=404)
        except LoginTaken:
            return state.pages.render(
                request, INVITE_PAGE, {**context, "error": "login_taken"}, status=409
            )
        except InvalidInput as exc:
            return state.pages.render(
                request, INVITE_PAGE, {**context, "error": str(exc)}, status=400
            )
    return RedirectResponse("/desk/login?done=joined", status_code=303)

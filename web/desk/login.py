"""`/desk/login` (fields `username`, `password`, and `otp` when asked) and `/desk/logout`
(POST). A refusal says the same whether the login exists or not."""

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.accounts import sessions, signin
from services.errors import (
    SecondFactorMissing,
    SecondFactorNeeded,
    SignInRefused,
    SignInSlowed,
)
from web.desk.auth import COOKIE, Desk, address_hash, clear_cookie, safe_next, set_cookie
from web.security import CSRF_FIELD
from web.state import State

router = APIRouter()
PAGE = "desk/login.html.j2"


@router.get("/desk/login")
async def login_page(request: Request, state: State, next: str = "") -> Response:
    notice = request.query_params.get("done")
    return state.pages.render(
        request,
        PAGE,
        {"next": safe_next(next), "username": "", "ask_otp": False, "notice": notice},
    )


@router.post("/desk/login")
async def log_in(request: Request, state: State) -> Response:
    form = await request.form()
    typed = str(form.get("username") or "")[:100]
    password = str(form.get("password") or "")[:1000]
    otp = str(form.get("otp") or "")[:20]
    target = safe_next(str(form.get("next") or ""))
    context = {"next": target, "username": typed.strip(), "ask_otp": bool(otp)}
    if not state.csrf.valid(request, str(form.get(CSRF_FIELD) or "")):
        return state.pages.render(request, PAGE, {**context, "error": "expired"}, status=400)
    now = state.ctx.clock.now()
    async with state.ctx.sessions() as session:
        try:
            account = await signin.sign_in(
                session, typed, password, otp, address_hash=address_hash(state, request), now=now
            )
        except SignInSlowed as slowed:
            until = slowed.args[0].astimezone(state.ctx.tz).strftime("%H:%M")
            return state.pages.render(
                request, PAGE, {**context, "error": "slowed", "until": until}, status=429
            )
        except SignInRefused:
            return state.pages.render(request, PAGE, {**context, "error": "refused"}, status=401)
        except SecondFactorNeeded:
            return state.pages.render(
                request, PAGE, {**context, "ask_otp": True, "error": "otp"}, status=401
            )
        except SecondFactorMissing:
            return state.pages.render(
                request, PAGE, {**context, "error": "otp_missing"}, status=403
            )
        token = await sessions.open_session(session, account, now)
    response = RedirectResponse(target, status_code=303)
    set_cookie(state, response, token)
    return response


@router.post("/desk/logout")
async def log_out(request: Request, state: State, user: Desk) -> Response:
    form = await request.form()
    if not state.csrf.valid(request, str(form.get(CSRF_FIELD) or "")):
        return RedirectResponse("/desk?error=expired", status_code=303)
    async with state.ctx.sessions() as session:
        await sessions.end_session(session, user, state.ctx.clock.now())
    response = RedirectResponse("/desk/login?done=logout", status_code=303)
    if request.cookies.get(COOKIE):
        clear_cookie(state, response)
    return response

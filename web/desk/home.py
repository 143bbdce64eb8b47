"""`/desk`: who is signed in, their communes (a person of several chooses the one they work
in, kept in the session), and that commune's open cases. Any other desk path is answered
only to someone signed in."""

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.accounts import sessions
from services.desk.worklist import open_cases
from services.errors import NotAuthorized
from web.desk.auth import Desk
from web.security import CSRF_FIELD
from web.state import State

router = APIRouter()


@router.get("/desk")
async def desk_home(request: Request, state: State, user: Desk) -> Response:
    cases = []
    if user.commune is not None and user.commune.id is not None:
        async with state.ctx.sessions() as session:
            cases = list(await open_cases(session, user.commune.id))
    return state.pages.render(
        request,
        "desk/home.html.j2",
        {"user": user, "cases": cases, "error": request.query_params.get("error")},
    )


@router.post("/desk/commune")
async def choose_commune(request: Request, state: State, user: Desk) -> Response:
    form = await request.form()
    if not state.csrf.valid(request, str(form.get(CSRF_FIELD) or "")):
        return RedirectResponse("/desk?error=expired", status_code=303)
    async with state.ctx.sessions() as session:
        try:
            await sessions.choose_commune(
                session, user, str(form.get("commune") or "")[:10], state.ctx.clock.now()
            )
        except NotAuthorized:
            return RedirectResponse("/desk?error=commune", status_code=303)
    return RedirectResponse("/desk", status_code=303)


@router.api_route("/desk/{rest:path}", methods=["GET", "POST"])
async def elsewhere(rest: str, request: Request, state: State, user: Desk) -> Response:
    """Not yet a page: signed in, the plain not-found page; otherwise the sign-in page."""
    return state.pages.not_found(request)
